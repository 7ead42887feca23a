package detmath

import (
	"math"
	"math/big"
	"sync"
)

// High-precision references, independent of the code under test: Taylor
// series and Newton iterations in math/big, and π from Machin's formula.

const refPrec = 256

var (
	bigPiOnce sync.Once
	bigPiVal  *big.Float
)

// bigPi is π to 1600 bits (enough to reduce any float64 modulo π/2).
func bigPi() *big.Float {
	bigPiOnce.Do(func() {
		const prec = 1600
		atanInv := func(n int64) *big.Float {
			// atan(1/n) = Σ (-1)^k / ((2k+1) n^(2k+1))
			sum := new(big.Float).SetPrec(prec)
			pow := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1).SetPrec(prec), new(big.Float).SetPrec(prec).SetInt64(n))
			n2 := new(big.Float).SetPrec(prec).SetInt64(n * n)
			eps := new(big.Float).SetMantExp(big.NewFloat(1), -prec-8)
			for k := int64(0); ; k++ {
				term := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetPrec(prec).SetInt64(2*k+1))
				if k%2 == 0 {
					sum.Add(sum, term)
				} else {
					sum.Sub(sum, term)
				}
				if term.Cmp(eps) < 0 {
					break
				}
				pow.Quo(pow, n2)
			}
			return sum
		}
		a := atanInv(5)
		b := atanInv(239)
		a.Mul(a, new(big.Float).SetPrec(prec).SetInt64(16))
		b.Mul(b, new(big.Float).SetPrec(prec).SetInt64(4))
		bigPiVal = a.Sub(a, b)
	})
	return bigPiVal
}

func newF() *big.Float { return new(big.Float).SetPrec(refPrec) }

func bf(x float64) *big.Float { return newF().SetFloat64(x) }

// bigExp is e^x by x = r·2^m, |r| < 2^-10, Taylor series, m squarings.
func bigExp(x *big.Float) *big.Float {
	const prec = refPrec + 64
	m := 0
	if e := x.MantExp(nil); e > -10 {
		m = e + 10
	}
	r := new(big.Float).SetPrec(prec).SetMantExp(x, -m)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := int64(1); k < 200; k++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(k))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-prec-4 {
			break
		}
	}
	for ; m > 0; m-- {
		sum.Mul(sum, sum)
	}
	return newF().Set(sum)
}

// bigLog is log x for finite x > 0 by Halley's iteration on e^y = x.
func bigLog(x float64) *big.Float {
	fr, e := math.Frexp(x) // exact, also for subnormals
	y := bf(math.Log(fr) + float64(e)*math.Ln2)
	bx := bf(x)
	for range 4 {
		ey := bigExp(y)
		num := newF().Sub(bx, ey)
		den := newF().Add(bx, ey)
		num.Quo(num, den)
		y.Add(y, num.Mul(num, bf(2)))
	}
	return y
}

// bigSinCos is sin x and cos x: x - q·π/2 in 1600 bits, then Taylor.
func bigSinCos(x float64) (s, c *big.Float) {
	const prec = 1600
	pio2 := new(big.Float).SetPrec(prec).Quo(bigPi(), big.NewFloat(2))
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	q := new(big.Float).SetPrec(prec).Quo(bx, pio2)
	qi, _ := q.Int(nil)
	// round to nearest
	frac := new(big.Float).SetPrec(prec).Sub(q, new(big.Float).SetPrec(prec).SetInt(qi))
	if frac.Cmp(big.NewFloat(0.5)) > 0 {
		qi.Add(qi, big.NewInt(1))
	} else if frac.Cmp(big.NewFloat(-0.5)) < 0 {
		qi.Sub(qi, big.NewInt(1))
	}
	r := new(big.Float).SetPrec(prec).Sub(bx, new(big.Float).SetPrec(prec).Mul(new(big.Float).SetPrec(prec).SetInt(qi), pio2))
	const tp = refPrec + 64
	rr := new(big.Float).SetPrec(tp).Set(r)
	r2 := new(big.Float).SetPrec(tp).Mul(rr, rr)
	ss := new(big.Float).SetPrec(tp).Set(rr)
	cc := new(big.Float).SetPrec(tp).SetInt64(1)
	ts := new(big.Float).SetPrec(tp).Set(rr)
	tc := new(big.Float).SetPrec(tp).SetInt64(1)
	for k := int64(1); k < 100; k++ {
		ts.Mul(ts, r2)
		ts.Quo(ts, new(big.Float).SetPrec(tp).SetInt64(-(2*k)*(2*k+1)))
		tc.Mul(tc, r2)
		tc.Quo(tc, new(big.Float).SetPrec(tp).SetInt64(-(2*k-1)*(2*k)))
		ss.Add(ss, ts)
		cc.Add(cc, tc)
	}
	quad := new(big.Int).And(qi, big.NewInt(3)).Int64()
	switch quad {
	case 1:
		ss, cc = cc, ss.Neg(ss)
	case 2:
		ss, cc = ss.Neg(ss), cc.Neg(cc)
	case 3:
		ss, cc = cc.Neg(cc), ss
	}
	return newF().Set(ss), newF().Set(cc)
}

func bigTan(x float64) *big.Float {
	s, c := bigSinCos(x)
	return s.Quo(s, c)
}

func bigTanh(x float64) *big.Float {
	e := bigExp(bf(2 * x)) // 2x is exact
	num := newF().Sub(e, bf(1))
	return num.Quo(num, e.Add(e, bf(1)))
}

func bigExpm1(x float64) *big.Float {
	e := bigExp(bf(x))
	return e.Sub(e, bf(1))
}

func bigLog10(x float64) *big.Float {
	l := bigLog(x)
	return l.Quo(l, bigLog(10))
}

func bigPow(x, y float64) *big.Float {
	l := bigLog(x)
	return bigExp(l.Mul(l, bf(y)))
}

// ulpErr is |got - exact| in units of the last place of exact as a
// float64 (subnormal spacing below 2^-1022).
func ulpErr(got float64, exact *big.Float) float64 {
	if exact.Sign() == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	e := exact.MantExp(nil) // exact = m·2^e, 0.5 <= |m| < 1
	ue := max(e-53, -1074)
	d := newF().Sub(bf(got), exact)
	d.Abs(d)
	d.SetMantExp(d, -ue)
	v, _ := d.Float64()
	return v
}
