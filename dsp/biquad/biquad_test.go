package biquad

import (
	"math"
	"math/cmplx"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestPeakingReference checks the bell against the Cookbook evaluated by
// hand: f0 = 1 kHz, Q = 2, +6 dB, fs = 48 kHz, A = 10^(6/40),
// alpha = sin(w0)/(2Q), everything divided by a0 = 1 + alpha/A.
func TestPeakingReference(t *testing.T) {
	c := Peaking(1000, 2, 6, 48000)
	want := Coeffs{
		B0: 1.0224727682198582, B1: -1.938116580557223, B2: 0.9323677439107332,
		A1: -1.938116580557223, A2: 0.9548405121305915,
	}
	got := []float64{c.B0, c.B1, c.B2, c.A1, c.A2}
	exp := []float64{want.B0, want.B1, want.B2, want.A1, want.A2}
	for i := range got {
		if !near(got[i], exp[i], 1e-12) {
			t.Errorf("coefficient %d = %.17g, want %.17g", i, got[i], exp[i])
		}
	}
}

// analog evaluates the Cookbook's analog prototype of each design at the
// normalised frequency s = jΩ.
type design struct {
	name   string
	coeffs func(f0, q, g, fs float64) Coeffs
	analog func(s complex128, q, g float64) complex128
}

var designs = []design{
	{"lowpass", func(f, q, _, fs float64) Coeffs { return LowPass(f, q, fs) },
		func(s complex128, q, _ float64) complex128 { return 1 / (s*s + s/complex(q, 0) + 1) }},
	{"highpass", func(f, q, _, fs float64) Coeffs { return HighPass(f, q, fs) },
		func(s complex128, q, _ float64) complex128 { return s * s / (s*s + s/complex(q, 0) + 1) }},
	{"bandpass", func(f, q, _, fs float64) Coeffs { return BandPass(f, q, fs) },
		func(s complex128, q, _ float64) complex128 {
			return (s / complex(q, 0)) / (s*s + s/complex(q, 0) + 1)
		}},
	{"notch", func(f, q, _, fs float64) Coeffs { return Notch(f, q, fs) },
		func(s complex128, q, _ float64) complex128 { return (s*s + 1) / (s*s + s/complex(q, 0) + 1) }},
	{"allpass", func(f, q, _, fs float64) Coeffs { return AllPass(f, q, fs) },
		func(s complex128, q, _ float64) complex128 {
			return (s*s - s/complex(q, 0) + 1) / (s*s + s/complex(q, 0) + 1)
		}},
	{"peaking", Peaking, func(s complex128, q, g float64) complex128 {
		a := complex(math.Pow(10, g/40), 0)
		qc := complex(q, 0)
		return (s*s + s*a/qc + 1) / (s*s + s/(a*qc) + 1)
	}},
	{"lowshelf", LowShelf, func(s complex128, q, g float64) complex128 {
		a := complex(math.Pow(10, g/40), 0)
		k := cmplx.Sqrt(a) / complex(q, 0)
		return a * (s*s + k*s + a) / (a*s*s + k*s + 1)
	}},
	{"highshelf", HighShelf, func(s complex128, q, g float64) complex128 {
		a := complex(math.Pow(10, g/40), 0)
		k := cmplx.Sqrt(a) / complex(q, 0)
		return a * (a*s*s + k*s + 1) / (s*s + k*s + a)
	}},
}

// testFreqs are 1/6-octave points from 20 Hz to 20 kHz.
func testFreqs() []float64 {
	var fs []float64
	for f := 20.0; f <= 20001; f *= math.Pow(2, 1.0/6) {
		fs = append(fs, f)
	}
	return fs
}

// TestDesignsMatchAnalogPrototype checks the bilinear-transform identity
// the Cookbook is built on: H(e^{jω}) = Ha(jΩ), Ω = tan(ω/2)/tan(ω0/2),
// in magnitude and phase.
func TestDesignsMatchAnalogPrototype(t *testing.T) {
	for _, d := range designs {
		for _, fs := range []float64{44100, 48000, 96000} {
			for _, f0 := range []float64{30, 120, 1000, 8000, 18000} {
				for _, q := range []float64{0.3, 0.7071, 2, 10} {
					for _, g := range []float64{-18, -3, 6, 24} {
						c := d.coeffs(f0, q, g, fs)
						if !c.Stable() {
							t.Errorf("%s f0=%g q=%g g=%g fs=%g unstable: %+v", d.name, f0, q, g, fs, c)
						}
						for _, f := range testFreqs() {
							if f >= fs/2 {
								continue
							}
							om := math.Tan(math.Pi*f/fs) / math.Tan(math.Pi*f0/fs)
							want := d.analog(complex(0, om), q, g)
							got := c.Response(f, fs)
							// Poles close to z = 1 (low f0, high fs, high Q) cost a few
							// digits of the coefficients, hence 1e-7 rather than 1e-12.
							if cmplx.Abs(got-want) > 1e-7*math.Max(1, cmplx.Abs(want)) {
								t.Fatalf("%s f0=%g q=%g g=%g fs=%g at %g Hz: H=%v, prototype %v",
									d.name, f0, q, g, fs, f, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestCookbookPoints checks the closed-form gains the Cookbook states.
func TestCookbookPoints(t *testing.T) {
	const fs = 48000
	for _, f0 := range []float64{50, 1000, 12000} {
		// LPF/HPF: |H(f0)| = Q, so -3.0103 dB for Q = 1/√2.
		for _, q := range []float64{math.Sqrt2 / 2, 0.5, 3} {
			want := 20 * math.Log10(q)
			if g := LowPass(f0, q, fs).MagnitudeDB(f0, fs); !near(g, want, 1e-9) {
				t.Errorf("LPF %g Hz Q %g: %g dB at f0, want %g", f0, q, g, want)
			}
			if g := HighPass(f0, q, fs).MagnitudeDB(f0, fs); !near(g, want, 1e-9) {
				t.Errorf("HPF %g Hz Q %g: %g dB at f0, want %g", f0, q, g, want)
			}
		}
		if g := LowPass(f0, math.Sqrt2/2, fs).MagnitudeDB(f0, fs); !near(g, -3.0103, 1e-4) {
			t.Errorf("LPF Q=0.7071 at f0: %g dB, want -3.0103", g)
		}
		// LPF is 0 dB at DC, HPF at Nyquist.
		if g := LowPass(f0, 0.7071, fs).MagnitudeDB(0, fs); !near(g, 0, 1e-9) {
			t.Errorf("LPF DC gain %g dB", g)
		}
		if g := HighPass(f0, 0.7071, fs).MagnitudeDB(fs/2, fs); !near(g, 0, 1e-9) {
			t.Errorf("HPF Nyquist gain %g dB", g)
		}
		for _, q := range []float64{0.5, 1, 4, 10} {
			// BPF: 0 dB at f0, -3.01 dB where Ω2-Ω1 = 1/Q, Ω1·Ω2 = 1.
			bp := BandPass(f0, q, fs)
			if g := bp.MagnitudeDB(f0, fs); !near(g, 0, 1e-9) {
				t.Errorf("BPF %g Hz Q %g: %g dB at f0", f0, q, g)
			}
			o2 := (1/q + math.Sqrt(1/(q*q)+4)) / 2
			t0 := math.Tan(math.Pi * f0 / fs)
			for _, om := range []float64{o2, 1 / o2} {
				f := math.Atan(om*t0) * fs / math.Pi
				if g := bp.MagnitudeDB(f, fs); !near(g, -3.0103, 1e-4) {
					t.Errorf("BPF %g Hz Q %g: %g dB at band edge %g Hz, want -3.01", f0, q, g, f)
				}
			}
			// Notch: a zero at f0, 0 dB far away.
			n := Notch(f0, q, fs)
			if g := n.MagnitudeDB(f0, fs); g > -200 {
				t.Errorf("notch %g Hz Q %g: depth only %g dB", f0, q, g)
			}
			if g := n.MagnitudeDB(0, fs); !near(g, 0, 1e-9) {
				t.Errorf("notch DC gain %g dB", g)
			}
			// All-pass: unit magnitude everywhere.
			for _, f := range testFreqs() {
				if g := AllPass(f0, q, fs).MagnitudeDB(f, fs); !near(g, 0, 1e-9) {
					t.Errorf("allpass %g Hz Q %g: %g dB at %g Hz", f0, q, g, f)
				}
			}
		}
		for _, gain := range []float64{-24, -6, 1.5, 12} {
			// Bell: gain at f0, 0 dB at DC and Nyquist.
			p := Peaking(f0, 1.4, gain, fs)
			if g := p.MagnitudeDB(f0, fs); !near(g, gain, 1e-9) {
				t.Errorf("bell %g Hz %+g dB: %g dB at f0", f0, gain, g)
			}
			if g := p.MagnitudeDB(0, fs); !near(g, 0, 1e-9) {
				t.Errorf("bell DC gain %g", g)
			}
			// Shelves: gain/2 at f0, full gain at the shelf end, 0 dB at the other.
			ls, hs := LowShelf(f0, 0.7071, gain, fs), HighShelf(f0, 0.7071, gain, fs)
			if g := ls.MagnitudeDB(f0, fs); !near(g, gain/2, 1e-9) {
				t.Errorf("low shelf %g Hz %+g dB: %g dB at f0, want %g", f0, gain, g, gain/2)
			}
			if g := hs.MagnitudeDB(f0, fs); !near(g, gain/2, 1e-9) {
				t.Errorf("high shelf %g Hz %+g dB: %g dB at f0, want %g", f0, gain, g, gain/2)
			}
			if g := ls.MagnitudeDB(0, fs); !near(g, gain, 1e-9) {
				t.Errorf("low shelf DC %g, want %g", g, gain)
			}
			if g := ls.MagnitudeDB(fs/2, fs); !near(g, 0, 1e-9) {
				t.Errorf("low shelf Nyquist %g, want 0", g)
			}
			if g := hs.MagnitudeDB(fs/2, fs); !near(g, gain, 1e-9) {
				t.Errorf("high shelf Nyquist %g, want %g", g, gain)
			}
			if g := hs.MagnitudeDB(0, fs); !near(g, 0, 1e-9) {
				t.Errorf("high shelf DC %g, want 0", g)
			}
		}
	}
}

// impulseResponse renders n samples of the cascade's impulse response.
func impulseResponse(sections []Coeffs, n int) []float64 {
	x := make([]float64, n)
	x[0] = 1
	for k := range sections {
		var s State
		s.Process(&sections[k], x)
	}
	return x
}

// dft evaluates the DTFT of h at freqHz. The phasor is recomputed exactly
// every 256 samples so rounding cannot build up.
func dft(h []float64, freqHz, fs float64) complex128 {
	w := 2 * math.Pi * freqHz / fs
	step := cmplx.Rect(1, -w)
	var sum complex128
	var ph complex128
	for i, v := range h {
		if i%256 == 0 {
			ph = cmplx.Rect(1, -w*float64(i))
		}
		sum += complex(v, 0) * ph
		ph *= step
	}
	return sum
}

// checkMeasured compares the response measured from a rendered impulse
// response with the designed one: within 0.01 dB wherever the response
// is above -80 dB, and within 1e-6 absolute everywhere.
func checkMeasured(t *testing.T, name string, sections []Coeffs, fs float64) {
	t.Helper()
	h := impulseResponse(sections, 1<<16)
	if tail := math.Abs(h[len(h)-1]); tail > 1e-12 {
		t.Fatalf("%s: impulse response not decayed: last sample %g", name, tail)
	}
	for _, f := range testFreqs() {
		if f >= fs/2 {
			continue
		}
		want := ResponseOf(sections, f, fs)
		got := dft(h, f, fs)
		if d := cmplx.Abs(got - want); d > 1e-6 {
			t.Errorf("%s at %.1f Hz: measured %v, designed %v", name, f, got, want)
		}
		if cmplx.Abs(want) > 1e-4 {
			dw, dg := 20*math.Log10(cmplx.Abs(want)), 20*math.Log10(cmplx.Abs(got))
			if math.Abs(dw-dg) > 0.01 {
				t.Errorf("%s at %.1f Hz: measured %.4f dB, designed %.4f dB", name, f, dg, dw)
			}
		}
	}
}

func TestMeasuredResponse(t *testing.T) {
	const fs = 48000
	cases := []struct {
		name string
		c    Coeffs
	}{
		{"lowpass 18k", LowPass(18000, 0.7071, fs)},
		{"lowpass 200 Q4", LowPass(200, 4, fs)},
		{"highpass 30", HighPass(30, 0.7071, fs)},
		{"bandpass 1k Q1", BandPass(1000, 1, fs)},
		{"notch 60 Q10", Notch(60, 10, fs)},
		{"bell 400 -3 Q1.4", Peaking(400, 1.4, -3, fs)},
		{"bell 1k +6 Q2", Peaking(1000, 2, 6, fs)},
		{"lowshelf 120 +2", LowShelf(120, 0.707, 2, fs)},
		{"highshelf 10k +1.5", HighShelf(10000, 0.707, 1.5, fs)},
		{"allpass 300", AllPass(300, 0.7071, fs)},
	}
	for _, c := range cases {
		checkMeasured(t, c.name, []Coeffs{c.c}, fs)
	}
	for _, order := range []int{2, 4, 6, 8} {
		sec := make([]Coeffs, order/2)
		ButterworthHighPass(sec, order, 40, fs)
		checkMeasured(t, "butterworth highpass", sec, fs)
		ButterworthLowPass(sec, order, 16000, fs)
		checkMeasured(t, "butterworth lowpass", sec, fs)
	}
}

// TestButterworthQs compares with the published table of Butterworth
// section Qs (e.g. Zölzer, DAFX/DASP tables; Linkwitz "Active filters").
func TestButterworthQs(t *testing.T) {
	table := map[int][]float64{
		2: {0.70710678},
		4: {0.54119610, 1.30656296},
		6: {0.51763809, 0.70710678, 1.93185165},
		8: {0.50979558, 0.60134489, 0.89997622, 2.56291545},
	}
	for _, order := range []int{2, 4, 6, 8} {
		got := ButterworthQs(order)
		want := table[order]
		if len(got) != len(want) {
			t.Fatalf("order %d: %d sections, want %d", order, len(got), len(want))
		}
		for k := range got {
			if !near(got[k], want[k], 1e-8) {
				t.Errorf("order %d section %d: Q %.8f, want %.8f", order, k, got[k], want[k])
			}
		}
	}
}

// TestButterworthResponse checks the cascades against the analog
// Butterworth magnitude 1/sqrt(1+Ω^2n) (Ω pre-warped), the -3.01 dB corner
// and the 6n dB/octave asymptote.
func TestButterworthResponse(t *testing.T) {
	const fs = 48000
	for _, order := range []int{2, 4, 6, 8} {
		sec := make([]Coeffs, order/2)
		for _, fc := range []float64{30, 1000, 10000} {
			t0 := math.Tan(math.Pi * fc / fs)
			ButterworthLowPass(sec, order, fc, fs)
			lp := append([]Coeffs(nil), sec...)
			ButterworthHighPass(sec, order, fc, fs)
			hp := append([]Coeffs(nil), sec...)
			for _, f := range append(testFreqs(), fc) {
				om := math.Tan(math.Pi*f/fs) / t0
				wantLP := -10 * math.Log10(1+math.Pow(om, float64(2*order)))
				wantHP := -10 * math.Log10(1+math.Pow(1/om, float64(2*order)))
				if g := 20 * math.Log10(cmplx.Abs(ResponseOf(lp, f, fs))); wantLP > -200 && !near(g, wantLP, 1e-6) {
					t.Errorf("LP order %d fc %g at %g: %g dB, want %g", order, fc, f, g, wantLP)
				}
				if g := 20 * math.Log10(cmplx.Abs(ResponseOf(hp, f, fs))); wantHP > -200 && !near(g, wantHP, 1e-6) {
					t.Errorf("HP order %d fc %g at %g: %g dB, want %g", order, fc, f, g, wantHP)
				}
			}
			for _, s := range [][]Coeffs{lp, hp} {
				if g := 20 * math.Log10(cmplx.Abs(ResponseOf(s, fc, fs))); !near(g, -3.0103, 1e-4) {
					t.Errorf("order %d fc %g: %g dB at the corner, want -3.01", order, fc, g)
				}
			}
		}
		// Slope: one octave well into the stop band falls by 6.02·n dB.
		ButterworthHighPass(sec, order, 1000, fs)
		slope := 20 * math.Log10(cmplx.Abs(ResponseOf(sec, 125, fs))/cmplx.Abs(ResponseOf(sec, 62.5, fs)))
		if want := 6.0206 * float64(order); !near(slope, want, 0.01*float64(order)) {
			t.Errorf("HP order %d: %g dB/octave, want %g", order, slope, want)
		}
		// The low pass sees the bilinear frequency warping: the octave
		// 800 -> 1600 Hz is tan(π1600/fs)/tan(π800/fs) = 2.0073 in Ω.
		ButterworthLowPass(sec, order, 100, fs)
		slope = 20 * math.Log10(cmplx.Abs(ResponseOf(sec, 800, fs))/cmplx.Abs(ResponseOf(sec, 1600, fs)))
		warp := math.Tan(math.Pi*1600/fs) / math.Tan(math.Pi*800/fs)
		if want := 20 * float64(order) * math.Log10(warp); !near(slope, want, 0.01*float64(order)) {
			t.Errorf("LP order %d: %g dB/octave, want %g", order, slope, want)
		}
	}
}

func testSignal(n int) []float64 {
	x := make([]float64, n)
	var r uint32 = 12345
	for i := range x {
		r = r*1664525 + 1013904223
		x[i] = float64(int32(r))/(1<<31)*0.5 + 0.3*math.Sin(float64(i)*0.01)
	}
	return x
}

// TestBlockInvariance: any split into blocks, and Tick, give identical
// output; Reset and re-render gives the same output again.
func TestBlockInvariance(t *testing.T) {
	const n = 10000
	in := testSignal(n)
	c := NewCascade(3, 1)
	c.Sections[0] = Peaking(400, 1.4, -3, 48000)
	c.Sections[1] = HighPass(30, 0.54, 48000)
	c.Sections[2] = HighShelf(9000, 0.7, 4, 48000)

	ref := append([]float64(nil), in...)
	c.Reset()
	c.ProcessChannel(0, ref)
	for _, bs := range []int{1, 7, 64, 4096} {
		c.Reset()
		out := append([]float64(nil), in...)
		for i := 0; i < n; i += bs {
			c.ProcessChannel(0, out[i:min(i+bs, n)])
		}
		for i := range out {
			if out[i] != ref[i] {
				t.Fatalf("block size %d: sample %d = %v, want %v", bs, i, out[i], ref[i])
			}
		}
	}
	var st [3]State
	for i, v := range in {
		for k := range st {
			v = st[k].Tick(&c.Sections[k], v)
		}
		if v != ref[i] {
			t.Fatalf("Tick: sample %d = %v, want %v", i, v, ref[i])
		}
	}
}

// TestDenormalFlush: after an impulse the memory reaches exact zero
// instead of decaying through subnormals forever.
func TestDenormalFlush(t *testing.T) {
	c := LowPass(20, 0.7071, 48000)
	var s State
	x := make([]float64, 1<<18)
	x[0] = 1
	s.Process(&c, x)
	if s.s1 != 0 || s.s2 != 0 {
		t.Errorf("state not flushed: %g %g", s.s1, s.s2)
	}
	for _, v := range x {
		if v != 0 && math.Abs(v) < 2.2250738585072014e-308 {
			t.Fatalf("subnormal output %g", v)
		}
	}
}

func TestExtremeInput(t *testing.T) {
	c := NewCascade(4, 1)
	ButterworthHighPass(c.Sections, 8, 20, 48000)
	for _, level := range []float64{0, 1, 1e5} { // silence, DC, +100 dB
		x := make([]float64, 48000)
		for i := range x {
			x[i] = level
			if i%2 == 1 && level > 1 {
				x[i] = -level
			}
		}
		c.Reset()
		c.ProcessChannel(0, x)
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("level %g: sample %d is %v", level, i, v)
			}
		}
	}
}

func TestProcessAllocs(t *testing.T) {
	c := NewCascade(4, 2)
	ButterworthLowPass(c.Sections, 8, 1000, 48000)
	buf := [][]float64{testSignal(512), testSignal(512)}
	if a := testing.AllocsPerRun(100, func() { c.Process(buf) }); a != 0 {
		t.Errorf("Process allocates %v times", a)
	}
	dst := make([]Coeffs, 4)
	if a := testing.AllocsPerRun(100, func() {
		ButterworthHighPass(dst, 8, 30, 48000)
		dst[0] = Peaking(1000, 1, 3, 48000)
	}); a != 0 {
		t.Errorf("designers allocate %v times", a)
	}
}

// BenchmarkCascade8 runs an 8th-order Butterworth (4 sections); the
// reported ns/sample is per sample per channel.
func BenchmarkCascade8(b *testing.B) {
	c := NewCascade(4, 1)
	ButterworthLowPass(c.Sections, 8, 1000, 48000)
	x := testSignal(4096)
	b.ResetTimer()
	for b.Loop() {
		c.ProcessChannel(0, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4096, "ns/sample")
}

// BenchmarkSection is one biquad section, per sample.
func BenchmarkSection(b *testing.B) {
	c := Peaking(1000, 1, 3, 48000)
	var s State
	x := testSignal(4096)
	b.ResetTimer()
	for b.Loop() {
		s.Process(&c, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4096, "ns/sample")
}

// TestLinkwitzRileySum: the 4th-order Linkwitz-Riley low and high passes
// (squared Butterworth 2nd order) sum to the Q = 1/√2 all-pass, exactly as
// in the analog domain, because the bilinear transform preserves the
// identity.
func TestLinkwitzRileySum(t *testing.T) {
	const fs = 48000
	for _, fc := range []float64{80, 700, 5000} {
		lp := LowPass(fc, math.Sqrt2/2, fs)
		hp := HighPass(fc, math.Sqrt2/2, fs)
		ap := AllPass(fc, math.Sqrt2/2, fs)
		for _, f := range testFreqs() {
			sum := ResponseOf([]Coeffs{lp, lp}, f, fs) + ResponseOf([]Coeffs{hp, hp}, f, fs)
			if d := cmplx.Abs(sum - ap.Response(f, fs)); d > 1e-9 {
				t.Errorf("fc %g at %g Hz: LR4 sum differs from all-pass by %g", fc, f, d)
			}
		}
	}
}
