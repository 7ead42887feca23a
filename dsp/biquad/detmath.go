package biquad

import "math"

// Portable elementary functions for coefficient design.
//
// mixdown promises bit-identical output on every machine, and the
// coefficients are part of the output. The math package does not give
// that: math.Exp (and so math.Pow) is assembly on amd64 and arm64, and on
// amd64 it takes an FMA code path only when the CPU has FMA; math.Sin and
// friends are Go code that the compiler may fuse into FMAs on arm64 or
// with GOAMD64=v3. These versions use only +, -, *, / with every product
// rounded by a float64 conversion, plus Floor, Ldexp and Sqrt, which are
// exact or correctly rounded everywhere. Tests hold them within a few ulp
// of the math package. (dsp/saturation and dsp/oversample carry the same
// code; a shared package would be the better home.)

const (
	// Cody-Waite splits (fdlibm): k·hi is exact for the k used here.
	ln2Hi   = 6.93147180369123816490e-01
	ln2Lo   = 1.90821492927058770002e-10
	log2e   = 1.44269504088896338700e+00
	pio2Hi  = 1.57079632673412561417e+00 // first 33 bits of π/2
	pio2Lo  = 6.07710050650619224932e-11 // π/2 - pio2Hi
	twoOvPi = 6.36619772367581382433e-01
)

// expm1Poly is e^r - 1 for |r| <= ln2/2 (Taylor to degree 13, truncation
// error < 5e-18).
func expm1Poly(r float64) float64 {
	p := 1.0 / 6227020800
	p = float64(p*r) + 1.0/479001600
	p = float64(p*r) + 1.0/39916800
	p = float64(p*r) + 1.0/3628800
	p = float64(p*r) + 1.0/362880
	p = float64(p*r) + 1.0/40320
	p = float64(p*r) + 1.0/5040
	p = float64(p*r) + 1.0/720
	p = float64(p*r) + 1.0/120
	p = float64(p*r) + 1.0/24
	p = float64(p*r) + 1.0/6
	p = float64(p*r) + 0.5
	p = float64(p*r) + 1
	return float64(p * r)
}

// exp is e^x.
func exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.782712893384:
		return math.Inf(1)
	case x < -745.1332191019412:
		return 0
	}
	k := math.Floor(float64(x*log2e) + 0.5)
	r := (x - float64(k*ln2Hi)) - float64(k*ln2Lo)
	return math.Ldexp(1+expm1Poly(r), int(k))
}

// pow10 is 10^x.
func pow10(x float64) float64 { return exp(float64(x * math.Ln10)) }

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
