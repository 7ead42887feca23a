package reverb

import "math"

// Coefficients must be the same bits on every machine, and Go's math.Exp,
// math.Pow and math.Cos are not: Exp is assembly that takes an FMA path on
// arm64 and on amd64 CPUs with FMA, Pow is built on Exp, and Cos is a
// pure-Go polynomial the compiler fuses into FMA on arm64. The functions
// here are the same classic algorithms (FreeBSD msun exp, Cephes sin/cos, as
// in Go's math package) with every product rounded explicitly.

// detExp is e^x, to about an ulp, for x < 709 (smaller than -745 gives 0).
func detExp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00
		p1    = 1.66666666666666657415e-01
		p2    = -2.77777777770155933842e-03
		p3    = 6.61375632143793436117e-05
		p4    = -1.65339022054652515390e-06
		p5    = 4.13813679705723846039e-08
	)
	switch {
	case x != x:
		return x
	case x > 709.78:
		return math.Inf(1)
	case x < -745.14:
		return 0
	case x > -1.0/(1<<28) && x < 1.0/(1<<28):
		return 1 + x
	}
	// x = k ln2 + r, |r| <= ln2/2, with r = hi - lo in extra precision.
	var k int
	if x < 0 {
		k = int(float64(log2e*x) - 0.5)
	} else {
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(k) * ln2Lo
	r := hi - lo
	t := r * r
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// detPow10 is 10^x.
func detPow10(x float64) float64 { return detExp(float64(x * math.Ln10)) }

var sinCoef = [...]float64{
	1.58962301576546568060e-10,
	-2.50507477628578072866e-8,
	2.75573136213857245213e-6,
	-1.98412698295895385996e-4,
	8.33333333332211858878e-3,
	-1.66666666666666307295e-1,
}

var cosCoef = [...]float64{
	-1.13585365213876817300e-11,
	2.08757008419747316778e-9,
	-2.75573141792967388112e-7,
	2.48015872888517045348e-5,
	-1.38888888888730564116e-3,
	4.16666666666665929218e-2,
}

// sincosKernel returns sin(z) and cos(z) for 0 <= z <= pi/4.
func sincosKernel(z float64) (s, c float64) {
	zz := z * z
	ps, pc := sinCoef[0], cosCoef[0]
	for k := 1; k < len(sinCoef); k++ {
		ps = float64(ps*zz) + sinCoef[k]
		pc = float64(pc*zz) + cosCoef[k]
	}
	s = z + float64(float64(z*zz)*ps)
	c = (1.0 - float64(0.5*zz)) + float64(float64(zz*zz)*pc)
	return s, c
}

// detCos is cos(a) for 0 <= a <= pi.
func detCos(a float64) float64 {
	if a > math.Pi/2 {
		return -detCos(math.Pi - a)
	}
	if a > math.Pi/4 {
		s, _ := sincosKernel(math.Pi/2 - a)
		return s
	}
	_, c := sincosKernel(a)
	return c
}
