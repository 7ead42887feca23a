package loudness

import (
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestFilter2MatchesScalar: filter2 (the SSE2 kernel on amd64, filter2Go
// elsewhere or with -tags purego) leaves filter2Go's bits in every state
// value and both sums: the K-weighting at 44.1, 48 and 96 kHz and random
// coefficients, on inputs from subnormal to huge with signed zeros, every
// length from 0 to 40 and long runs, continuing from the state it left.
func TestFilter2MatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func() float64 { return bittest.Value(rng, 1e150) }
	same := bittest.Same
	for trial := range 120 {
		m := NewMeter([]float64{44100, 48000, 96000}[trial%3], 2)
		if trial%4 == 3 {
			m.k1 = Biquad{pick(), pick(), pick(), rng.Float64()*4 - 2, rng.Float64()*2 - 1}
			m.k2 = Biquad{pick(), pick(), pick(), rng.Float64()*4 - 2, rng.Float64()*2 - 1}
		}
		var a, b kState
		for _, p := range []*float64{&a.x1, &a.x2, &a.s1, &a.s2, &a.o1, &a.o2, &b.x1, &b.x2, &b.s1, &b.s2, &b.o1, &b.o2} {
			*p = pick()
		}
		c, d := a, b
		acc, bcc := pick(), pick()
		gacc, gbcc := acc, bcc
		for run := range 3 {
			n := trial % 41
			if run == 2 {
				n = 700 + trial
			}
			x, y := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i], y[i] = pick(), pick()
			}
			acc, bcc = m.filter2(&a, &b, x, y, acc, bcc)
			gacc, gbcc = m.filter2Go(&c, &d, x, y, gacc, gbcc)
			if !same(acc, gacc) || !same(bcc, gbcc) {
				t.Fatalf("trial %d run %d: sums %v %v, want %v %v", trial, run, acc, bcc, gacc, gbcc)
			}
			for i, v := range [][2]float64{{a.x1, c.x1}, {a.x2, c.x2}, {a.s1, c.s1}, {a.s2, c.s2}, {a.o1, c.o1}, {a.o2, c.o2},
				{b.x1, d.x1}, {b.x2, d.x2}, {b.s1, d.s1}, {b.s2, d.s2}, {b.o1, d.o1}, {b.o2, d.o2}} {
				if !same(v[0], v[1]) {
					t.Fatalf("trial %d run %d: state value %d is %v, want %v", trial, run, i, v[0], v[1])
				}
			}
		}
	}
}
