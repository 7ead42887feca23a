package biquad

import (
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestSeries4x2MatchesScalar: the two-channel kernel (SSE2 on amd64, the
// scalar kernel twice elsewhere or with -tags purego) gives series4's bits
// for every output sample and memory: random sections (stable or not),
// inputs from subnormal to overflowing, signed zeros, and every length
// from 0 to 40 plus long runs, continuing from the memory it left.
func TestSeries4x2MatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() float64 { return bittest.Value(rng, 1e300) }
	same := bittest.Same
	for trial := range 300 {
		var c [4]Coeffs
		if trial%2 == 0 {
			copy(c[:], seriesSections(4 + trial%5)[trial%5:])
		} else {
			for k := range c {
				c[k] = Coeffs{B0: pick(), B1: pick(), B2: pick(), A1: rng.Float64()*4 - 2, A2: rng.Float64()*2 - 1}
			}
		}
		var a0, a1, b0, b1 [4]State
		for k := range a0 {
			a0[k] = State{s1: pick(), s2: pick()}
			a1[k] = State{s1: pick(), s2: pick()}
		}
		b0, b1 = a0, a1
		for run := range 4 {
			n := trial % 41
			if run == 3 {
				n = 1000 + trial
			}
			x0, x1 := make([]float64, n), make([]float64, n)
			for i := range x0 {
				x0[i], x1[i] = pick(), pick()
			}
			y0, y1 := append([]float64(nil), x0...), append([]float64(nil), x1...)
			series4(&c, &a0, x0)
			series4(&c, &a1, x1)
			series4x2(&c, &b0, &b1, y0, y1)
			for i := range x0 {
				if !same(x0[i], y0[i]) || !same(x1[i], y1[i]) {
					t.Fatalf("trial %d run %d sample %d: got %v %v, want %v %v", trial, run, i, y0[i], y1[i], x0[i], x1[i])
				}
			}
			for k := range a0 {
				if !same(a0[k].s1, b0[k].s1) || !same(a0[k].s2, b0[k].s2) || !same(a1[k].s1, b1[k].s1) || !same(a1[k].s2, b1[k].s2) {
					t.Fatalf("trial %d run %d: section %d memory %v %v, want %v %v", trial, run, k, b0[k], b1[k], a0[k], a1[k])
				}
			}
		}
	}
}
