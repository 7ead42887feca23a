package dynamics

import "math"

// Deterministic exp and log.
//
// The standard library's math.Exp and math.Log are not bit-reproducible
// across machines: on amd64, math.Exp runs assembly that switches to FMA
// instructions when the CPU has them (so two amd64 machines can disagree),
// on arm64 it is FMA assembly, math.Log is assembly on amd64 and Go
// elsewhere, and the Go fallbacks may be fused into FMAs by the compiler
// on arm64. Rendering must be bit-identical on any machine, and these
// functions sit in per-sample gain paths, so this package uses its own.
//
// dexp and dlog are the fdlibm algorithms (Sun Microsystems 1993, e_exp.c
// and e_log.c: argument reduction by ln 2 split in a high and a low part,
// then a Remez polynomial; the constants are fdlibm's), written with every
// product rounded before it is added, so each operation is a single IEEE
// 754 add, subtract, multiply or divide: the same bits everywhere. Both are
// within 1 ulp of the exact result (see detmath_test.go).

const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	log2e = 1.44269504088896338700e+00
)

// dexp returns e^x.
func dexp(x float64) float64 {
	const (
		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
		p1        = 1.66666666666666657415e-01
		p2        = -2.77777777770155933842e-03
		p3        = 6.61375632143793436117e-05
		p4        = -1.65339022054652515390e-06
		p5        = 4.13813679705723846039e-08
	)
	switch {
	case x != x || x > overflow:
		return x * math.Inf(1) // NaN stays NaN
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	// x = k ln2 + r, |r| <= ln2/2, with r = hi - lo for extra precision.
	var k int
	if x < 0 {
		k = int(float64(log2e*x) - 0.5)
	} else {
		k = int(float64(log2e*x) + 0.5)
	}
	kf := float64(k)
	hi := x - float64(kf*ln2Hi)
	lo := float64(kf * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	p := p4 + float64(t*p5)
	p = p3 + float64(t*p)
	p = p2 + float64(t*p)
	p = p1 + float64(t*p)
	c := r - float64(t*p)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return ldexp(y, k)
}

// ldexp returns y * 2^k with exact power-of-two multiplications.
func ldexp(y float64, k int) float64 {
	for k > 1023 {
		y *= 0x1p1023
		k -= 1023
	}
	for k < -1022 {
		y *= 0x1p-1022
		k += 1022
	}
	return y * math.Float64frombits(uint64(k+1023)<<52)
}

// dlog returns the natural logarithm of x.
func dlog(x float64) float64 {
	const (
		l1 = 6.666666666666735130e-01
		l2 = 3.999999999940941908e-01
		l3 = 2.857142874366239149e-01
		l4 = 2.222219843214978396e-01
		l5 = 1.818357216161805012e-01
		l6 = 1.531383769920937332e-01
		l7 = 1.479819860511658591e-01
	)
	switch {
	case x != x || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	// x = 2^k (1+f), sqrt(2)/2 <= 1+f < sqrt(2), by exact bit work.
	ki := 0
	if x < 0x1p-1022 { // subnormal: scale into the normal range
		x *= 0x1p52
		ki = -52
	}
	bits := math.Float64bits(x)
	ki += int(bits>>52) - 1022
	f1 := math.Float64frombits(bits&^(0x7ff<<52) | 1022<<52) // in [0.5, 1)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	// log(1+f) = f - f^2/2 + s(f^2/2 + R(s^2)), s = f/(2+f).
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(0.5 * f * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// dbToGain is 10^(db/20), deterministic (dsp.DBToGain uses math.Pow).
func dbToGain(db float64) float64 { return dexp(float64(db * neperPerDB)) }

// gainToDB is 20 log10(g), deterministic.
func gainToDB(g float64) float64 { return float64(dlog(g) * dbPerNeper) }
