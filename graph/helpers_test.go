package graph

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/lang"
)

// writeWAV writes planar samples as a 32-bit float WAV, which stores the
// test values used here (multiples of 1/1024) exactly.
func writeWAV(t testing.TB, path string, rate int, chans ...[]float64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := audiofile.Create(path, rate, len(chans), audiofile.Encoding{BitDepth: 32, Float: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(chans); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

// readWAV reads a whole WAV file as planar samples.
func readWAV(t testing.TB, path string) [][]float64 {
	t.Helper()
	r, err := audiofile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	info := r.Info()
	out := make([][]float64, info.Channels)
	for ch := range out {
		out[ch] = make([]float64, info.Frames)
	}
	got := 0
	for got < int(info.Frames) {
		view := make([][]float64, info.Channels)
		for ch := range view {
			view[ch] = out[ch][got:]
		}
		n, err := r.Read(view)
		got += n
		if err != nil {
			break
		}
	}
	return out
}

// ramp returns n samples i/1024 * scale, exact in float32.
func ramp(n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i%512) / 1024 * scale
	}
	return x
}

// buildMix writes src as a mix file in dir and compiles it.
func buildMix(t testing.TB, dir, src string) (*Graph, hcl.Diagnostics) {
	t.Helper()
	file := filepath.Join(dir, "test.mix.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, diags := lang.NewParser().LoadMix(file, lang.Options{})
	if diags.HasErrors() {
		return nil, diags
	}
	g, more := Build(m)
	return g, append(diags, more...)
}

func mustBuild(t testing.TB, dir, src string) *Graph {
	t.Helper()
	g, diags := buildMix(t, dir, src)
	if diags.HasErrors() {
		t.Fatalf("build: %s", diags)
	}
	return g
}

// renderMaster renders g and returns the master as planar stereo.
func renderMaster(t testing.TB, g *Graph, opts Options) [][]float64 {
	t.Helper()
	e, err := NewEngine(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	out := [][]float64{nil, nil}
	for {
		b, err := e.Next(context.Background())
		if err != nil {
			if strings.Contains(err.Error(), "EOF") {
				return out
			}
			t.Fatal(err)
		}
		out[0] = append(out[0], b[0]...)
		out[1] = append(out[1], b[1]...)
	}
}

func wavRate(t testing.TB, path string) int {
	t.Helper()
	info, err := audiofile.ReadInfo(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.SampleRate
}

func writeFile(t testing.TB, path, src string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}
