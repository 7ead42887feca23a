package oversample

import "math"

// Portable sin/cos for the filter design: math.Sin may be FMA-fused on
// arm64 or with GOAMD64=v3, and the taps are part of the output, which
// must be the same bits on every machine. Same code as dsp/biquad's
// detmath.go (a shared package would be the better home); only +, -, *,
// / with rounded products, plus Floor.

const (
	pio2Hi  = 1.57079632673412561417e+00 // first 33 bits of π/2
	pio2Lo  = 6.07710050650619224932e-11 // π/2 - pio2Hi
	twoOvPi = 6.36619772367581382433e-01
)

// sincosKernel is sin and cos of |r| <= π/4 (Taylor to degree 17/18,
// truncation error < 1e-19).
func sincosKernel(r float64) (s, c float64) {
	z := float64(r * r)
	ps := -1.0 / 355687428096000 // -1/17!
	ps = float64(ps*z) + 1.0/1307674368000
	ps = float64(ps*z) - 1.0/6227020800
	ps = float64(ps*z) + 1.0/39916800
	ps = float64(ps*z) - 1.0/362880
	ps = float64(ps*z) + 1.0/5040
	ps = float64(ps*z) - 1.0/120
	ps = float64(ps*z) + 1.0/6
	s = r - float64(float64(ps*z)*r)
	pc := 1.0 / 6402373705728000 // 1/18!
	pc = float64(pc*z) - 1.0/20922789888000
	pc = float64(pc*z) + 1.0/87178291200
	pc = float64(pc*z) - 1.0/479001600
	pc = float64(pc*z) + 1.0/3628800
	pc = float64(pc*z) - 1.0/40320
	pc = float64(pc*z) + 1.0/720
	pc = float64(pc*z) - 1.0/24
	pc = float64(pc*z) + 0.5
	c = 1 - float64(pc*z)
	return s, c
}

// sincos is sin(x), cos(x) for |x| up to about 1e5 (the reduction by a
// two-part π/2 is exact for quadrant counts below 2^20).
func sincos(x float64) (s, c float64) {
	k := math.Floor(float64(x*twoOvPi) + 0.5)
	r := (x - float64(k*pio2Hi)) - float64(k*pio2Lo)
	s, c = sincosKernel(r)
	switch int(k) & 3 {
	case 1:
		s, c = c, -s
	case 2:
		s, c = -s, -c
	case 3:
		s, c = -c, s
	}
	return s, c
}
