package loudness

import (
	"github.com/mixdown/mixdown/dsp/detmath"
	"math"
	"math/cmplx"
)

// Biquad holds the coefficients of one second-order section, normalised so
// that a0 = 1:
//
//	y[n] = B0 x[n] + B1 x[n-1] + B2 x[n-2] - A1 y[n-1] - A2 y[n-2]
type Biquad struct {
	B0, B1, B2 float64
	A1, A2     float64
}

// Response is the section's complex frequency response at f Hz for sample
// rate fs.
func (c Biquad) Response(f, fs float64) complex128 {
	z1 := cmplx.Exp(complex(0, -2*math.Pi*f/fs)) // z^-1
	z2 := z1 * z1
	num := complex(c.B0, 0) + complex(c.B1, 0)*z1 + complex(c.B2, 0)*z2
	den := 1 + complex(c.A1, 0)*z1 + complex(c.A2, 0)*z2
	return num / den
}

// The K-weighting filter as ITU-R BS.1770-4 publishes it, for 48 kHz only
// (Tables 1 and 2 of Annex 1): stage 1 models the acoustic effect of the
// head (a high shelf), stage 2 is the RLB high-pass.
var (
	PublishedStage1At48k = Biquad{
		B0: 1.53512485958697, B1: -2.69169618940638, B2: 1.19839281085285,
		A1: -1.69065929318241, A2: 0.73248077421585,
	}
	PublishedStage2At48k = Biquad{
		B0: 1, B1: -2, B2: 1,
		A1: -1.99004745483398, A2: 0.99007225036621,
	}
)

// Shelf is the analog prototype of K-weighting stage 1, a second-order high
// shelf with unity gain at DC:
//
//	H(s) = (Vh s^2 + Vb (w0/Q) s + w0^2) / (s^2 + (w0/Q) s + w0^2),  w0 = 2 pi F0
//
// Vh is the linear gain above the shelf; Vb shapes the transition.
type Shelf struct{ F0, Q, Vh, Vb float64 }

// HighPass is the analog prototype of K-weighting stage 2:
//
//	H(s) = Gain s^2 / (s^2 + (w0/Q) s + w0^2),  w0 = 2 pi F0
//
// Gain is not 1: BS.1770 publishes the 48 kHz numerator as [1, -2, 1]
// without the bilinear transform's 1/a0, i.e. with a passband gain of
// 1.004995 (+0.043 dB). That gain is part of what the -0.691 dB constant
// calibrates, so the prototype keeps it and every sample rate gets it.
type HighPass struct{ F0, Q, Gain float64 }

// bilinearK is the prewarped bilinear-transform constant: the digital
// filter matches the analog one exactly at F0.
func bilinearK(f0, fs float64) float64 { return detmath.Tan(math.Pi * f0 / fs) }

// Digital is the shelf's bilinear transform at sample rate fs.
func (p Shelf) Digital(fs float64) Biquad {
	// Products are rounded before they are added, so no FMA is fused and
	// the coefficients are the same bits on every machine.
	k := bilinearK(p.F0, fs)
	kq := k / p.Q
	kk := float64(k * k)
	a0 := 1 + kq + kk
	return Biquad{
		B0: (p.Vh + float64(p.Vb*kq) + kk) / a0,
		B1: 2 * (kk - p.Vh) / a0,
		B2: (p.Vh - float64(p.Vb*kq) + kk) / a0,
		A1: 2 * (kk - 1) / a0,
		A2: (1 - kq + kk) / a0,
	}
}

// Digital is the high-pass's bilinear transform at sample rate fs.
func (p HighPass) Digital(fs float64) Biquad {
	k := bilinearK(p.F0, fs)
	kq := k / p.Q
	kk := float64(k * k)
	a0 := 1 + kq + kk
	g := p.Gain / a0
	return Biquad{B0: g, B1: -2 * g, B2: g, A1: 2 * (kk - 1) / a0, A2: (1 - kq + kk) / a0}
}

// Analog is the prototype's response at f Hz.
func (p Shelf) Analog(f float64) complex128 {
	s, w0 := complex(0, 2*math.Pi*f), complex(2*math.Pi*p.F0, 0)
	q := complex(p.Q, 0)
	return (complex(p.Vh, 0)*s*s + complex(p.Vb, 0)*w0/q*s + w0*w0) / (s*s + w0/q*s + w0*w0)
}

// Analog is the prototype's response at f Hz.
func (p HighPass) Analog(f float64) complex128 {
	s, w0 := complex(0, 2*math.Pi*f), complex(2*math.Pi*p.F0, 0)
	q := complex(p.Q, 0)
	return complex(p.Gain, 0) * s * s / (s*s + w0/q*s + w0*w0)
}

// denominatorK recovers K = tan(pi f0/fs), K/Q and a0 of a bilinear-
// transformed second-order section from its normalised denominator, using
// 1+A1+A2 = 4K^2/a0 and 1-A1+A2 = 4/a0 and 1-A2 = 2(K/Q)/a0.
func denominatorK(c Biquad) (k, kq, a0 float64) {
	a0 = 4 / (1 - c.A1 + c.A2)
	k = math.Sqrt((1 + c.A1 + c.A2) / (1 - c.A1 + c.A2))
	kq = (1 - c.A2) * a0 / 2
	return k, kq, a0
}

// ShelfFrom inverts Shelf.Digital: the analog prototype whose bilinear
// transform at fs is c. With B0-B1+B2 = 4Vh/a0 and B0-B2 = 2Vb(K/Q)/a0 the
// five coefficients give F0, Q, Vh and Vb in closed form; the fifth
// relation (unity DC gain, B0+B1+B2 = 1+A1+A2) holds for the published
// stage 1 to all 14 printed digits.
func ShelfFrom(c Biquad, fs float64) Shelf {
	k, kq, a0 := denominatorK(c)
	return Shelf{
		F0: fs * math.Atan(k) / math.Pi,
		Q:  k / kq,
		Vh: (c.B0 - c.B1 + c.B2) * a0 / 4,
		Vb: (c.B0 - c.B2) * a0 / (2 * kq),
	}
}

// HighPassFrom inverts HighPass.Digital.
func HighPassFrom(c Biquad, fs float64) HighPass {
	k, kq, a0 := denominatorK(c)
	return HighPass{F0: fs * math.Atan(k) / math.Pi, Q: k / kq, Gain: c.B0 * a0}
}

// The K-weighting prototypes, recovered from the published 48 kHz
// coefficients. They come out as F0 = 1681.97 Hz, Q = 0.70718,
// Vh = 1.58486 (+4.00 dB), Vb = 1.25872 for the shelf and F0 = 38.135 Hz,
// Q = 0.50033, Gain = 1.004995 for the high-pass: the same analog filter
// libebur128 uses (its constants are checked in kweight_test.go), except
// that the high-pass keeps its published passband gain at every rate.
var (
	KShelf    = ShelfFrom(PublishedStage1At48k, 48000)
	KHighPass = HighPassFrom(PublishedStage2At48k, 48000)
)

// KWeighting returns the two K-weighting sections for sample rate fs,
// derived from the analog prototypes by the bilinear transform prewarped at
// each stage's F0. At 48 kHz they reproduce the published coefficients to
// about 1e-15.
func KWeighting(fs float64) (stage1, stage2 Biquad) {
	return KShelf.Digital(fs), KHighPass.Digital(fs)
}
