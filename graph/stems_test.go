package graph

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/lang"
)

const stemsMix = `
track "kick" {
  source = "a.wav"
  output = bus.drums
}
track "snare" {
  source = "b.wav"
  pan    = 0.3
  output = bus.drums
}
track "keys" {
  source = "c.wav"
  gain   = -3
  output = bus.music
  send { to = bus.music_verb }
}
bus "drums" { gain = -2 }
bus "music" {}
bus "music_verb" {
  output = bus.music
  reverb { decay = 0.3, mix = 1 }
}
master {
  limiter {
    ceiling   = 0
    lookahead = 3
  }
}
output "master" {
  file      = "out/master.wav"
  bit_depth = "float"
}
output "drums" {
  file         = "out/drums.wav"
  bit_depth    = "float"
  from         = bus.drums
  master_chain = true
}
output "music" {
  file         = "out/music.wav"
  bit_depth    = "float"
  from         = bus.music
  master_chain = true
}
output "drums_dry" {
  file      = "out/drums-dry.wav"
  bit_depth = "float"
  from      = bus.drums
}
`

func stemsFixture(t *testing.T) string {
	dir := t.TempDir()
	const n = 24000
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(n, 21, 0.2))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(n, 22, 0.2))
	writeWAV(t, filepath.Join(dir, "c.wav"), 48000, noise(n, 23, 0.2), noise(n, 24, 0.2))
	return dir
}

// TestStemsSumToMaster: with master_chain and a transparent master chain
// (a limiter that never engages, with lookahead), the stems sum back to
// the master within 1e-6, and all come from one pass over the graph.
func TestStemsSumToMaster(t *testing.T) {
	dir := stemsFixture(t)
	g := mustBuild(t, dir, stemsMix)
	var stats Stats
	res, err := Render(context.Background(), g, Options{BlockSize: 333, Stats: &stats})
	if err != nil {
		t.Fatal(err)
	}
	master := readWAV(t, filepath.Join(dir, "out", "master.wav"))
	drums := readWAV(t, filepath.Join(dir, "out", "drums.wav"))
	music := readWAV(t, filepath.Join(dir, "out", "music.wav"))
	if len(drums[0]) != len(master[0]) || len(music[0]) != len(master[0]) {
		t.Fatalf("stem lengths %d, %d; master %d", len(drums[0]), len(music[0]), len(master[0]))
	}
	worst := 0.0
	for ch := range master {
		for i := range master[ch] {
			worst = math.Max(worst, math.Abs(drums[ch][i]+music[ch][i]-master[ch][i]))
		}
	}
	if worst > 1e-6 {
		t.Errorf("stems differ from the master by up to %g", worst)
	}

	// One pass: the graph ran as many frames as a render of the master
	// alone.
	plain := mustBuild(t, dir, stemsMix[:strings.Index(stemsMix, `output "master"`)]+`
output "master" {
  file      = "out/alone.wav"
  bit_depth = "float"
}
`)
	var alone Stats
	if _, err := Render(context.Background(), plain, Options{BlockSize: 333, Stats: &alone}); err != nil {
		t.Fatal(err)
	}
	if stats.RawFrames != alone.RawFrames {
		t.Errorf("with stems the graph ran %d frames; the master alone takes %d: not one pass", stats.RawFrames, alone.RawFrames)
	}
	if len(res) != 4 {
		t.Fatalf("%d results", len(res))
	}
	checkAllocs(t, g)
}

// TestStemDefaultIsPostFader: a stem without master_chain is the bus's
// post-fader output on the song's timeline, whatever latency the master
// chain adds.
func TestStemDefaultIsPostFader(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 4800)
	x[100] = 0.5
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  output = bus.b
}
bus "b" { gain = -6.0206 }
master {
  limiter { lookahead = 7 }
}
output "stem" {
  file      = "stem.wav"
  bit_depth = "float"
  from      = bus.b
}
`)
	if _, err := Render(context.Background(), g, Options{BlockSize: 64}); err != nil {
		t.Fatal(err)
	}
	stem := readWAV(t, filepath.Join(dir, "stem.wav"))
	want := float64(float32(0.5 * math.Pow(10, -6.0206/20)))
	for i, v := range stem[0] {
		if i == 100 && math.Abs(v-want) > 1e-7 || i != 100 && v != 0 {
			t.Fatalf("stem frame %d = %v (want the impulse, %v, at frame 100 only)", i, v, want)
		}
	}
}

// TestInstrumentalVariant: the documented variant pattern, mute =
// var.instrumental, renders the vocal silent.
func TestInstrumentalVariant(t *testing.T) {
	dir := stemsFixture(t)
	src := `
variable "instrumental" { default = false }
track "band" { source = "c.wav" }
track "vocal" {
  source = "a.wav"
  mute   = var.instrumental
}
output "o" {
  file      = "o.wav"
  bit_depth = "float"
}
`
	render := func(vars []lang.VarArg) [][]float64 {
		file := filepath.Join(dir, "v.mix.hcl")
		writeFile(t, file, src)
		m, diags := lang.NewParser().LoadMix(file, lang.Options{Vars: vars})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		g, diags := Build(m)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if _, err := Render(context.Background(), g, Options{}); err != nil {
			t.Fatal(err)
		}
		return readWAV(t, filepath.Join(dir, "o.wav"))
	}
	inst := render([]lang.VarArg{{Value: "instrumental=true"}})
	full := render(nil)
	band := mustBuild(t, dir, `
track "band" { source = "c.wav" }
output "o" {
  file      = "o.wav"
  bit_depth = "float"
}
`)
	if _, err := Render(context.Background(), band, Options{}); err != nil {
		t.Fatal(err)
	}
	want := readWAV(t, filepath.Join(dir, "o.wav"))
	same := func(a, b [][]float64) bool {
		for ch := range a {
			for i := range a[ch] {
				if a[ch][i] != b[ch][i] {
					return false
				}
			}
		}
		return true
	}
	if !same(inst, want) {
		t.Error("the instrumental is not the band alone")
	}
	if same(full, want) {
		t.Error("the full mix has no vocal")
	}
}
