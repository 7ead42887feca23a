package resample

import (
	"errors"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// The ratios the fast tests cover: both directions between the CD and
// video families, integer up/down, and a large-term ratio.
var fastRatios = [][2]int{
	{44100, 48000}, {48000, 44100}, {96000, 48000}, {48000, 96000}, {8000, 11025},
}

// TestDesign pins the designed sizes quoted in the package comment and
// checks the design arithmetic.
func TestDesign(t *testing.T) {
	cases := []struct {
		in, out, l, m, taps, k int
	}{
		{44100, 48000, 160, 147, 29439, 184},
		{48000, 44100, 147, 160, 29399, 200},
		{96000, 48000, 1, 2, 367, 368},
		{48000, 96000, 2, 1, 367, 184},
	}
	for _, c := range cases {
		d, err := DesignFor(c.in, c.out)
		if err != nil {
			t.Fatal(err)
		}
		if d.L != c.l || d.M != c.m || d.Taps != c.taps || d.TapsPerPhase != c.k {
			t.Errorf("%d -> %d: %+v, want L/M %d/%d, %d taps, %d per phase", c.in, c.out, d, c.l, c.m, c.taps, c.k)
		}
		if d.Taps%2 != 1 || d.Centre != (d.Taps-1)/2 || d.TapsPerPhase%4 != 0 || d.Taps > d.L*d.TapsPerPhase {
			t.Errorf("%d -> %d: inconsistent design %+v", c.in, c.out, d)
		}
	}
	// β for 130 dB (Oppenheim & Schafer eq. 7.62): 0.1102·(130-8.7).
	if d, _ := DesignFor(44100, 48000); math.Abs(d.Beta-13.36726) > 1e-9 {
		t.Errorf("β = %.9g", d.Beta)
	}
}

// TestPrototype measures the phase-normalised prototypes on dense FFT
// grids: pass band flat within 1e-5 dB, stop band (from the lower Nyquist
// frequency) below -128 dB, and every phase summing to 1.
func TestPrototype(t *testing.T) {
	for _, r := range fastRatios {
		l, m, _ := ratio(r[0], r[1])
		b := getBank(l, m)
		rip, stop := measurePrototype(b)
		t.Logf("%6d -> %6d: L/M %d/%d, %d taps, %d per phase: ripple %.2g dB, stop band %.2f dB",
			r[0], r[1], l, m, b.Taps, b.TapsPerPhase, rip, stop)
		if rip > 1e-5 || stop > -128 {
			t.Errorf("%d -> %d: ripple %g dB, stop %g dB", r[0], r[1], rip, stop)
		}
		for p := 0; p < l; p++ {
			var s float64
			for _, v := range b.phase(p) {
				s += v
			}
			if math.Abs(s-1) > 1e-14 {
				t.Fatalf("%d -> %d: phase %d sums to 1%+g", r[0], r[1], p, s-1)
			}
		}
	}
}

// TestPassband: full-scale tones up to 20 kHz come through 44.1 <-> 48 kHz
// at 0 dB. The contract is ±0.01 dB; the design gives a few 1e-6 dB, and
// the test holds it to 1e-4 dB.
func TestPassband(t *testing.T) {
	for _, r := range [][2]int{{44100, 48000}, {48000, 44100}} {
		worst := 0.0
		for _, f := range []float64{20, 100, 997, 5000, 10000, 15000, 19000, 19999, 20000} {
			g := measureTone(t, r[0], r[1], f, 8192).gainDB
			worst = math.Max(worst, math.Abs(g))
			if math.Abs(g) > 1e-4 {
				t.Errorf("%d -> %d at %g Hz: gain %+.6f dB", r[0], r[1], f, g)
			}
		}
		t.Logf("%d -> %d: largest deviation 0..20 kHz %.2g dB", r[0], r[1], worst)
	}
}

// TestImagesAndAliases: every component a full-scale tone produces other
// than itself (images when upsampling, aliases when downsampling, measured
// together as the residual of a sine fit) is at least 120 dB down, and
// tones above the output's Nyquist frequency vanish by as much.
func TestImagesAndAliases(t *testing.T) {
	cases := []struct {
		in, out int
		f       []float64
	}{
		{44100, 48000, []float64{1000, 10000, 19000, 20000, 21000, 22000}},
		{48000, 44100, []float64{1000, 15000, 20000, 21500, 22100, 23000, 23900}},
		{96000, 48000, []float64{1000, 21000, 23000, 24100, 30000, 40000, 47000}},
		{48000, 96000, []float64{1000, 20000, 23000, 23900}},
	}
	for _, c := range cases {
		worst := math.Inf(-1)
		for _, f := range c.f {
			m := measureTone(t, c.in, c.out, f, 8192)
			worst = math.Max(worst, m.otherDB)
			if m.otherDB > -120 {
				t.Errorf("%d -> %d at %g Hz: images/aliases at %.2f dB", c.in, c.out, f, m.otherDB)
			}
		}
		t.Logf("%d -> %d: worst images+aliases %.2f dB", c.in, c.out, worst)
	}
}

// TestAlignment: the output is the input's band-limited value at
// k/outRate, with no delay: a tone comes out with its phase intact, so
// the output matches the ideal sine sampled at the output instants (a
// prototype-sample delay would leave an error near 1e-3 at 10 kHz).
func TestAlignment(t *testing.T) {
	for _, r := range fastRatios {
		for _, f := range []float64{1000, 3000} {
			fs := float64(r[0])
			y, err := Convert([][]float64{sine(20000, f, fs)}, r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			n := len(y[0])
			for k := n / 4; k < 3*n/4; k++ {
				want := math.Sin(2 * math.Pi * f * float64(k) / float64(r[1]))
				worst = math.Max(worst, math.Abs(y[0][k]-want))
			}
			if worst > 1e-6 {
				t.Errorf("%d -> %d at %g Hz: output differs from the aligned sine by %g", r[0], r[1], f, worst)
			}
		}
	}
}

// TestDCGain: a constant comes out as the same constant (±1e-12) once the
// filter is past the start, at every output phase.
func TestDCGain(t *testing.T) {
	for _, r := range fastRatios {
		for _, v := range []float64{1, -0.7} {
			x := make([]float64, 6000)
			for i := range x {
				x[i] = v
			}
			y, _ := Convert([][]float64{x}, r[0], r[1])
			d, _ := DesignFor(r[0], r[1])
			edge := d.Taps/d.M + 2
			for k := edge; k < len(y[0])-edge; k++ {
				if math.Abs(y[0][k]-v) > 1e-12 {
					t.Fatalf("%d -> %d: DC %g gives %.17g at %d", r[0], r[1], v, y[0][k], k)
				}
			}
		}
	}
}

// TestIdentity: equal rates pass every bit through, including -0 and
// subnormals.
func TestIdentity(t *testing.T) {
	x := noise(10000, 3)
	x[5], x[6], x[7] = math.Copysign(0, -1), 5e-324, -1e-310
	r, err := New(44100, 44100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.GroupDelay() != 0 || r.Lookahead() != 0 {
		t.Errorf("pass-through reports delay %g s, lookahead %d", r.GroupDelay(), r.Lookahead())
	}
	y := push(r, [][]float64{x}, []int{1, 700, 3}, []int{64, 1})
	for i := range x {
		if math.Float64bits(y[0][i]) != math.Float64bits(x[i]) {
			t.Fatalf("frame %d: %g became %g", i, x[i], y[0][i])
		}
	}
	rd, _ := NewReader(&chunkSource{x: [][]float64{x}, sizes: []int{1000}}, 44100, 44100, 1)
	y = readAll(t, rd, 1, []int{333})
	if len(y[0]) != len(x) {
		t.Fatalf("Reader gave %d frames, want %d", len(y[0]), len(x))
	}
	for i := range x {
		if math.Float64bits(y[0][i]) != math.Float64bits(x[i]) {
			t.Fatalf("Reader frame %d: %g became %g", i, x[i], y[0][i])
		}
	}
}

// TestBlockInvariance: pushed in blocks of 1, 7, 64, 4096 or random sizes,
// read in any sizes, through Reader over a source with ragged reads, and
// after Reset, the output is identical (==).
func TestBlockInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	randSizes := make([]int, 257)
	for i := range randSizes {
		randSizes[i] = rng.IntN(300)
	}
	randSizes[0] = 1 // at least one non-empty size first
	for _, r := range [][2]int{{44100, 48000}, {48000, 44100}, {96000, 44100}} {
		x := [][]float64{noise(9000, 5), noise(9000, 6)}
		ref, err := Convert(x, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := New(r[0], r[1], 2)
		check := func(name string, y [][]float64) {
			t.Helper()
			for c := range ref {
				if !slices.Equal(y[c], ref[c]) {
					t.Fatalf("%d -> %d, %s: output differs", r[0], r[1], name)
				}
			}
		}
		for _, wb := range [][]int{{1}, {7}, {64}, {4096}, randSizes} {
			for _, rb := range [][]int{{1}, {7}, {64}, {4096}, randSizes[3:]} {
				rs.Reset()
				check("push", push(rs, x, wb, rb))
			}
		}
		for _, sizes := range [][]int{{1}, {7, 0}, {1024}, randSizes} {
			rd, _ := NewReader(&chunkSource{x: x, sizes: sizes}, r[0], r[1], 2)
			check("Reader", readAll(t, rd, 2, []int{1, 64, 7, 4096, 13}))
		}
	}
}

// TestLength: N input frames give exactly ceil(N·outRate/inRate) output
// frames through every API, and before End exactly
// max(0, ceil((W·L - Centre)/M)) outputs are readable after W frames.
func TestLength(t *testing.T) {
	for _, r := range append(fastRatios, [2]int{44100, 8000}, [2]int{8000, 192000}) {
		for _, n := range []int{0, 1, 2, 3, 146, 147, 148, 159, 160, 161, 1000, 4411} {
			want := (n*r[1] + r[0] - 1) / r[0]
			x := [][]float64{noise(n, 9)}
			y, err := Convert(x, r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(y[0]) != want {
				t.Errorf("%d -> %d, %d frames: Convert gave %d, want %d", r[0], r[1], n, len(y[0]), want)
			}
			rd, _ := NewReader(&chunkSource{x: x, sizes: []int{100}}, r[0], r[1], 1)
			if got := len(readAll(t, rd, 1, []int{77})[0]); got != want {
				t.Errorf("%d -> %d, %d frames: Reader gave %d, want %d", r[0], r[1], n, got, want)
			}
		}
		// Readable before End.
		rs, _ := New(r[0], r[1], 1)
		d := rs.Design()
		out := [][]float64{make([]float64, 1<<16)}
		x := noise(3000, 1)
		got := 0
		for w := 1; w <= len(x); w++ {
			rs.Write([][]float64{x[w-1 : w]})
			got += rs.Read(out)
			num := int64(w)*int64(d.L) - int64(d.Centre)
			want := int64(0)
			if num > 0 {
				want = (num + int64(d.M) - 1) / int64(d.M)
			}
			if int64(got) != want {
				t.Fatalf("%d -> %d: after %d frames %d readable, want %d", r[0], r[1], w, got, want)
			}
		}
		if la := rs.Lookahead(); la != (d.Centre+d.L-1)/d.L {
			t.Errorf("Lookahead %d", la)
		}
	}
	// The length formula itself, exactly, far beyond any real file.
	for _, n := range []int64{0, 1, 146, 147, 1 << 40, 1<<50 + 3} {
		for _, r := range [][2]int{{44100, 48000}, {48000, 44100}, {11025, 768000}} {
			want := new(big.Int).Mul(big.NewInt(n), big.NewInt(int64(r[1])))
			want.Add(want, big.NewInt(int64(r[0]-1)))
			want.Div(want, big.NewInt(int64(r[0])))
			if got := OutputFrames(n, r[0], r[1]); got != want.Int64() {
				t.Errorf("OutputFrames(%d, %d, %d) = %d, want %d", n, r[0], r[1], got, want)
			}
		}
	}
}

// TestSharedBank: concurrent constructors for one ratio share one design.
func TestSharedBank(t *testing.T) {
	const n = 8
	got := make(chan *bank, n)
	for range n {
		go func() {
			r, err := New(32000, 22050, 1)
			if err != nil {
				t.Error(err)
			}
			got <- r.b
		}()
	}
	first := <-got
	for range n - 1 {
		if b := <-got; b != first {
			t.Fatal("two banks for one ratio")
		}
	}
}

// TestStart: the first output is the band-limited input at t = 0, taking
// the input as zero before it: a unit impulse at frame 0 gives, at output
// k, the prototype tap at k·M + Centre (times L), i.e. the sinc centred
// on t = 0.
func TestStart(t *testing.T) {
	for _, r := range [][2]int{{44100, 48000}, {48000, 44100}} {
		x := make([]float64, 500)
		x[0] = 1
		y, _ := Convert([][]float64{x}, r[0], r[1])
		l, m, _ := ratio(r[0], r[1])
		b := getBank(l, m)
		h := prototypeOf(b)
		for k := 0; k < 100 && k*m+b.Centre < len(h); k++ {
			want := float64(l) * h[k*m+b.Centre]
			if math.Abs(y[0][k]-want) > 1e-15 {
				t.Fatalf("%d -> %d: impulse response %d is %g, want %g", r[0], r[1], k, y[0][k], want)
			}
		}
		// The peak is at output 0, the impulse's instant.
		for k, v := range y[0][1:] {
			if math.Abs(v) >= y[0][0] {
				t.Errorf("%d -> %d: output %d (%g) not below output 0 (%g)", r[0], r[1], k+1, v, y[0][0])
			}
		}
	}
}

// TestExtremeInput: full-scale worst cases (random signs, which come
// closest to the filter's L1 norm, and a square wave) give finite output
// bounded by the largest phase L1 norm (about 2.76: a band-limited
// resampler's output can exceed the input's sample peak).
func TestExtremeInput(t *testing.T) {
	for _, r := range fastRatios {
		l, m, _ := ratio(r[0], r[1])
		b := getBank(l, m)
		bound := 0.0
		for p := 0; p < l; p++ {
			var s float64
			for _, v := range b.phase(p) {
				s += math.Abs(v)
			}
			bound = math.Max(bound, s)
		}
		signs := noise(20000, 4)
		square := make([]float64, 20000)
		for i := range signs {
			signs[i] = math.Copysign(1, signs[i])
			square[i] = float64(1 - 2*(i/37%2))
		}
		y, _ := Convert([][]float64{signs, square}, r[0], r[1])
		for c := range y {
			for k, v := range y[c] {
				if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > bound*(1+1e-12) {
					t.Fatalf("%d -> %d: output %d is %g (bound %g)", r[0], r[1], k, v, bound)
				}
			}
		}
		if bound > 3 {
			t.Errorf("%d -> %d: L1 norm %g", r[0], r[1], bound)
		}
	}
}

// TestErrors: rates and ratios out of range are refused with an error.
func TestErrors(t *testing.T) {
	for _, c := range [][3]int{{0, 48000, 1}, {44100, 999, 1}, {44100, 48000, 0}, {44101, 48000, 1}, {48000, 2000000, 1}} {
		if _, err := New(c[0], c[1], c[2]); err == nil {
			t.Errorf("New(%d, %d, %d) accepted", c[0], c[1], c[2])
		}
	}
	if _, err := New(11025, 768000, 1); err != nil {
		t.Errorf("11025 -> 768000 refused: %v", err)
	}
}

type errSource struct{ n int }

var errBoom = errors.New("boom")

func (s *errSource) Read(dst [][]float64) (int, error) {
	if s.n > 0 {
		s.n--
		for c := range dst {
			clear(dst[c])
		}
		return len(dst[0]), nil
	}
	return 0, errBoom
}

type stallSource struct{}

func (stallSource) Read([][]float64) (int, error) { return 0, nil }

// TestReaderErrors: a source error is returned, and again later; a source
// that never makes progress is reported.
func TestReaderErrors(t *testing.T) {
	rd, _ := NewReader(&errSource{n: 3}, 44100, 48000, 1)
	buf := [][]float64{make([]float64, 10000)}
	if _, err := rd.Read(buf); !errors.Is(err, errBoom) {
		t.Errorf("got %v, want the source's error", err)
	}
	if n, err := rd.Read(buf); n != 0 || !errors.Is(err, errBoom) {
		t.Errorf("second Read: %d, %v", n, err)
	}
	rd, _ = NewReader(stallSource{}, 44100, 48000, 1)
	if _, err := rd.Read(buf); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("stalled source: %v", err)
	}
	if _, err := rd.Read([][]float64{buf[0], buf[0]}); err == nil {
		t.Error("wrong channel count accepted")
	}
}

// TestAllocs: Write, Read and Reader.Read allocate nothing.
func TestAllocs(t *testing.T) {
	r, _ := New(44100, 48000, 2)
	in := [][]float64{noise(512, 1), noise(512, 2)}
	out := [][]float64{make([]float64, 600), make([]float64, 600)}
	if a := testing.AllocsPerRun(200, func() {
		r.Write(in)
		r.Read(out)
	}); a != 0 {
		t.Errorf("Write/Read: %g allocs", a)
	}
	src := &loopSource{x: noise(4096, 3)}
	rd, _ := NewReader(src, 48000, 44100, 2)
	if a := testing.AllocsPerRun(200, func() {
		if _, err := rd.Read(out); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Reader.Read: %g allocs", a)
	}
}

// loopSource repeats x on every channel forever.
type loopSource struct {
	x   []float64
	pos int
}

func (s *loopSource) Read(dst [][]float64) (int, error) {
	n := min(len(dst[0]), len(s.x)-s.pos)
	for c := range dst {
		copy(dst[c][:n], s.x[s.pos:s.pos+n])
	}
	if s.pos += n; s.pos == len(s.x) {
		s.pos = 0
	}
	return n, nil
}

// TestGolden pins the exact output bits for 44.1 <-> 48 kHz and 96 -> 44.1
// kHz (coefficient design, bank layout and arithmetic). It fails if a CPU
// or architecture computes any bit differently, or when the design is
// changed on purpose (then update the constants).
func TestGolden(t *testing.T) {
	want := map[[2]int]uint64{
		{44100, 48000}: 0xcd5d445d3890a85,
		{48000, 44100}: 0x52162cf13eb61223,
		{96000, 44100}: 0xaf7ea7073fc21cfe,
	}
	for _, r := range [][2]int{{44100, 48000}, {48000, 44100}, {96000, 44100}} {
		y, _ := Convert([][]float64{noise(20000, 11)}, r[0], r[1])
		h := uint64(14695981039346656037)
		for _, v := range y[0] {
			h ^= math.Float64bits(v)
			h *= 1099511628211
		}
		if h != want[r] {
			t.Errorf("%d -> %d: output hash %#x, want %#x", r[0], r[1], h, want[r])
		}
	}
}

func benchmarkRate(b *testing.B, in, out int) {
	r, _ := New(in, out, 1)
	x := [][]float64{noise(4096, 1)}
	y := [][]float64{make([]float64, 8192)}
	produced := 0
	b.ResetTimer()
	for range b.N {
		r.Write(x)
		produced += r.Read(y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(produced), "ns/sample")
}

// Benchmarks report ns per output sample per channel.
func BenchmarkUp44100To48000(b *testing.B)   { benchmarkRate(b, 44100, 48000) }
func BenchmarkDown48000To44100(b *testing.B) { benchmarkRate(b, 48000, 44100) }
func BenchmarkDown96000To48000(b *testing.B) { benchmarkRate(b, 96000, 48000) }
