package detmath

// Pow is fdlibm's e_pow.c (version 5.3, 2004) with every product rounded.
// Its special cases are those of Go's math.Pow (C99 Annex F).
//
// ====================================================
// Copyright (C) 2004 by Sun Microsystems, Inc. All rights reserved.
//
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

import "math"

// Pow returns x**y.
//
// Special cases are as for math.Pow:
//
//	Pow(x, ±0) = 1 for any x
//	Pow(1, y) = 1 for any y
//	Pow(x, 1) = x for any x
//	Pow(NaN, y) = NaN
//	Pow(x, NaN) = NaN
//	Pow(±0, y) = ±Inf for y an odd integer < 0
//	Pow(±0, -Inf) = +Inf
//	Pow(±0, +Inf) = +0
//	Pow(±0, y) = +Inf for finite y < 0 and not an odd integer
//	Pow(±0, y) = ±0 for y an odd integer > 0
//	Pow(±0, y) = +0 for finite y > 0 and not an odd integer
//	Pow(-1, ±Inf) = 1
//	Pow(x, +Inf) = +Inf for |x| > 1
//	Pow(x, -Inf) = +0 for |x| > 1
//	Pow(x, +Inf) = +0 for |x| < 1
//	Pow(x, -Inf) = +Inf for |x| < 1
//	Pow(+Inf, y) = +Inf for y > 0
//	Pow(+Inf, y) = +0 for y < 0
//	Pow(-Inf, y) = Pow(-0, -y)
//	Pow(x, y) = NaN for finite x < 0 and finite non-integer y
//
// Error < 1 ulp ("nearly rounded", fdlibm); Pow(integer, integer) is the
// exact integer whenever that is representable, so Pow(10, n) is exactly
// 1e n for 0 <= n <= 22.
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case y == 1:
		return x
	case x != x || y != y:
		return math.NaN()
	case x == 0:
		switch {
		case y < 0:
			if math.Signbit(x) && isOddInt(y) {
				return math.Inf(-1)
			}
			return math.Inf(1)
		case y > 0:
			if math.Signbit(x) && isOddInt(y) {
				return x
			}
			return 0
		}
	case math.IsInf(y, 0):
		switch {
		case x == -1:
			return 1
		case (math.Abs(x) < 1) == math.IsInf(y, 1):
			return 0
		default:
			return math.Inf(1)
		}
	case math.IsInf(x, 0):
		if math.IsInf(x, -1) {
			return Pow(1/x, -y) // Pow(-0, -y)
		}
		if y < 0 {
			return 0
		}
		return math.Inf(1)
	case y == 0.5:
		return math.Sqrt(x) // correctly rounded; NaN for x < 0
	case y == 2:
		return float64(x * x)
	case y == -1:
		return 1 / x
	}
	if x > 0 {
		return powPositive(x, y)
	}
	if y != math.Trunc(y) {
		return math.NaN() // negative base, non-integer exponent
	}
	if isOddInt(y) {
		return -powPositive(-x, y)
	}
	return powPositive(-x, y)
}

// isOddInt reports whether x is an odd integer.
func isOddInt(x float64) bool {
	if math.Abs(x) >= 1<<53 { // every float64 this large is even
		return false
	}
	return x == math.Trunc(x) && int64(x)&1 == 1
}

// powPositive is the core of e_pow.c for finite x > 0, x != 1, and finite
// y outside the special cases above.
//
// Method: log2(x) = t1 + t2 in extra precision (t1 with 32 trailing zero
// bits), y·log2(x) = n + y' with |y'| <= 1/2 by simulated multiple
// precision, and x**y = 2^n·2^y' with 2^y' = e^(y'·ln 2) by the kernel of
// Exp.
func powPositive(x, y float64) float64 {
	const (
		two53 = 0x1p53
		// Coefficients of (3/2)·(log(x) - 2s - 2/3·s³).
		l1 = 5.99999999999994648725e-01 // 0x3fe3333333333303
		l2 = 4.28571428578550184252e-01 // 0x3fdb6db6db6fabff
		l3 = 3.33333329818377432918e-01 // 0x3fd55555518f264d
		l4 = 2.72728123808534006489e-01 // 0x3fd17460a91d4101
		l5 = 2.30660745775561754067e-01 // 0x3fcd864a93c9db65
		l6 = 2.06975017800338417784e-01 // 0x3fca7e284a454eef
		// e^r kernel (as in Exp, with fdlibm's P1 for pow).
		p1 = 1.66666666666666019037e-01  // 0x3fc555555555553e
		p2 = -2.77777777770155933842e-03 // 0xbf66c16c16bebd93
		p3 = 6.61375632143793436117e-05  // 0x3f11566aaf25de2c
		p4 = -1.65339022054652515390e-06 // 0xbebbbd41c5d26bf1
		p5 = 4.13813679705723846039e-08  // 0x3e66376972bea4d0

		lg2    = 6.93147180559945286227e-01  // 0x3fe62e42fefa39ef
		lg2H   = 6.93147182464599609375e-01  // 0x3fe62e4300000000
		lg2L   = -1.90465429995776804525e-09 // 0xbe205c610ca86c39
		ovt    = 8.0085662595372944372e-17   // -(1024 - log2(ovfl + .5ulp))
		cp     = 9.61796693925975554329e-01  // 0x3feec709dc3a03fd: 2/(3 ln2)
		cpH    = 9.61796700954437255859e-01  // 0x3feec709e0000000: (float)cp
		cpL    = -7.02846165095275826516e-09 // 0xbe3e2fe0145b01f5: tail of cpH
		ivln2  = 1.44269504088896338700e+00  // 0x3ff71547652b82fe: 1/ln2
		ivln2H = 1.44269502162933349609e+00  // 0x3ff7154760000000: 24 bits of 1/ln2
		ivln2L = 1.92596299112661746887e-08  // 0x3e54ae0bf85ddf44: tail of ivln2H

		dpH1 = 5.84962487220764160156e-01 // 0x3fe2b80340000000: log2(1.5), high part
		dpL1 = 1.35003920212974897128e-08 // 0x3e4cfdeb43cfd006: log2(1.5), low part
	)
	ix := hiWord(x) // x > 0: no sign bit
	hy := hiWord(y)
	iy := hy & 0x7fffffff

	var t1, t2 float64
	if iy > 0x41e00000 { // |y| > 2^31
		if iy > 0x43f00000 { // |y| > 2^64: must over- or underflow
			if ix <= 0x3fefffff {
				return overUnder(hy < 0)
			}
			if ix >= 0x3ff00000 {
				return overUnder(hy > 0)
			}
		}
		// Over- or underflow unless x is within 2^-20 of 1.
		if ix < 0x3fefffff {
			return overUnder(hy < 0)
		}
		if ix > 0x3ff00000 {
			return overUnder(hy > 0)
		}
		// |1-x| <= 2^-20: log(x) by x - x²/2 + x³/3 - x⁴/4.
		t := x - 1 // 20 trailing zeros
		w := float64(float64(t*t) * (0.5 - float64(t*(0.3333333333333333333333-float64(t*0.25)))))
		u := float64(ivln2H * t) // ivln2H has 21 significant bits
		v := float64(t*ivln2L) - float64(w*ivln2)
		t1 = clearLo(u + v)
		t2 = v - (t1 - u)
	} else {
		ax := x
		n := int32(0)
		if ix < 0x00100000 { // subnormal x
			ax = float64(ax * two53)
			n -= 53
			ix = hiWord(ax)
		}
		n += ix>>20 - 0x3ff
		j := ix & 0x000fffff
		// Interval: |x| < sqrt(3/2) uses log(x), |x| < sqrt(3) log(x/1.5).
		ix = j | 0x3ff00000
		k := int32(0)
		bp, dpH, dpL := 1.0, 0.0, 0.0 // fdlibm's bp[k], dp_h[k], dp_l[k]
		switch {
		case j <= 0x3988e:
		case j < 0xbb67a:
			k = 1
			bp, dpH, dpL = 1.5, dpH1, dpL1
		default:
			n++
			ix -= 0x00100000
		}
		ax = withHi(ax, ix)

		// ss = sH + sL = (x-1)/(x+1) or (x-1.5)/(x+1.5).
		u := ax - bp
		v := 1 / (ax + bp)
		ss := float64(u * v)
		sH := clearLo(ss)
		// tH = ax + bp, high part.
		tH := fromWords(((ix>>1)|0x20000000)+0x00080000+k<<18, 0)
		tL := ax - (tH - bp)
		sL := float64(v * ((u - float64(sH*tH)) - float64(sH*tL)))
		// log(ax).
		s2 := float64(ss * ss)
		r := float64(float64(s2*s2) * (l1 + float64(s2*(l2+float64(s2*(l3+float64(s2*(l4+float64(s2*(l5+float64(s2*l6)))))))))))
		r += float64(sL * (sH + ss))
		s2 = float64(sH * sH)
		tH = clearLo((3 + s2) + r)
		tL = r - ((tH - 3) - s2)
		// u + v = ss·(1 + ...).
		u = float64(sH * tH)
		v = float64(sL*tH) + float64(tL*ss)
		// 2/(3 log 2)·(ss + ...).
		pH := clearLo(u + v)
		pL := v - (pH - u)
		zH := float64(cpH * pH) // cpH + cpL = 2/(3 log 2)
		zL := (float64(cpL*pH) + float64(pL*cp)) + dpL
		// log2(ax) = (ss + ...)·2/(3 log 2) = n + dpH + zH + zL.
		t := float64(n)
		t1 = clearLo(((zH + zL) + dpH) + t)
		t2 = zL - (((t1 - t) - dpH) - zH)
	}

	// (y1 + y2)·(t1 + t2) with y1 = y rounded to 32 bits.
	y1 := clearLo(y)
	pL := float64((y-y1)*t1) + float64(y*t2)
	pH := float64(y1 * t1)
	z := pL + pH
	j := hiWord(z)
	i := int32(loWord(z))
	if j >= 0x40900000 { // z >= 1024
		if (j-0x40900000)|i != 0 || pL+ovt > z-pH {
			return math.Inf(1)
		}
	} else if j&0x7fffffff >= 0x4090cc00 { // z <= -1075
		if (uint32(j)-0xc090cc00)|uint32(i) != 0 || pL <= z-pH {
			return 0
		}
	}

	// 2^(pH + pL): split off n = round(z).
	i = j & 0x7fffffff
	k := i>>20 - 0x3ff
	n := int32(0)
	if i > 0x3fe00000 { // |z| > 0.5
		n = j + 0x00100000>>uint(k+1)
		k = (n&0x7fffffff)>>20 - 0x3ff // new k for n
		t := fromWords(n&^(0x000fffff>>uint(k)), 0)
		n = (n&0x000fffff | 0x00100000) >> uint(20-k)
		if j < 0 {
			n = -n
		}
		pH -= t
	}
	t := clearLo(pL + pH)
	u := float64(t * lg2H)
	v := float64((pL-(t-pH))*lg2) + float64(t*lg2L)
	z = u + v
	w := v - (z - u)
	t = float64(z * z)
	t1 = z - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	r := float64(z*t1)/(t1-2) - (w + float64(z*w))
	z = 1 - (r - z)
	if j := hiWord(z) + n<<20; j>>20 > 0 {
		return withHi(z, j) // normal result: add n to the exponent
	}
	return scale2(z, int(n)) // subnormal result: round once
}

// overUnder is +Inf if over, else +0.
func overUnder(over bool) float64 {
	if over {
		return math.Inf(1)
	}
	return 0
}
