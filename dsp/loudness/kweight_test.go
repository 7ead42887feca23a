package loudness

import (
	"math"
	"math/cmplx"
	"testing"
)

func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// At 48 kHz the sections derived from the analog prototypes must reproduce
// BS.1770-4's published coefficients. Those are printed to 14 decimals
// (rounding error <= 5e-15); the prototype inversion and the tan/atan round
// trip add a few ulps. 1e-13 absolute is 20 times the printed precision
// and far below anything measurable (1e-13 in a coefficient moves the
// response by ~1e-12 dB).
func TestKWeighting48kMatchesPublished(t *testing.T) {
	const tol = 1e-13
	s1, s2 := KWeighting(48000)
	for _, c := range []struct {
		name      string
		got, want Biquad
	}{{"stage 1", s1, PublishedStage1At48k}, {"stage 2", s2, PublishedStage2At48k}} {
		g := [5]float64{c.got.B0, c.got.B1, c.got.B2, c.got.A1, c.got.A2}
		w := [5]float64{c.want.B0, c.want.B1, c.want.B2, c.want.A1, c.want.A2}
		for i := range g {
			if d := math.Abs(g[i] - w[i]); d > tol {
				t.Errorf("%s coefficient %d: %.17g, published %.17g (diff %.2g > %g)", c.name, i, g[i], w[i], d, tol)
			}
		}
	}
}

// The prototypes recovered from the published coefficients agree with the
// analog constants libebur128 publishes for the same filter (f0, gain in dB,
// Q and the Vb exponent for the shelf; f0 and Q for the high-pass). Those
// were fitted independently; agreement to 1e-9 relative says both
// derivations describe one analog filter.
func TestPrototypesMatchLibebur128Constants(t *testing.T) {
	const tol = 1e-9
	checks := []struct {
		name      string
		got, want float64
	}{
		{"shelf f0", KShelf.F0, 1681.974450955533},
		{"shelf gain dB", 20 * math.Log10(KShelf.Vh), 3.999843853973347},
		{"shelf Q", KShelf.Q, 0.7071752369554196},
		{"shelf Vb exponent", math.Log(KShelf.Vb) / math.Log(KShelf.Vh), 0.4996667741545416},
		{"high-pass f0", KHighPass.F0, 38.13547087602444},
		{"high-pass Q", KHighPass.Q, 0.5003270373238773},
	}
	for _, c := range checks {
		if e := relErr(c.got, c.want); e > tol {
			t.Errorf("%s = %.16g, libebur128 %.16g (rel err %.2g)", c.name, c.got, c.want, e)
		}
	}
	// The stage-1 DC gain is exactly 1 in the published numbers, which is
	// what lets a 4-parameter prototype fit 5 coefficients.
	p := PublishedStage1At48k
	if d := math.Abs((p.B0 + p.B1 + p.B2) - (1 + p.A1 + p.A2)); d > 1e-14 {
		t.Errorf("published stage 1 DC gain differs from 1 by %g", d)
	}
	if math.Abs(KHighPass.Gain-1.0049950) > 1e-6 {
		t.Errorf("high-pass prototype gain %.7f, want 1.004995", KHighPass.Gain)
	}
}

// The digital sections are the bilinear transform of the prototypes: the
// digital response at f equals the analog response at the warped frequency
// F0*tan(pi f/fs)/tan(pi F0/fs), to 1e-9 relative (the high-pass's
// response near DC is small and computed with some cancellation).
func TestBilinearIdentity(t *testing.T) {
	for _, fs := range []float64{32000, 44100, 48000, 96000, 192000} {
		s1, s2 := KWeighting(fs)
		for _, f := range []float64{10, 38, 100, 1000, 1682, 5000, 12000, 0.45 * fs} {
			w1 := warp(f, KShelf.F0, fs)
			w2 := warp(f, KHighPass.F0, fs)
			a1, a2 := KShelf.Analog(w1), KHighPass.Analog(w2)
			if d := cmplx.Abs(s1.Response(f, fs)-a1) / cmplx.Abs(a1); d > 1e-9 {
				t.Errorf("fs %v f %v: stage 1 differs from prototype by %g (relative)", fs, f, d)
			}
			if d := cmplx.Abs(s2.Response(f, fs)-a2) / cmplx.Abs(a2); d > 1e-9 {
				t.Errorf("fs %v f %v: stage 2 differs from prototype by %g (relative)", fs, f, d)
			}
		}
	}
}

// warp maps a digital frequency to the analog one the prewarped bilinear
// transform (exact at f0) gives it.
func warp(f, f0, fs float64) float64 {
	return f0 * math.Tan(math.Pi*f/fs) / math.Tan(math.Pi*f0/fs)
}

func kMagDB(fs, f float64) float64 {
	s1, s2 := KWeighting(fs)
	return 20 * math.Log10(cmplx.Abs(s1.Response(f, fs)*s2.Response(f, fs)))
}

// 44.1 kHz (and other rates) must weight like 48 kHz. Below 100 Hz the rates
// agree to 0.001 dB. Between 500 Hz and 5 kHz the bilinear transform's
// frequency warping around the shelf moves the response by up to 0.0044 dB
// (96 kHz vs 48 kHz at 997 Hz; 44.1 kHz differs by 0.001 dB there), so the
// tolerance there is 0.005 dB: 20 times below the 0.1 LU conformance
// tolerance. The K-weighting gain at 997 Hz is +0.691 dB at 48 kHz, which
// the -0.691 constant cancels.
func TestKWeightingAcrossRates(t *testing.T) {
	cases := []struct{ f, tol float64 }{
		{20, 0.001}, {50, 0.001}, {100, 0.001}, {500, 0.005}, {997, 0.005},
		{2000, 0.005}, {5000, 0.005}, {10000, 0.005}, {16000, 0.005},
	}
	for _, fs := range []float64{44100, 88200, 96000} {
		for _, c := range cases {
			a, b := kMagDB(fs, c.f), kMagDB(48000, c.f)
			t.Logf("fs %6.0f f %5.0f Hz: %+.4f dB (48 kHz %+.4f)", fs, c.f, a, b)
			if math.Abs(a-b) > c.tol {
				t.Errorf("fs %v at %v Hz: %.4f dB vs %.4f dB at 48 kHz (tol %g)", fs, c.f, a, b, c.tol)
			}
		}
	}
	if g := kMagDB(48000, 997); math.Abs(g-0.691) > 0.0005 {
		t.Errorf("K-weighting gain at 997 Hz %.4f dB, want 0.691", g)
	}
}
