package graph

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestLatencyCompensation: the same source on two tracks, one through a
// lookahead limiter that never engages, the other polarity-inverted, nulls
// to silence: the graph delays the dry path by the limiter's latency.
func TestLatencyCompensation(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, noise(20000, 9, 0.25))
	for _, chain := range []string{
		`limiter {
    ceiling   = -1
    lookahead = 5
    true_peak = true
  }`,
		`compressor {
    threshold = 0
    lookahead = 3.3
  }
  limiter { lookahead = 1 }`,
	} {
		g := mustBuild(t, dir, `
track "wet" {
  source = "x.wav"
  output = bus.fx
  `+chain+`
}
track "dry" {
  source   = "x.wav"
  polarity = true
}
bus "fx" {}
`)
		for _, bs := range []int{1, 64, 1000} {
			e, err := NewEngine(g, Options{BlockSize: bs})
			if err != nil {
				t.Fatal(err)
			}
			if e.Latency() == 0 {
				t.Fatalf("chain %q reports no latency", chain)
			}
			e.Close()
			out := renderMaster(t, g, Options{BlockSize: bs})
			if len(out[0]) != 20000 {
				t.Errorf("block %d: %d frames, want 20000 (latency compensated, no tail)", bs, len(out[0]))
			}
			for i := range out[0] {
				if out[0][i] != 0 || out[1][i] != 0 {
					t.Fatalf("block %d: frame %d = (%g, %g), want exact silence", bs, i, out[0][i], out[1][i])
				}
			}
		}
	}
}

// TestOutputAlignedWithSources: a lookahead on the master does not shift
// the song: the output starts at the sources' first sample.
func TestOutputAlignedWithSources(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 4800)
	x[100] = 0.5 // an impulse at frame 100
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
}
master {
  limiter {
    ceiling   = 0
    lookahead = 10
  }
}
`)
	out := renderMaster(t, g, Options{BlockSize: 256})
	if out[0][100] != 0.5 {
		t.Errorf("impulse at frame 100 = %v, want 0.5 (the limiter, below its ceiling, passes it bit-identically)", out[0][100])
	}
	for i, v := range out[0] {
		if i != 100 && v != 0 {
			t.Fatalf("frame %d = %v, want 0", i, v)
		}
	}
}

// TestTail: a delay rings on past the end of its source, until its
// echoes fall below -100 dBFS; the length is the same for every block
// size, and mix.tail caps it.
func TestTail(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 4800)
	x[0] = 0.5
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	src := `
track "x" {
  source = "x.wav"
  pan    = -1
  delay {
    time     = 100
    feedback = 0.5
    mix      = 1
  }
}
`
	g := mustBuild(t, dir, src)
	// Echo k (k >= 1) is at 4800k with amplitude 0.5 * 0.5^(k-1); the
	// last one at or above 1e-5 is k = 16 (0.5^16 = 1.5e-5).
	wantLen := 4800*16 + 1
	for _, bs := range []int{1, 7, 64, 4096} {
		out := renderMaster(t, g, Options{BlockSize: bs})
		if len(out[0]) != wantLen {
			t.Errorf("block %d: length %d, want %d", bs, len(out[0]), wantLen)
			continue
		}
		if got, want := out[0][4800*16], 0.5*math.Pow(0.5, 15); math.Abs(got-want) > 1e-12 {
			t.Errorf("last echo %v, want %v", got, want)
		}
	}

	capped := mustBuild(t, dir, "mix {\n  tail = 0.25\n}\n"+strings.Replace(src, "0.5\n", "1\n", 1))
	out := renderMaster(t, capped, Options{BlockSize: 333})
	if want := 4800 + 12000; len(out[0]) > want {
		t.Errorf("capped tail: length %d, want at most %d", len(out[0]), want)
	}
}

// TestSidechain: a compressor keyed by another track reduces its own
// track only while the key is loud.
func TestSidechain(t *testing.T) {
	dir := t.TempDir()
	const n = 48000
	kick := make([]float64, n)
	for i := n / 2; i < n; i++ {
		kick[i] = 0.9 // loud in the second half
	}
	bass := make([]float64, n)
	for i := range bass {
		bass[i] = 0.1 * math.Sin(2*math.Pi*100*float64(i)/48000)
	}
	writeWAV(t, filepath.Join(dir, "kick.wav"), 48000, kick)
	writeWAV(t, filepath.Join(dir, "bass.wav"), 48000, bass)
	g := mustBuild(t, dir, `
track "kick" {
  source = "kick.wav"
  mute   = true
}
track "bass" {
  source = "bass.wav"
  pan    = -1
  compressor {
    threshold = -30
    ratio     = 10
    knee      = 0
    attack    = 1
    release   = 50
    sidechain = track.kick
  }
}
`)
	out := renderMaster(t, g, Options{BlockSize: 100})
	peak := func(from, to int) float64 {
		p := 0.0
		for _, v := range out[0][from:to] {
			p = math.Max(p, math.Abs(v))
		}
		return p
	}
	if q := peak(0, n/2-100); math.Abs(q-0.1) > 1e-3 {
		t.Errorf("quiet key: bass peak %v, want 0.1 (untouched)", q)
	}
	// The key is the kick's pre-fader signal: mono 0.9 placed at centre,
	// -3.93 dBFS; 26.07 dB over threshold at ratio 10 takes 23.46 dB off.
	keyDB := dbOf(0.9 * math.Sqrt2 / 2)
	want := -20 - (keyDB+30)*(1-1.0/10)
	if l := peak(n-4800, n); math.Abs(dbOf(l)-want) > 0.2 {
		t.Errorf("loud key: bass peak %.2f dBFS, want %.2f", dbOf(l), want)
	}
}

func dbOf(x float64) float64 { return 20 * math.Log10(x) }

// TestEffectsDeterminism: a mix using every effect renders the same bytes
// for every block size and worker count.
func TestEffectsDeterminism(t *testing.T) {
	dir := t.TempDir()
	const n = 3000
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(n, 11, 0.4))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(n, 12, 0.3), noise(n, 13, 0.3))
	ir := noise(2000, 14, 0.05)
	for i := range ir {
		ir[i] *= math.Exp(-float64(i) / 300)
	}
	writeWAV(t, filepath.Join(dir, "ir.wav"), 48000, ir)
	src := `
mix {
  tempo = 120
  tail  = 0.3
}
track "a" {
  source = "a.wav"
  eq {
    highpass { freq = 40, slope = 24 }
    bell { freq = 300, gain = -3, q = 1 }
    highshelf { freq = 10000, gain = 1.5 }
  }
  compressor { threshold = -20, ratio = 3, attack = 10, release = 100, lookahead = 2 }
  gate { threshold = -60 }
  deesser { freq = 6000, threshold = -30 }
  saturation { drive = 6, type = "tape" }
  output = bus.band
  send {
    to    = bus.verb
    level = -10
  }
}
track "b" {
  source = "b.wav"
  stereo { width = 1.3, mono_below = 120 }
  delay { time = "1/16", feedback = 0.3, pingpong = true, highcut = 5000 }
  compressor { sidechain = track.a, threshold = -30 }
  send {
    to        = bus.conv
    pre_fader = true
  }
}
bus "band" {
  compressor { ratio = 2, detector = "rms" }
}
bus "verb" {
  reverb { decay = 0.4, mix = 1 }
}
bus "conv" {
  reverb { ir = "ir.wav", mix = 1 }
}
master {
  limiter { ceiling = -1, true_peak = true }
}
output "o" {
  file      = "out/o.wav"
  bit_depth = "float"
}
`
	g := mustBuild(t, dir, src)
	checkAllocs(t, g)
	var ref string
	for _, opts := range []Options{{}, {BlockSize: 1}, {BlockSize: 7}, {BlockSize: 64}, {BlockSize: 4096}, {BlockSize: 100, Workers: 1}, {BlockSize: 100, Workers: 3}} {
		res, err := Render(context.Background(), g, opts)
		if err != nil {
			t.Fatal(err)
		}
		if ref == "" {
			ref = res[0].SHA256
			if res[0].Frames <= n {
				t.Errorf("no tail rendered: %d frames", res[0].Frames)
			}
			continue
		}
		if res[0].SHA256 != ref {
			t.Errorf("%+v: %s, want %s", opts, res[0].SHA256, ref)
		}
	}
}

// checkAllocs asserts that whole-graph blocks allocate nothing.
func checkAllocs(t *testing.T, g *Graph) {
	t.Helper()
	for _, workers := range []int{1, 3} {
		e, err := NewEngine(g, Options{BlockSize: 16, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		e.Next(ctx) // the first read sizes the readers' buffers
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := e.Next(ctx); err != nil {
				t.Fatal(err)
			}
		})
		e.Close()
		if allocs != 0 {
			t.Errorf("workers %d: %v allocations per block, want 0", workers, allocs)
		}
	}
}

// TestDelayNoteValue: a note-value delay time resolves against mix.tempo
// to the exact sample: at 120 BPM a dotted eighth is 375 ms, 18000 samples
// at 48 kHz, and each echo is the feedback ratio quieter.
func TestDelayNoteValue(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 100)
	x[0] = 0.5
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	g := mustBuild(t, dir, `
mix { tempo = 120 }
track "x" {
  source = "x.wav"
  pan    = -1
  delay {
    time     = "1/8d"
    feedback = 0.5
    mix      = 1
  }
}
`)
	out := renderMaster(t, g, Options{BlockSize: 77})
	for i, v := range out[0] {
		k := i / 18000
		want := 0.0
		if i%18000 == 0 && k >= 1 {
			want = 0.5 * math.Pow(0.5, float64(k-1))
		}
		if v != want {
			t.Fatalf("frame %d = %v, want %v", i, v, want)
		}
	}
	if len(out[0]) < 3*18000+1 {
		t.Errorf("only %d frames: the echoes were cut", len(out[0]))
	}
}
