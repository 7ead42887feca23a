package lang

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var hclFence = regexp.MustCompile("(?s)```hcl\n(.*?)```")

// TestDocExamples loads every ```hcl example in the README and docs/ as a
// mix file: the documentation's examples must stay valid. (Source files
// need not exist: loading checks the language, not the audio.)
func TestDocExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	files = append(files, filepath.Join("..", "README.md"))
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range hclFence.FindAllSubmatch(src, -1) {
			n++
			path := filepath.Join(t.TempDir(), "example.mix.hcl")
			os.WriteFile(path, m[1], 0o644)
			_, diags := NewParser().LoadMix(path, Options{})
			if diags.HasErrors() {
				t.Errorf("%s, example %d: %s", filepath.Base(f), i+1, diags)
			}
		}
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}
