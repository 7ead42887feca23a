package detmath

import "math"

// Tanh returns the hyperbolic tangent of x.
//
// Special cases: Tanh(±0) = ±0, Tanh(±Inf) = ±1, Tanh(NaN) = NaN.
// Error < 0.8 ulp.
//
// Method: for |x| < 0.625 the Cephes rational approximation
// tanh x = x + x³·P(x²)/Q(x²) as in Go's math.tanh; above, t/(t+2) with
// t = expm1(2|x|) as in fdlibm's s_tanh.c, but with the sum t+2 and the
// quotient carried in double-double, so that only the error of t (damped
// by 2/(t+2)) and one final rounding remain: fdlibm's plain formulas reach
// 2 ulp below 1 and 1.3 ulp above. From 22 on tanh rounds to ±1.
//
// The rational approximation is from the Cephes Math Library Release 2.8,
// Copyright 1984, 1987, 1989, 1992, 2000 by Stephen L. Moshier ("may be
// used freely"), as used by Go's math package. s_tanh.c:
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
func Tanh(x float64) float64 {
	const (
		p0 = -9.64399179425052238628e-1
		p1 = -9.92877231001918586564e1
		p2 = -1.61468768441708447952e3
		q0 = 1.12811678491632931402e2
		q1 = 2.23548839060100448583e3
		q2 = 4.84406305325125486048e3
	)
	ax := math.Abs(x)
	var z float64
	switch {
	case x != x:
		return x
	case ax >= 22: // also ±Inf: 1 - tanh(22) < 2^-63
		z = 1
	case ax < 0x1p-28: // tanh x rounds to x; keeps -0
		return x
	case ax < 0.625:
		s := float64(x * x)
		num := float64(float64(float64(p0*s)+p1)*s) + p2
		den := float64(float64(float64(float64(s+q0)*s)+q1)*s) + q2
		return x + float64(float64(x*s)*num)/den
	default:
		t := Expm1(2 * ax) // > 2.49
		s := t + 2
		e := 2 - (s - t) // s + e = t + 2 exactly (Fast2Sum, t >= 2)
		q := t / s
		p := float64(q * s)
		r := ((t - p) - twoProdErr(q, s, p)) - float64(q*e) // t - q·(s+e), nearly exact
		z = q + r/s
	}
	if x < 0 {
		return -z
	}
	return z
}
