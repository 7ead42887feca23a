package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// dft is the textbook O(N^2) transform used as the reference. The twiddle
// for k*n is taken at (k*n mod N), so its angle is within an ulp of 2*pi, and
// the sums are compensated (Neumaier), so the reference itself is accurate to
// a few ulps of the largest term.
func dft(x []complex128, inverse bool) []complex128 {
	n := len(x)
	sign := -1.0
	if inverse {
		sign = 1
	}
	out := make([]complex128, n)
	for k := 0; k < n; k++ {
		var sr, si, cr, ci float64
		for j := 0; j < n; j++ {
			// math.Sincos, independent of the kernel under test; the
			// angle is reduced to [0, 2pi) exactly through the index.
			s, c := math.Sincos(2 * math.Pi * float64((k*j)%n) / float64(n))
			wr, wi := c, sign*s
			xr, xi := real(x[j]), imag(x[j])
			sr, cr = neumaier(sr, cr, xr*wr-xi*wi)
			si, ci = neumaier(si, ci, xr*wi+xi*wr)
		}
		out[k] = complex(sr+cr, si+ci)
		if inverse {
			out[k] /= complex(float64(n), 0)
		}
	}
	return out
}

func neumaier(sum, comp, v float64) (float64, float64) {
	t := sum + v
	if math.Abs(sum) >= math.Abs(v) {
		comp += (sum - t) + v
	} else {
		comp += (v - t) + sum
	}
	return t, comp
}

// relErr is ||got - want||_2 / ||want||_2, and the largest bin error
// relative to the largest reference magnitude.
func relErr(got, want []complex128) (l2, maxRel float64) {
	var num, den, maxErr, maxRef float64
	for i := range want {
		d := cmplx.Abs(got[i] - want[i])
		num += d * d
		a := cmplx.Abs(want[i])
		den += a * a
		maxErr = math.Max(maxErr, d)
		maxRef = math.Max(maxRef, a)
	}
	if den == 0 {
		return math.Sqrt(num), maxErr
	}
	return math.Sqrt(num / den), maxErr / maxRef
}

func randomComplex(r *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(2*r.Float64()-1, 2*r.Float64()-1)
	}
	return x
}

func TestComplexMatchesDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 2048; n *= 2 {
		x := randomComplex(r, n)
		want := dft(x, false)
		got := append([]complex128(nil), x...)
		NewComplex(n).Forward(got)
		l2, mx := relErr(got, want)
		if l2 > 1e-12 || mx > 1e-12 {
			t.Errorf("N=%d forward: relative error l2 %.3g, max %.3g, want <= 1e-12", n, l2, mx)
		}
		wantInv := dft(x, true)
		gotInv := append([]complex128(nil), x...)
		NewComplex(n).Inverse(gotInv)
		l2, mx = relErr(gotInv, wantInv)
		if l2 > 1e-12 || mx > 1e-12 {
			t.Errorf("N=%d inverse: relative error l2 %.3g, max %.3g, want <= 1e-12", n, l2, mx)
		}
	}
}

func TestComplexKnownTransforms(t *testing.T) {
	const n = 64
	f := NewComplex(n)
	// Unit impulse at 0: flat spectrum of ones, exactly.
	x := make([]complex128, n)
	x[0] = 1
	f.Forward(x)
	for k, v := range x {
		if v != 1 {
			t.Fatalf("impulse: bin %d = %v, want 1", k, v)
		}
	}
	// Complex exponential at bin 5: N at bin 5, zero elsewhere.
	for j := range x {
		s, c := math.Sincos(2 * math.Pi * 5 * float64(j) / n)
		x[j] = complex(c, s)
	}
	f.Forward(x)
	for k, v := range x {
		want := 0.0
		if k == 5 {
			want = n
		}
		if cmplx.Abs(v-complex(want, 0)) > 1e-12*n {
			t.Errorf("exponential: bin %d = %v, want %v", k, v, want)
		}
	}
}

func TestComplexRoundTripAndParseval(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 4, 8, 256, 4096, 1 << 16} {
		f := NewComplex(n)
		x := randomComplex(r, n)
		y := append([]complex128(nil), x...)
		f.Forward(y)
		var ex, ey float64
		for i := range x {
			ex += real(x[i])*real(x[i]) + imag(x[i])*imag(x[i])
			ey += real(y[i])*real(y[i]) + imag(y[i])*imag(y[i])
		}
		if d := math.Abs(ey/float64(n)-ex) / ex; d > 1e-12 {
			t.Errorf("N=%d Parseval: relative mismatch %.3g", n, d)
		}
		f.Inverse(y)
		l2, mx := relErr(y, x)
		if l2 > 1e-13 || mx > 1e-13 {
			t.Errorf("N=%d round trip: relative error l2 %.3g, max %.3g", n, l2, mx)
		}
	}
}

func TestRealMatchesDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 2; n <= 2048; n *= 2 {
		src := make([]float64, n)
		x := make([]complex128, n)
		for i := range src {
			src[i] = 2*r.Float64() - 1
			x[i] = complex(src[i], 0)
		}
		want := dft(x, false)[:n/2+1]
		p := NewReal(n)
		if p.Bins() != n/2+1 || p.Len() != n {
			t.Fatalf("N=%d: Len %d Bins %d", n, p.Len(), p.Bins())
		}
		got := make([]complex128, n/2+1)
		p.Forward(got, src)
		l2, mx := relErr(got, want)
		if l2 > 1e-12 || mx > 1e-12 {
			t.Errorf("N=%d real forward: relative error l2 %.3g, max %.3g", n, l2, mx)
		}
		if imag(got[0]) != 0 || imag(got[n/2]) != 0 {
			t.Errorf("N=%d: DC/Nyquist bins not real: %v %v", n, got[0], got[n/2])
		}
		// Inverse of the reference spectrum gives the signal back.
		back := make([]float64, n)
		p.Inverse(back, want)
		var num, den float64
		for i := range src {
			num += (back[i] - src[i]) * (back[i] - src[i])
			den += src[i] * src[i]
		}
		if e := math.Sqrt(num / den); e > 1e-12 {
			t.Errorf("N=%d real inverse of DFT: relative error %.3g", n, e)
		}
	}
}

func TestRealRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{2, 4, 8, 1024, 1 << 15} {
		p := NewReal(n)
		src := make([]float64, n)
		for i := range src {
			src[i] = 2*r.Float64() - 1
		}
		spec := make([]complex128, n/2+1)
		back := make([]float64, n)
		p.Forward(spec, src)
		p.InverseScaled(back, spec, 2)
		var maxErr float64
		for i := range src {
			maxErr = math.Max(maxErr, math.Abs(back[i]/2-src[i]))
		}
		if maxErr > 1e-13 {
			t.Errorf("N=%d real round trip (scaled by 2): max error %.3g", n, maxErr)
		}
	}
}

func TestDeterministicAndNoAllocs(t *testing.T) {
	const n = 4096
	r := rand.New(rand.NewPCG(9, 10))
	f := NewComplex(n)
	p := NewReal(n)
	x := randomComplex(r, n)
	a := append([]complex128(nil), x...)
	b := append([]complex128(nil), x...)
	f.Forward(a)
	f.Forward(b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("repeat transform differs at %d", i)
		}
	}
	src := make([]float64, n)
	spec := make([]complex128, n/2+1)
	allocs := testing.AllocsPerRun(20, func() {
		f.Forward(a)
		f.Inverse(a)
		p.Forward(spec, src)
		p.Inverse(src, spec)
	})
	if allocs != 0 {
		t.Errorf("transforms allocate %.1f times per run, want 0", allocs)
	}
}

func TestRejectsBadSizes(t *testing.T) {
	for _, n := range []int{0, -4, 3, 12, 1000} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewComplex(%d) did not panic", n)
				}
			}()
			NewComplex(n)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("NewReal(1) did not panic")
			}
		}()
		NewReal(1)
	}()
}

func BenchmarkComplex(b *testing.B) {
	for _, n := range []int{256, 4096, 32768} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := NewComplex(n)
			x := randomComplex(rand.New(rand.NewPCG(1, 1)), n)
			b.ReportAllocs()
			for b.Loop() {
				f.Forward(x)
				f.Inverse(x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2/float64(n), "ns/point")
		})
	}
}

func BenchmarkReal(b *testing.B) {
	for _, n := range []int{256, 4096, 32768} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := NewReal(n)
			src := make([]float64, n)
			for i := range src {
				src[i] = math.Sin(float64(i))
			}
			spec := make([]complex128, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(spec, src)
				p.Inverse(src, spec)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2/float64(n), "ns/point")
		})
	}
}

// TestSincosKernel: the deterministic kernel agrees with math.Sincos to
// within 2 ulps over its range.
func TestSincosKernel(t *testing.T) {
	for i := 0; i <= 100000; i++ {
		z := math.Pi / 4 * float64(i) / 100000
		s, c := sincosKernel(z)
		ws, wc := math.Sincos(z)
		if math.Abs(s-ws) > 2*ulp(ws) || math.Abs(c-wc) > 2*ulp(wc) {
			t.Fatalf("z=%v: kernel (%v, %v), math (%v, %v)", z, s, c, ws, wc)
		}
	}
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}
