package audiofile

import (
	"encoding/binary"
	"math"
)

// Bulk sample conversion between interleaved little-endian bytes and planar
// float64. Each loop runs channel by channel: it writes (or reads) one
// contiguous planar slice while striding through the interleaved bytes,
// which keeps the inner loop branch-free apart from the rare clip/NaN path.

// sampleKind is a stored sample format.
type sampleKind uint8

const (
	kindU8 sampleKind = iota + 1 // unsigned 8-bit, offset 128
	kindS16
	kindS24
	kindS32
	kindF32
	kindF64
)

func kindOf(bitDepth int, float bool) sampleKind {
	if float {
		switch bitDepth {
		case 32:
			return kindF32
		case 64:
			return kindF64
		}
		return 0
	}
	switch bitDepth {
	case 8:
		return kindU8
	case 16:
		return kindS16
	case 24:
		return kindS24
	case 32:
		return kindS32
	}
	return 0
}

// Full-scale reciprocals; powers of two, so multiplying is exact and equal
// to dividing by IntScale.
const (
	inv8  = 1.0 / (1 << 7)
	inv16 = 1.0 / (1 << 15)
	inv24 = 1.0 / (1 << 23)
	inv32 = 1.0 / (1 << 31)
)

// decodeFrames converts frames interleaved frames from b (frameBytes bytes
// each) into dst[ch][off:off+frames]. It returns the number of non-finite
// float samples, which are replaced by 0.
func decodeFrames(kind sampleKind, dst [][]float64, off int, b []byte, frames, frameBytes int) int {
	bad := 0
	switch kind {
	case kindU8:
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch
			for i := range d {
				d[i] = float64(int(b[j])-128) * inv8
				j += frameBytes
			}
		}
	case kindS16:
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch * 2
			for i := range d {
				s := b[j : j+2]
				d[i] = float64(int16(uint16(s[0])|uint16(s[1])<<8)) * inv16
				j += frameBytes
			}
		}
	case kindS24:
		if len(dst) == 2 && frameBytes == 6 {
			decodeS24Stereo(dst[0][off:off+frames], dst[1][off:off+frames], b, frames)
			break
		}
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch * 3
			for i := range d {
				s := b[j : j+3]
				// Assemble in the top 24 bits, then an arithmetic shift
				// sign-extends.
				v := int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24) >> 8
				d[i] = float64(v) * inv24
				j += frameBytes
			}
		}
	case kindS32:
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch * 4
			for i := range d {
				d[i] = float64(int32(binary.LittleEndian.Uint32(b[j:j+4]))) * inv32
				j += frameBytes
			}
		}
	case kindF32:
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch * 4
			for i := range d {
				v := float64(math.Float32frombits(binary.LittleEndian.Uint32(b[j : j+4])))
				if v-v != 0 { // NaN or ±Inf
					v = 0
					bad++
				}
				d[i] = v
				j += frameBytes
			}
		}
	case kindF64:
		for ch := range dst {
			d := dst[ch][off : off+frames]
			j := ch * 8
			for i := range d {
				v := math.Float64frombits(binary.LittleEndian.Uint64(b[j : j+8]))
				if v-v != 0 {
					v = 0
					bad++
				}
				d[i] = v
				j += frameBytes
			}
		}
	}
	return bad
}

// encodeFrames converts src[ch][off:off+frames] into frames interleaved
// frames in b. It returns how many finite samples were clipped and how many
// were NaN or ±Inf (written as 0 and as the extreme value respectively).
func encodeFrames(kind sampleKind, b []byte, src [][]float64, off, frames, frameBytes int) (clipped, nonFinite int) {
	var bad [3]int // indexed by quantize's state
	switch kind {
	case kindU8:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch
			for _, x := range s {
				v := roundHalfEven(float64(x * (1 << 7)))
				if !(v >= -(1<<7) && v <= 1<<7-1) {
					v = clipRounded(v, -(1 << 7), 1<<7-1, &bad)
				}
				b[j] = byte(int(v) + 128)
				j += frameBytes
			}
		}
	case kindS16:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch * 2
			for _, x := range s {
				v := roundHalfEven(float64(x * (1 << 15)))
				if !(v >= -(1<<15) && v <= 1<<15-1) {
					v = clipRounded(v, -(1 << 15), 1<<15-1, &bad)
				}
				binary.LittleEndian.PutUint16(b[j:j+2], uint16(int16(v)))
				j += frameBytes
			}
		}
	case kindS24:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch * 3
			for _, x := range s {
				v := roundHalfEven(float64(x * (1 << 23)))
				if !(v >= -(1<<23) && v <= 1<<23-1) {
					v = clipRounded(v, -(1 << 23), 1<<23-1, &bad)
				}
				u := uint32(int32(v))
				d := b[j : j+3]
				d[0] = byte(u)
				d[1] = byte(u >> 8)
				d[2] = byte(u >> 16)
				j += frameBytes
			}
		}
	case kindS32:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch * 4
			for _, x := range s {
				v := roundHalfEven(float64(x * (1 << 31)))
				if !(v >= -(1<<31) && v <= 1<<31-1) {
					v = clipRounded(v, -(1 << 31), 1<<31-1, &bad)
				}
				binary.LittleEndian.PutUint32(b[j:j+4], uint32(int32(v)))
				j += frameBytes
			}
		}
	case kindF32:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch * 4
			for _, x := range s {
				if !(x >= -math.MaxFloat32 && x <= math.MaxFloat32) {
					x = clampFloat(x, math.MaxFloat32, &bad)
				}
				binary.LittleEndian.PutUint32(b[j:j+4], math.Float32bits(float32(x)))
				j += frameBytes
			}
		}
	case kindF64:
		for ch := range src {
			s := src[ch][off : off+frames]
			j := ch * 8
			for _, x := range s {
				if x-x != 0 {
					x = clampFloat(x, math.MaxFloat64, &bad)
				}
				binary.LittleEndian.PutUint64(b[j:j+8], math.Float64bits(x))
				j += frameBytes
			}
		}
	}
	return bad[1], bad[2]
}

// roundHalfEven rounds y to the nearest integer, ties to even, exactly as
// math.RoundToEven does for |y| < 2^51; larger magnitudes (far outside any
// sample range) may come back unrounded, still out of range, and NaN stays
// NaN, so the clip that follows treats them alike. Adding 1.5*2^52 moves y
// into the binade where the spacing of doubles is 1, so the IEEE addition
// itself rounds (Go always rounds to nearest, ties to even); subtracting
// it again is exact. Half the cost of math.RoundToEven on GOAMD64=v1,
// which checks for SSE4.1 on every call. x*scale is exact for the power-of-
// two scales used here, so no FMA can change the result.
func roundHalfEven(y float64) float64 {
	const magic = 0x1.8p52
	return (y + magic) - magic
}

// clipRounded handles the rare rounded integer sample outside [lo, hi]:
// kept out of line so the hot loops stay small.
func clipRounded(v, lo, hi float64, bad *[3]int) float64 {
	q, st := quantize(v, lo, hi)
	bad[st]++
	return q
}

// clampFloat handles the rare out-of-range float sample: NaN becomes 0,
// anything beyond ±limit becomes ±limit.
func clampFloat(x, limit float64, bad *[3]int) float64 {
	switch {
	case x != x:
		bad[2]++
		return 0
	case math.IsInf(x, 0):
		bad[2]++
	default:
		bad[1]++
	}
	if x > 0 {
		return limit
	}
	return -limit
}

// decodeS24StereoGo decodes frames stereo 24-bit frames (6 bytes each) from
// b into dl and dr, as decodeFrames does for any channel count.
func decodeS24StereoGo(dl, dr []float64, b []byte, frames int) {
	dl, dr, b = dl[:frames], dr[:frames], b[:6*frames]
	for i := range dl {
		s := b[6*i : 6*i+6]
		dl[i] = float64(int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24)>>8) * inv24
		dr[i] = float64(int32(uint32(s[3])<<8|uint32(s[4])<<16|uint32(s[5])<<24)>>8) * inv24
	}
}
