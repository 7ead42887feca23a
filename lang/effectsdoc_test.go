package lang

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated docs")

// TestEffectsDoc keeps docs/effects.md equal to what the effect specs
// say. Run with -update after changing an effect.
func TestEffectsDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "effects.md")
	want := EffectsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/effects.md is out of date: run go test ./lang -run TestEffectsDoc -update")
	}
}
