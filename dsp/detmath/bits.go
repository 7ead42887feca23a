package detmath

import "math"

// Word access in the style of fdlibm's GET_HIGH_WORD / SET_LOW_WORD: the
// algorithms below are written against the IEEE 754 layout, so they read
// and build the upper and lower 32 bits directly.

func hiWord(x float64) int32  { return int32(math.Float64bits(x) >> 32) }
func loWord(x float64) uint32 { return uint32(math.Float64bits(x)) }

// fromWords builds a float64 from its upper and lower 32 bits.
func fromWords(hi int32, lo uint32) float64 {
	return math.Float64frombits(uint64(uint32(hi))<<32 | uint64(lo))
}

// withHi replaces the upper 32 bits of x.
func withHi(x float64, hi int32) float64 { return fromWords(hi, loWord(x)) }

// clearLo zeroes the lower 32 bits of x, leaving a value whose products
// with other 21-bit quantities are exact (fdlibm's SET_LOW_WORD(x, 0)).
func clearLo(x float64) float64 {
	return math.Float64frombits(math.Float64bits(x) &^ 0xffffffff)
}

// pow2 is 2^k for -1022 <= k <= 1023.
func pow2(k int) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// scale2 returns y·2^k for y near 1 (within [2^-3, 2^3]) and any k that
// keeps the result within one step of the float64 range, rounding at most
// once: the only inexact step is the last multiplication, and only when
// the result is subnormal. This is fdlibm's scalbn/twom1000 idiom.
func scale2(y float64, k int) float64 {
	switch {
	case k > 1023:
		return float64(float64(y*0x1p1023) * pow2(k-1023)) // may overflow to Inf, as it should
	case k < -1021:
		return float64(float64(y*pow2(k+1000)) * 0x1p-1000) // one rounding into the subnormals
	}
	return float64(y * pow2(k))
}
