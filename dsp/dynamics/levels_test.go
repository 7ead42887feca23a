package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestPeakLevels2MatchesGo checks peakLevels2 (SSE2 on amd64) against
// peakLevels2Go bit for bit, levels and the block's top, on odd and even
// lengths, inputs from subnormal to huge with both zeros and infinities,
// and blocks with and without a NaN (which take the Go loop).
func TestPeakLevels2MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 8, 9, 64, 4097} {
		for trial := range 40 {
			l, r := make([]float64, n), make([]float64, n)
			for i := range l {
				l[i], r[i] = bittest.Value(rng, 1e300), bittest.Value(rng, 1e300)
				switch rng.IntN(50) {
				case 0:
					l[i] = math.Inf(rng.IntN(2)*2 - 1)
				case 1:
					r[i] = -l[i] // equal magnitudes
				}
			}
			if trial%4 == 3 {
				x := []float64{math.NaN(), -math.NaN(), math.Float64frombits(0x7ff0000000000001)}[rng.IntN(3)]
				if rng.IntN(2) == 0 {
					l[rng.IntN(n)] = x
				} else {
					r[rng.IntN(n)] = x
				}
			}
			got, want := make([]float64, n), make([]float64, n)
			gotTop := peakLevels2(got, l, r)
			wantTop := peakLevels2Go(want, l, r)
			if gotTop != wantTop {
				t.Fatalf("n %d trial %d: top %#x, Go %#x", n, trial, gotTop, wantTop)
			}
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n %d trial %d frame %d (%v, %v): %v (%#x), Go %v (%#x)", n, trial, i, l[i], r[i],
						got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
				}
			}
		}
	}
}

// TestMulSliceMatchesGo checks mulSlice against mulSliceGo bit for bit.
func TestMulSliceMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, 64, 1001} {
		x, g := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], g[i] = bittest.Value(rng, 1e300), bittest.Value(rng, 1e10)
		}
		got, want := append([]float64(nil), x...), append([]float64(nil), x...)
		mulSlice(got, g)
		mulSliceGo(want, g)
		for i := range want {
			if !bittest.Same(got[i], want[i]) {
				t.Fatalf("n %d element %d: %v * %v = %v, Go %v", n, i, x[i], g[i], got[i], want[i])
			}
		}
	}
}
