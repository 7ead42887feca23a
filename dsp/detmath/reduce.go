package detmath

// remPio2Large is Payne-Hanek reduction in 64-bit integer arithmetic as in
// Go's math/trig_reduce.go (after K. C. Ng, "Argument Reduction for Huge
// Arguments: Good to the Last Bit", 1992), changed to reduce by π/2 and to
// return the remainder in two parts for the fdlibm kernels. The table of
// 4/π is Go's.
//
// Copyright 2018 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

import (
	"math"
	"math/bits"
)

// remPio2Large returns n mod 4 and y0 + y1 = x - n·π/2 (|y0+y1| <= π/4)
// for finite x >= 2^20·π/2. It uses only integer operations, exact
// conversions and explicitly rounded double-double arithmetic.
func remPio2Large(x float64) (n int, y0, y1 float64) {
	// x = m·2^e with m a 53-bit integer.
	ix := math.Float64bits(x)
	e := int(ix>>52&0x7ff) - 1023 - 52
	m := ix&(1<<52-1) | 1<<52
	// Take the 192 bits of 4/π that line m up so the product's leading
	// digit has the exponent -61 (three integer bits, x·4/π mod 8).
	digit, shift := uint(e+61)/64, uint(e+61)%64
	z0 := mPi4[digit]<<shift | mPi4[digit+1]>>(64-shift)
	z1 := mPi4[digit+1]<<shift | mPi4[digit+2]>>(64-shift)
	z2 := mPi4[digit+2]<<shift | mPi4[digit+3]>>(64-shift)
	z2hi, _ := bits.Mul64(z2, m)
	z1hi, z1lo := bits.Mul64(z1, m)
	z0lo := z0 * m
	lo, c := bits.Add64(z1lo, z2hi, 0)
	hi, _ := bits.Add64(z0lo, z1hi, c)

	// hi:lo is x·4/π mod 8 with 125 fraction bits, which is also x·2/π
	// mod 4 with 2 integer bits and 126 fraction bits. Round to the
	// nearest quadrant and keep the signed fraction f in [-1/2, 1/2].
	n = int(hi >> 62)
	hi &= 1<<62 - 1
	neg := hi>>61 != 0 // f >= 1/2: next quadrant, negative remainder
	if neg {
		n++
		var b uint64
		lo, b = bits.Sub64(0, lo, 0)
		hi, _ = bits.Sub64(1<<62, hi, b)
	}
	n &= 3
	if hi|lo == 0 {
		return n, 0, 0
	}

	// |f| = (hi:lo)·2^-126 as fh + fl, both exact: 53 bits each.
	lz := bits.LeadingZeros64(hi)
	if hi == 0 {
		lz = 64 + bits.LeadingZeros64(lo)
	}
	a, b := shl128(hi, lo, uint(lz))
	fh := float64(float64(a>>11) * pow2(-51-lz))
	fl := float64(float64((a&0x7ff)<<42|b>>22) * pow2(-104-lz))

	// (fh + fl)·π/2 in double-double.
	const (
		pio2Hi = 1.57079632679489655800e+00 // 0x3ff921fb54442d18
		pio2Lo = 6.12323399573676603587e-17 // 0x3c91a62633145c07
	)
	p := float64(fh * pio2Hi)
	r := twoProdErr(fh, pio2Hi, p) + (float64(fh*pio2Lo) + float64(fl*pio2Hi))
	y0 = p + r
	y1 = r - (y0 - p)
	if neg {
		y0, y1 = -y0, -y1
	}
	return n, y0, y1
}

// shl128 shifts hi:lo left by s < 128 bits.
func shl128(hi, lo uint64, s uint) (uint64, uint64) {
	if s >= 64 {
		return lo << (s - 64), 0
	}
	if s == 0 {
		return hi, lo
	}
	return hi<<s | lo>>(64-s), lo << s
}

// split is Veltkamp's splitting of a into two 26-bit halves.
func split(a float64) (hi, lo float64) {
	c := float64(134217729 * a) // 2^27 + 1
	hi = c - (c - a)
	return hi, a - hi
}

// twoProdErr is Dekker's exact error a·b - p of p = fl(a·b), without FMA.
func twoProdErr(a, b, p float64) float64 {
	ah, al := split(a)
	bh, bl := split(b)
	return ((float64(ah*bh) - p) + float64(ah*bl) + float64(al*bh)) + float64(al*bl)
}

// mPi4 is the binary digits of 4/π as a uint64 array, that is,
// 4/π = Sum mPi4[i]·2^(-64·i): 19 64-bit digits and the leading one bit
// give 1217 bits, enough for the largest float64 exponent.
var mPi4 = [...]uint64{
	0x0000000000000001,
	0x45f306dc9c882a53,
	0xf84eafa3ea69bb81,
	0xb6c52b3278872083,
	0xfca2c757bd778ac3,
	0x6e48dc74849ba5c0,
	0x0c925dd413a32439,
	0xfc3bd63962534e7d,
	0xd1046bea5d768909,
	0xd338e04d68befc82,
	0x7323ac7306a673e9,
	0x3908bf177bf25076,
	0x3ff12fffbc0b301f,
	0xde5e2316b414da3e,
	0xda6cfd9e4f96136e,
	0x9e8c7ecd3cbfd45a,
	0xea4f758fd7cbe2f6,
	0x7a0e73ef14a525d4,
	0xd7f6bf623f1aba10,
	0xac06608df8f6d757,
}
