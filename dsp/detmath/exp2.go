package detmath

import "math"

// Exp2 and Log2 are table-driven, after the method of Tang ("Table-driven
// implementation of the exponential function in IEEE floating-point
// arithmetic", ACM TOMS 15(2), 1989) as ARM's optimized-routines and musl
// use it, with mixdown's own tables and polynomials (exp2tables.go,
// generated and checked against math/big by TestExp2Log2Tables). They are
// about three times faster than Exp and Log, which makes them the ones to
// use per sample: 20·log10(x) = Log2(x)·(20·log10 2) and
// 10^(dB/20) = Exp2(dB/(20·log10 2)). Like the rest of the package they use
// only IEEE +, -, ×, exact bit manipulation and explicitly rounded
// products, so they return the same bits on every machine.

// exp2Shift is 1.5·2^52/128: x + exp2Shift rounds x to a multiple of
// 1/128 and leaves 128·x, rounded, in the low bits of the sum.
const exp2Shift = 0x1.8p52 / exp2N

// Exp2 returns 2^x.
//
// Special cases: Exp2(+Inf) = +Inf, Exp2(-Inf) = 0, Exp2(NaN) = NaN;
// results above the float64 range are +Inf, below half the smallest
// subnormal 0. Exp2(n) is exact for every integer n whose power of two is
// a float64.
//
// Accuracy: error below 0.52 ulp for normal results (TestExp2Log2Accuracy
// measures against 256-bit references over the whole range), below 1 ulp
// of the smallest subnormal for subnormal results. That is a relative
// error under 6e-17, far below anything audible (-320 dB).
//
// Method: x = k + j/128 + r with |r| <= 1/256; 2^(j/128) comes from a
// 128-entry table as a double plus a relative correction, 2^r - 1 from a
// degree-5 Taylor polynomial (truncation error < 2^-61 on |r| <= 1/256);
// 2^k goes straight into the exponent bits.
func Exp2(x float64) float64 {
	if !(math.Abs(x) <= 1000) { // also NaN
		return exp2Slow(x)
	}
	kd := x + exp2Shift
	ki := math.Float64bits(kd) // low bits: round(128·x), two's complement
	kd -= exp2Shift            // exact: round(128·x)/128
	r := x - kd                // exact, |r| <= 1/256
	i := ki % exp2N
	// exp2Bits[i] is 2^(i/128)'s bits less i<<45, so adding ki<<45 adds
	// k = floor(round(128·x)/128) to the exponent (the high bits of ki
	// shift out).
	scale := math.Float64frombits(exp2Bits[i] + ki<<(52-exp2TableBits))
	r2 := float64(r * r)
	tmp := exp2Tail[i] + float64(r*exp2C1) + float64(r2*(exp2C2+float64(r*exp2C3))) +
		float64(float64(r2*r2)*(exp2C4+float64(r*exp2C5)))
	return scale + float64(scale*tmp)
}

// exp2Slow is Exp2 for |x| > 1000 and NaN: the same method with 2^k
// applied by scale2, which rounds once into the subnormals.
func exp2Slow(x float64) float64 {
	switch {
	case x != x:
		return x
	case x >= 1024:
		return math.Inf(1)
	case x <= -1075: // 2^-1075 is half the smallest subnormal: rounds to 0
		return 0
	}
	kd := x + exp2Shift
	kd -= exp2Shift
	r := x - kd
	n := int(float64(kd * exp2N)) // exact integer
	i := uint64(n) % exp2N
	scale := math.Float64frombits(exp2Bits[i] + i<<(52-exp2TableBits))
	r2 := float64(r * r)
	tmp := exp2Tail[i] + float64(r*exp2C1) + float64(r2*(exp2C2+float64(r*exp2C3))) +
		float64(float64(r2*r2)*(exp2C4+float64(r*exp2C5)))
	return scale2(scale+float64(scale*tmp), n>>exp2TableBits)
}

// log2Off is the bit pattern of a = 1 - 75.5/256 ≈ 0.705: Log2 reduces x
// to z = x/2^k in [a, 2a), whose 128 table cells (the top 7 bits of
// bits(z) - log2Off) put 1 in the middle of cell 75. That cell's centre is
// 1 itself, so near x = 1 the reduction is exact and the result keeps its
// relative accuracy.
const log2Off = 0x3ff0000000000000 - (75<<45 + 1<<44)

// Log2 returns the binary logarithm of x.
//
// Special cases: Log2(+Inf) = +Inf, Log2(±0) = -Inf, Log2(x < 0) = NaN,
// Log2(NaN) = NaN. Log2(2^n) = n exactly, also for subnormal powers.
//
// Accuracy: error below 0.6 ulp everywhere, subnormal arguments included
// (TestExp2Log2Accuracy measures against 256-bit references), the same
// class as Log; as a level in dB, Log2(x)·(20·log10 2) is within 2e-15 dB
// of exact for any x from -300 to +300 dBFS.
//
// Method: x = 2^k·z, z in [0.705, 1.41); z's cell i in a 128-entry table
// gives a centre c with 1/c and log2(c) (in two parts), r = (z-c)/c,
// |r| < 2^-8, and log2(1+r) = r/ln2 + r²·P(r), P the degree-5 Taylor
// polynomial (truncation error < 2^-59 relative). k + log2(c) + r/ln2 is
// summed with its rounding errors carried (Fast2Sum), so the sum rounds
// about once.
func Log2(x float64) float64 {
	ix := math.Float64bits(x)
	kAdj := 0.0
	if ix-0x0010000000000000 >= 0x7ff0000000000000-0x0010000000000000 {
		// Not a positive normal number.
		switch {
		case x != x || x > 0x1p1023:
			return x // NaN, +Inf
		case x == 0:
			return math.Inf(-1)
		case x < 0:
			return math.NaN()
		}
		ix = math.Float64bits(float64(x * 0x1p52)) // subnormal: exact scaling
		kAdj = -52
	}
	tmp := ix - log2Off
	i := (tmp >> (52 - log2TableBits)) % log2N
	z := math.Float64frombits(ix - tmp&(0xfff<<52))
	kd := float64(int64(tmp)>>52) + kAdj
	e := &log2Tab[i]
	r := float64((z - e.c) * e.invc) // z - c is exact
	// hi + lo = k + log2(c): |k| >= 1 > |log2 c| or k = 0, so Fast2Sum's
	// error term is exact.
	hi := kd + e.logc
	lo := ((kd - hi) + e.logc) + e.logcLo
	// r is (z-c)/c with the two roundings of invc and of the product;
	// rErr·invc brings back what they lost. rHi has 21 significant bits and
	// c at most 10, so rHi·c and rLo·c are exact, and so are both
	// subtractions (Sterbenz): rErr = (z-c) - r·c exactly.
	rHi := clearLo(r)
	rLo := r - rHi
	rErr := ((z - e.c) - float64(rHi*e.c)) - float64(rLo*e.c)
	// t1 + t2 = r/ln2 with t1 exact (log2EHi has 32 significant bits).
	t1 := float64(rHi * log2EHi)
	t2 := float64(rLo*log2EHi) + float64(float64(rErr*e.invc)*log2EHi) + float64(r*log2ELo)
	y := hi + t1
	lo += ((hi - y) + t1) + t2 // |hi| >= |t1| outside cell 75, where hi = 0
	r2 := float64(r * r)
	p := (log2A0 + float64(r*log2A1)) + float64(r2*(log2A2+float64(r*log2A3))) +
		float64(float64(r2*r2)*(log2A4+float64(r*log2A5)))
	return y + (lo + float64(r2*p))
}
