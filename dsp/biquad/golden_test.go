package biquad

import (
	"math"
	"testing"
)

// TestGolden pins the exact bits of every designer's coefficients over a
// grid of frequencies, Qs, gains and sample rates. Coefficients are part
// of the output, so this hash must be the same on every CPU, GOAMD64
// level and architecture (docs/determinism.md); a change on one machine
// only is a determinism bug. Update the constant only for an intentional
// design change.
func TestGolden(t *testing.T) {
	h := uint64(14695981039346656037)
	mix := func(c Coeffs) {
		for _, v := range [...]float64{c.B0, c.B1, c.B2, c.A1, c.A2} {
			h ^= math.Float64bits(v)
			h *= 1099511628211
		}
	}
	var bw [4]Coeffs
	for _, fs := range []float64{44100, 48000, 96000} {
		for f := 10.0; f < 0.49*fs; f *= 1.1 {
			for _, q := range []float64{0.1, math.Sqrt2 / 2, 1, 4.5, 40} {
				mix(LowPass(f, q, fs))
				mix(HighPass(f, q, fs))
				mix(BandPass(f, q, fs))
				mix(Notch(f, q, fs))
				mix(AllPass(f, q, fs))
				for _, g := range []float64{-24, -6.5, -0.1, 0, 3, 18} {
					mix(Peaking(f, q, g, fs))
					mix(LowShelf(f, q, g, fs))
					mix(HighShelf(f, q, g, fs))
				}
			}
			for order := 2; order <= 8; order += 2 {
				for _, c := range bw[:ButterworthLowPass(bw[:], order, f, fs)] {
					mix(c)
				}
				for _, c := range bw[:ButterworthHighPass(bw[:], order, f, fs)] {
					mix(c)
				}
			}
		}
	}
	const want = 0xf3e816e3a410825d
	if h != want {
		t.Errorf("coefficient hash %#x, want %#x", h, uint64(want))
	}
}
