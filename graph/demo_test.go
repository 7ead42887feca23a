package graph

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mixdown/mixdown/lang"
)

// TestDemo renders the bundled demo, as the README's first command does
// (into a temp folder), and checks its outputs meet their targets.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 21 s of audio")
	}
	m, diags := lang.NewParser().LoadMix(filepath.Join("..", "examples", "demo", "demo.mix.hcl"), lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	g, diags := Build(m)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var lock struct {
		Outputs map[string]struct {
			SHA256 string `json:"sha256"`
		} `json:"outputs"`
	}
	raw, err := os.ReadFile(filepath.Join("..", "examples", "demo", "demo.mix.hcl.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, o := range g.Outputs {
		o.Path = filepath.Join(dir, filepath.Base(o.Path))
	}
	res, err := Render(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		tg := g.Mix.Output(r.Address[len("output."):]).EffectiveTarget(g.Mix)
		l := r.Loudness
		if math.Abs(l.IntegratedLUFS-tg.LoudnessLUFS) > 0.1 || l.TruePeakDBTP > tg.TruePeakDBTP {
			t.Errorf("%s: %.2f LUFS %.2f dBTP, want %.1f LUFS, at most %.1f dBTP", r.Address, l.IntegratedLUFS, l.TruePeakDBTP, tg.LoudnessLUFS, tg.TruePeakDBTP)
		}
		if len(r.Warnings) > 0 {
			t.Errorf("%s: warnings %v", r.Address, r.Warnings)
		}
		// The committed render lock pins the demo's bytes: any change to
		// what a render produces shows here. When a change is meant,
		// re-render the demo (go run ./cmd/mixdown render
		// examples/demo/demo.mix.hcl) and commit the new lock.
		name := r.Address[len("output."):]
		if want := lock.Outputs[name].SHA256; r.SHA256 != want {
			t.Errorf("%s: sha256 %s, but the committed lock says %s", r.Address, r.SHA256, want)
		}
	}
}
