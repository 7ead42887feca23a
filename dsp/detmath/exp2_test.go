package detmath

import (
	"math"
	"math/big"
	"sync"
	"testing"
)

var bigLn2 = sync.OnceValue(func() *big.Float { return bigLog(2) })

func bigExp2(x float64) *big.Float { return bigExp(newF().Mul(bf(x), bigLn2())) }

func bigLog2(x float64) *big.Float {
	l := bigLog(x)
	return l.Quo(l, bigLn2())
}

var (
	fExp2 = unary{"Exp2", Exp2, bigExp2, math.Exp2}
	fLog2 = unary{"Log2", Log2, bigLog2, math.Log2}
)

// TestExp2Log2Accuracy measures Exp2 and Log2 against 256-bit references
// over every domain, including the cells next to x = 1 (Log2) and
// subnormal arguments and results. The figures in their docs and in
// doc.go come from -detmath.exact=20000.
func TestExp2Log2Accuracy(t *testing.T) {
	n := *exactN
	if n == 0 {
		n = 1000
		if testing.Short() {
			n = 100
		}
	}
	checkULP(t, n, []ulpCase{
		{fExp2, "[-1020, 1020]", func(g gen) float64 { return g.uniform(-1020, 1020) }, 0.52},
		{fExp2, "[-40, 40] (gains of ±240 dB)", func(g gen) float64 { return g.uniform(-40, 40) }, 0.52},
		{fExp2, "|x| in [2^-60, 1]", func(g gen) float64 { return g.logUniform(-60, 0, true) }, 0.52},
		{fExp2, "[1000, 1024) (near overflow)", func(g gen) float64 { return g.uniform(1000, 1024) }, 0.52},
		{fExp2, "[-1022, -1000] (normal, slow path)", func(g gen) float64 { return g.uniform(-1022, -1000) }, 0.52},
		{fExp2, "[-1075, -1022] (subnormal results)", func(g gen) float64 { return g.uniform(-1075, -1022) }, 1},
		{fLog2, "all positive", func(g gen) float64 { return g.logUniform(-1074, 1024, false) }, 0.6},
		{fLog2, "[2^-20, 2^20] (levels)", func(g gen) float64 { return g.logUniform(-20, 20, false) }, 0.6},
		{fLog2, "1 ± [2^-52, 2^-9] (cell of 1)", func(g gen) float64 { return 1 + g.logUniform(-52, -9, true) }, 0.6},
		{fLog2, "1 ± [2^-9, 2^-5] (next cells)", func(g gen) float64 { return 1 + g.logUniform(-9, -5, true) }, 0.6},
		{fLog2, "subnormal", func(g gen) float64 { return g.logUniform(-1074, -1022, false) }, 0.6},
	})
}

// TestExp2Log2Decibels states the accuracy as the dynamics processors use
// it: a level 20·log10(p) computed as Log2(p)·(20·log10 2) for p from
// -400 to +400 dBFS, in dB, and a gain 10^(dB/20) computed as
// Exp2(dB/(20·log10 2)) for dB from -400 to +400, relative.
func TestExp2Log2Decibels(t *testing.T) {
	const (
		dbPerOctave  = 20 * math.Ln2 / math.Ln10
		octavesPerDB = math.Ln10 / (20 * math.Ln2)
	)
	n := 2000
	if testing.Short() {
		n = 200
	}
	ln10 := bigLog(10)
	twenty := bf(20)
	g := newGen(99)
	worstDB, worstRel := 0.0, 0.0
	for range n {
		p := math.Pow(10, g.uniform(-20, 20)) // any argument will do
		exact := newF().Quo(newF().Mul(bigLog(p), twenty), ln10)
		d := newF().Sub(bf(float64(Log2(p)*dbPerOctave)), exact)
		v, _ := d.Float64()
		worstDB = max(worstDB, math.Abs(v))

		db := g.uniform(-400, 400)
		ref := bigExp(newF().Quo(newF().Mul(bf(db), ln10), twenty))
		rel := newF().Sub(bf(Exp2(float64(db*octavesPerDB))), ref)
		rel.Quo(rel, ref)
		v, _ = rel.Float64()
		worstRel = max(worstRel, math.Abs(v))
	}
	t.Logf("level error %.2e dB, gain relative error %.2e (%.0f dB) over %d points", worstDB, worstRel, 20*math.Log10(worstRel), n)
	// The level error is the rounding of a number up to 400 (ulp 5.7e-14)
	// plus 1 ulp of the product; the gain error is dominated by the rounding
	// of dB·octavesPerDB before Exp2 (up to 2^-47 of 66 octaves).
	if worstDB > 2e-13 || worstRel > 1e-13 {
		t.Errorf("level error %v dB, gain relative error %v", worstDB, worstRel)
	}
}

func TestExp2Log2Special(t *testing.T) {
	checkSpecial(t, []specialCase{
		{"Exp2", Exp2, nan, nan},
		{"Exp2", Exp2, inf, inf},
		{"Exp2", Exp2, -inf, 0},
		{"Exp2", Exp2, 0, 1},
		{"Exp2", Exp2, negz, 1},
		{"Exp2", Exp2, tiny, 1},
		{"Exp2", Exp2, -tiny, 1},
		{"Exp2", Exp2, 1, 2},
		{"Exp2", Exp2, -1, 0.5},
		{"Exp2", Exp2, 0.5, math.Sqrt2},
		{"Exp2", Exp2, 1023, 0x1p1023},
		{"Exp2", Exp2, 1024, inf},
		{"Exp2", Exp2, math.Nextafter(1024, 0), 1.7976931348621742e308},
		{"Exp2", Exp2, huge, inf},
		{"Exp2", Exp2, -1022, 0x1p-1022},
		{"Exp2", Exp2, -1074, tiny},
		{"Exp2", Exp2, -1074.5, tiny}, // 2^-1074.5 is above half the smallest subnormal
		{"Exp2", Exp2, -1075, 0},
		{"Exp2", Exp2, -huge, 0},
		{"Log2", Log2, nan, nan},
		{"Log2", Log2, inf, inf},
		{"Log2", Log2, -inf, nan},
		{"Log2", Log2, -1, nan},
		{"Log2", Log2, -tiny, nan},
		{"Log2", Log2, 0, -inf},
		{"Log2", Log2, negz, -inf},
		{"Log2", Log2, 1, 0},
		{"Log2", Log2, 2, 1},
		{"Log2", Log2, 0.5, -1},
		{"Log2", Log2, tiny, -1074},
		{"Log2", Log2, 0x1p-1022, -1022},
		{"Log2", Log2, 0x1p1023, 1023},
		{"Log2", Log2, huge, 1024},
	})
	// Exact on every power of two a float64 holds.
	for k := -1074; k <= 1023; k++ {
		if got := Log2(math.Ldexp(1, k)); got != float64(k) {
			t.Errorf("Log2(2^%d) = %v", k, got)
		}
		if got := Exp2(float64(k)); got != math.Ldexp(1, k) {
			t.Errorf("Exp2(%d) = %v", k, got)
		}
	}
}

// TestExp2Log2Monotone checks that neither function steps backwards where
// the method switches: across every table cell edge, the edges of the
// fast paths, and around 1 and 0.
func TestExp2Log2Monotone(t *testing.T) {
	var xs []float64
	for k := -3; k <= 3; k++ {
		for i := range uint64(log2N + 1) {
			xs = append(xs, math.Ldexp(math.Float64frombits(log2Off+i<<(52-log2TableBits)), k))
		}
	}
	for _, x := range xs {
		prev := Log2(math.Nextafter(x, 0))
		for y, j := x, 0; j < 4; y, j = math.Nextafter(y, inf), j+1 {
			if v := Log2(y); v < prev {
				t.Fatalf("Log2 decreases at %v: %v < %v", y, v, prev)
			} else {
				prev = v
			}
		}
	}
	xs = xs[:0]
	for j := -4 * exp2N; j <= 4*exp2N; j++ {
		xs = append(xs, float64(j)/exp2N+0.5/exp2N) // rounding edges of 128·x
	}
	xs = append(xs, 1000, -1000, 0)
	for _, x := range xs {
		prev := Exp2(math.Nextafter(x, -inf))
		for y, j := x, 0; j < 4; y, j = math.Nextafter(y, inf), j+1 {
			if v := Exp2(y); v < prev {
				t.Fatalf("Exp2 decreases at %v: %v < %v", y, v, prev)
			} else {
				prev = v
			}
		}
	}
}

// TestExp2AgainstMath: math.Exp2 is within about 1 ulp of exact, so the
// two must agree within 2 ulp (a sanity check; math is not deterministic
// across machines). Log2 is not compared: math.Log2 computes
// Log(frac)/ln2 + exp, which loses up to 12 ulp to cancellation near
// powers of two; TestExp2Log2Accuracy holds Log2 to the exact value.
func TestExp2AgainstMath(t *testing.T) {
	g := newGen(3)
	var worst uint64
	for range 100000 {
		x := g.uniform(-1022, 1023)
		worst = max(worst, ulpDist(Exp2(x), math.Exp2(x)))
	}
	t.Logf("Exp2: max difference from math.Exp2 %d ulp", worst)
	if worst > 2 {
		t.Errorf("Exp2 differs from math.Exp2 by %d ulp", worst)
	}
}

// TestGoldenExp2Log2 pins the output bits of Exp2 and Log2 (kept apart
// from TestGolden, whose hash predates them).
func TestGoldenExp2Log2(t *testing.T) {
	h := uint64(14695981039346656037)
	for _, x := range goldenArgs(11, 20000, -30, 10) {
		h ^= math.Float64bits(Exp2(x))
		h *= 1099511628211
	}
	for _, x := range goldenArgs(12, 20000, -1074, 1023) {
		h ^= math.Float64bits(Log2(x))
		h *= 1099511628211
	}
	const want = 0x3e6660ee2317299b
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}

func BenchmarkExp2(b *testing.B)     { benchUnary(b, Exp2, -20, 20) }
func BenchmarkMathExp2(b *testing.B) { benchUnary(b, math.Exp2, -20, 20) }
func BenchmarkLog2(b *testing.B)     { benchUnary(b, Log2, 1e-6, 10) }
func BenchmarkMathLog2(b *testing.B) { benchUnary(b, math.Log2, 1e-6, 10) }
