package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/detmath"
)

// TestLog2Above checks the compacted logarithms against Log2 bit for bit on
// every frame above the start, for blocks with none, few, about half, most
// and all frames above (both the gathered and the whole-block path), with
// NaN, Inf, zero and subnormal levels mixed in, and reused scratch.
func TestLog2Above(t *testing.T) {
	const start = 0.1
	rng := rand.New(rand.NewPCG(7, 11))
	c := newPrepared(DefaultCompressorParams(), 2)
	specials := []float64{math.NaN(), -1, -0.5, math.Copysign(0, -1), math.Inf(1), 0, 5e-324, start, math.Nextafter(start, 1), 1e300}
	for _, frac := range []float64{0, 0.01, 0.2, 0.49, 0.5, 0.51, 0.9, 1} {
		for _, n := range []int{1, 2, 7, 64, 512} {
			lv := make([]float64, n)
			for i := range lv {
				if rng.Float64() < frac {
					lv[i] = start * (1 + 100*rng.Float64()) // above
				} else {
					lv[i] = start * rng.Float64() // at or below
				}
				if rng.IntN(16) == 0 {
					lv[i] = specials[rng.IntN(len(specials))]
				}
			}
			lg := c.level[:n]
			c.log2Above(lg, lv, start)
			above := 0
			for i, v := range lv {
				if !(v > start) {
					continue
				}
				above++
				if want := detmath.Log2(v); math.Float64bits(lg[i]) != math.Float64bits(want) {
					t.Fatalf("frac %v n %d: frame %d level %v: log2 %v, want %v", frac, n, i, v, lg[i], want)
				}
			}
			if frac == 1 && n > 8 && above < n/2 {
				t.Fatalf("n %d: only %d frames above; the whole-block path went untested", n, above)
			}
		}
	}
}
