package oversample

import (
	"math"

	"github.com/mixdown/mixdown/dsp/detmath"
)

// AttenuationDB is the stop-band attenuation every stage is designed for.
// It is also the pass-band ripple bound: a Kaiser window gives the same δ
// in both bands, 10^(-100/20) = 1e-5, i.e. ±0.0001 dB.
const AttenuationDB = 100

// PassEdge and StopEdge are the corner frequencies of the whole
// up/down chain as fractions of the base sample rate: flat to 0.45·fs
// (21.6 kHz at 48 kHz, 19.8 kHz at 44.1 kHz), at least AttenuationDB down
// from 0.5·fs. Putting the stop edge at Nyquist rather than symmetric
// around it (as a half-band would) means nothing above Nyquist can alias
// into the band below it.
const (
	PassEdge = 0.45
	StopEdge = 0.5
)

// kaiserBeta is Kaiser's β for a stop-band attenuation in dB
// (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., eq. 7.62).
func kaiserBeta(attenDB float64) float64 {
	switch {
	case attenDB > 50:
		return 0.1102 * (attenDB - 8.7)
	case attenDB >= 21:
		return float64(0.5842*detmath.Pow(attenDB-21, 0.4)) + float64(0.07886*(attenDB-21))
	}
	return 0
}

// kaiserOrder is Kaiser's estimate of the filter order (taps - 1) for an
// attenuation and a transition width in cycles per sample (O&S eq. 7.63).
func kaiserOrder(attenDB, transition float64) int {
	return int(math.Ceil((attenDB - 7.95) / (2.285 * 2 * math.Pi * transition)))
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges quickly for the β used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	h := x / 2
	for k := 1; k < 500; k++ {
		term *= h / float64(k)
		t2 := float64(term * term)
		sum += t2
		if t2 < 1e-17*sum {
			break
		}
	}
	return sum
}

// kaiser returns an n-tap Kaiser-windowed sinc low pass with cutoff fc
// (cycles per sample, -6 dB point) and unit DC gain. n must be odd so the
// centre falls on a tap. With halfband set, fc must be 0.25: taps at even
// distance from the centre are set exactly to zero and the centre to 1/2.
func kaiser(n int, fc, beta float64, halfband bool) []float64 {
	h := make([]float64, n)
	m := (n - 1) / 2
	i0b := besselI0(beta)
	var sum float64
	for i := range h {
		k := i - m
		if halfband && k != 0 && k%2 == 0 {
			continue
		}
		r := float64(k) / float64(m)
		w := besselI0(beta*math.Sqrt(math.Max(0, 1-float64(r*r)))) / i0b
		s := 2 * fc
		if k != 0 {
			// sinc is even: evaluate at |k| so the taps are exactly symmetric.
			ak := float64(max(k, -k))
			sn := detmath.Sin(float64(2*math.Pi*fc) * ak)
			s = sn / (math.Pi * ak)
		}
		h[i] = float64(s * w)
		if k != 0 {
			sum += h[i]
		}
	}
	if halfband {
		// Scale the side taps to sum to 1/2, the centre is exactly 1/2:
		// unit DC gain and an exact half-band.
		for i := range h {
			if i != m {
				h[i] *= 0.5 / sum
			}
		}
		h[m] = 0.5
		return h
	}
	sum += h[m]
	for i := range h {
		h[i] /= sum
	}
	return h
}

// stageDesign is the prototype filter of one 2x stage, designed at the
// stage's high rate.
type stageDesign struct {
	h        []float64 // full prototype, linear phase, odd length
	halfband bool
	// Band edges at the stage's high rate, cycles per sample.
	pass, stop float64
}

// designStage designs stage j (1-based): stage 1 runs between fs and 2fs,
// stage j between 2^(j-1)·fs and 2^j·fs.
//
// Stage 1 does the sharp work: pass 0.45·fs, stop 0.5·fs, i.e. 0.225 and
// 0.25 at its 2fs rate. Stages j >= 2 only need to keep 0..0.5·fs and
// reject what would fold onto it, R/2-0.5·fs..R/2 (R = 2^j·fs). That band
// is symmetric about R/4, so they are half-bands: every other tap is zero
// and one polyphase branch is a pure delay.
func designStage(j int) stageDesign {
	beta := kaiserBeta(AttenuationDB)
	d := stageDesign{halfband: j > 1}
	step := 2 // odd lengths: integer group delay
	if j == 1 {
		d.pass, d.stop = PassEdge/2, StopEdge/2
	} else {
		d.pass = 0.5 / float64(int(1)<<j)
		d.stop = 0.5 - d.pass
		step = 4 // half-band lengths are 4m+3 (the end taps are non-zero)
	}
	fc := (d.pass + d.stop) / 2
	n := kaiserOrder(AttenuationDB, d.stop-d.pass) + 1
	for n%step != step-1 {
		n++
	}
	// Kaiser's length formula is an estimate (it is optimistic for the
	// wide transitions of the half-bands), so grow the filter until the
	// measured response meets the specification.
	for ; ; n += step {
		d.h = kaiser(n, fc, beta, d.halfband)
		if d.meets(designGrid) {
			return d
		}
	}
}

// designGrid is the number of grid intervals per band the design is
// checked on: about 60 points per stop-band lobe of the longest stage.
const designGrid = 1 << 13

// passRippleDB bounds the pass-band deviation of each stage.
const passRippleDB = 0.0002

// Linear bounds equivalent to ±passRippleDB and -AttenuationDB, so the
// design decision involves no logarithm (whose last bit may vary by CPU).
const (
	passMax = 1.000023026116026880671064979346449579782 // 10^(0.0002/20)
	passMin = 0.9999769744141629304001999246883763900379
	stopMax = 1e-5 // 10^(-100/20)
)

// meets reports whether the response stays within passMin..passMax in the
// pass band and below stopMax in the stop band on the grid.
func (d stageDesign) meets(points int) bool {
	for i := 0; i <= points; i++ {
		a := response(d.h, d.pass*float64(i)/float64(points))
		if a < passMin || a > passMax {
			return false
		}
		if math.Abs(response(d.h, d.stop+(0.5-d.stop)*float64(i)/float64(points))) > stopMax {
			return false
		}
	}
	return true
}

// measure returns the largest pass-band deviation and the highest
// stop-band gain, both in dB, on a grid of points per band.
func (d stageDesign) measure(points int) (passDB, stopDB float64) {
	stopDB = math.Inf(-1)
	for i := 0; i <= points; i++ {
		f := d.pass * float64(i) / float64(points)
		passDB = math.Max(passDB, math.Abs(20*math.Log10(math.Abs(response(d.h, f)))))
		f = d.stop + (0.5-d.stop)*float64(i)/float64(points)
		stopDB = math.Max(stopDB, 20*math.Log10(math.Abs(response(d.h, f))))
	}
	return passDB, stopDB
}

// response is the (real, zero-phase) amplitude response of a symmetric
// FIR at f cycles per sample.
func response(h []float64, f float64) float64 {
	// cos(kθ) by the Chebyshev recurrence: fast, and accurate to ~1e-14
	// over a few hundred terms, far below the 1e-5 being measured.
	m := (len(h) - 1) / 2
	c1 := detmath.Cos(2 * math.Pi * f)
	a := h[m]
	cPrev, c := 1.0, c1
	for k := 1; k <= m; k++ {
		a += float64(float64(2*h[m-k]) * c)
		cPrev, c = c, float64(float64(2*c1)*c)-cPrev
	}
	return a
}

// KaiserLowpass returns an n-tap (n odd) Kaiser-windowed sinc low pass with
// cutoff fc (cycles per sample, -6 dB point), window parameter beta and
// unit DC gain, computed with the same portable arithmetic as this
// package's own stages. It is exported for dsp/resample, whose polyphase
// prototypes are the same design at other lengths and cutoffs.
func KaiserLowpass(n int, fc, beta float64) []float64 {
	if n%2 == 0 {
		panic("oversample: KaiserLowpass needs an odd length")
	}
	return kaiser(n, fc, beta, false)
}

// KaiserBeta is Kaiser's β for a stop-band attenuation in dB (Oppenheim &
// Schafer eq. 7.62).
func KaiserBeta(attenDB float64) float64 { return kaiserBeta(attenDB) }

// KaiserOrder is Kaiser's estimate of the order (taps - 1) of a low pass
// with the given attenuation in dB and transition width in cycles per
// sample (Oppenheim & Schafer eq. 7.63).
func KaiserOrder(attenDB, transition float64) int { return kaiserOrder(attenDB, transition) }
