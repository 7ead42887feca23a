package graph

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/lang"
)

// FuzzBuild compiles arbitrary mixes in a small project (a.wav mono
// 48 kHz, b.wav stereo 44.1 kHz, ir.wav stereo 48 kHz): nothing may
// panic, every error points into the mix, and whatever compiles reads
// only files inside the project, writes no output over an input, and
// lasts no longer than the render limit. Seeds: testdata/fuzz/FuzzBuild,
// lang's test mixes and the CLI's broken mixes.
//
//	go test ./graph -run '^$' -fuzz FuzzBuild -fuzztime 3m -fuzzminimizetime 2s
func FuzzBuild(f *testing.F) {
	dir := f.TempDir()
	writeWAV(f, filepath.Join(dir, "a.wav"), 48000, ramp(480, 1))
	writeWAV(f, filepath.Join(dir, "b.wav"), 44100, ramp(441, 1), ramp(441, -1))
	writeWAV(f, filepath.Join(dir, "ir.wav"), 48000, ramp(64, 1), ramp(64, 1))
	root, err := lang.RealPath(dir)
	if err != nil {
		f.Fatal(err)
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "lang", "testdata", "*", "*.hcl"))
	broken, _ := filepath.Glob(filepath.Join("..", "cmd", "mixdown", "testdata", "broken", "mix", "*.hcl"))
	for _, s := range append(seeds, broken...) {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	file := filepath.Join(dir, "fuzz.mix.hcl")
	f.Fuzz(func(t *testing.T, src []byte) {
		m, diags := lang.NewParser().LoadMixSource(file, src, lang.Options{})
		if m != nil && !diags.HasErrors() {
			g, more := Build(m)
			diags = append(diags, more...)
			if g != nil {
				checkBuilt(t, g, root)
			}
		}
		for _, d := range diags {
			if d.Severity == hcl.DiagError && (d.Subject == nil || d.Subject.Filename != file) {
				t.Fatalf("error without a place in the mix: %#v", d)
			}
		}
	})
}

// checkBuilt checks what a compiled graph may touch.
func checkBuilt(t *testing.T, g *Graph, root string) {
	inside := func(what, path string) {
		real, err := lang.RealPath(path)
		if err != nil || !lang.Within(root, real) {
			t.Fatalf("%s %q (%q, %v) is outside the project", what, path, real, err)
		}
	}
	inputs := map[string]bool{}
	for _, tr := range g.Tracks {
		inside("source", tr.Model.SourcePath)
		inputs[tr.Model.SourcePath] = true
		for _, e := range tr.Effects {
			if v := e.Model.Get("ir"); v != nil {
				inside("impulse response", v.Path)
				inputs[v.Path] = true
			}
		}
	}
	for _, o := range g.Outputs {
		inside("output", o.Path)
		if inputs[o.Path] {
			t.Fatalf("output %q overwrites an input", o.Path)
		}
	}
	limit := g.Mix.Limits.OrDefaults().MaxRenderSeconds
	if s := float64(g.Frames)/float64(g.SampleRate) + g.Mix.TailSeconds; s > limit {
		t.Fatalf("a render of %v s compiled", s)
	}
}
