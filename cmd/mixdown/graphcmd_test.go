package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

// writeTone writes half a second of a 440 Hz tone (long enough for one
// loudness gating block).
func writeTone(t *testing.T, path string, rate, chans int) {
	t.Helper()
	w, err := audiofile.Create(path, rate, chans, audiofile.Encoding{BitDepth: 16})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([][]float64, chans)
	for ch := range buf {
		buf[ch] = make([]float64, rate/2)
		for i := range buf[ch] {
			buf[ch][i] = 0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(rate))
		}
	}
	if err := w.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func buildMix(t *testing.T, path string, vars ...string) *graph.Graph {
	t.Helper()
	var args []lang.VarArg
	for _, v := range vars {
		args = append(args, lang.VarArg{Value: v})
	}
	m, diags := lang.NewParser().LoadMix(path, lang.Options{Vars: args})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	g, diags := graph.Build(m)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return g
}

// TestGraphLatencyMatchesEngine: the master latency graph works out from
// each effect's latency and the routing is the one the render
// compensates, whatever is muted.
func TestGraphLatencyMatchesEngine(t *testing.T) {
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "a.wav"), 48000, 1)
	writeTone(t, filepath.Join(dir, "b.wav"), 48000, 2)
	mix := filepath.Join(dir, "m.mix.hcl")
	os.WriteFile(mix, []byte(`
variable "mute_sat" { default = false }
variable "mute_bus" { default = false }
track "a" {
  source = "a.wav"
  output = bus.x
  saturation { drive = 6 }
}
track "b" {
  source = "b.wav"
  mute   = var.mute_sat
  saturation { drive = 3 }
  saturation { drive = 3 }
  send {
    to    = bus.y
    level = -6
  }
}
track "c" {
  source = "a.wav"
  compressor { lookahead = 3, sidechain = track.a }
  output = bus.y
}
bus "x" {
  mute = var.mute_bus
  limiter { ceiling = -2 }
  output = bus.y
}
bus "y" {
  compressor { lookahead = 1 }
}
master {
  limiter { ceiling = -1, true_peak = true }
}
output "o" { file = "o.wav" }
`), 0o644)
	for _, vars := range [][]string{nil, {"mute_sat=true"}, {"mute_bus=true"}, {"mute_sat=true", "mute_bus=true"}} {
		g := buildMix(t, mix, vars...)
		sg, err := buildSignalGraph(g)
		if err != nil {
			t.Fatal(err)
		}
		e, err := graph.NewEngine(g, graph.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := e.Latency()
		e.Close()
		if sg.masterLatency != want || want == 0 {
			t.Errorf("vars %v: graph says %d samples, the engine %d", vars, sg.masterLatency, want)
		}
	}
}

// TestGraphDemo: the demo's graph has every node, a line per node and
// edge, its master latency is the engine's, and it prints the same twice.
func TestGraphDemo(t *testing.T) {
	g := buildMix(t, filepath.Join("..", "..", "examples", "demo", "demo.mix.hcl"))
	sg, err := buildSignalGraph(g)
	if err != nil {
		t.Fatal(err)
	}
	e, err := graph.NewEngine(g, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if sg.masterLatency != e.Latency() {
		t.Errorf("master latency %d, engine %d", sg.masterLatency, e.Latency())
	}
	var a, b bytes.Buffer
	writeDOT(&a, sg)
	writeDOT(&b, sg)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs differ")
	}
	for _, addr := range []string{"track.drums", "track.guitar.saturation", "bus.horns.stereo", "bus.echo.delay", "master.limiter", "output.broadcast"} {
		if !strings.Contains(a.String(), "\n  \""+addr+"\" [label=") {
			t.Errorf("no node %s", addr)
		}
	}
	if n := strings.Count(a.String(), " -> "); n != len(sg.edges) {
		t.Errorf("%d edges printed, %d built", n, len(sg.edges))
	}
}
