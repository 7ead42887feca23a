package graph

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

func TestPanLaw(t *testing.T) {
	// Mono: constant power, -3.01 dB per side at centre.
	l, r := PanGains(0, false)
	if l != r {
		t.Errorf("centre not symmetric: %v %v", l, r)
	}
	if math.Abs(l-math.Sqrt2/2) > 1e-15 {
		t.Errorf("centre gain %v, want 1/sqrt(2)", l)
	}
	if db := dsp.GainToDB(l); math.Abs(db-(-3.0103)) > 1e-4 {
		t.Errorf("centre %.4f dB, want -3.0103", db)
	}
	for _, p := range []float64{-1, -0.7, -0.25, 0, 0.3, 0.9, 1} {
		l, r := PanGains(p, false)
		if pw := l*l + r*r; math.Abs(pw-1) > 1e-12 {
			t.Errorf("pan %v: power %v, want 1", p, pw)
		}
		ml, mr := PanGains(-p, false)
		if ml != r || mr != l {
			t.Errorf("pan %v not mirrored by %v: (%v,%v) vs (%v,%v)", p, -p, l, r, ml, mr)
		}
	}
	if l, r := PanGains(-1, false); l != 1 || r != 0 {
		t.Errorf("hard left = (%v, %v), want (1, 0)", l, r)
	}
	if l, r := PanGains(1, false); l != 0 || r != 1 {
		t.Errorf("hard right = (%v, %v), want (0, 1)", l, r)
	}

	// Stereo: balance, unity at centre, the far side falls as cos(p·π/2).
	if l, r := PanGains(0, true); l != 1 || r != 1 {
		t.Errorf("stereo centre = (%v, %v), want (1, 1)", l, r)
	}
	if l, r := PanGains(0.5, true); r != 1 || math.Abs(dsp.GainToDB(l)-(-3.0103)) > 1e-4 {
		t.Errorf("stereo 0.5 = (%v, %v), want (-3.01 dB, 1)", l, r)
	}
	if l, r := PanGains(1, true); l != 0 || r != 1 {
		t.Errorf("stereo hard right = (%v, %v), want (0, 1)", l, r)
	}
	if l, r := PanGains(-1, true); l != 1 || r != 0 {
		t.Errorf("stereo hard left = (%v, %v), want (1, 0)", l, r)
	}
}

func TestRoutingAndSumming(t *testing.T) {
	dir := t.TempDir()
	const n = 3000
	xa := ramp(n, 1)
	xbL, xbR := ramp(n, 0.5), ramp(n, -0.25)
	xc := ramp(n, 0.75)
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, xa)
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, xbL, xbR)
	writeWAV(t, filepath.Join(dir, "c.wav"), 48000, xc[:n/2])
	g := mustBuild(t, dir, `
track "a" {
  source = "a.wav"
  pan    = -1
  output = bus.band
}
track "b" {
  source = "b.wav"
  send {
    to    = bus.verb
    level = -6
  }
}
track "c" {
  source = "c.wav"
  gain   = -20
  output = bus.band
  send {
    to        = bus.verb
    pre_fader = true
  }
}
bus "band" {
  pan = 0.5
}
bus "verb" {
  gain     = -3
  polarity = true
}
`)
	if g.Frames != n {
		t.Fatalf("render length %d, want the longest track, %d", g.Frames, n)
	}
	got := renderMaster(t, g, Options{BlockSize: 64})

	gs := dsp.DBToGain(-6)
	cFader := dsp.DBToGain(-20)
	centre, _ := PanGains(0, false)
	bandL, _ := PanGains(0.5, true)
	verbG := dsp.DBToGain(-3)
	for i := 0; i < n; i++ {
		c := 0.0
		if i < n/2 {
			c = xc[i]
		}
		// bus.band: a hard left, c at centre after its fader; then balance.
		bandInL := xa[i] + float64(c*(cFader*centre))
		bandInR := 0 + float64(c*(cFader*centre))
		// bus.verb: b post-fader at -6 dB, c pre-fader (centre, no fader).
		verbInL := b2(xbL[i], gs) + float64(c*centre)
		verbInR := b2(xbR[i], gs) + float64(c*centre)
		// master sums tracks in source order, then buses in order.
		wantL := xbL[i] + float64(bandInL*bandL) + float64((-verbInL)*verbG)
		wantR := xbR[i] + float64(bandInR*1) + float64((-verbInR)*verbG)
		if got[0][i] != wantL || got[1][i] != wantR {
			t.Fatalf("frame %d: got (%v, %v), want (%v, %v)", i, got[0][i], got[1][i], wantL, wantR)
		}
	}
}

func b2(x, g float64) float64 { return 0 + float64(x*g) }

func TestMuteSolo(t *testing.T) {
	dir := t.TempDir()
	const n = 256
	for _, name := range []string{"a", "b", "c"} {
		writeWAV(t, filepath.Join(dir, name+".wav"), 48000, ramp(n, 1))
	}
	base := `
track "a" {
  source = "a.wav"
  pan    = -1
  %s
}
track "b" {
  source = "b.wav"
  pan    = 1
  send { to = bus.verb }
  %s
}
track "c" {
  source = "c.wav"
  pan    = 1
  output = bus.grp
  %s
}
bus "grp" {
  %s
}
bus "verb" {
  pan = 1
}
`
	x := ramp(n, 1)
	cases := []struct {
		name       string
		a, b, c, g string
		// expected contributions to L and R, as multiples of x
		wantL, wantR float64
	}{
		{"all playing", "", "", "", "", 1, 3}, // a left; b, c (via grp) and b's send (via verb) right
		{"mute a", "mute = true", "", "", "", 0, 3},
		{"solo a", "solo = true", "", "", "", 1, 0}, // b and c muted by the solo
		{"solo b keeps its send", "", "solo = true", "", "", 0, 2},
		{"solo c keeps its bus", "", "", "solo = true", "", 0, 1},
		{"muted bus", "", "", "", "mute = true", 1, 2},
		{"mute wins over solo", "", "solo = true\nmute = true", "solo = true", "", 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(base, c.a, c.b, c.c, c.g)
			g := mustBuild(t, dir, src)
			got := renderMaster(t, g, Options{})
			for i := 0; i < n; i++ {
				if got[0][i] != c.wantL*x[i] || got[1][i] != c.wantR*x[i] {
					t.Fatalf("frame %d: got (%v, %v), want (%v, %v)", i, got[0][i], got[1][i], c.wantL*x[i], c.wantR*x[i])
				}
			}
		})
	}
}

func TestCycle(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, ramp(16, 1))
	_, diags := buildMix(t, dir, `
track "a" {
  source = "a.wav"
  output = bus.one
}
bus "one" {
  output = bus.two
}
bus "two" {
  send { to = bus.three }
}
bus "three" {
  output = bus.one
}
`)
	if len(diags) != 1 || diags[0].Summary != "Routing cycle" {
		t.Fatalf("got %v, want one Routing cycle", diags)
	}
	if want := "bus.one → bus.two → bus.three → bus.one"; !strings.Contains(diags[0].Detail, want) {
		t.Errorf("detail %q does not name the loop %q", diags[0].Detail, want)
	}
	if l := diags[0].Subject.Start.Line; l != 13 {
		t.Errorf("subject on line %d, want 13 (the reference closing the loop)", l)
	}
}

func TestSourceDiagnostics(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "44k.wav"), 44100, ramp(16, 1))
	writeWAV(t, filepath.Join(dir, "quad.wav"), 48000, ramp(16, 1), ramp(16, 1), ramp(16, 1), ramp(16, 1))
	cases := []struct{ src, summary string }{
		{`track "v" {
  source = "missing.wav"
}`, "Missing source file"},
		{`track "v" {
  source = "quad.wav"
}`, "Too many channels"},
		{`track "v" {
  source = "test.mix.hcl"
}`, "Unreadable source file"},
		{`track "v" {
  source = "44k.wav"
}
mix {
  sample_rate = 44100
}
output "o" {
  file = "44k.wav"
}`, "Output overwrites a source"},
	}
	for _, c := range cases {
		_, diags := buildMix(t, dir, c.src)
		if len(diags) != 1 || diags[0].Summary != c.summary {
			t.Errorf("got %v, want %q", diags, c.summary)
			continue
		}
		if c.summary != "Output overwrites a source" && diags[0].Subject.Start.Line != 2 {
			t.Errorf("%s: subject on line %d, want the source attribute on line 2", c.summary, diags[0].Subject.Start.Line)
		}
	}
}

// noise is a deterministic test signal (a 64-bit LCG), scaled to amp.
func noise(n int, seed uint64, amp float64) []float64 {
	x := make([]float64, n)
	s := seed
	for i := range x {
		s = s*6364136223846793005 + 1442695040888963407
		x[i] = (float64(s>>11)/float64(1<<53)*2 - 1) * amp
	}
	return x
}

const determinismMix = `
mix { sample_rate = 48000 }
track "a" {
  source = "a.wav"
  gain   = -3.3
  pan    = -0.4
  output = bus.band
  send {
    to    = bus.verb
    level = -9
  }
}
track "b" {
  source = "b.wav"
  pan    = 0.7
  output = bus.band
}
track "c" {
  source   = "c.wav"
  polarity = true
  send {
    to        = bus.verb
    level     = -4
    pre_fader = true
  }
}
track "d" {
  source = "d.wav"
  gain   = 1.7
}
bus "band" {
  gain = -1.1
  pan  = 0.2
}
bus "verb" { gain = -6 }
output "main" {
  file      = "out/main.wav"
  bit_depth = 24
}
output "float" {
  file      = "out/float.wav"
  bit_depth = "float"
}
`

func determinismFixture(t *testing.T) string {
	dir := t.TempDir()
	const n = 12345
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(n, 1, 0.5))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(n-100, 2, 0.4), noise(n-100, 3, 0.4))
	writeWAV(t, filepath.Join(dir, "c.wav"), 48000, noise(n/2, 4, 0.3))
	writeWAV(t, filepath.Join(dir, "d.wav"), 48000, noise(n+77, 5, 0.2), noise(n+77, 6, 0.2))
	return dir
}

func renderHashes(t *testing.T, dir string, opts Options) []string {
	t.Helper()
	g := mustBuild(t, dir, determinismMix)
	res, err := Render(context.Background(), g, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res {
		out = append(out, r.SHA256)
	}
	return out
}

// TestDeterminism: the bytes written do not depend on the block size,
// GOMAXPROCS or the run.
func TestDeterminism(t *testing.T) {
	dir := determinismFixture(t)
	ref := renderHashes(t, dir, Options{})
	if again := renderHashes(t, dir, Options{}); !equal(ref, again) {
		t.Fatalf("two runs differ: %v vs %v", ref, again)
	}
	for _, bs := range []int{1, 7, 64, 4096} {
		if got := renderHashes(t, dir, Options{BlockSize: bs}); !equal(ref, got) {
			t.Errorf("block size %d: %v, want %v", bs, got, ref)
		}
	}
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		if got := renderHashes(t, dir, Options{BlockSize: 100}); !equal(ref, got) {
			t.Errorf("GOMAXPROCS %d: %v, want %v", procs, got, ref)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
