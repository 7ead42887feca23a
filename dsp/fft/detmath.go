package fft

// Twiddle factors must be the same bits on every machine, and Go's
// math.Sin and math.Cos are not: they are pure Go polynomials that the
// compiler fuses into FMA instructions on arm64 but not on amd64. The
// kernels below are the same Cephes polynomials (as in Go's math/sin.go),
// valid for |z| <= pi/4, with every product rounded explicitly so no FMA
// can form.

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
	ps := sinCoef[0]
	pc := cosCoef[0]
	for k := 1; k < len(sinCoef); k++ {
		ps = float64(ps*zz) + sinCoef[k]
		pc = float64(pc*zz) + cosCoef[k]
	}
	s = z + float64(float64(z*zz)*ps)
	c = (1.0 - float64(0.5*zz)) + float64(float64(zz*zz)*pc)
	return s, c
}
