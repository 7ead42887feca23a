//go:build !amd64 || purego

package loudness

// filter2 is filter2Go (on amd64 without the purego tag, an SSE2 kernel
// computes the same bits; see kweight2_amd64.go).
func (m *Meter) filter2(st, su *kState, x, y []float64, acc, bcc float64) (float64, float64) {
	return m.filter2Go(st, su, x, y, acc, bcc)
}
