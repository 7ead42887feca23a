//go:build !purego

package dynamics

// peakLevels2SSE2 and mulSlice2SSE2 are in levels_amd64.s.
//
//go:noescape
func peakLevels2SSE2(lv, l, r *float64, n int) (top uint64, nan bool)

//go:noescape
func mulSlice2SSE2(x, gain *float64, n int)

// peakLevels2 is peakLevels2Go, two frames per instruction where no level
// is NaN (TestPeakLevels2MatchesGo); a block with a NaN goes through the
// Go loop.
func peakLevels2(lv, l, r []float64) uint64 {
	n := len(lv) &^ 1
	if n == 0 {
		return peakLevels2Go(lv, l, r)
	}
	l, r = l[:len(lv)], r[:len(lv)]
	top, nan := peakLevels2SSE2(&lv[0], &l[0], &r[0], n)
	if nan {
		return peakLevels2Go(lv, l, r)
	}
	if n < len(lv) {
		top = max(top, peakLevels2Go(lv[n:], l[n:], r[n:]))
	}
	return top
}

// mulSlice is mulSliceGo, two elements per instruction.
func mulSlice(x, gain []float64) {
	gain = gain[:len(x)]
	n := len(x) &^ 1
	if n > 0 {
		mulSlice2SSE2(&x[0], &gain[0], n)
	}
	if n < len(x) {
		mulSliceGo(x[n:], gain[n:])
	}
}
