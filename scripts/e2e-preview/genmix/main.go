// Command genmix writes the small mix the preview page's browser test
// edits: two generated stems (8 s, 44.1 kHz, 24-bit) and a mix file with
// one output without a target (so a fader move changes its loudness) and
// one mastered to EBU R 128.
//
//	go run ./scripts/e2e-preview/genmix [-seconds N] DIR
//
// -seconds makes longer stems, to try the page with a full-length song.
//
// The stems are deterministic: the same bytes on every machine.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/mixdown/mixdown/dsp/audiofile"
)

const rate = 44100

var seconds = 8

// Mix is the mix file. The browser test changes the chord's gain (the line
// with "gain = -6") and checks the page shows the new loudness and the
// change.
const Mix = `# The preview page's browser test mix (scripts/e2e-preview/genmix).
mix {
  sample_rate = 44100
}

track "chord" {
  source = "stems/chord.wav"
  gain   = -6
  pan    = -0.2

  eq {
    bell { freq = 440, gain = 2, q = 1 }
  }
  compressor { threshold = -20, ratio = 2, attack = 10, release = 100 }
}

track "ticks" {
  source = "stems/ticks.wav"
  gain   = -10
  pan    = 0.3
}

output "main" {
  file      = "out/song.wav"
  bit_depth = 24
}

output "broadcast" {
  file = "out/song-r128.wav"
  target { preset = "ebu-r128" }
}
`

func main() {
	flag.IntVar(&seconds, "seconds", 8, "length of the stems")
	flag.Parse()
	if flag.NArg() != 1 || seconds < 1 {
		fmt.Fprintln(os.Stderr, "usage: genmix [-seconds N] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "genmix:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "stems"), 0o755); err != nil {
		return err
	}
	n := rate * seconds
	// An A major chord with a slow swell: the short-term loudness moves.
	chord := make([]float64, n)
	for i := range chord {
		t := float64(i) / rate
		swell := 0.6 + 0.4*math.Sin(2*math.Pi*t/float64(seconds)-math.Pi/2)
		v := 0.0
		for _, f := range []float64{220, 277.18, 329.63, 440} {
			v += math.Sin(2 * math.Pi * f * t)
		}
		chord[i] = 0.2 * swell * v
	}
	// Noise ticks every quarter second, decaying: a hi-hat's transients.
	ticks := make([]float64, n)
	x := uint32(2463534242) // xorshift32: deterministic noise
	for i := range ticks {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise := float64(x)/float64(1<<31) - 1
		age := float64(i%(rate/4)) / rate
		ticks[i] = 0.5 * noise * math.Exp(-age*40)
	}
	for _, st := range []struct {
		name string
		x    []float64
	}{{"chord", chord}, {"ticks", ticks}} {
		w, err := audiofile.Create(filepath.Join(dir, "stems", st.name+".wav"), rate, 1, audiofile.PCM24)
		if err != nil {
			return err
		}
		defer w.Abort() // a no-op after Commit
		if err := w.Write([][]float64{st.x}); err != nil {
			return err
		}
		if err := w.Commit(); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "song.mix.hcl"), []byte(Mix), 0o644)
}
