package detmath

// Exp and Expm1 are fdlibm's e_exp.c and s_expm1.c, as Go's own pure-Go
// math.exp and math.expm1 port them, with every product rounded.
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

import "math"

const (
	ln2Hi   = 6.93147180369123816490e-01 // 0x3fe62e42fee00000: k·ln2Hi is exact for |k| < 2^20
	ln2Lo   = 1.90821492927058770002e-10 // 0x3dea39ef35793c76: ln 2 - ln2Hi
	invLn2  = 1.44269504088896338700e+00 // 0x3ff71547652b82fe
	ln2Half = 3.46573590279972654709e-01 // 0x3fd62e42fefa39ef
	ln2x1p5 = 1.03972077083991796413e+00 // 0x3ff0a2b23f3bab73: 1.5·ln 2
)

// Exp returns e^x.
//
// Special cases: Exp(+Inf) = +Inf, Exp(-Inf) = 0, Exp(NaN) = NaN; results
// above the float64 range are +Inf, below it 0. Error < 1 ulp.
//
// Method (fdlibm): x = k·ln2 + r with |r| <= ln2/2, r carried as hi - lo;
// e^r = 1 + r + r·c/(2-c) with c = r - r²·P(r²), a Remez polynomial of
// degree 5 in r²; then e^x = 2^k·e^r.
func Exp(x float64) float64 {
	const (
		overflow  = 7.09782712893383973096e+02  // 0x40862e42fefa39ef
		underflow = -7.45133219101941108420e+02 // 0xc0874910d52d3051
		nearZero  = 0x1p-28

		p1 = 1.66666666666666657415e-01  // 0x3fc555555555553e
		p2 = -2.77777777770155933842e-03 // 0xbf66c16c16bebd93
		p3 = 6.61375632143793436117e-05  // 0x3f11566aaf25de2c
		p4 = -1.65339022054652515390e-06 // 0xbebbbd41c5d26bf1
		p5 = 4.13813679705723846039e-08  // 0x3e66376972bea4d0
	)
	switch {
	case x != x:
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}

	var hi, lo float64
	k := 0
	switch ax := math.Abs(x); {
	case ax <= ln2Half:
		hi = x
	case ax < ln2x1p5: // k = ±1 saves a multiplication and keeps hi exact
		if x > 0 {
			hi, lo, k = x-ln2Hi, ln2Lo, 1
		} else {
			hi, lo, k = x+ln2Hi, -ln2Lo, -1
		}
	default:
		if x > 0 {
			k = int(float64(invLn2*x) + 0.5)
		} else {
			k = int(float64(invLn2*x) - 0.5)
		}
		kf := float64(k)
		hi = x - float64(kf*ln2Hi)
		lo = float64(kf * ln2Lo)
	}
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	if k == 0 {
		return 1 - (float64(r*c)/(c-2) - r)
	}
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return scale2(y, k)
}

// Expm1 returns e^x - 1, accurate also where e^x is close to 1.
//
// Special cases: Expm1(+Inf) = +Inf, Expm1(-Inf) = -1, Expm1(NaN) = NaN,
// Expm1(±0) = ±0; large x overflows to +Inf. Error < 1 ulp.
func Expm1(x float64) float64 {
	const (
		othreshold = 7.09782712893383973096e+02 // 0x40862e42fefa39ef
		ln2x56     = 3.88162421113569373274e+01 // 0x4043687a9f1af2b1
		tiny       = 0x1p-54

		// Scaled Remez coefficients of fdlibm's rational approximation.
		q1 = -3.33333333333331316428e-02 // 0xbfa11111111110f4
		q2 = 1.58730158725481460165e-03  // 0x3f5a01a019fe5585
		q3 = -7.93650757867487942473e-05 // 0xbf14ce199eaadbb7
		q4 = 4.00821782732936239552e-06  // 0x3ed0cfca86e65239
		q5 = -2.01099218183624371326e-07 // 0xbe8afdb76e09c32d
	)
	switch {
	case x != x || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return -1
	}
	ax := math.Abs(x)
	if ax >= ln2x56 {
		if x < 0 {
			return -1 // e^x < 2^-56: -1 is the correctly rounded result
		}
		if ax >= othreshold {
			return math.Inf(1)
		}
	}

	// Reduce: x = k·ln2 + r, |r| <= ln2/2, r = hi - lo with the rounding
	// error of that subtraction kept in c.
	var c float64
	k := 0
	switch {
	case ax > ln2Half:
		var hi, lo float64
		if ax < ln2x1p5 {
			if x > 0 {
				hi, lo, k = x-ln2Hi, ln2Lo, 1
			} else {
				hi, lo, k = x+ln2Hi, -ln2Lo, -1
			}
		} else {
			if x > 0 {
				k = int(float64(invLn2*x) + 0.5)
			} else {
				k = int(float64(invLn2*x) - 0.5)
			}
			kf := float64(k)
			hi = x - float64(kf*ln2Hi)
			lo = float64(kf * ln2Lo)
		}
		x = hi - lo
		c = (hi - x) - lo
	case ax < tiny:
		return x // also keeps the sign of -0
	}

	hfx := float64(0.5 * x)
	hxs := float64(x * hfx)
	r1 := 1 + float64(hxs*(q1+float64(hxs*(q2+float64(hxs*(q3+float64(hxs*(q4+float64(hxs*q5)))))))))
	t := 3 - float64(r1*hfx)
	e := float64(hxs * ((r1 - t) / (6 - float64(x*t))))
	if k == 0 {
		return x - (float64(x*e) - hxs)
	}
	e = float64(x*(e-c)) - c
	e -= hxs
	switch {
	case k == -1:
		return float64(0.5*(x-e)) - 0.5
	case k == 1:
		if x < -0.25 {
			return float64(-2 * (e - (x + 0.5)))
		}
		return 1 + float64(2*(x-e))
	case k <= -2 || k > 56: // e^x - 1 rounds like e^x here
		y := 1 - (e - x)
		y = math.Float64frombits(math.Float64bits(y) + uint64(k)<<52) // y·2^k, exact
		return y - 1
	case k < 20:
		t := math.Float64frombits(0x3ff0000000000000 - (0x20000000000000 >> uint(k))) // 1 - 2^-k
		y := t - (e - x)
		return math.Float64frombits(math.Float64bits(y) + uint64(k)<<52)
	}
	t = pow2(-k)
	y := x - (e + t)
	y++
	return math.Float64frombits(math.Float64bits(y) + uint64(k)<<52)
}
