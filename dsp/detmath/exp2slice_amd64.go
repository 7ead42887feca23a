//go:build !purego

package detmath

import "math"

// exp2x2 is in exp2slice_amd64.s.
//
//go:noescape
func exp2x2(dst, src *float64, n int, k *[16]float64, bits *uint64, tail *float64) int

// exp2Consts are exp2x2's constants, each twice (one per lane).
var exp2Consts = func() (k [16]float64) {
	for i, v := range []float64{math.Float64frombits(1<<63 - 1), 1000, exp2Shift, exp2C1, exp2C2, exp2C3, exp2C4, exp2C5} {
		k[2*i], k[2*i+1] = v, v
	}
	return k
}()

// Exp2Slice sets dst[i] = Exp2(src[i]) for every i < len(src). dst must be
// at least as long as src; it may be src itself (in place), but must not
// otherwise overlap it. On amd64 the fast path runs on two elements at a
// time in SSE2 lanes (exp2x2: Exp2's operations in its order per lane, the
// same bits; TestSliceKernels, TestSlicePairs); the rest, and a pair with an element
// outside the fast path's range, go through Exp2.
func Exp2Slice(dst, src []float64) { slicePairs(dst, src, exp2Pairs, Exp2) }

func exp2Pairs(dst, src *float64, n int) int {
	return exp2x2(dst, src, n, &exp2Consts, &exp2Bits[0], &exp2Tail[0])
}

// slicePairs sets dst[i] = scalar(src[i]) with kernel, which runs pairs
// of elements until it meets a pair it cannot compute (or the end) and
// returns how many elements it wrote. That pair goes through scalar, and
// the kernel resumes after it; an odd last element goes through scalar.
func slicePairs(dst, src []float64, kernel func(dst, src *float64, n int) int, scalar func(float64) float64) {
	dst = dst[:len(src)]
	for len(src) >= 2 {
		n := len(src) &^ 1
		k := kernel(&dst[0], &src[0], n)
		if k < n {
			dst[k], dst[k+1] = scalar(src[k]), scalar(src[k+1])
			k += 2
		}
		dst, src = dst[k:], src[k:]
	}
	if len(src) == 1 {
		dst[0] = scalar(src[0])
	}
}
