package detmath

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"
)

// sliceInputs are arguments for the slice kernels: every special value and
// boundary the scalar functions branch on, powers of two and their
// neighbours, the cells around 1, and random values over the whole bit
// space and over the domains that matter (levels, gains).
func sliceInputs() []float64 {
	xs := []float64{
		0, math.Copysign(0, -1), 1, -1, 2, 0.5, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0xfff8000000000001), // negative NaN
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1022 - 0x1p-1074,
		math.MaxFloat64, -math.MaxFloat64, 0x1p1023,
		1000, -1000, math.Nextafter(1000, 2000), math.Nextafter(-1000, -2000),
		1024, math.Nextafter(1024, 0), -1022, -1074, -1075, math.Nextafter(-1075, 0), -1076, 1e300, -1e300,
		1.0 / 256, -1.0 / 256, 1.0 / 128, 3.0 / 256,
		dbPerOctaveForTest, 1 / dbPerOctaveForTest,
	}
	for k := -1074; k <= 1023; k++ {
		p := math.Ldexp(1, k)
		xs = append(xs, p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)), 1.5*p)
	}
	for k := -128; k <= 128; k++ {
		xs = append(xs, float64(k)/128, float64(k)/128+1.0/256, float64(k)/128-1.0/256)
	}
	for d := 1; d <= 4096; d++ { // the cells of Log2 around 1, finely
		xs = append(xs, 1+float64(d)*0x1p-12, 1-float64(d)*0x1p-13, 1+float64(d)*0x1p-52, 1-float64(d)*0x1p-53)
	}
	g := newGen(0x510e)
	for range 100000 {
		xs = append(xs,
			math.Float64frombits(g.Uint64()),
			g.uniform(-1100, 1100),
			g.uniform(-40, 40),
			g.logUniform(-1074, 1024, false),
			g.logUniform(-30, 4, false),
			1+g.logUniform(-52, -5, true))
	}
	return xs
}

const dbPerOctaveForTest = 20 * math.Ln2 / math.Ln10

// TestSliceKernels requires Log2Slice and Exp2Slice to return exactly the
// bits of Log2 and Exp2 for every input, out of place and in place, and to
// leave dst beyond len(src) alone.
func TestSliceKernels(t *testing.T) {
	xs := sliceInputs()
	for _, k := range []struct {
		name   string
		scalar func(float64) float64
		slice  func(dst, src []float64)
	}{
		{"Log2", Log2, Log2Slice},
		{"Exp2", Exp2, Exp2Slice},
	} {
		const sentinel = 12345.678
		dst := make([]float64, len(xs)+1)
		dst[len(xs)] = sentinel
		k.slice(dst, xs)
		in := append([]float64(nil), xs...)
		k.slice(in, in)
		bad := 0
		for i, x := range xs {
			want := math.Float64bits(k.scalar(x))
			if got := math.Float64bits(dst[i]); got != want {
				if bad++; bad <= 10 {
					t.Errorf("%sSlice: element %v (bits %#x) = %#x, want %#x", k.name, x, math.Float64bits(x), got, want)
				}
			}
			if got := math.Float64bits(in[i]); got != want {
				if bad++; bad <= 10 {
					t.Errorf("%sSlice in place: element %v (bits %#x) = %#x, want %#x", k.name, x, math.Float64bits(x), got, want)
				}
			}
		}
		if dst[len(xs)] != sentinel {
			t.Errorf("%sSlice wrote past len(src)", k.name)
		}
		k.slice(dst[:0], nil) // empty: no panic
		if testing.Verbose() {
			t.Logf("%sSlice: %d inputs, %d mismatches", k.name, len(xs), bad)
		}
	}
}

func TestSliceKernelsAllocs(t *testing.T) {
	xs := make([]float64, 512)
	for i := range xs {
		xs[i] = float64(i)/64 - 4
	}
	if a := testing.AllocsPerRun(10, func() { Exp2Slice(xs, xs); Log2Slice(xs, xs) }); a != 0 {
		t.Errorf("allocs = %v, want 0", a)
	}
}

func benchSlice(b *testing.B, f func(dst, src []float64), lo, hi float64) {
	src := make([]float64, 512)
	for i := range src {
		src[i] = lo + (hi-lo)*float64(i)/float64(len(src))
	}
	dst := make([]float64, len(src))
	for b.Loop() {
		f(dst, src)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/elem")
}

func BenchmarkExp2Slice(b *testing.B) { benchSlice(b, Exp2Slice, -20, 20) }
func BenchmarkLog2Slice(b *testing.B) { benchSlice(b, Log2Slice, 1e-6, 10) }

// TestExp2Log2Golden pins the bits of Exp2 and Log2 over sliceInputs, so a
// change to how they are written (they are shared with the slice kernels
// and the inlinable Exp2Reduce/Exp2Eval) cannot move them unnoticed.
func TestExp2Log2Golden(t *testing.T) {
	xs := sliceInputs()
	for _, k := range []struct {
		name string
		f    func(float64) float64
		want string
	}{
		{"Exp2", Exp2, exp2Golden},
		{"Log2", Log2, log2Golden},
	} {
		h := sha256.New()
		var b [8]byte
		for _, x := range xs {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(k.f(x)))
			h.Write(b[:])
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != k.want {
			t.Errorf("%s over %d inputs: sha256 %s, want %s", k.name, len(xs), got, k.want)
		}
	}
}

const (
	exp2Golden = "77f3236ae5e61405b2715a6f46db09ae52021f8e990178a6999079a032ca8764"
	log2Golden = "e5ead8ccc0a59295c665c2728a3d0d2566f8f6e0b99ad14698b59e5c0901df9f"
)

// TestSlicePairs: every length up to 9, with an element outside the
// fast path or none at each position, in place and not: the pairwise
// kernel must stop at each pair position, hand exactly that pair to the
// scalar function, resume after it, and keep every element's bits. Exp2's
// outside is |x| > 1000, ±Inf and NaN; Log2's is zero (either sign),
// subnormal, negative, ±Inf and NaN, with the smallest and largest
// normals, which border it, among them.
func TestSlicePairs(t *testing.T) {
	for _, k := range []struct {
		name    string
		scalar  func(float64) float64
		slice   func(dst, src []float64)
		inside  func(i int) float64
		outside []float64
	}{
		{"Exp2", Exp2, Exp2Slice, func(i int) float64 { return float64(i)*7.3 - 20.1 },
			[]float64{1000.5, -1000.5, 1e4, -1e4, math.Inf(1), math.Inf(-1), math.NaN(), 1024, -1075}},
		{"Log2", Log2, Log2Slice, func(i int) float64 { return math.Ldexp(1+float64(i)*0.37, i*9-40) },
			[]float64{0, math.Copysign(0, -1), 5e-324, 2.2e-308, -1, math.Inf(1), math.Inf(-1), math.NaN(),
				math.SmallestNonzeroFloat64 * (1 << 52), math.MaxFloat64}},
	} {
		for n := range 10 {
			for pos := -1; pos < n; pos++ {
				for _, bad := range k.outside {
					src := make([]float64, n)
					for i := range src {
						src[i] = k.inside(i)
					}
					if pos >= 0 {
						src[pos] = bad
					}
					dst := make([]float64, n)
					k.slice(dst, src)
					in := append([]float64(nil), src...)
					k.slice(in, in)
					for i, x := range src {
						want := math.Float64bits(k.scalar(x))
						if math.Float64bits(dst[i]) != want || math.Float64bits(in[i]) != want {
							t.Fatalf("%sSlice, n %d, %v at %d: element %d (%v) = %v / %v in place, want %v", k.name, n, bad, pos, i, x, dst[i], in[i], k.scalar(x))
						}
					}
				}
			}
		}
	}
}
