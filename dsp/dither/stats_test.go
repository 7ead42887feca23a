package dither

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp/fft"
)

func db(p float64) float64 { return 10 * math.Log10(p) }

// TestTPDFErrorOnSine: on a -40 dBFS sine, far from clipping, the total
// error of TPDF dither has mean 0, power 1/6 (dither) + 1/12 (rounding) =
// 1/4 LSB^2, and no correlation with the signal; shaped has power
// ShapingGain()/4 = 4.14 LSB^2, also uncorrelated.
func TestTPDFErrorOnSine(t *testing.T) {
	const n = 1 << 18
	x := sine(n, 0.01, 997)
	for _, bits := range []int{16, 24} {
		for _, kind := range []Kind{TPDF, Shaped} {
			e := errLSB(quantize(kind, bits, 11, x)[0], x, bits)
			mean, p := meanPower(e)
			want := kind.ErrorPowerLSB2()
			if math.Abs(mean) > 0.005 || math.Abs(p/want-1) > 0.02 {
				t.Errorf("%v/%d: error mean %.4f LSB, power %.4f LSB^2; want 0 and %.4f", kind, bits, mean, p, want)
			}
			if r := correlation(e, x); math.Abs(r) > 0.01 { // 5/sqrt(n)
				t.Errorf("%v/%d: error correlates with the signal, r = %.4f", kind, bits, r)
			}
		}
	}
}

// TestErrorMomentsIndependentOfInput is the defining property of TPDF
// dither: the first and second moments of the total error do not depend
// on the input. For constant inputs between grid points, "none" gives a
// constant error whose square is 0, 1/100, 1/16, 1/4, 1/16, 1/100 LSB^2 at
// offsets 0, 0.1, 0.25, 0.5, 0.75, 0.9 LSB (0.5 is a tie, rounded to the
// even neighbour); TPDF gives mean 0 and 1/4 LSB^2 at every offset; shaped
// gives mean 0 and 4.14 LSB^2.
func TestErrorMomentsIndependentOfInput(t *testing.T) {
	const n = 1 << 17
	const s = 32768.0
	for _, base := range []float64{0, 1000, -12345} {
		for _, frac := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9} {
			x := constant(n, (base+frac)/s)
			noneErr := math.RoundToEven(base+frac) - (base + frac)
			for _, kind := range allKinds {
				e := errLSB(quantize(kind, 16, uint64(1000*frac)+7, x)[0], x, 16)
				mean, p := meanPower(e)
				switch kind {
				case None:
					for i, v := range e {
						if v != noneErr {
							t.Fatalf("none at %v LSB: error %v at %d, want %v", base+frac, v, i, noneErr)
						}
					}
				default:
					want := kind.ErrorPowerLSB2()
					if math.Abs(mean) > 0.005 || math.Abs(p/want-1) > 0.02 {
						t.Errorf("%v at %v LSB: error mean %.4f, power %.4f; want 0 and %.4f", kind, base+frac, mean, p, want)
					}
				}
			}
		}
	}
}

// TestSilence: digital silence stays exactly zero with "none"; with "tpdf"
// it becomes codes -1, 0, +1 with probabilities 1/8, 3/4, 1/8 (the
// triangular density beyond +-1/2), 1/4 LSB^2; with "shaped", shaped noise
// of 4.14 LSB^2.
func TestSilence(t *testing.T) {
	const n = 1 << 18
	x := constant(n, 0)
	out := quantize(None, 16, 1, x)[0]
	for i, v := range out {
		if v != 0 {
			t.Fatalf("none: sample %d of silence = %v", i, v)
		}
	}
	out = quantize(TPDF, 16, 1, x)[0]
	count := map[float64]int{}
	for _, v := range out {
		count[v*32768]++
	}
	for code, want := range map[float64]float64{-1: 0.125, 0: 0.75, 1: 0.125} {
		if got := float64(count[code]) / n; math.Abs(got-want) > 0.004 { // 6 standard errors
			t.Errorf("tpdf: P(%v LSB) = %.4f, want %v", code, got, want)
		}
		delete(count, code)
	}
	if len(count) != 0 {
		t.Errorf("tpdf: codes other than -1, 0, 1 from silence: %v", count)
	}
	_, p := meanPower(errLSB(quantize(Shaped, 16, 1, x)[0], x, 16))
	if want := Shaped.ErrorPowerLSB2(); math.Abs(p/want-1) > 0.02 {
		t.Errorf("shaped: silence gives %.3f LSB^2, want %.3f", p, want)
	}
}

// TestHeadroom: a full-scale sine clips (and is counted) but never leaves
// the integer range; a sine that leaves 1 + MaxErrorLSB() of headroom
// (1.5 LSB for none, 2.5 for tpdf, 15.04 for shaped) never clips, and its
// error never exceeds MaxErrorLSB(). 8 bits makes the
// margins large relative to the signal, so the peaks test them often.
func TestHeadroom(t *testing.T) {
	const n = 1 << 17
	if b := Shaped.MaxErrorLSB(); math.Abs(b-14.04) > 0.005 {
		t.Fatalf("shaped error bound %v, documented 14.04", b)
	}
	for _, bits := range []int{8, 16} {
		s := float64(int(1) << (bits - 1))
		for _, kind := range allKinds {
			bound := kind.MaxErrorLSB()
			margin := 1 + bound
			for _, amp := range []float64{1, 2, (s - margin) / s} {
				x := sine(n, amp, 1001)
				q := New(kind, bits, 1, 3)
				out := clone([][]float64{x})
				q.Process(out)
				maxErr := 0.0
				for i, v := range out[0] {
					if math.IsNaN(v) || v < -1 || v > (s-1)/s {
						t.Fatalf("%v/%d amp %v: sample %d = %v", kind, bits, amp, i, v)
					}
					if math.Abs(x[i]) < 1-(margin+1)/s {
						maxErr = math.Max(maxErr, math.Abs(v-x[i])*s)
					}
				}
				if amp >= 1 && q.Clipped() == 0 {
					t.Errorf("%v/%d amp %v: no clips counted", kind, bits, amp)
				}
				if amp < 1 && q.Clipped() != 0 {
					t.Errorf("%v/%d amp %v: %d clips inside the headroom", kind, bits, amp, q.Clipped())
				}
				if maxErr > bound {
					t.Errorf("%v/%d amp %v: error %v LSB beyond the bound %v", kind, bits, amp, maxErr, bound)
				}
			}
		}
	}
}

// TestOverloadRecovery: heavy overload does not wind up the shaping loop.
// Right after 2000 samples of a +6 dBFS square wave the error of a quiet
// sine is inside the 14.04 LSB bound, and from there on it has the
// designed power.
func TestOverloadRecovery(t *testing.T) {
	const over, n = 2000, 1 << 16
	x := sine(over+n, 0.01, 997)
	for i := range over {
		x[i] = 2 * float64(1-2*((i/50)&1))
	}
	q := New(Shaped, 16, 1, 5)
	out := clone([][]float64{x})
	q.Process(out)
	if q.Clipped() != over {
		t.Errorf("Clipped = %d, want %d", q.Clipped(), over)
	}
	e := errLSB(out[0][over:], x[over:], 16)
	for i, v := range e {
		if math.Abs(v) > 14.04 {
			t.Fatalf("error %v LSB at %d samples after the overload", v, i)
		}
	}
	if _, p := meanPower(e); math.Abs(p/Shaped.ErrorPowerLSB2()-1) > 0.03 {
		t.Errorf("error power after overload %.3f LSB^2, want %.3f", p, Shaped.ErrorPowerLSB2())
	}
}

// TestShapingResponse pins the designed noise transfer function of the
// 5-tap filter at 44.1 kHz, and checks that it is minimum phase by the
// Gerzon-Craven theorem: for a monic minimum-phase noise transfer function
// the average of 10*log10|NTF|^2 over frequency is exactly 0 dB (a
// non-minimum-phase one averages more).
func TestShapingResponse(t *testing.T) {
	const fs = 44100.0
	for _, tc := range []struct {
		f, dB, tol float64
	}{
		{0, -16.59, 0.01},
		{1000, -15.9, 0.05},
		{4035, -27.22, 0.01}, // the notch
		{9408, 0.45, 0.01},   // local maximum
		{12359, -7.67, 0.01}, // second minimum
		{16000, 11.9, 0.05},
		{20000, 18.67, 0.01},
		{fs / 2, 19.43, 0.01},
	} {
		if got := db(ShapingResponse(tc.f, fs)); math.Abs(got-tc.dB) > tc.tol {
			t.Errorf("|NTF(%g Hz)|^2 = %.3f dB, want %.2f", tc.f, got, tc.dB)
		}
	}
	// The notch really is the minimum near 4 kHz.
	for f := 3000.0; f <= 5000; f += 5 {
		if ShapingResponse(f, fs) < ShapingResponse(4035, fs) {
			t.Errorf("response at %g Hz is below the 4035 Hz notch", f)
		}
	}
	if g := db(ShapingGain()); math.Abs(g-12.19) > 0.005 {
		t.Errorf("noise power gain %.3f dB, want 12.19", g)
	}
	const m = 1 << 14
	sum := 0.0
	for k := range m {
		sum += db(ShapingResponse((float64(k)+0.5)/m*fs/2, fs))
	}
	if avg := sum / m; math.Abs(avg) > 1e-6 {
		t.Errorf("average log response %.2e dB, want 0 (minimum phase)", avg)
	}
	if a, b := bandResponseDB(1000, 4000, 44100), bandResponseDB(1000, 4000, 48000); math.Abs(a+17.10) > 0.01 || math.Abs(b+16.65) > 0.01 {
		t.Errorf("1-4 kHz mean response %.2f dB at 44.1 kHz, %.2f at 48 kHz; want -17.10 and -16.65", a, b)
	}
	// At 88.2 and 96 kHz the whole audio band stays within 0.45 dB of
	// flat TPDF or below it.
	for _, rate := range []float64{88200, 96000} {
		for f := 0.0; f <= 20000; f += 10 {
			if r := db(ShapingResponse(f, rate)); r > 0.45 {
				t.Errorf("at %g Hz: %.2f dB at %g Hz", rate, r, f)
			}
		}
	}
}

// bandResponseDB is the mean of |NTF|^2 over [lo, hi] Hz, in dB.
func bandResponseDB(lo, hi, fs float64) float64 {
	sum, n := 0.0, 0
	for f := lo; f <= hi; f += 1 {
		sum += ShapingResponse(f, fs)
		n++
	}
	return db(sum / float64(n))
}

// welch returns the power spectral density of x per FFT bin (two-sided,
// normalised so that white noise of variance v reads v in every bin):
// Hann-windowed segments of size n, overlapping by half.
func welch(x []float64, n int) []float64 {
	plan := fft.NewReal(n)
	win := make([]float64, n)
	norm := 0.0
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		norm += win[i] * win[i]
	}
	psd := make([]float64, n/2+1)
	seg := make([]float64, n)
	spec := make([]complex128, n/2+1)
	count := 0
	for start := 0; start+n <= len(x); start += n / 2 {
		for i := range seg {
			seg[i] = x[start+i] * win[i]
		}
		plan.Forward(spec, seg)
		for k, c := range spec {
			psd[k] += real(c)*real(c) + imag(c)*imag(c)
		}
		count++
	}
	for k := range psd {
		psd[k] /= norm * float64(count)
	}
	return psd
}

// bandMean averages psd over the bins whose centre lies in [lo, hi) Hz.
func bandMean(psd []float64, n int, lo, hi, fs float64) float64 {
	sum, cnt := 0.0, 0
	for k := range psd {
		f := float64(k) * fs / float64(n)
		if f >= lo && f < hi {
			sum += psd[k]
			cnt++
		}
	}
	return sum / float64(cnt)
}

var spectrumBands = [][2]float64{
	{50, 500}, {500, 1000}, {1000, 2000}, {2000, 3000}, {3000, 3800}, {3800, 4300},
	{4300, 5000}, {5000, 7000}, {7000, 9000}, {9000, 11000}, {11000, 13000},
	{13000, 15000}, {15000, 17000}, {17000, 19000}, {19000, 21000}, {21000, 22050},
}

// TestErrorSpectrum: the TPDF error is white at 1/4 LSB^2 per bin, and the
// shaped error follows |NTF(f)|^2 * 1/4 in every band, within 0.5 dB; in
// 1-4 kHz shaped is 17.1 dB below TPDF. Levels are dB re 1 LSB^2 per bin
// of the two-sided density (flat TPDF reads -6.02 dB); -v lists them.
func TestErrorSpectrum(t *testing.T) {
	const n, seg = 1 << 18, 2048
	x := sine(n, 0.01, 997)
	var band14 [2]float64
	for i, kind := range []Kind{TPDF, Shaped} {
		psd := welch(errLSB(quantize(kind, 16, 99, x)[0], x, 16), seg)
		for _, b := range spectrumBands {
			got := bandMean(psd, seg, b[0], b[1], testFS)
			want := 0.25
			if kind == Shaped {
				// The designed response averaged over the same bins.
				sum, cnt := 0.0, 0
				for k := range psd {
					if f := float64(k) * testFS / seg; f >= b[0] && f < b[1] {
						sum += ShapingResponse(f, testFS)
						cnt++
					}
				}
				want *= sum / float64(cnt)
			}
			if d := db(got / want); math.Abs(d) > 0.5 {
				t.Errorf("%v, %g-%g Hz: %.2f dB re 1 LSB^2/bin, designed %.2f (%+.2f dB)", kind, b[0], b[1], db(got), db(want), d)
			}
			t.Logf("%-6v %5g-%5g Hz: measured %7.2f dB, designed %7.2f dB (%+.2f)", kind, b[0], b[1], db(got), db(want), db(got/want))
		}
		band14[i] = bandMean(psd, seg, 1000, 4000, testFS)
	}
	if d := db(band14[1] / band14[0]); math.Abs(d+17.1) > 0.3 {
		t.Errorf("1-4 kHz: shaped is %.2f dB re TPDF, designed -17.1", d)
	}
}

// TestNoDistortion: rounding a 1.3 LSB sine without dither makes harmonic
// distortion (it becomes a three-level staircase); TPDF and shaped dither leave only noise at the harmonics and
// the fundamental's amplitude untouched. The sine sits exactly on DFT bin
// k of an n-point rectangular window, so a harmonic of amplitude a reads
// a at bin 3k, and the noise reads about 2*sqrt(P/n) LSB (P the error
// power per bin there).
func TestNoDistortion(t *testing.T) {
	const n, k = 1 << 16, 1489 // k odd: the error is periodic in n
	const amp = 1.3            // LSB
	x := make([]float64, n)
	for i := range x {
		x[i] = amp / 32768 * math.Sin(2*math.Pi*k*float64(i)/n)
	}
	bin := func(y []float64, m int) float64 { // amplitude in LSB
		var re, im float64
		for i, v := range y {
			s, c := math.Sincos(2 * math.Pi * float64((m*i)%n) / n)
			re += v * c
			im -= v * s
		}
		return 2 * math.Hypot(re, im) / n * 32768
	}
	for _, kind := range allKinds {
		out := quantize(kind, 16, 4, x)[0]
		fund, h3, h5 := bin(out, k), bin(out, 3*k), bin(out, 5*k)
		switch kind {
		case None:
			if h3 < 0.1 {
				t.Errorf("none: 3rd harmonic %.3f LSB; rounding a %v LSB sine should distort", h3, amp)
			}
		default:
			// Noise at these bins: TPDF 2*sqrt(0.25/n) = 0.004 LSB, shaped
			// up to 0.6 * that at 4.4 and 7.3 kHz; 0.03 LSB is > 7 sigma.
			if h3 > 0.03 || h5 > 0.03 || math.Abs(fund-amp) > 0.03 {
				t.Errorf("%v: fundamental %.4f LSB (want 1.3), harmonics %.4f, %.4f LSB (want noise)", kind, fund, h3, h5)
			}
		}
		t.Logf("%-6v %v LSB sine at %.0f Hz: fundamental %.4f LSB, 3rd %.4f, 5th %.4f", kind, amp, k*testFS/n, fund, h3, h5)
	}
}

// TestMeasuredTable reproduces the table in docs/mastering.md ("Dither")
// and checks it against the theory: run it with
//
//	go test ./dsp/dither -run TestMeasuredTable -v
func TestMeasuredTable(t *testing.T) {
	const n, seg = 1 << 18, 2048
	x := sine(n, 0.01, 997) // -40 dBFS peak
	var b strings.Builder
	fmt.Fprintf(&b, "\n| kind | error power, LSB^2 | error RMS, dBFS at 16 bits | peak error, LSB | 1-4 kHz band power, dB re 1 LSB^2 | 1-4 kHz re tpdf |\n|---|---|---|---|---|---|\n")
	var tpdfBand float64
	for _, kind := range []Kind{TPDF, None, Shaped} {
		e := errLSB(quantize(kind, 16, 2024, x)[0], x, 16)
		_, p := meanPower(e)
		peak := 0.0
		for _, v := range e {
			peak = math.Max(peak, math.Abs(v))
		}
		psd := welch(e, seg)
		// One-sided power in 1-4 kHz: mean density per bin times the
		// band's share of the two-sided spectrum.
		band := bandMean(psd, seg, 1000, 4000, testFS) * 2 * 3000 / testFS
		if kind == TPDF {
			tpdfBand = band
		}
		fmt.Fprintf(&b, "| %s | %.4f | %.1f | %.2f | %.1f | %+.1f dB |\n", kind, p, db(p)-db(32768*32768), peak, db(band), db(band/tpdfBand))
		if kind != None && math.Abs(p/kind.ErrorPowerLSB2()-1) > 0.02 {
			t.Errorf("%v: power %.4f, theory %.4f", kind, p, kind.ErrorPowerLSB2())
		}
		if kind == None && math.Abs(p*12-1) > 0.05 {
			t.Errorf("none: power %.4f, want about 1/12 on a -40 dBFS sine", p)
		}
	}
	t.Log(b.String())
}
