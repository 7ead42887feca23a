package dynamics

import "math"

// peakLevels2Go sets lv[i] to the stereo peak level of frame i,
// max(|l[i]|, |r[i]|), taken on the bit patterns (which order like the
// values without the sign bit; a NaN frame stays NaN, as with Go's max),
// and returns the largest level's bits.
func peakLevels2Go(lv, l, r []float64) uint64 {
	var top uint64
	l, r = l[:len(lv)], r[:len(lv)]
	for i := range lv {
		p := max(math.Float64bits(l[i])&^signBit, math.Float64bits(r[i])&^signBit)
		top = max(top, p)
		lv[i] = math.Float64frombits(p)
	}
	return top
}

// mulSliceGo multiplies x by gain, element by element.
func mulSliceGo(x, gain []float64) {
	gain = gain[:len(x)]
	for i := range x {
		x[i] *= gain[i]
	}
}
