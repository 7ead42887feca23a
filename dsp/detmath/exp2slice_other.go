//go:build !amd64 || purego

package detmath

// Exp2Slice sets dst[i] = Exp2(src[i]) for every i < len(src). dst must be
// at least as long as src; it may be src itself (in place), but must not
// otherwise overlap it. (On amd64 an SSE2 kernel does two at a time.)
func Exp2Slice(dst, src []float64) { exp2SliceGo(dst, src) }

// Log2Slice sets dst[i] = Log2(src[i]) for every i < len(src). dst must be
// at least as long as src; it may be src itself (in place), but must not
// otherwise overlap it. (On amd64 an SSE2 kernel does two at a time.)
func Log2Slice(dst, src []float64) { log2SliceGo(dst, src) }
