package stereo

import (
	"math"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

const fs = 48000.0

func prepared(p Params, channels int) *Stereo {
	s := New(p)
	s.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: 4096, Channels: channels})
	return s
}

func sine(n int, hz, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*hz*float64(i)/fs)
	}
	return x
}

func noise(n int, seed uint32) []float64 {
	x := make([]float64, n)
	for i := range x {
		seed = seed*1664525 + 1013904223
		x[i] = float64(int32(seed)) / (1 << 31)
	}
	return x
}

func render(s *Stereo, l, r []float64, bs int) ([]float64, []float64) {
	l, r = append([]float64(nil), l...), append([]float64(nil), r...)
	for i := 0; i < len(l); i += bs {
		e := min(i+bs, len(l))
		s.Process([][]float64{l[i:e], r[i:e]})
	}
	return l, r
}

// amplitude fits the hz component of x by least squares.
func amplitude(x []float64, hz float64) float64 {
	var ss, sc, cc, xs, xc float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * hz * float64(i) / fs)
		ss += s * s
		sc += s * c
		cc += c * c
		xs += v * s
		xc += v * c
	}
	det := ss*cc - sc*sc
	return math.Hypot((xs*cc-xc*sc)/det, (xc*ss-xs*sc)/det)
}

func TestWidthZeroIsMono(t *testing.T) {
	l, r := noise(5000, 1), noise(5000, 2)
	for _, mb := range []float64{0, 120} {
		s := prepared(Params{Width: 0, MonoBelowHz: mb}, 2)
		ol, or := render(s, l, r, 64)
		for i := range ol {
			if ol[i] != or[i] {
				t.Fatalf("mono_below %g: L[%d] = %v != R = %v", mb, i, ol[i], or[i])
			}
		}
	}
}

func TestUnityIsBitIdentical(t *testing.T) {
	l, r := noise(5000, 1), noise(5000, 2)
	s := prepared(Params{Width: 1}, 2)
	ol, or := render(s, l, r, 100)
	for i := range l {
		if ol[i] != l[i] || or[i] != r[i] {
			t.Fatalf("sample %d changed", i)
		}
	}
	// Other channel counts pass through untouched.
	s = prepared(Params{Width: 2, MonoBelowHz: 200}, 3)
	buf := [][]float64{noise(100, 1), noise(100, 2), noise(100, 3)}
	ref := [][]float64{noise(100, 1), noise(100, 2), noise(100, 3)}
	s.Process(buf)
	for c := range buf {
		for i := range buf[c] {
			if buf[c][i] != ref[c][i] {
				t.Fatalf("3 channels: ch %d sample %d changed", c, i)
			}
		}
	}
}

// lr4HighDB is the analytic LR4 high-pass magnitude: the square of the
// 2nd-order Butterworth, Ω pre-warped as the bilinear transform does.
func lr4HighDB(f, fc float64) float64 {
	om := math.Tan(math.Pi*f/fs) / math.Tan(math.Pi*fc/fs)
	o4 := math.Pow(om, 4)
	return 20 * math.Log10(o4/(1+o4))
}

// TestMonoBelow: a pure side signal (L = -R) is attenuated by exactly the
// LR4 high-pass response (-6.02 dB at the corner, -48 dB two octaves
// below), scaled by width; a pure mid signal keeps its level at every
// frequency (all-pass).
func TestMonoBelow(t *testing.T) {
	const fc = 120
	for _, f := range []float64{30, 60, 120, 240, 1000, 5000} {
		for _, w := range []float64{1, 1.5} {
			s := prepared(Params{Width: w, MonoBelowHz: fc}, 2)
			x := sine(48000, f, 0.5)
			neg := make([]float64, len(x))
			for i := range x {
				neg[i] = -x[i]
			}
			ol, or := render(s, x, neg, 4096)
			got := 20 * math.Log10(amplitude(ol[24000:], f)/0.5)
			want := lr4HighDB(f, fc) + 20*math.Log10(w)
			if math.Abs(got-want) > 0.01 {
				t.Errorf("side %g Hz width %g: %.3f dB, want %.3f", f, w, got, want)
			}
			for i := range ol {
				if ol[i] != -or[i] {
					t.Fatalf("side input gave mid output at %d", i)
				}
			}
			s.Reset()
			ml, mr := render(s, x, x, 4096)
			if g := 20 * math.Log10(amplitude(ml[24000:], f)/0.5); math.Abs(g) > 0.001 {
				t.Errorf("mid %g Hz: %.4f dB, want 0", f, g)
			}
			for i := range ml {
				if ml[i] != mr[i] {
					t.Fatalf("mid input gave side output at %d", i)
				}
			}
		}
	}
	if g := lr4HighDB(120, 120); math.Abs(g+6.0206) > 1e-3 {
		t.Errorf("LR4 at corner %g dB", g)
	}
}

// TestHardPanStaysPanned: with mono_below on, a 5 kHz tone panned hard
// left stays in the left channel (leak into R below -100 dB) because mid
// and side share the all-pass phase above the crossover.
func TestHardPanStaysPanned(t *testing.T) {
	s := prepared(Params{Width: 1, MonoBelowHz: 120}, 2)
	x := sine(48000, 5000, 1)
	ol, or := render(s, x, make([]float64, len(x)), 4096)
	left := amplitude(ol[24000:], 5000)
	leak := 20 * math.Log10(amplitude(or[24000:], 5000)/left)
	t.Logf("hard-left 5 kHz: right channel at %.1f dB", leak)
	if math.Abs(20*math.Log10(left)) > 0.001 || leak > -100 {
		t.Errorf("left %.4f dB, leak into right %.1f dB", 20*math.Log10(left), leak)
	}
}

// TestLatencyByImpulse: an impulse on L comes out at sample 0 as
// (1+w)/2 on L and (1-w)/2 on R, nothing later (no crossover).
func TestLatencyByImpulse(t *testing.T) {
	s := prepared(Params{Width: 1.5}, 2)
	l, r := make([]float64, 64), make([]float64, 64)
	l[0] = 1
	s.Process([][]float64{l, r})
	if s.Latency() != 0 || l[0] != 1.25 || r[0] != -0.25 {
		t.Fatalf("latency %d, L[0] %v R[0] %v", s.Latency(), l[0], r[0])
	}
	for i := 1; i < 64; i++ {
		if l[i] != 0 || r[i] != 0 {
			t.Fatalf("output at %d", i)
		}
	}
	// With the crossover, the response still starts at sample 0.
	s = prepared(Params{Width: 1.5, MonoBelowHz: 100}, 2)
	l, r = make([]float64, 64), make([]float64, 64)
	l[0] = 1
	s.Process([][]float64{l, r})
	if l[0] == 0 || r[0] == 0 {
		t.Fatalf("crossover: L[0] %v R[0] %v", l[0], r[0])
	}
}

func TestBlockInvarianceAndReset(t *testing.T) {
	l, r := noise(9000, 3), noise(9000, 4)
	for _, p := range []Params{{Width: 1.7, MonoBelowHz: 150}, {Width: 0.4}} {
		s := prepared(p, 2)
		rl, rr := render(s, l, r, 4096)
		for _, bs := range []int{1, 7, 64, 4096} {
			s.Reset()
			gl, gr := render(s, l, r, bs)
			for i := range gl {
				if gl[i] != rl[i] || gr[i] != rr[i] {
					t.Fatalf("%+v block %d: sample %d differs", p, bs, i)
				}
			}
		}
	}
}

func TestExtremeInput(t *testing.T) {
	s := prepared(Params{Width: 2, MonoBelowHz: 500}, 2)
	for _, lvl := range []float64{0, 1, 1e5} {
		l := make([]float64, 4096)
		r := make([]float64, 4096)
		for i := range l {
			l[i], r[i] = lvl, -lvl*float64(i%2)
		}
		s.Process([][]float64{l, r})
		for i := range l {
			if math.IsNaN(l[i]) || math.IsInf(l[i], 0) || math.IsNaN(r[i]) || math.IsInf(r[i], 0) {
				t.Fatalf("level %g: sample %d not finite", lvl, i)
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	s := prepared(Params{Width: 1.2, MonoBelowHz: 120}, 2)
	buf := [][]float64{noise(512, 1), noise(512, 2)}
	if a := testing.AllocsPerRun(100, func() {
		s.SetParams(Params{Width: 1.3, MonoBelowHz: 110})
		s.Process(buf)
	}); a != 0 {
		t.Errorf("allocates %v times", a)
	}
}

func TestParams(t *testing.T) {
	for _, p := range ParamTable {
		if p.Default < p.Min || p.Default > p.Max || p.Doc == "" {
			t.Errorf("bad entry %+v", p)
		}
	}
	s := New(Params{Width: 5, MonoBelowHz: -3})
	if p := s.Params(); p.Width != 2 || p.MonoBelowHz != 0 {
		t.Errorf("clamping: %+v", p)
	}
}

func BenchmarkStereo(b *testing.B) {
	s := prepared(Params{Width: 1.2, MonoBelowHz: 120}, 2)
	buf := [][]float64{noise(1024, 1), noise(1024, 2)}
	for b.Loop() {
		s.Process(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024/2, "ns/sample")
}

// TestGolden pins the exact output bits (see dsp/eq's TestGolden).
func TestGolden(t *testing.T) {
	s := prepared(Params{Width: 1.3, MonoBelowHz: 137}, 2)
	l, r := render(s, noise(8192, 5), noise(8192, 6), 4096)
	h := uint64(14695981039346656037)
	for _, ch := range [][]float64{l, r} {
		for _, v := range ch {
			h ^= math.Float64bits(v)
			h *= 1099511628211
		}
	}
	const want = 0x2110e628dc88a905
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}
