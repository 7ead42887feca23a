package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func sine(n int, rate, freq, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*freq*float64(i)/rate)
	}
	return x
}

func noise(n int, seed uint64, amp float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * r.NormFloat64()
	}
	return x
}

func analyze(rate float64, block int, chans ...[]float64) *Spectrum {
	a := NewAnalyzer(rate, len(chans))
	n := len(chans[0])
	view := make([][]float64, len(chans))
	for off := 0; off < n; off += block {
		end := min(off+block, n)
		for ch := range chans {
			view[ch] = chans[ch][off:end]
		}
		a.Process(view)
	}
	return a.Spectrum()
}

func TestWindowSize(t *testing.T) {
	for _, c := range []struct {
		rate float64
		want int
	}{{44100, 16384}, {48000, 16384}, {96000, 32768}, {8000, 2048}} {
		if got := WindowSize(c.rate); got != c.want {
			t.Errorf("WindowSize(%v) = %d, want %d", c.rate, got, c.want)
		}
	}
}

// A sine of amplitude A has mean square A²/2 (Parseval), all of it in
// the octave band around its frequency.
func TestSpectrumSine(t *testing.T) {
	const rate = 48000
	s := analyze(rate, 4096, sine(rate*4, rate, 1000, 0.5), sine(rate*4, rate, 1000, 0.5))
	if got, want := s.Total(), 0.125; math.Abs(got-want) > 0.001*want {
		t.Errorf("total %v, want %v (A²/2) within 0.1%%", got, want)
	}
	bands := s.Bands()
	for i, b := range bands {
		if BandNames[i] == "1kHz" {
			if math.Abs(b) > 0.01 {
				t.Errorf("1 kHz band %.4f dB re total, want 0 within 0.01 dB", b)
			}
		} else if b > -100 {
			// Hann sidelobes fall 18 dB an octave: at least 100 bins from
			// the tone, where the next band starts, they are below -100 dB.
			t.Errorf("%s band %.1f dB re total, want below -100 dB (Hann leakage)", BandNames[i], b)
		}
	}
	// A full-scale sine reads 0 dB in the smoothed spectrum.
	f, db := analyze(rate, 4096, sine(rate*2, rate, 1000, 1)).Smoothed(1000, 2000, 2)
	if f[0] != 1000 || math.Abs(db[0]) > 0.05 {
		t.Errorf("smoothed at %v Hz: %.3f dB, want 0 within 0.05 dB", f[0], db[0])
	}
}

// White noise has equal power per hertz: the total is its variance, and
// each octave band holds twice the power of the one below (+3.01 dB).
func TestSpectrumWhiteNoise(t *testing.T) {
	const rate = 48000
	x := noise(rate*20, 1, 0.1)
	s := analyze(rate, 1000, x)
	var ms float64
	for _, v := range x {
		ms += v * v
	}
	ms /= float64(len(x))
	if got := s.Total(); math.Abs(got-ms) > 0.01*ms {
		t.Errorf("total %v, want the signal's mean square %v within 1%%", got, ms)
	}
	bands := s.Bands()
	for i := 1; i < len(bands); i++ {
		// The lowest bands span few bins and few degrees of freedom: allow
		// them more.
		tol := 0.2
		if i < 3 {
			tol = 0.6
		}
		if d := bands[i] - bands[i-1]; math.Abs(d-10*math.Log10(2)) > tol {
			t.Errorf("%s - %s = %.2f dB, want 3.01 within %.1f", BandNames[i], BandNames[i-1], d, tol)
		}
	}
	// The bands cover 22.1 Hz to 22.6 kHz of the 0 to 24 kHz.
	var sum float64
	for _, b := range bands {
		sum += math.Pow(10, b/10)
	}
	if want := (16000*math.Sqrt2 - 31.25/math.Sqrt2) / 24000; math.Abs(sum-want) > 0.02 {
		t.Errorf("bands hold %.3f of the total, want %.3f", sum, want)
	}
}

// The analysis does not depend on how the signal is cut into blocks.
func TestSpectrumBlocks(t *testing.T) {
	const rate = 8000
	l, r := noise(20000, 2, 0.3), sine(20000, rate, 440, 0.2)
	want := analyze(rate, 20000, l, r)
	for _, bs := range []int{1, 7, 64, 4096} {
		if got := analyze(rate, bs, l, r); !slices.Equal(got.Power, want.Power) || got.Windows != want.Windows {
			t.Errorf("block %d: spectrum differs from one block", bs)
		}
	}
	// 20000 samples, N 2048, hop 1024: 18 windows, and one that ends with
	// the signal.
	if want.Windows != 19 {
		t.Errorf("%d windows, want 19", want.Windows)
	}
}

func TestSpectrumSilence(t *testing.T) {
	s := analyze(48000, 512, make([]float64, 1000))
	for i, b := range s.Bands() {
		if !math.IsInf(b, -1) {
			t.Errorf("silence: %s band %v, want -Inf", BandNames[i], b)
		}
	}
}
