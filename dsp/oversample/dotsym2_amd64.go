//go:build !purego

package oversample

// dotSym2SSE2 is in dotsym2_amd64.s.
//
//go:noescape
func dotSym2SSE2(w, c *float64, n int) (s, t float64)

// dotSym2 is dotSym on two windows one sample apart, w[:len(c)] and
// w[1:len(c)+1], in one pass, each result summed exactly as dotSym sums
// it. On amd64 the two windows run in the two lanes of SSE2 registers
// (dotSym2SSE2: the same operations in the same order per lane, so the
// same bits; TestDotSym2MatchesScalar).
func dotSym2(w, c []float64) (float64, float64) {
	n := len(c)
	if n == 0 {
		return 0, 0
	}
	w = w[:n+1]
	return dotSym2SSE2(&w[0], &c[0], n)
}
