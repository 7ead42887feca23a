//go:build !amd64 || purego

package oversample

// dotSym2 is dotSym2Go (on amd64 without the purego tag, an SSE2 kernel
// computes the same bits; see dotsym2_amd64.go).
func dotSym2(w, c []float64) (float64, float64) { return dotSym2Go(w, c) }
