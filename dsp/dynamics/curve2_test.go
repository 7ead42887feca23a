package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/detmath"
	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestCurveBallisticsPairMatchesGo: two compressors' loops run together
// (the AVX kernel on amd64; one after the other elsewhere and with -tags
// purego) give each one curveBallisticsGo's output and state: every pair
// of the test configurations that pick alike (attack above release or
// not), peak and RMS, over blocks where one signal is silent and the
// other loud, at the knee start, with special values, or random bits.
func TestCurveBallisticsPairMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for ci, ca := range curveConfigs {
		for cj, cb := range curveConfigs {
			rms := (ci+cj)%2 == 1
			ka, kb := ca.params(rms), cb.params(rms)
			if ka.attackAbove != kb.attackAbove {
				continue
			}
			var ya, yb, wa, wb float64
			for block := range 60 {
				n := 1 + rng.IntN(300)
				lva := curveLevels(rng, block, n, ka.start, rms)
				lvb := curveLevels(rng, (block+2+cj)%60, n, kb.start, rms)
				lga, lgb := make([]float64, n), make([]float64, n)
				detmath.Log2Slice(lga, lva)
				detmath.Log2Slice(lgb, lvb)
				ga, gb := append([]float64(nil), lva...), append([]float64(nil), lvb...)
				ya, yb = curveBallisticsPair(lga, ga, &ka, ya, lgb, gb, &kb, yb)
				wa = curveBallisticsGo(lga, lva, &ka, wa)
				wb = curveBallisticsGo(lgb, lvb, &kb, wb)
				for i := range n {
					if !bittest.Same(ga[i], lva[i]) || !bittest.Same(gb[i], lvb[i]) {
						t.Fatalf("configs %d, %d rms %v block %d frame %d: kernel %v %v, Go %v %v", ci, cj, rms, block, i, ga[i], gb[i], lva[i], lvb[i])
					}
				}
				if !bittest.Same(ya, wa) || !bittest.Same(yb, wb) {
					t.Fatalf("configs %d, %d rms %v block %d: states %v %v, Go %v %v", ci, cj, rms, block, ya, yb, wa, wb)
				}
				if math.IsNaN(wa) || math.IsNaN(wb) { // a NaN stays; start the next block clean
					ya, yb, wa, wb = 0, 0, 0, 0
				}
			}
		}
	}
}

// TestCurveBallisticsPairEdges runs every pair of the edge cases of the
// same length through the pair loop, each lane against the Go loop: the
// flush and floor boundaries with the other lane on either side of its
// own.
func TestCurveBallisticsPairEdges(t *testing.T) {
	cases := curveEdgeCases()
	for _, a := range cases {
		for _, b := range cases {
			if len(a.g) != len(b.g) {
				continue
			}
			ka, kb := a.k.withConstants(), b.k.withConstants()
			ga, gb := append([]float64(nil), a.g...), append([]float64(nil), b.g...)
			wa, wb := append([]float64(nil), a.g...), append([]float64(nil), b.g...)
			ya, yb := curveBallisticsPair(a.lg, ga, &ka, a.y, b.lg, gb, &kb, b.y)
			if y := curveBallisticsGo(a.lg, wa, &ka, a.y); !bittest.Same(ya, y) {
				t.Errorf("%s with %s: state %v, Go %v", a.name, b.name, ya, y)
			}
			if y := curveBallisticsGo(b.lg, wb, &kb, b.y); !bittest.Same(yb, y) {
				t.Errorf("%s with %s: second state %v, Go %v", a.name, b.name, yb, y)
			}
			for i := range wa {
				if !bittest.Same(ga[i], wa[i]) || !bittest.Same(gb[i], wb[i]) {
					t.Errorf("%s with %s: frame %d: %v %v, Go %v %v", a.name, b.name, i, ga[i], gb[i], wa[i], wb[i])
				}
			}
		}
	}
}
