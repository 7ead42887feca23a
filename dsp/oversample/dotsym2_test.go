package oversample

import (
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestDotSym2MatchesScalar: dotSym2 (the SSE2 kernel on amd64, dotSym2Go
// elsewhere or with -tags purego) gives dotSym's bits on both windows, for
// every length from 0 to 100 (every remainder of the unrolled loop, odd
// and even) and for the real stages' branches, on values from subnormal to
// huge with signed zeros.
func TestDotSym2MatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func() float64 { return bittest.Value(rng, 1e200) }
	check := func(name string, w, c []float64) {
		t.Helper()
		s, u := dotSym2(w, c)
		gs, gu := dotSym2Go(w, c)
		ws, wu := dotSym(w[:len(c)], c), dotSym(w[1:len(c)+1], c)
		for _, v := range [][2]float64{{s, ws}, {u, wu}, {gs, ws}, {gu, wu}} {
			if !bittest.Same(v[0], v[1]) {
				t.Fatalf("%s: dotSym2 %v %v, dotSym2Go %v %v, dotSym %v %v", name, s, u, gs, gu, ws, wu)
			}
		}
	}
	for n := 0; n <= 100; n++ {
		for range 20 {
			c := make([]float64, n)
			for i := range (n + 1) / 2 {
				c[i] = pick()
				c[n-1-i] = c[i] // symmetric, as dotSym requires
			}
			w := make([]float64, n+1)
			for i := range w {
				w[i] = pick()
			}
			check("random", w, c)
		}
	}
	for _, st := range Stages(3) {
		p := newPolyphase(&stageDesign{h: st.Coeffs, halfband: st.HalfBand})
		for _, c := range [][]float64{p.up0, p.up1, p.dn0, p.dn1} {
			w := make([]float64, len(c)+1)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			check("stage", w, c)
		}
	}
}
