package detmath

// Sin, Cos, Sincos and Tan are fdlibm's s_sin.c, s_cos.c and s_tan.c with
// the kernels k_sin.c, k_cos.c and k_tan.c and the medium-size reduction
// of FreeBSD msun's e_rem_pio2.c (Bruce D. Evans), every product rounded.
// Huge arguments go through remPio2Large (reduce.go).
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

import "math"

// Sin returns the sine of the radian argument x.
//
// Special cases: Sin(±0) = ±0, Sin(±Inf) = NaN, Sin(NaN) = NaN.
// Error < 1 ulp for every finite x.
func Sin(x float64) float64 {
	ix := hiWord(x) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb: // |x| ~<= π/4
		if ix < 0x3e500000 { // |x| < 2^-26: sin x rounds to x
			return x
		}
		return kernelSin(x, 0, false)
	case ix >= 0x7ff00000:
		return math.NaN()
	}
	n, y0, y1 := remPio2(x)
	switch n & 3 {
	case 0:
		return kernelSin(y0, y1, true)
	case 1:
		return kernelCos(y0, y1)
	case 2:
		return -kernelSin(y0, y1, true)
	}
	return -kernelCos(y0, y1)
}

// Cos returns the cosine of the radian argument x.
//
// Special cases: Cos(±Inf) = NaN, Cos(NaN) = NaN. Error < 1 ulp.
func Cos(x float64) float64 {
	ix := hiWord(x) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb:
		if ix < 0x3e46a09e { // |x| < 2^-27·sqrt(2): cos x rounds to 1
			return 1
		}
		return kernelCos(x, 0)
	case ix >= 0x7ff00000:
		return math.NaN()
	}
	n, y0, y1 := remPio2(x)
	switch n & 3 {
	case 0:
		return kernelCos(y0, y1)
	case 1:
		return -kernelSin(y0, y1, true)
	case 2:
		return -kernelCos(y0, y1)
	}
	return kernelSin(y0, y1, true)
}

// Sincos returns Sin(x), Cos(x), bit for bit, with one argument reduction.
func Sincos(x float64) (sin, cos float64) {
	ix := hiWord(x) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb:
		sin, cos = x, 1
		if ix >= 0x3e500000 {
			sin = kernelSin(x, 0, false)
		}
		if ix >= 0x3e46a09e {
			cos = kernelCos(x, 0)
		}
		return sin, cos
	case ix >= 0x7ff00000:
		return math.NaN(), math.NaN()
	}
	n, y0, y1 := remPio2(x)
	s, c := kernelSin(y0, y1, true), kernelCos(y0, y1)
	switch n & 3 {
	case 0:
		return s, c
	case 1:
		return c, -s
	case 2:
		return -s, -c
	}
	return -c, s
}

// Tan returns the tangent of the radian argument x.
//
// Special cases: Tan(±0) = ±0, Tan(±Inf) = NaN, Tan(NaN) = NaN.
// Error < 1 ulp.
func Tan(x float64) float64 {
	ix := hiWord(x) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb:
		if ix < 0x3e400000 { // |x| < 2^-27: tan x rounds to x
			return x
		}
		return kernelTan(x, 0, 1)
	case ix >= 0x7ff00000:
		return math.NaN()
	}
	n, y0, y1 := remPio2(x)
	return kernelTan(y0, y1, 1-int32(n&1)<<1) // -1/tan for odd quadrants
}

// remPio2 returns n and y0 + y1 = x - n·π/2, |y0 + y1| <= ~π/4, for
// finite |x| > π/4 (e_rem_pio2.c). Only n mod 4 is meaningful.
func remPio2(x float64) (n int, y0, y1 float64) {
	const (
		invPio2 = 6.36619772367581382433e-01 // 0x3fe45f306dc9c883: 53 bits of 2/π
		pio2_1  = 1.57079632673412561417e+00 // 0x3ff921fb54400000: first 33 bits of π/2
		pio2_1t = 6.07710050650619224932e-11 // 0x3dd0b4611a626331: π/2 - pio2_1
		pio2_2  = 6.07710050630396597660e-11 // 0x3dd0b4611a600000: second 33 bits of π/2
		pio2_2t = 2.02226624879595063154e-21 // 0x3ba3198a2e037073: π/2 - (pio2_1 + pio2_2)
		pio2_3  = 2.02226624871116645580e-21 // 0x3ba3198a2e000000: third 33 bits of π/2
		pio2_3t = 8.47842766036889956997e-32 // 0x397b839a252049c1: π/2 - (pio2_1 + pio2_2 + pio2_3)
	)
	ix := hiWord(x) & 0x7fffffff
	if ix >= 0x413921fb { // |x| ~>= 2^20·π/2
		n, y0, y1 = remPio2Large(math.Abs(x))
		if x < 0 {
			return -n, -y0, -y1
		}
		return n, y0, y1
	}
	// Medium size: fn·pio2_1 is exact for |fn| < 2^20, and a second and
	// third 33-bit piece of π/2 are brought in when the first subtraction
	// cancels more than 16 (then 49) bits.
	fn := math.RoundToEven(float64(x * invPio2))
	n = int(fn)
	r := x - float64(fn*pio2_1)
	w := float64(fn * pio2_1t) // first round good to 85 bits
	j := ix >> 20
	y0 = r - w
	if i := j - (hiWord(y0)>>20)&0x7ff; i > 16 { // second round, good to 118 bits
		t := r
		w = float64(fn * pio2_2)
		r = t - w
		w = float64(fn*pio2_2t) - ((t - r) - w)
		y0 = r - w
		if i := j - (hiWord(y0)>>20)&0x7ff; i > 49 { // third round, 151 bits: covers all cases
			t = r
			w = float64(fn * pio2_3)
			r = t - w
			w = float64(fn*pio2_3t) - ((t - r) - w)
			y0 = r - w
		}
	}
	y1 = (r - y0) - w
	return n, y0, y1
}

// kernelSin is sin(x+y) for |x| <= ~π/4, y the tail of x (k_sin.c).
// Without tail (tail == false) y must be 0.
//
// sin(x) ~ x + S1·x³ + ... + S6·x¹³ (Remez, error <= 2^-58), and
// sin(x+y) ~ sin(x) + (1-x²/2)·y.
func kernelSin(x, y float64, tail bool) float64 {
	const (
		s1 = -1.66666666666666324348e-01 // 0xbfc5555555555549
		s2 = 8.33333333332248946124e-03  // 0x3f8111111110f8a6
		s3 = -1.98412698298579493134e-04 // 0xbf2a01a019c161d5
		s4 = 2.75573137070700676789e-06  // 0x3ec71de357b1fe7d
		s5 = -2.50507602534068634195e-08 // 0xbe5ae5e68a2b9ceb
		s6 = 1.58969099521155010221e-10  // 0x3de5d93a5acfd57c
	)
	z := float64(x * x)
	w := float64(z * z)
	r := (s2 + float64(z*(s3+float64(z*s4)))) + float64(float64(z*w)*(s5+float64(z*s6)))
	v := float64(z * x)
	if !tail {
		return x + float64(v*(s1+float64(z*r)))
	}
	return x - ((float64(z*(float64(0.5*y)-float64(v*r))) - y) - float64(v*s1))
}

// kernelCos is cos(x+y) for |x| <= ~π/4, y the tail of x (k_cos.c).
//
// cos(x) ~ 1 - x²/2 + C1·x⁴ + ... + C6·x¹⁴ (Remez, error <= 2^-58), and
// cos(x+y) ~ cos(x) - x·y, summed as w + ((1-w) - x²/2 + ...) with
// w = 1 - x²/2 so that the rounding of w is recovered.
func kernelCos(x, y float64) float64 {
	const (
		c1 = 4.16666666666666019037e-02  // 0x3fa555555555554c
		c2 = -1.38888888888741095749e-03 // 0xbf56c16c16c15177
		c3 = 2.48015872894767294178e-05  // 0x3efa01a019cb1590
		c4 = -2.75573143513906633035e-07 // 0xbe927e4f809c52ad
		c5 = 2.08757232129817482790e-09  // 0x3e21ee9ebdb4b1c4
		c6 = -1.13596475577881948265e-11 // 0xbda8fae9be8838d4
	)
	z := float64(x * x)
	w := float64(z * z)
	r := float64(z*(c1+float64(z*(c2+float64(z*c3))))) + float64(float64(w*w)*(c4+float64(z*(c5+float64(z*c6)))))
	hz := float64(0.5 * z)
	w = 1 - hz
	return w + (((1 - w) - hz) + (float64(z*r) - float64(x*y)))
}

// kernelTan is tan(x+y) (iy = 1) or -1/tan(x+y) (iy = -1) for
// |x| <= ~π/4, y the tail of x, x != -0 (k_tan.c).
//
// tan(x) ~ x + T1·x³ + ... + T13·x²⁷ on [0, 0.67434] (error <= 2^-59.2);
// above that, tan(x) = tan(π/4 - y') = 1 - 2(tan y' - tan² y'/(1 + tan y')).
func kernelTan(x, y float64, iy int32) float64 {
	const (
		t0     = 3.33333333333334091986e-01  // 0x3fd5555555555563
		t1     = 1.33333333333201242699e-01  // 0x3fc111111110fe7a
		t2     = 5.39682539762260521377e-02  // 0x3faba1ba1bb341fe
		t3     = 2.18694882948595424599e-02  // 0x3f9664f48406d637
		t4     = 8.86323982359930005737e-03  // 0x3f8226e3e96e8493
		t5     = 3.59207910759131235356e-03  // 0x3f6d6d22c9560328
		t6     = 1.45620945432529025516e-03  // 0x3f57dbc8fee08315
		t7     = 5.88041240820264096874e-04  // 0x3f4344d8f2f26501
		t8     = 2.46463134818469906812e-04  // 0x3f3026f71a8d1068
		t9     = 7.81794442939557092300e-05  // 0x3f147e88a03792a6
		t10    = 7.14072491382608190305e-05  // 0x3f12b80f32f0a7e9
		t11    = -1.85586374855275456654e-05 // 0xbef375cbdb605373
		t12    = 2.59073051863633712884e-05  // 0x3efb2a7074bf7ad4
		pio4   = 7.85398163397448278999e-01  // 0x3fe921fb54442d18
		pio4lo = 3.06161699786838301793e-17  // 0x3c81a62633145c07
	)
	hx := hiWord(x)
	big := hx&0x7fffffff >= 0x3fe59428 // |x| >= 0.6744
	if big {
		if hx < 0 {
			x, y = -x, -y
		}
		x = (pio4 - x) + (pio4lo - y)
		y = 0
	}
	z := float64(x * x)
	w := float64(z * z)
	// x⁵·(T1 + x²·T2 + ...) as x⁵·(T1 + x⁴·T3 + ... + x²⁰·T11) +
	// x⁵·(x²·(T2 + x⁴·T4 + ... + x²⁰·T12)).
	r := t1 + float64(w*(t3+float64(w*(t5+float64(w*(t7+float64(w*(t9+float64(w*t11)))))))))
	v := float64(z * (t2 + float64(w*(t4+float64(w*(t6+float64(w*(t8+float64(w*(t10+float64(w*t12)))))))))))
	s := float64(z * x)
	r = y + float64(z*(float64(s*(r+v))+y))
	r += float64(t0 * s)
	w = x + r
	if big {
		v = float64(iy)
		t := v - float64(2*(x-(float64(w*w)/(w+v)-r)))
		if hx < 0 {
			return -t
		}
		return t
	}
	if iy == 1 {
		return w
	}
	// -1/(x+r) accurately: z + v = r + x with z's low word cleared.
	z = clearLo(w)
	v = r - (z - x)
	a := -1 / w
	t := clearLo(a)
	s = 1 + float64(t*z)
	return t + float64(a*(s+float64(t*v)))
}
