package dynamics

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ulps is the distance between a and b in units in the last place.
func ulps(a, b float64) float64 {
	return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
}

// bigExp is e^x to about 250 bits: x/2^m by Taylor series, squared m
// times.
func bigExp(x *big.Float) *big.Float {
	const prec, m = 300, 12
	r := new(big.Float).SetPrec(prec).Quo(x, new(big.Float).SetPrec(prec).SetInt64(1<<m))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 30; n++ { // |x|/2^12 < 0.19: 0.19^30/30! is far below 2^-300
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	for range m {
		sum.Mul(sum, sum)
	}
	return sum
}

func bigExp64(x float64) float64 {
	f, _ := bigExp(new(big.Float).SetPrec(300).SetFloat64(x)).Float64()
	return f
}

// bigLog solves e^y = x by Newton's method (y <- y + x e^-y - 1) in big
// precision, from the float64 estimate.
func bigLog(x float64) float64 {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	y := new(big.Float).SetPrec(prec).SetFloat64(math.Log(x))
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	for range 2 { // quadratic convergence from 1e-16
		step := bigExp(new(big.Float).SetPrec(prec).Neg(y))
		step.Mul(step, bx)
		step.Sub(step, one)
		y.Add(y, step)
	}
	f, _ := y.Float64()
	return f
}

// dexp and dlog are checked against high-precision references: within
// 1 ulp, as fdlibm promises. Special cases match math.
func TestDetMathAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var worstE, worstL float64
	for i := range 1000 {
		// Full range, and the gain/level range the processors use.
		x := -745 + 1454*rng.Float64()
		if i%2 == 1 {
			x = -30 + 60*rng.Float64()
		}
		worstE = max(worstE, ulps(dexp(x), bigExp64(x)))
		y := math.Exp(-700 + 1400*rng.Float64())
		if i%2 == 1 {
			y = 0.5 + rng.Float64() // near 1, where log is small
		}
		worstL = max(worstL, ulps(dlog(y), bigLog(y)))
	}
	if worstE > 1 || worstL > 1 {
		t.Errorf("worst error: dexp %.2f ulp, dlog %.2f ulp; want <= 1", worstE, worstL)
	}
	t.Logf("worst error against 300-bit references: dexp %.2f ulp, dlog %.2f ulp", worstE, worstL)
	for _, tc := range []struct{ got, want float64 }{
		{dexp(0), 1}, {dlog(1), 0}, {dexp(-1000), 0}, {dlog(0), math.Inf(-1)},
		{dexp(1000), math.Inf(1)}, {dlog(math.Inf(1)), math.Inf(1)}, {dlog(0x1p-1074), -744.4400719213812},
	} {
		if tc.got != tc.want {
			t.Errorf("special case: got %v, want %v", tc.got, tc.want)
		}
	}
	if !math.IsNaN(dlog(-1)) || !math.IsNaN(dexp(math.NaN())) {
		t.Errorf("NaN cases")
	}
}

func BenchmarkDexp(b *testing.B) {
	x := 0.0
	for i := 0; b.Loop(); i++ {
		x += dexp(-float64(i&1023) * 0.01)
	}
	_ = x
}

func BenchmarkMathExp(b *testing.B) {
	x := 0.0
	for i := 0; b.Loop(); i++ {
		x += math.Exp(-float64(i&1023) * 0.01)
	}
	_ = x
}

func BenchmarkMathLog(b *testing.B) {
	x := 0.0
	for i := 0; b.Loop(); i++ {
		x += math.Log(float64(i&1023) + 0.5)
	}
	_ = x
}

func BenchmarkDlog(b *testing.B) {
	x := 0.0
	for i := 0; b.Loop(); i++ {
		x += dlog(float64(i&1023) + 0.5)
	}
	_ = x
}
