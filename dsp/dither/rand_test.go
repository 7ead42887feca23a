package dither

import (
	"math"
	"testing"
)

// TestSplitMix64Vectors checks SplitMix64 against its published reference
// outputs (seed 1234567, as on Rosetta Code, and seed 0).
func TestSplitMix64Vectors(t *testing.T) {
	for _, tc := range []struct {
		seed uint64
		want []uint64
	}{
		{1234567, []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821}},
		{0, []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}},
	} {
		s := splitmix64{state: tc.seed}
		for i, w := range tc.want {
			if got := s.next(); got != w {
				t.Errorf("seed %d output %d = %d, want %d", tc.seed, i, got, w)
			}
		}
	}
}

// TestXoshiro256Vectors checks xoshiro256** against the reference
// implementation's outputs from the state {1, 2, 3, 4} (as used by the
// rand_xoshiro crate's test).
func TestXoshiro256Vectors(t *testing.T) {
	x := xoshiro256{1, 2, 3, 4}
	want := []uint64{
		11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
		607988272756665600, 16172922978634559625, 8476171486693032832,
		10595114339597558777, 2904607092377533576,
	}
	for i, w := range want {
		if got := x.next(); got != w {
			t.Errorf("output %d = %d, want %d", i, got, w)
		}
	}
}

// TestXoshiro256Jump checks the jump polynomial: from the state {0, 0, 0, 1}
// the reference jump() gives this state (the jump acts on the linear
// engine, which xoshiro256++ and ** share; values from the xoshiro-fortran
// test data, generated with the reference C code).
func TestXoshiro256Jump(t *testing.T) {
	x := xoshiro256{0, 0, 0, 1}
	x.jump()
	want := xoshiro256{0x934D05E8B2076310, 0xEABDD0BF76A1BE51, 0x75DD6A992ACCB1E8, 0xC660C602A7330187}
	if x != want {
		t.Errorf("jump({0,0,0,1}) = %#x, want %#x", x, want)
	}
}

// TestTPDFValue checks the mapping from one 64-bit draw to the dither
// value: extremes, symmetry and exactness.
func TestTPDFValue(t *testing.T) {
	for _, tc := range []struct {
		r    uint64
		want float64
	}{
		{0, 0},
		{0xffffffff_ffffffff, 0},
		{0xffffffff_00000000, (1<<32 - 1) * 0x1p-32}, // largest: 1 - 2^-32
		{0x00000000_ffffffff, -(1<<32 - 1) * 0x1p-32},
		{0x80000000_00000000, 0.5},
		{0x00000001_00000003, -2 * 0x1p-32},
	} {
		if got := tpdf(tc.r); got != tc.want {
			t.Errorf("tpdf(%#x) = %v, want %v", tc.r, got, tc.want)
		}
	}
	// Over a long stream: mean 0, variance 1/6, triangular density
	// (P(|d| > 1/2) = 1/4).
	x := newXoshiro256(7)
	const n = 1 << 20
	var sum, sum2 float64
	tail := 0
	for range n {
		d := tpdf(x.next())
		sum += d
		sum2 += d * d
		if math.Abs(d) > 0.5 {
			tail++
		}
	}
	mean, v := sum/n, sum2/n
	if math.Abs(mean) > 0.002 { // 5 standard errors (sqrt(1/6/n) = 0.0004)
		t.Errorf("mean %v, want 0", mean)
	}
	if math.Abs(v/(1.0/6)-1) > 0.005 {
		t.Errorf("variance %v, want 1/6", v)
	}
	if p := float64(tail) / n; math.Abs(p-0.25) > 0.003 {
		t.Errorf("P(|d| > 1/2) = %v, want 1/4", p)
	}
}
