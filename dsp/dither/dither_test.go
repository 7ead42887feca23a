package dither

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/audiofile"
)

const testFS = 44100.0

var allKinds = []Kind{None, TPDF, Shaped}
var allDepths = []int{8, 16, 24, 32}

func sine(n int, amp, freqHz float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*freqHz*float64(i)/testFS)
	}
	return x
}

func constant(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func clone(b [][]float64) [][]float64 {
	out := make([][]float64, len(b))
	for c := range b {
		out[c] = append([]float64(nil), b[c]...)
	}
	return out
}

// quantize runs one quantizer over the whole of in (copied) in one block.
func quantize(kind Kind, bits int, seed uint64, in ...[]float64) [][]float64 {
	q := New(kind, bits, len(in), seed)
	out := clone(in)
	q.Process(out)
	return out
}

// errLSB returns out - in in LSB of the given depth.
func errLSB(out, in []float64, bits int) []float64 {
	s := audiofile.IntScale(bits)
	e := make([]float64, len(in))
	for i := range in {
		e[i] = (out[i] - in[i]) * s
	}
	return e
}

func meanPower(x []float64) (mean, power float64) {
	for _, v := range x {
		mean += v
		power += v * v
	}
	return mean / float64(len(x)), power / float64(len(x))
}

func TestParseKind(t *testing.T) {
	for _, k := range allKinds {
		got, ok := ParseKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	for _, s := range []string{"", "TPDF", "rpdf", "noise-shaped"} {
		if _, ok := ParseKind(s); ok {
			t.Errorf("ParseKind(%q) accepted", s)
		}
	}
	if Kind(7).String() != "unknown" {
		t.Errorf("Kind(7).String() = %q", Kind(7).String())
	}
}

// TestNoneMatchesWriter: "none" is exactly audiofile.Quantize, sample for
// sample, including ties, the clip points and non-finite values.
func TestNoneMatchesWriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bits := range allDepths {
		s := audiofile.IntScale(bits)
		x := []float64{0, math.Copysign(0, -1), 1, -1, 2, -2, 1e300, -1e300, math.MaxFloat64,
			math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, -5e-324,
			(s - 0.5) / s, (s - 1.5) / s, -(s + 0.5) / s, -(s - 0.5) / s, 0.5 / s, -0.5 / s, 1.5 / s, 2.5 / s}
		for range 20000 {
			k := float64(rng.Int64N(int64(2*s))) - s // a grid point in range
			x = append(x, (k+0.5)/s, (k+rng.Float64())/s, (2*rng.Float64()-1)*1.1)
		}
		out := quantize(None, bits, 0, x)[0]
		for i, v := range x {
			want := float64(audiofile.Quantize(v, bits)) / s
			if out[i] != want {
				t.Fatalf("%d bits: none(%v) = %v, writer gives %v", bits, v, out[i], want)
			}
		}
	}
}

// TestOnGrid: every kind at every depth puts every sample exactly on the
// integer grid inside the writer's range, so the writer reproduces it
// exactly, even for overloaded and non-finite input.
func TestOnGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 50000)
	for i := range x {
		switch i % 5 {
		case 0:
			x[i] = (2*rng.Float64() - 1) * 1.5 // overloaded noise
		case 1:
			x[i] = (2*rng.Float64() - 1) * 1e-4
		default:
			x[i] = 0.999 * math.Sin(float64(i)*0.05)
		}
	}
	x[100], x[200], x[300] = math.NaN(), math.Inf(1), math.Inf(-1)
	for _, kind := range allKinds {
		for _, bits := range allDepths {
			s := audiofile.IntScale(bits)
			lo, hi := audiofile.IntRange(bits)
			q := New(kind, bits, 1, 9)
			out := clone([][]float64{x})
			q.Process(out)
			for i, v := range out[0] {
				k := v * s
				if k != math.Trunc(k) || k < float64(lo) || k > float64(hi) {
					t.Fatalf("%v/%d: sample %d = %v (%v LSB) is off the grid or range", kind, bits, i, v, k)
				}
				if w := float64(audiofile.Quantize(v, bits)) / s; w != v {
					t.Fatalf("%v/%d: writer turns %v into %v", kind, bits, v, w)
				}
			}
			if q.NonFinite() != 3 {
				t.Errorf("%v/%d: NonFinite = %d, want 3", kind, bits, q.NonFinite())
			}
			if q.Clipped() == 0 {
				t.Errorf("%v/%d: overloaded input, Clipped = 0", kind, bits)
			}
		}
	}
}

// TestNonFiniteInput: NaN is a zero input, ±Inf the extreme codes, each
// counted once as non-finite, and the shaping loop is unharmed.
func TestNonFiniteInput(t *testing.T) {
	for _, kind := range allKinds {
		x := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 3, 0.25}
		q := New(kind, 16, 1, 1)
		out := clone([][]float64{x})
		q.Process(out)
		if out[0][1] != 32767.0/32768 || out[0][2] != -1 || out[0][3] != 32767.0/32768 {
			t.Errorf("%v: %v", kind, out[0])
		}
		if math.Abs(out[0][0]*32768) > 15 || math.Abs(out[0][4]-0.25)*32768 > 15 {
			t.Errorf("%v: NaN or the sample after it came out far from the input: %v", kind, out[0])
		}
		if q.NonFinite() != 3 || q.Clipped() != 1 {
			t.Errorf("%v: NonFinite %d Clipped %d, want 3 and 1", kind, q.NonFinite(), q.Clipped())
		}
		q.Reset()
		if q.NonFinite() != 0 || q.Clipped() != 0 {
			t.Errorf("%v: Reset kept the counts", kind)
		}
	}
}

// reference is a plain, unoptimised model of Process for one channel,
// written from the package documentation with the reference generator: the
// inlined generator and filter in Process must match it bit for bit.
func reference(kind Kind, bits int, rng xoshiro256, x []float64) []float64 {
	s := audiofile.IntScale(bits)
	lo, hi := -s, s-1
	var hist [ShapingTaps]float64
	out := make([]float64, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			v = 0
		}
		v = math.Max(-2, math.Min(2, v))
		w := float64(v * s)
		var q float64
		switch kind {
		case None:
			q = math.RoundToEven(w)
		case TPDF:
			q = math.RoundToEven(w + tpdf(rng.next()))
		case Shaped:
			// x*S - sum_k c_k e[n-k], oldest tap first.
			fb := 0.0
			for k := ShapingTaps - 1; k >= 1; k-- {
				fb += float64(shapingCoeffs[k] * hist[k])
			}
			w = (w - fb) - float64(shapingCoeffs[0]*hist[0])
			q = math.RoundToEven(w + tpdf(rng.next()))
			copy(hist[1:], hist[:ShapingTaps-1])
			hist[0] = dsp.Flush(q - w)
		}
		out[i] = math.Max(lo, math.Min(hi, q)) / s
	}
	return out
}

func TestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 20000)
	for i := range x {
		x[i] = 0.3*math.Sin(float64(i)*0.01) + 1e-3*(2*rng.Float64()-1)
	}
	x[50] = 1.7
	x[51] = -1.2
	for _, kind := range allKinds {
		for _, bits := range allDepths {
			const seed = 0xfeed
			out := quantize(kind, bits, seed, x, x, x)
			start := newXoshiro256(seed)
			for c := range out {
				want := reference(kind, bits, start, x)
				for i := range want {
					if out[c][i] != want[i] {
						t.Fatalf("%v/%d ch %d sample %d: %v, reference %v", kind, bits, c, i, out[c][i], want[i])
					}
				}
				start.jump()
			}
		}
	}
}

// TestBlockSizes: the output is identical however the signal is cut into
// blocks, including sample by sample, and after Reset.
func TestBlockSizes(t *testing.T) {
	const n = 20000
	in := [][]float64{sine(n, 0.5, 440), sine(n, 1.2, 3000)} // the second clips
	for i := range in[0] {
		in[0][i] += 1e-5 * math.Sin(float64(i)*float64(i)*1e-4)
	}
	for _, kind := range allKinds {
		whole := quantize(kind, 16, 42, in...)
		q := New(kind, 16, 2, 42)
		for _, bs := range []int{1, 7, 64, 4096, 0} { // 0: random sizes
			q.Reset()
			rng := rand.New(rand.NewPCG(uint64(bs), 1))
			out := clone(in)
			for pos := 0; pos < n; {
				size := bs
				if size == 0 {
					size = 1 + rng.IntN(700)
				}
				end := min(pos+size, n)
				q.Process([][]float64{out[0][pos:end], out[1][pos:end]})
				pos = end
			}
			for c := range out {
				for i := range out[c] {
					if out[c][i] != whole[c][i] {
						t.Fatalf("%v, block size %d: ch %d sample %d = %v, one block gives %v", kind, bs, c, i, out[c][i], whole[c][i])
					}
				}
			}
		}
		if q.Clipped() != New(kind, 16, 2, 42).clippedOn(in) {
			t.Errorf("%v: clip count depends on blocking", kind)
		}
	}
}

// clippedOn processes a copy of in in one block and returns Clipped.
func (q *Quantizer) clippedOn(in [][]float64) int64 {
	q.Process(clone(in))
	return q.Clipped()
}

// TestChannelsAndSeeds: each channel has its own stream; channel c does not
// depend on how many channels there are; the seed changes everything;
// Prepare resizes.
func TestChannelsAndSeeds(t *testing.T) {
	const n = 1 << 16
	x := constant(n, 0.1/32768)
	for _, kind := range []Kind{TPDF, Shaped} {
		three := quantize(kind, 16, 7, x, x, x)
		one := quantize(kind, 16, 7, x)
		for i := range one[0] {
			if one[0][i] != three[0][i] {
				t.Fatalf("%v: channel 0 of three differs from a mono run at %d", kind, i)
			}
		}
		// Independent streams: the errors of different channels are
		// uncorrelated (|r| < 5/sqrt(n) = 0.02).
		e0, e1, e2 := errLSB(three[0], x, 16), errLSB(three[1], x, 16), errLSB(three[2], x, 16)
		for _, pair := range [][2][]float64{{e0, e1}, {e1, e2}, {e0, e2}} {
			if r := correlation(pair[0], pair[1]); math.Abs(r) > 0.02 {
				t.Errorf("%v: channels correlate, r = %v", kind, r)
			}
		}
		other := quantize(kind, 16, 8, x)
		same := 0
		for i := range other[0] {
			if other[0][i] == one[0][i] {
				same++
			}
		}
		// For TPDF at 0.1 LSB the codes -1, 0, 1 have probabilities 0.08,
		// 0.74, 0.18, so independent streams agree on 0.586 of the
		// samples; shaped noise spreads over more codes and agrees less.
		if same > n*65/100 {
			t.Errorf("%v: seeds 7 and 8 agree on %d of %d samples", kind, same, n)
		}
	}
	q := New(TPDF, 16, 1, 7)
	q.Prepare(dsp.Spec{SampleRate: testFS, MaxBlock: 512, Channels: 3})
	out := clone([][]float64{x, x, x})
	q.Process(out)
	want := quantize(TPDF, 16, 7, x, x, x)
	for c := range out {
		for i := range out[c] {
			if out[c][i] != want[c][i] {
				t.Fatalf("after Prepare to 3 channels: ch %d differs at %d", c, i)
			}
		}
	}
	if q.Latency() != 0 || q.Kind() != TPDF || q.BitDepth() != 16 {
		t.Errorf("Latency %d Kind %v BitDepth %d", q.Latency(), q.Kind(), q.BitDepth())
	}
}

func correlation(a, b []float64) float64 {
	ma, _ := meanPower(a)
	mb, _ := meanPower(b)
	var ab, aa, bb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		ab += da * db
		aa += da * da
		bb += db * db
	}
	return ab / math.Sqrt(aa*bb)
}

func TestNewPanics(t *testing.T) {
	for _, tc := range []struct {
		kind           Kind
		bits, channels int
	}{{TPDF, 12, 2}, {TPDF, 64, 2}, {TPDF, 16, 0}, {Kind(3), 16, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%v, %d, %d) did not panic", tc.kind, tc.bits, tc.channels)
				}
			}()
			New(tc.kind, tc.bits, tc.channels, 0)
		}()
	}
}

func TestProcessDoesNotAllocate(t *testing.T) {
	buf := [][]float64{sine(512, 0.5, 1000), sine(512, 0.5, 1000)}
	for _, kind := range allKinds {
		q := New(kind, 16, 2, 1)
		if a := testing.AllocsPerRun(100, func() { q.Process(buf) }); a != 0 {
			t.Errorf("%v: Process allocates %v times", kind, a)
		}
		if a := testing.AllocsPerRun(100, func() { q.Reset() }); a != 0 {
			t.Errorf("%v: Reset allocates %v times", kind, a)
		}
		if a := testing.AllocsPerRun(100, func() { q.Prepare(dsp.Spec{SampleRate: testFS, MaxBlock: 512, Channels: 2}) }); a != 0 {
			t.Errorf("%v: same-size Prepare allocates %v times", kind, a)
		}
	}
}

func BenchmarkProcess(b *testing.B) {
	const n = 4096
	for _, kind := range allKinds {
		b.Run(kind.String(), func(b *testing.B) {
			q := New(kind, 16, 2, 1)
			src := [][]float64{sine(n, 0.5, 1000), sine(n, 0.5, 1500)}
			buf := clone(src)
			for b.Loop() {
				q.Process(buf) // the work per sample does not depend on the values
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/2, "ns/sample")
		})
	}
}

// TestRoundHalfEven: the magic-number rounding equals math.RoundToEven on
// every value Process can give it (|v| < 2^33), ties included, except that
// it returns +0 for -0.
func TestRoundHalfEven(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	vals := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0x1p33, -0x1p33,
		0x1p33 - 0.5, -0x1p33 + 0.5, 0.49999999999999994, -0.49999999999999994, 5e-324, -5e-324}
	for range 200000 {
		k := float64(rng.Int64N(1<<34) - 1<<33)
		vals = append(vals, k+0.5, k-0.5, k+rng.Float64(), (rng.Float64()-0.5)*1e-3, math.Ldexp(rng.Float64()-0.5, rng.IntN(34)))
	}
	for _, v := range vals {
		got, want := roundHalfEven(v), math.RoundToEven(v)
		if got != want || (got == 0 && math.Signbit(got)) {
			t.Fatalf("roundHalfEven(%v) = %v, math.RoundToEven gives %v", v, got, want)
		}
	}
}
