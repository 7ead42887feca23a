// Package bittest holds what the bit-equality tests of the assembly kernels
// share (dsp/biquad, dsp/dynamics, dsp/loudness, dsp/oversample): inputs
// that reach every class of float64, and a comparison on the bits.
package bittest

import (
	"math"
	"math/rand/v2"
)

// Value returns a test input: -0 or +0 (one draw in eight each), a
// subnormal, a value of magnitude up to huge/2 (large enough that sums and
// recursions can overflow), or otherwise a standard normal value.
func Value(rng *rand.Rand, huge float64) float64 {
	switch rng.IntN(8) {
	case 0:
		return math.Copysign(0, -1)
	case 1:
		return 0
	case 2:
		return (rng.Float64() - 0.5) * 1e-310
	case 3:
		return (rng.Float64() - 0.5) * huge
	default:
		return rng.NormFloat64()
	}
}

// Same reports whether a and b have the same bits, or are both NaN (whose
// payload the x86 scalar and packed instructions may propagate from
// different operands; a NaN stops a render either way).
func Same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}
