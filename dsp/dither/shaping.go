package dither

import (
	"math"
	"math/cmplx"
)

// ShapingTaps is the length of the noise-shaping error filter.
const ShapingTaps = 5

// shapingCoeffs are the error-feedback taps c1..c5 of the "shaped" kind:
// the 5-tap filter of Lipshitz, Vanderkooy and Wannamaker, "Minimally
// Audible Noise Shaping", J. Audio Eng. Soc. 39(11):836-852, 1991 (its
// 5-coefficient improved-E-weighted design, for 44.1 kHz). The values are
// the ones carried with that attribution by SoX (src/dither.c, lip44,
// "lipshitz", used at 44.1 kHz), Audacity (Dither.cpp, SHAPED_BS,
// "Lipshitz's minimally audible FIR") and Ardour (gdither.c, shaped_bs); all
// three agree digit for digit. The tests pin the response they give: -16.6
// dB at DC, a -27.2 dB notch at 4.04 kHz (where hearing is most sensitive),
// +19.4 dB at Nyquist, 12.19 dB more total power than flat TPDF. The
// 9-tap improved-E-weighted and Wannamaker's 9-tap F-weighted filters
// (JAES 40(7/8), 1992) buy 1.5-4 dB more reduction in 1-4 kHz with 6-11 dB
// more total error power (+27 and +32 dB at Nyquist) and 2.4-4.2 times the
// peak error, which costs headroom at full scale and survives poorly
// through later lossy coding; the 5-tap filter is the gentler and more
// widely used choice.
var shapingCoeffs = [ShapingTaps]float64{2.033, -2.165, 1.959, -1.590, 0.6149}

// ShapingDesignRateHz is the sample rate the shaping filter was designed
// for. The filter acts per sample, so at another rate its response scales
// with the rate: at 48 kHz the notch sits at 4.39 kHz and the 1-4 kHz band
// is 16.65 dB below flat TPDF instead of 17.1 dB; at 88.2 and 96 kHz all of
// 0-20 kHz stays at or below +0.45 dB; at 32 kHz and below the +19 dB peak
// falls in the audible band, and "tpdf" is the better choice.
const ShapingDesignRateHz = 44100

// ShapingCoeffs returns the shaping filter taps c1..c5. The quantiser feeds
// the total error e (dither plus rounding, in LSB) back so that the output
// error is e[n] - sum_k c_k e[n-k]: the noise transfer function is
// NTF(z) = 1 - sum_k c_k z^-k.
func ShapingCoeffs() [ShapingTaps]float64 { return shapingCoeffs }

// ShapingGain returns the noise power gain of the shaping filter,
// 1 + sum c_k^2 = 16.56 (12.19 dB): the total error power of "shaped" is
// this times that of "tpdf".
func ShapingGain() float64 {
	g := 1.0
	for _, c := range shapingCoeffs {
		g += float64(c * c)
	}
	return g
}

// ShapingResponse returns |NTF|^2, the power gain the shaping filter
// applies to the flat TPDF error at freqHz for a signal sampled at
// sampleRateHz. It is for documentation and tests, not for the signal path.
func ShapingResponse(freqHz, sampleRateHz float64) float64 {
	w := 2 * math.Pi * freqHz / sampleRateHz
	h := complex(1, 0)
	for k, c := range shapingCoeffs {
		h -= complex(c, 0) * cmplx.Exp(complex(0, -w*float64(k+1)))
	}
	a := cmplx.Abs(h)
	return a * a
}
