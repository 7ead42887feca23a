//go:build !amd64 || purego

package biquad

// series4x2 is series4 over x0 with memories s0, then over x1 with s1.
// (On amd64 without the purego tag, an SSE2 kernel runs both channels at
// once; see series4x2_amd64.go.)
func series4x2(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64) {
	series4(c, s0, x0)
	series4(c, s1, x1[:len(x0)])
}
