package detmath

import "math"

// Log2Slice and Exp2Slice are Log2 and Exp2 over a slice, for per-sample
// paths: the fast path of the scalar function is written out inside the
// loop, so there is no call per element (which costs register saves and
// argument moves comparable to the arithmetic itself) and the iterations,
// which do not depend on each other, overlap in the CPU. Every element
// gets EXACTLY the bits the scalar function returns (the same operations
// in the same order; TestSliceKernels checks it, special values included);
// keep the loops in step with Log2 and Exp2.

// log2SliceGo is Log2Slice in Go: what other architectures and -tags
// purego run, and the twin of the amd64 kernel (log2slice_amd64.s).
func log2SliceGo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		ix := math.Float64bits(x)
		if ix-0x0010000000000000 >= 0x7ff0000000000000-0x0010000000000000 {
			dst[i] = Log2(x) // zero, subnormal, negative, Inf, NaN: rare
			continue
		}
		tmp := ix - log2Off
		j := (tmp >> (52 - log2TableBits)) % log2N
		z := math.Float64frombits(ix - tmp&(0xfff<<52))
		kd := float64(int64(tmp) >> 52) // Log2 adds kAdj = 0 here: exact
		e := &log2Tab[j]
		r := float64((z - e.c) * e.invc)
		hi := kd + e.logc
		lo := ((kd - hi) + e.logc) + e.logcLo
		rHi := math.Float64frombits(math.Float64bits(r) &^ 0xffffffff) // clearLo
		rLo := r - rHi
		rErr := ((z - e.c) - float64(rHi*e.c)) - float64(rLo*e.c)
		t1 := float64(rHi * log2EHi)
		t2 := float64(rLo*log2EHi) + float64(float64(rErr*e.invc)*log2EHi) + float64(r*log2ELo)
		y := hi + t1
		lo += ((hi - y) + t1) + t2
		r2 := float64(r * r)
		p := (log2A0 + float64(r*log2A1)) + float64(r2*(log2A2+float64(r*log2A3))) +
			float64(float64(r2*r2)*(log2A4+float64(r*log2A5)))
		dst[i] = y + (lo + float64(r2*p))
	}
}

// exp2SliceGo is Exp2Slice in Go: what other architectures and -tags
// purego run, and the twin of the amd64 kernel (exp2slice_amd64.s).
func exp2SliceGo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		if !(math.Abs(x) <= 1000) { // also NaN: rare
			dst[i] = exp2Slow(x)
			continue
		}
		kd := x + exp2Shift
		ki := math.Float64bits(kd)
		kd -= exp2Shift
		r := x - kd
		j := ki % exp2N
		scale := math.Float64frombits(exp2Bits[j] + ki<<(52-exp2TableBits))
		r2 := float64(r * r)
		tmp := exp2Tail[j] + float64(r*exp2C1) + float64(r2*(exp2C2+float64(r*exp2C3))) +
			float64(float64(r2*r2)*(exp2C4+float64(r*exp2C5)))
		dst[i] = scale + float64(scale*tmp)
	}
}
