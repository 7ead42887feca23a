//go:build !purego

package detmath

import "math"

// log2x2 is in log2slice_amd64.s.
//
//go:noescape
func log2x2(dst, src *float64, n int, k *[18]float64, gc *[4]uint64, tab *[log2N]struct{ c, invc, logc, logcLo float64 }) int

// log2Consts are log2x2's floating-point constants, each twice (one per
// lane); log2GPR its integer ones.
var (
	log2Consts = func() (k [18]float64) {
		for i, v := range []float64{math.Float64frombits(^uint64(0xffffffff)), log2EHi, log2ELo, log2A0, log2A1, log2A2, log2A3, log2A4, log2A5} {
			k[2*i], k[2*i+1] = v, v
		}
		return k
	}()
	log2GPR = [4]uint64{0x0010000000000000, 0x7ff0000000000000 - 0x0010000000000000, log2Off, 0xfff << 52}
)

// Log2Slice sets dst[i] = Log2(src[i]) for every i < len(src). dst must be
// at least as long as src; it may be src itself (in place), but must not
// otherwise overlap it. On amd64 the fast path runs on two elements at a
// time in SSE2 lanes (log2x2: Log2's operations in its order per lane, the
// same bits; TestSliceKernels, TestSlicePairs); a pair with an element
// outside the fast path goes through Log2.
func Log2Slice(dst, src []float64) { slicePairs(dst, src, log2Pairs, Log2) }

func log2Pairs(dst, src *float64, n int) int {
	return log2x2(dst, src, n, &log2Consts, &log2GPR, &log2Tab)
}
