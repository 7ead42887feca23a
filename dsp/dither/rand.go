package dither

import "math/bits"

// The dither source is xoshiro256** (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", ACM TOMS 47(4), 2021), seeded through
// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014) as its authors recommend.
// Both are integer-only, so the stream is the same on every machine. Each
// channel gets its own stream: channel c starts c jumps of 2^128 steps
// after channel 0, so the streams cannot overlap within any render.

// splitmix64 is SplitMix64: one output per call, state advanced by the
// golden-ratio increment.
type splitmix64 struct{ state uint64 }

func (s *splitmix64) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// xoshiro256 is the state of xoshiro256**. It must never be all zero;
// seeding from four consecutive SplitMix64 outputs guarantees that (the
// SplitMix64 output function is a bijection, so at most one is zero).
type xoshiro256 [4]uint64

// newXoshiro256 seeds a generator from a 64-bit seed.
func newXoshiro256(seed uint64) xoshiro256 {
	sm := splitmix64{state: seed}
	return xoshiro256{sm.next(), sm.next(), sm.next(), sm.next()}
}

// next returns the next 64-bit output. The hot loop in Process inlines the
// same steps on local copies of the state; this is the reference.
func (x *xoshiro256) next() uint64 {
	s := x
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// jumpPoly is the reference jump polynomial: jump advances the state by
// 2^128 calls of next.
var jumpPoly = [4]uint64{0x180ec6d33cfd0aba, 0xd5a61266f0c9392c, 0xa9582618e03fc9aa, 0x39abdc4529b1661c}

func (x *xoshiro256) jump() {
	var s0, s1, s2, s3 uint64
	for _, j := range jumpPoly {
		for b := 0; b < 64; b++ {
			if j&(1<<b) != 0 {
				s0 ^= x[0]
				s1 ^= x[1]
				s2 ^= x[2]
				s3 ^= x[3]
			}
			x.next()
		}
	}
	*x = xoshiro256{s0, s1, s2, s3}
}

// tpdf turns one 64-bit output into a triangular-PDF dither value in LSB:
// the difference of its two 32-bit halves, each uniform on [0, 2^32),
// scaled by 2^-32. That is the sum of two independent uniform variates of
// width 1 LSB (shifting each by -1/2 does not change the sum), exact in
// float64, with mean exactly 0 and variance (1 - 2^-64)/6 LSB^2. Both
// halves of a xoshiro256** output are full-quality bits.
//
// The scaling is exact, and it is wrapped in float64() anyway so that the
// compiler cannot fuse it with the addition that follows into an FMA.
func tpdf(r uint64) float64 {
	return float64(float64(int64(r>>32)-int64(r&0xffffffff)) * 0x1p-32)
}
