// Package fft is a deterministic complex and real FFT for power-of-two sizes.
//
// Plans (Complex, Real) precompute their twiddle factors and bit-reversal
// permutation at construction; transforms then allocate nothing. The
// arithmetic is written out in real float64 operations with every product
// rounded explicitly (float64(a*b)), so the Go compiler cannot fuse them into
// FMA instructions: the same input gives bit-identical output on amd64 and
// arm64.
//
// Conventions: Forward computes X[k] = sum_n x[n] exp(-2*pi*i*k*n/N), and
// Inverse computes x[n] = (1/N) sum_k X[k] exp(+2*pi*i*k*n/N), so Inverse
// undoes Forward.
//
// A plan is not safe for concurrent use: Real keeps a scratch buffer.
package fft

import (
	"fmt"
	"math"
	"math/bits"
)

// Complex is an in-place FFT plan of size N: decimation in time over
// bit-reversed input, with the radix-2 stages taken two at a time
// (radix-2^2): each pass combines the stages of half-sizes h and 2h, which
// needs 3 twiddle multiplications per 4 points instead of 4 and one sweep
// through memory instead of two. An odd number of stages starts with a
// plain radix-2 pass.
type Complex struct {
	n    int
	twF  []complex128 // forward twiddles, pass by pass: for j < h, W^1, W^2, W^3 with W = exp(-i*pi*j/(2h))
	twI  []complex128 // the conjugates, for Inverse
	revA []int32      // bit-reversal swap pairs (revA[k], revB[k]), revA[k] < revB[k]
	revB []int32
	odd  bool // log2(N) is odd: one radix-2 pass first
}

// IsPowerOfTwo reports whether n is a positive power of two.
func IsPowerOfTwo(n int) bool { return n > 0 && n&(n-1) == 0 }

// NewComplex returns a plan for complex transforms of size n. It panics if n
// is not a power of two: sizes are chosen by code, never by users.
func NewComplex(n int) *Complex {
	if !IsPowerOfTwo(n) {
		panic(fmt.Sprintf("fft: size %d is not a power of two", n))
	}
	f := &Complex{n: n}
	logN := bits.TrailingZeros(uint(n))
	for i := 0; i < n && logN > 0; i++ {
		j := int(bits.Reverse(uint(i)) >> (bits.UintSize - logN))
		if i < j {
			f.revA = append(f.revA, int32(i))
			f.revB = append(f.revB, int32(j))
		}
	}
	f.odd = logN%2 == 1
	// Twiddles for each radix-4 pass are stored in the order the inner loop
	// reads them. Each is computed directly from its angle, not by
	// recurrence, which keeps the error at one rounding.
	h := 1
	if f.odd {
		h = 2
	}
	for ; 2*h < n; h *= 4 {
		for j := 0; j < h; j++ {
			for m := 1; m <= 3; m++ {
				s, c := sincosPiWide(m*j, 2*h)
				f.twF = append(f.twF, complex(c, -s))
				f.twI = append(f.twI, complex(c, s))
			}
		}
	}
	return f
}

// sincosPiWide is sincosPi for 0 <= j < 2h (angles up to 2*pi).
func sincosPiWide(j, h int) (s, c float64) {
	if j >= h {
		s, c = sincosPi(j-h, h)
		return -s, -c
	}
	return sincosPi(j, h)
}

// sincosPi returns sin and cos of pi*j/h for 0 <= j < h, using symmetry so
// that the values at multiples of pi/4 are exact and the rest come from
// arguments in [0, pi/4], where the polynomial kernel is accurate to about
// an ulp (see detmath.go for why it is not math.Sincos).
func sincosPi(j, h int) (s, c float64) {
	// angle = pi * j / h in [0, pi). Reduce with octants of size h/4.
	switch {
	case j == 0:
		return 0, 1
	case 2*j == h:
		return 1, 0
	case 4*j == h:
		return math.Sqrt2 / 2, math.Sqrt2 / 2
	case 4*j == 3*h:
		return math.Sqrt2 / 2, -math.Sqrt2 / 2
	}
	if 2*j > h { // pi - a: sin same, cos negated
		s, c = sincosPi(h-j, h)
		return s, -c
	}
	if 4*j > h { // pi/2 - a: swap
		c, s = sincosPi(h-2*j, 2*h) // cos(pi/2 - a) = sin(a) with a = pi*(h-2j)/(2h)
		return s, c
	}
	return sincosKernel(math.Pi * float64(j) / float64(h))
}

// Len is the transform size N.
func (f *Complex) Len() int { return f.n }

// Forward transforms x in place. len(x) must be N.
func (f *Complex) Forward(x []complex128) {
	f.transform(x, f.twF, 1)
}

// Inverse transforms x in place and scales by 1/N. len(x) must be N.
func (f *Complex) Inverse(x []complex128) {
	f.transform(x, f.twI, -1)
	s := 1 / float64(f.n)
	for i, v := range x {
		x[i] = complex(real(v)*s, imag(v)*s)
	}
}

// InverseUnscaled is Inverse without the 1/N factor.
func (f *Complex) InverseUnscaled(x []complex128) {
	f.transform(x, f.twI, -1)
}

// transform is the unscaled DIT FFT with twiddles tw; sgn is +1 for the
// forward transform and -1 for the inverse, selecting the rotation by -i or
// +i inside each radix-4 butterfly.
func (f *Complex) transform(x []complex128, tw []complex128, sgn float64) {
	n := f.n
	if len(x) != n {
		panic(fmt.Sprintf("fft: buffer length %d, plan size %d", len(x), n))
	}
	if n == 1 {
		return
	}
	ra, rb := f.revA, f.revB
	for k := range ra {
		i, j := ra[k], rb[k]
		x[i], x[j] = x[j], x[i]
	}
	h := 1
	if f.odd {
		// Radix-2 pass, twiddle 1.
		for i := 0; i < n; i += 2 {
			a, b := x[i], x[i+1]
			x[i] = a + b
			x[i+1] = a - b
		}
		h = 2
	} else if n >= 4 {
		// First radix-4 pass (h = 1): every twiddle is 1.
		for i := 0; i < n; i += 4 {
			u0, u1, u2, u3 := x[i], x[i+1], x[i+2], x[i+3]
			a0r, a0i := real(u0)+real(u1), imag(u0)+imag(u1)
			a1r, a1i := real(u0)-real(u1), imag(u0)-imag(u1)
			sr, si := real(u2)+real(u3), imag(u2)+imag(u3)
			dr, di := real(u2)-real(u3), imag(u2)-imag(u3)
			x[i] = complex(a0r+sr, a0i+si)
			x[i+2] = complex(a0r-sr, a0i-si)
			x[i+1] = complex(a1r+sgn*di, a1i-sgn*dr)
			x[i+3] = complex(a1r-sgn*di, a1i+sgn*dr)
		}
		h = 4
	}
	off := 0
	if !f.odd {
		off = 3 // skip the h = 1 twiddles (all 1)
	}
	for ; 2*h < n; h *= 4 {
		w := tw[off : off+3*h]
		off += 3 * h
		m := 4 * h
		for base := 0; base < n; base += m {
			q0 := x[base : base+h]
			q1 := x[base+h : base+2*h]
			q2 := x[base+2*h : base+3*h]
			q3 := x[base+3*h : base+m]
			for j := range q0 {
				w1, w2, w3 := w[3*j], w[3*j+1], w[3*j+2]
				u0 := q0[j]
				u1 := cmul(w2, q1[j])
				u2 := cmul(w1, q2[j])
				u3 := cmul(w3, q3[j])
				a0r, a0i := real(u0)+real(u1), imag(u0)+imag(u1)
				a1r, a1i := real(u0)-real(u1), imag(u0)-imag(u1)
				sr, si := real(u2)+real(u3), imag(u2)+imag(u3)
				dr, di := real(u2)-real(u3), imag(u2)-imag(u3)
				q0[j] = complex(a0r+sr, a0i+si)
				q2[j] = complex(a0r-sr, a0i-si)
				// y1 = a1 + (-i*sgn) d, y3 = a1 - (-i*sgn) d
				q1[j] = complex(a1r+sgn*di, a1i-sgn*dr)
				q3[j] = complex(a1r-sgn*di, a1i+sgn*dr)
			}
		}
	}
}

// cmul is a*b with every product rounded on its own, so no FMA is formed.
func cmul(a, b complex128) complex128 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(float64(ar*br)-float64(ai*bi), float64(ar*bi)+float64(ai*br))
}

// Real is an FFT plan for real signals of even power-of-two size N >= 2. The
// spectrum of a real signal is Hermitian, so only bins 0..N/2 (N/2+1 values)
// are stored. It runs a complex FFT of size N/2 on the even/odd samples packed
// as real/imaginary parts, then untangles the halves.
type Real struct {
	n    int
	half *Complex
	w    []complex128 // exp(-2*pi*i*k/N), k < N/2
	buf  []complex128 // scratch, N/2
}

// NewReal returns a plan for real transforms of size n (a power of two >= 2).
// It panics otherwise.
func NewReal(n int) *Real {
	if !IsPowerOfTwo(n) || n < 2 {
		panic(fmt.Sprintf("fft: real size %d is not a power of two >= 2", n))
	}
	m := n / 2
	r := &Real{n: n, half: NewComplex(m), w: make([]complex128, m), buf: make([]complex128, m)}
	for k := 0; k < m; k++ {
		s, c := sincosPi(k, m) // angle 2*pi*k/n = pi*k/m
		r.w[k] = complex(c, -s)
	}
	return r
}

// Len is the transform size N (real samples).
func (r *Real) Len() int { return r.n }

// Bins is N/2+1, the number of stored spectrum values.
func (r *Real) Bins() int { return r.n/2 + 1 }

// Forward computes the spectrum of src (length N) into dst (length N/2+1).
// dst[0] and dst[N/2] have zero imaginary part.
func (r *Real) Forward(dst []complex128, src []float64) {
	n, m := r.n, r.n/2
	if len(src) != n || len(dst) != m+1 {
		panic(fmt.Sprintf("fft: real forward lengths src %d dst %d, plan size %d", len(src), len(dst), n))
	}
	z := r.buf
	for k := range z {
		z[k] = complex(src[2*k], src[2*k+1])
	}
	r.half.Forward(z)
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	// E[k] = (Z[k] + conj(Z[m-k]))/2, O[k] = (Z[k] - conj(Z[m-k]))/(2i),
	// X[k] = E[k] + W^k O[k].
	for k := 1; k < m; k++ {
		a, b := z[k], z[m-k]
		er := 0.5 * (real(a) + real(b))
		ei := 0.5 * (imag(a) - imag(b))
		// (a - conj b)/(2i): numerator (ar-br) + i(ai+bi); divide by 2i.
		or := 0.5 * (imag(a) + imag(b))
		oi := -0.5 * (real(a) - real(b))
		wr, wi := real(r.w[k]), imag(r.w[k])
		tr := float64(wr*or) - float64(wi*oi)
		ti := float64(wr*oi) + float64(wi*or)
		dst[k] = complex(er+tr, ei+ti)
	}
}

// Inverse computes the real signal dst (length N) from the spectrum src
// (length N/2+1), scaled by 1/N so that it undoes Forward. The imaginary
// parts of src[0] and src[N/2] are ignored. src is not modified.
func (r *Real) Inverse(dst []float64, src []complex128) {
	r.inverse(dst, src, 1/float64(r.n))
}

// InverseScaled is Inverse with the 1/N factor replaced by scale/N, for
// callers that fold a gain into the transform.
func (r *Real) InverseScaled(dst []float64, src []complex128, scale float64) {
	r.inverse(dst, src, scale/float64(r.n))
}

func (r *Real) inverse(dst []float64, src []complex128, scale float64) {
	n, m := r.n, r.n/2
	if len(dst) != n || len(src) != m+1 {
		panic(fmt.Sprintf("fft: real inverse lengths dst %d src %d, plan size %d", len(dst), len(src), n))
	}
	z := r.buf
	// Z[k] = E[k] + i O[k], with E[k] = (X[k] + conj(X[m-k]))/2 and
	// O[k] = (X[k] - conj(X[m-k])) / (2 W^k). The 1/2 is folded into the
	// output scale: the half-size inverse divides by m = N/2, and we want
	// 1/N overall, so the unscaled transform is multiplied by 2*scale/2.
	x0, xm := real(src[0]), real(src[m])
	z[0] = complex(x0+xm, x0-xm)
	for k := 1; k < m; k++ {
		a, b := src[k], src[m-k]
		er := real(a) + real(b)
		ei := imag(a) - imag(b)
		dr := real(a) - real(b)
		di := imag(a) + imag(b)
		// divide d by W^k: multiply by conj(W^k)
		wr, wi := real(r.w[k]), -imag(r.w[k])
		or := float64(wr*dr) - float64(wi*di)
		oi := float64(wr*di) + float64(wi*dr)
		// Z = E + i O
		z[k] = complex(er-oi, ei+or)
	}
	r.half.InverseUnscaled(z)
	// Without the 1/2 on E and O, z is 2*m times the half-size samples, that
	// is N times the signal; scale = 1/N (times any user gain) undoes it.
	for k, v := range z {
		dst[2*k] = real(v) * scale
		dst[2*k+1] = imag(v) * scale
	}
}
