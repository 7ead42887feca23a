//go:build !amd64 || purego

package biquad

// series4x2 is series4 over x0 with memories s0, then over x1 with s1.
// (On amd64 without the purego tag, an SSE2 kernel runs both channels at
// once; see series4x2_amd64.go.)
func series4x2(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64) {
	series4(c, s0, x0)
	series4(c, s1, x1[:len(x0)])
}

// series4x2Flushing is ProcessSeries2 for four sections: series4x2 between
// the checkpoints (flushAll every FlushInterval frames, counted from n).
// It returns the count after the block.
func series4x2Flushing(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64, n int) int {
	for len(x0) > 0 {
		m := min(len(x0), FlushInterval-n)
		series4x2(c, s0, s1, x0[:m], x1[:m])
		if n += m; n == FlushInterval {
			flushAll(s0[:])
			flushAll(s1[:])
			n = 0
		}
		x0, x1 = x0[m:], x1[m:]
	}
	return n
}

// pairKernel is false: series4x2x2Flushing has no kernel here.
const pairKernel = false

// series4x2x2Flushing is series4x2Flushing over a, then over b.
func series4x2x2Flushing(ca, cb *[4]Coeffs, sa0, sa1, sb0, sb1 *[4]State, xa0, xa1, xb0, xb1 []float64, n int) int {
	series4x2Flushing(ca, sa0, sa1, xa0, xa1, n)
	return series4x2Flushing(cb, sb0, sb1, xb0, xb1, n)
}
