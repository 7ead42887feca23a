package detmath

// Log is fdlibm's e_log.c; Log10 is FreeBSD msun's e_log10.c (Bruce D.
// Evans's version, which carries log(1+f) in two parts through the
// scaling by 1/ln 10, so that it stays within 1 ulp and log10(10^n) = n).
// Every product is rounded explicitly.
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

// Remez coefficients of R(s) in log(1+f) = 2s + s·R(s), s = f/(2+f)
// (fdlibm Lg1..Lg7; error of the approximation < 2^-58.45).
const (
	lg1 = 6.666666666666735130e-01 // 0x3fe5555555555593
	lg2 = 3.999999999940941908e-01 // 0x3fd999999997fa04
	lg3 = 2.857142874366239149e-01 // 0x3fd2492494229359
	lg4 = 2.222219843214978396e-01 // 0x3fcc71c51d8e78af
	lg5 = 1.818357216161805012e-01 // 0x3fc7466496cb03de
	lg6 = 1.531383769920937332e-01 // 0x3fc39a09d078c69f
	lg7 = 1.479819860511658591e-01 // 0x3fc2f112df3e5244

	two54 = 0x1p54
)

// reduceLog splits a finite x > 0 into k and m with x = 2^k·m,
// sqrt(2)/2 <= m < sqrt(2) (fdlibm's threshold 0x6a09e ~ sqrt 2 on the
// high word). hx is the high word of m without its exponent.
func reduceLog(x float64) (k int32, m float64, hx int32) {
	h := hiWord(x)
	if h < 0x00100000 { // subnormal: scale into the normal range
		x = float64(x * two54)
		k = -54
		h = hiWord(x)
	}
	k += h>>20 - 1023
	hx = h & 0x000fffff
	i := (hx + 0x95f64) & 0x100000 // set when the mantissa is >= sqrt 2
	m = withHi(x, hx|(i^0x3ff00000))
	k += i >> 20
	return k, m, hx
}

// logSpecial handles x <= 0, +Inf and NaN for Log and Log10.
func logSpecial(x float64) (float64, bool) {
	switch {
	case x != x || math.IsInf(x, 1):
		return x, true
	case x == 0:
		return math.Inf(-1), true
	case x < 0:
		return math.NaN(), true
	}
	return 0, false
}

// Log returns the natural logarithm of x.
//
// Special cases: Log(+Inf) = +Inf, Log(±0) = -Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN. Error < 1 ulp.
//
// Method (fdlibm): x = 2^k·(1+f) with sqrt(2)/2 < 1+f < sqrt(2); with
// s = f/(2+f), log(1+f) = f - (f²/2 - s·(f²/2 + R(s))), R a Remez
// polynomial; log x = k·ln2Hi + (log(1+f) + k·ln2Lo).
func Log(x float64) float64 {
	if v, ok := logSpecial(x); ok {
		return v
	}
	k, m, hx := reduceLog(x)
	f := m - 1
	dk := float64(k)
	if (0x000fffff & (2 + hx)) < 3 { // -2^-20 <= f < 2^-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			return float64(dk*ln2Hi) + float64(dk*ln2Lo)
		}
		r := float64(float64(f*f) * (0.5 - float64(0.33333333333333333*f)))
		if k == 0 {
			return f - r
		}
		return float64(dk*ln2Hi) - ((r - float64(dk*ln2Lo)) - f)
	}
	s := f / (2 + f)
	z := float64(s * s)
	w := float64(z * z)
	t1 := float64(w * (lg2 + float64(w*(lg4+float64(w*lg6)))))
	t2 := float64(z * (lg1 + float64(w*(lg3+float64(w*(lg5+float64(w*lg7)))))))
	r := t2 + t1
	if (hx-0x6147a)|(0x6b851-hx) > 0 { // f not small: the f²/2 form is more accurate
		hfsq := float64(float64(0.5*f) * f)
		if k == 0 {
			return f - (hfsq - float64(s*(hfsq+r)))
		}
		return float64(dk*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(dk*ln2Lo))) - f)
	}
	if k == 0 {
		return f - float64(s*(f-r))
	}
	return float64(dk*ln2Hi) - ((float64(s*(f-r)) - float64(dk*ln2Lo)) - f)
}

// Log10 returns the decimal logarithm of x.
//
// Special cases as for Log. Log10(10^n) = n exactly for every power of
// ten a float64 holds exactly (n = 0..22). Error < 1 ulp.
func Log10(x float64) float64 {
	const (
		ivln10hi  = 4.34294481878168880939e-01 // 0x3fdbcb7b15200000: 1/ln10, 33 bits
		ivln10lo  = 2.50829467116452752298e-11 // 0x3dbb9438ca9aadd5
		log10_2hi = 3.01029995663611771306e-01 // 0x3fd34413509f6000
		log10_2lo = 3.69423907715893078616e-13 // 0x3d59fef311f12b36
	)
	if v, ok := logSpecial(x); ok {
		return v
	}
	if x == 1 {
		return 0
	}
	k, m, _ := reduceLog(x)
	y := float64(k)
	f := m - 1
	hfsq := float64(float64(0.5*f) * f)
	r := log1pKernel(f)

	// hi + lo = f - f²/2 + r = log(1+f), hi with 32 trailing zero bits so
	// that hi·ivln10hi is exact.
	hi := clearLo(f - hfsq)
	lo := ((f - hi) - hfsq) + r
	valHi := float64(hi * ivln10hi)
	y2 := float64(y * log10_2hi)
	valLo := (float64(y*log10_2lo) + float64((lo+hi)*ivln10lo)) + float64(lo*ivln10hi)
	// Add y2 in extra precision: it costs little and reduces the error
	// for many arguments.
	w := y2 + valHi
	valLo += (y2 - w) + valHi
	return valLo + w
}

// log1pKernel is FreeBSD's k_log1p: log(1+f) - f + f²/2 for
// sqrt(2)/2 - 1 <= f < sqrt(2) - 1.
func log1pKernel(f float64) float64 {
	s := f / (2 + f)
	z := float64(s * s)
	w := float64(z * z)
	t1 := float64(w * (lg2 + float64(w*(lg4+float64(w*lg6)))))
	t2 := float64(z * (lg1 + float64(w*(lg3+float64(w*(lg5+float64(w*lg7)))))))
	r := t2 + t1
	hfsq := float64(float64(0.5*f) * f)
	return float64(s * (hfsq + r))
}
