package audiofile

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDecodeS24StereoMatchesGo checks the stereo 24-bit decoder (SSE2 on
// amd64) against the Go loop bit for bit, and the Go loop against the
// format's definition (a two's-complement 24-bit integer over 2^23), on
// random bytes, the extremes and odd and even frame counts.
func TestDecodeS24StereoMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, frames := range []int{0, 1, 2, 3, 4, 5, 64, 4095, 4096} {
		b := make([]byte, 6*frames)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		extremes := [][3]byte{{0, 0, 0x80}, {0xff, 0xff, 0x7f}, {0xff, 0xff, 0xff}, {1, 0, 0}, {0, 0, 0}}
		for k, e := range extremes {
			if 3*k+2 < len(b) {
				copy(b[3*k:], e[:])
			}
		}
		dl, dr := make([]float64, frames), make([]float64, frames)
		gl, gr := make([]float64, frames), make([]float64, frames)
		decodeS24Stereo(dl, dr, b, frames)
		decodeS24StereoGo(gl, gr, b, frames)
		for i := range frames {
			for ch, p := range [][2]float64{{dl[i], gl[i]}, {dr[i], gr[i]}} {
				s := b[6*i+3*ch:]
				v := int32(s[0]) | int32(s[1])<<8 | int32(s[2])<<16
				if v >= 1<<23 {
					v -= 1 << 24
				}
				want := float64(v) / (1 << 23)
				if math.Float64bits(p[0]) != math.Float64bits(p[1]) || p[1] != want {
					t.Fatalf("%d frames, frame %d channel %d (bytes % x): decoder %v, Go %v, want %v", frames, i, ch, s[:3], p[0], p[1], want)
				}
			}
		}
	}
}
