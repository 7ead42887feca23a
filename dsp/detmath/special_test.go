package detmath

import (
	"math"
	"math/big"
	"testing"
)

// same reports whether a and b are the same value, telling -0 from +0
// and treating NaNs as equal.
func same(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

var (
	inf  = math.Inf(1)
	nan  = math.NaN()
	negz = math.Copysign(0, -1)
	tiny = 5e-324                  // smallest subnormal
	sub  = 2.2250738585072009e-308 // largest subnormal
	huge = math.MaxFloat64
)

// specialCase is one exact result: f(x) must be want, bit for bit (NaN
// for NaN).
type specialCase struct {
	name    string
	f       func(float64) float64
	x, want float64
}

func checkSpecial(t *testing.T, cases []specialCase) {
	t.Helper()
	for _, tc := range cases {
		if got := tc.f(tc.x); !same(got, tc.want) {
			t.Errorf("%s(%v) = %v, want %v", tc.name, tc.x, got, tc.want)
		}
	}
}

// TestSpecialCases pins NaN, ±Inf, ±0, subnormal, overflow and underflow
// results, which must be exact.
func TestSpecialCases(t *testing.T) {
	checkSpecial(t, []specialCase{
		{"Exp", Exp, nan, nan},
		{"Exp", Exp, inf, inf},
		{"Exp", Exp, -inf, 0},
		{"Exp", Exp, 0, 1},
		{"Exp", Exp, negz, 1},
		{"Exp", Exp, tiny, 1},
		{"Exp", Exp, 1e-300, 1},
		{"Exp", Exp, 709.782712893383973096, 1.7976931348622732e308}, // largest x with finite e^x
		{"Exp", Exp, math.Nextafter(709.782712893383973096, 710), inf},
		{"Exp", Exp, 710, inf},
		{"Exp", Exp, -745.1, tiny},
		{"Exp", Exp, -745.14, 0},
		{"Exp", Exp, -1000, 0},
		{"Expm1", Expm1, nan, nan},
		{"Expm1", Expm1, inf, inf},
		{"Expm1", Expm1, -inf, -1},
		{"Expm1", Expm1, 0, 0},
		{"Expm1", Expm1, negz, negz},
		{"Expm1", Expm1, -tiny, -tiny},
		{"Expm1", Expm1, 1e-300, 1e-300},
		{"Expm1", Expm1, -50, -1},
		{"Expm1", Expm1, 710, inf},
		{"Log", Log, nan, nan},
		{"Log", Log, inf, inf},
		{"Log", Log, -inf, nan},
		{"Log", Log, -1, nan},
		{"Log", Log, -tiny, nan},
		{"Log", Log, 0, -inf},
		{"Log", Log, negz, -inf},
		{"Log", Log, 1, 0},
		{"Log", Log, tiny, -744.4400719213812},
		{"Log", Log, huge, 709.782712893384},
		{"Log10", Log10, nan, nan},
		{"Log10", Log10, inf, inf},
		{"Log10", Log10, -1, nan},
		{"Log10", Log10, 0, -inf},
		{"Log10", Log10, negz, -inf},
		{"Log10", Log10, 1, 0},
		{"Log10", Log10, tiny, -323.3062153431158},
		{"Sin", Sin, nan, nan},
		{"Sin", Sin, inf, nan},
		{"Sin", Sin, -inf, nan},
		{"Sin", Sin, 0, 0},
		{"Sin", Sin, negz, negz},
		{"Sin", Sin, tiny, tiny},
		{"Sin", Sin, -sub, -sub},
		{"Sin", Sin, 1e-10, 1e-10},
		{"Cos", Cos, nan, nan},
		{"Cos", Cos, inf, nan},
		{"Cos", Cos, 0, 1},
		{"Cos", Cos, negz, 1},
		{"Cos", Cos, tiny, 1},
		{"Tan", Tan, nan, nan},
		{"Tan", Tan, -inf, nan},
		{"Tan", Tan, 0, 0},
		{"Tan", Tan, negz, negz},
		{"Tan", Tan, -tiny, -tiny},
		{"Tanh", Tanh, nan, nan},
		{"Tanh", Tanh, inf, 1},
		{"Tanh", Tanh, -inf, -1},
		{"Tanh", Tanh, 0, 0},
		{"Tanh", Tanh, negz, negz},
		{"Tanh", Tanh, tiny, tiny},
		{"Tanh", Tanh, -1e-300, -1e-300},
		{"Tanh", Tanh, 22, 1},
		{"Tanh", Tanh, -1e300, -1},
	})
	for _, x := range []float64{nan, inf, -inf, 0, negz, tiny, 1} {
		if s, c := Sincos(x); !same(s, Sin(x)) || !same(c, Cos(x)) {
			t.Errorf("Sincos(%v) = %v, %v; Sin, Cos give %v, %v", x, s, c, Sin(x), Cos(x))
		}
	}
}

// TestPowSpecialCases checks every special case math.Pow documents, on
// the values math.Pow's own tests use.
func TestPowSpecialCases(t *testing.T) {
	vals := []float64{nan, -inf, -huge, -3, -2, -1.5, -1, -0.5, negz, 0, tiny, 0.5, 1, 1.5, 2, 3, 1 << 53, 1<<53 + 2, huge, inf,
		-(1 << 53), 0.4, -0.4, 2.5, -2.5, 5, -5, 1e300, -1e300}
	for _, x := range vals {
		for _, y := range vals {
			special := y == 0 || x == 1 || y == 1 || x != x || y != y || x == 0 || math.IsInf(x, 0) || math.IsInf(y, 0) ||
				(x < 0 && y != math.Trunc(y)) || y == 0.5 || y == 2 || y == -1
			if !special {
				continue
			}
			if got, want := Pow(x, y), math.Pow(x, y); !same(got, want) {
				t.Errorf("Pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
	}
	// Over- and underflow, with signs, and results in the subnormals.
	for _, tc := range []struct{ x, y, want float64 }{
		{10, 309, inf},
		{-10, 309, -inf},
		{-10, 310, inf},
		{10, -324, 0},
		{-10, -325, negz},
		{2, 1024, inf},
		{2, 1023, 0x1p1023},
		{2, -1074, tiny},
		{2, -1075, 0}, // halfway, rounds to even
		{0.5, 1074, tiny},
		{2, -1022.5, 0x1.6a09e667f3bccp-1023}, // subnormal: sqrt(2)/2·2^-1022, correctly rounded
		{1 + 0x1p-52, 1 << 62, inf},
		{1 - 0x1p-53, 1 << 70, 0},
		{1 + 0x1p-52, -(1 << 62), 0},
		{-(1 - 0x1p-53), 1 << 62, 4.377491037052927e-223}, // e^-512, even integer exponent
	} {
		if got := Pow(tc.x, tc.y); !same(got, tc.want) {
			t.Errorf("Pow(%v, %v) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}

// TestKnownValues checks exact results at known points. Each wanted
// value is also checked to be the correctly rounded result for the
// float64 argument, so the table cannot drift: Sin(math.Pi/6) is 0.5 in
// Go because the constant π/6 is rounded once, while computing
// float64(π)/6 at run time lands lower and its sine rounds below 1/2.
func TestKnownValues(t *testing.T) {
	pi := math.Pi // a variable: division at run time rounds twice
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
		ref  func(float64) *big.Float
	}{
		{"Exp", Exp, 0, 1, fExp.exact},
		{"Exp", Exp, 1, math.E, fExp.exact},
		{"Exp", Exp, -1, 0.36787944117144233, fExp.exact},
		{"Exp", Exp, math.Ln2, 2, fExp.exact},
		{"Exp", Exp, 10, 22026.465794806718, fExp.exact},
		{"Exp", Exp, -708.5, 2.006132305331306e-308, fExp.exact}, // subnormal result
		{"Expm1", Expm1, 1e-10, 1.00000000005e-10, fExpm1.exact},
		{"Log", Log, 1, 0, fLog.exact},
		{"Log", Log, math.E, 1, fLog.exact},
		{"Log", Log, 2, math.Ln2, fLog.exact},
		{"Log", Log, 10, math.Ln10, fLog.exact},
		{"Log", Log, 0.5, -math.Ln2, fLog.exact},
		{"Log10", Log10, 0.1, -1, fLog10.exact},
		{"Log10", Log10, 2, math.Log10E * math.Ln2, fLog10.exact},
		{"Sin", Sin, math.Pi / 6, 0.5, fSin.exact},
		{"Sin", Sin, pi / 6, 0.49999999999999994, fSin.exact},
		{"Sin", Sin, math.Pi / 2, 1, fSin.exact},
		{"Sin", Sin, math.Pi, 1.2246467991473532e-16, fSin.exact}, // π - float64(π)
		{"Sin", Sin, -math.Pi, -1.2246467991473532e-16, fSin.exact},
		{"Sin", Sin, 1e22, -0.8522008497671888, fSin.exact}, // the classic reduction test
		{"Cos", Cos, pi / 3, 0.5000000000000001, fCos.exact},
		{"Cos", Cos, math.Pi / 2, 6.123233995736766e-17, fCos.exact},
		{"Cos", Cos, math.Pi, -1, fCos.exact},
		{"Cos", Cos, 2 * math.Pi, 1, fCos.exact},
		{"Tan", Tan, math.Pi / 4, 0.9999999999999999, fTan.exact},
		{"Tan", Tan, math.Pi / 2, 1.633123935319537e16, fTan.exact},
		{"Tanh", Tanh, 0.5, 0.46211715726000974, fTanh.exact},
		{"Tanh", Tanh, 1, 0.7615941559557649, fTanh.exact},
	} {
		got := tc.f(tc.x)
		if got != tc.want {
			t.Errorf("%s(%v) = %v, want %v", tc.name, tc.x, got, tc.want)
		}
		if u := ulpErr(tc.want, tc.ref(tc.x)); u > 0.5 {
			t.Errorf("table: %s(%v) = %v is %.3f ulp from exact", tc.name, tc.x, tc.want, u)
		}
	}
	for _, tc := range []struct {
		x, y, want float64
	}{
		{2, 0.5, math.Sqrt2},
		{10, -1, 0.1},                  // -20 dB
		{10, 0.05, 1.1220184543019633}, // +1 dB
		{10, -0.3, 0.5011872336272722}, // -6 dB
		{-2, 3, -8},
		{-2, -3, -0.125},
		{9, 1.5, 27},
		{27, 1.0 / 3, 3},
	} {
		if got := Pow(tc.x, tc.y); got != tc.want {
			t.Errorf("Pow(%v, %v) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
		ref := bigPow(math.Abs(tc.x), tc.y)
		if tc.x < 0 && isOddInt(tc.y) {
			ref.Neg(ref)
		}
		if u := ulpErr(tc.want, ref); u > 0.5 {
			t.Errorf("table: Pow(%v, %v) = %v is %.3f ulp from exact", tc.x, tc.y, tc.want, u)
		}
	}
	// Exact integer powers and logarithms of exact powers.
	p := 1.0
	for n := 0; n <= 22; n++ {
		if got := Pow(10, float64(n)); got != p {
			t.Errorf("Pow(10, %d) = %v, want %v", n, got, p)
		}
		if got := Log10(p); got != float64(n) {
			t.Errorf("Log10(1e%d) = %v, want %d", n, got, n)
		}
		if got := float64(20 * Log10(p)); got != float64(20*n) {
			t.Errorf("20·Log10(1e%d) = %v, want %d dB", n, got, 20*n)
		}
		p *= 10
	}
	for n := -1074; n <= 1023; n++ {
		want := math.Ldexp(1, n)
		if got := Pow(2, float64(n)); got != want {
			t.Errorf("Pow(2, %d) = %v, want %v", n, got, want)
		}
		if n >= -1022 && n <= 1023 {
			if got := Log(want); got != float64(float64(n)*ln2Hi)+float64(float64(n)*ln2Lo) {
				t.Errorf("Log(2^%d) = %v", n, got)
			}
		}
	}
	for k := 3; k < 120; k++ { // Pow(x, k) exact for small integers
		x := float64(k)
		want := 1.0
		for j := 0; j < 9 && want < 1<<53; j++ {
			if got := Pow(x, float64(j)); got != want {
				t.Errorf("Pow(%v, %d) = %v, want %v", x, j, got, want)
			}
			want *= x
		}
	}
}

// TestConstants checks transcribed constants against their definitions:
// the split constants sum to the quantity they stand for, and the table of
// 4/π matches π computed here.
func TestConstants(t *testing.T) {
	const prec = 1600
	pi := bigPi()
	b := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	ln2 := bigLog(2)
	ln10 := bigLog(10)
	pio2 := new(big.Float).SetPrec(prec).Quo(pi, b(2))
	for _, tc := range []struct {
		name   string
		parts  []float64
		exact  *big.Float
		relErr int // log2 of the allowed relative error (a 33-bit hi part and a 53-bit lo part give about 86 bits)
	}{
		{"ln2Hi+ln2Lo", []float64{ln2Hi, ln2Lo}, ln2, -84},
		{"pio2_1+pio2_1t", []float64{1.57079632673412561417e+00, 6.07710050650619224932e-11}, pio2, -85},
		{"pio2_1+pio2_2+pio2_2t", []float64{1.57079632673412561417e+00, 6.07710050630396597660e-11, 2.02226624879595063154e-21}, pio2, -115},
		{"pio2Hi+pio2Lo", []float64{1.57079632679489655800e+00, 6.12323399573676603587e-17}, pio2, -105},
		{"1/ln10 (ivln10hi+lo)", []float64{4.34294481878168880939e-01, 2.50829467116452752298e-11}, new(big.Float).SetPrec(prec).Quo(b(1), ln10), -85},
		{"log10(2) (hi+lo)", []float64{3.01029995663611771306e-01, 3.69423907715893078616e-13}, new(big.Float).SetPrec(prec).Quo(ln2, ln10), -90},
	} {
		sum := new(big.Float).SetPrec(prec)
		for _, p := range tc.parts {
			sum.Add(sum, b(p))
		}
		d := new(big.Float).SetPrec(prec).Sub(sum, tc.exact)
		d.Quo(d, tc.exact).Abs(d)
		if d.Cmp(new(big.Float).SetMantExp(big.NewFloat(1), tc.relErr)) > 0 {
			t.Errorf("%s: relative error %g", tc.name, d)
		}
	}
	// 4/π = Σ mPi4[i]·2^(-64 i): compare the first 19 digits.
	fourOverPi := new(big.Float).SetPrec(prec).Quo(b(4), pi)
	scaled := new(big.Float).SetPrec(prec).SetMantExp(fourOverPi, 64*(len(mPi4)-1))
	want, _ := scaled.Int(nil)
	got := new(big.Int)
	for _, d := range mPi4 {
		got.Lsh(got, 64).Or(got, new(big.Int).SetUint64(d))
	}
	if got.Cmp(want) != 0 {
		t.Errorf("mPi4 differs from 4/π:\n got %x\nwant %x", got, want)
	}
}
