package reverb

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

func newConv(t testing.TB, ir [][]float64, mix float64, channels int) *Convolver {
	t.Helper()
	c, err := NewConvolver(ir, ConvParams{Mix: mix})
	if err != nil {
		t.Fatal(err)
	}
	c.Prepare(dsp.Spec{SampleRate: 48000, MaxBlock: 4096, Channels: channels})
	return c
}

// decayingNoiseIR is a reverb-like IR: noise under an exponential decay.
func decayingNoiseIR(seed uint64, channels, n int) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 17))
	ir := make([][]float64, channels)
	for ch := range ir {
		ir[ch] = make([]float64, n)
		for i := range ir[ch] {
			ir[ch][i] = (2*r.Float64() - 1) * math.Exp(-3*float64(i)/float64(n))
		}
	}
	return ir
}

// directConv is the textbook linear convolution y[n] = sum_k h[k] x[n-k],
// truncated to len(x), with compensated summation. Zero taps are skipped,
// so sparse IRs are cheap.
func directConv(x, h []float64) []float64 {
	var taps []int
	for k, v := range h {
		if v != 0 {
			taps = append(taps, k)
		}
	}
	y := make([]float64, len(x))
	for n := range y {
		var s, comp float64
		for _, k := range taps {
			if k > n {
				break
			}
			s, comp = neumaierAdd(s, comp, h[k]*x[n-k])
		}
		y[n] = s + comp
	}
	return y
}

func neumaierAdd(sum, comp, v float64) (float64, float64) {
	t := sum + v
	if math.Abs(sum) >= math.Abs(v) {
		comp += (sum - t) + v
	} else {
		comp += (v - t) + sum
	}
	return t, comp
}

func maxAbsDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// TestConvolverMatchesDirect is the required check: the partitioned
// convolution equals direct convolution within 1e-9, for IR lengths that
// exercise the head alone and several stages, mono and stereo IRs, and host
// block sizes 1, 7, 64, 4096 and an irregular pattern, which must moreover
// give identical output.
func TestConvolverMatchesDirect(t *testing.T) {
	for _, c := range []struct {
		irLen, irCh, ch int
	}{
		{1, 1, 1}, {10, 1, 2}, {64, 1, 1}, {65, 2, 2}, {200, 1, 1}, {1000, 1, 2}, {5000, 2, 2},
	} {
		ir := decayingNoiseIR(uint64(c.irLen), c.irCh, c.irLen)
		in := noiseBurst(uint64(c.irLen)+1, c.ch, c.irLen+2000, c.irLen)
		want := make([][]float64, c.ch)
		for ch := range want {
			want[ch] = directConv(in[ch], ir[ch%c.irCh])
		}
		conv := newConv(t, ir, 1, c.ch)
		var first [][]float64
		for _, sizes := range [][]int{{4096}, {1}, {7}, {64}, {1, 3, 250, 17, 4096, 2, 999}} {
			conv.Reset()
			got := render(conv, in, sizes...)
			for ch := range got {
				if d := maxAbsDiff(got[ch], want[ch]); d > 1e-9 {
					t.Errorf("IR %d taps x %d ch, blocks %v, ch %d: max error %.3g vs direct convolution", c.irLen, c.irCh, sizes, ch, d)
				}
			}
			if first == nil {
				first = got
			} else {
				identical(t, fmt.Sprintf("IR %d taps, blocks %v", c.irLen, sizes), first, got)
			}
		}
	}
}

// TestConvolverLongSparseIR checks a 3.1 s IR (every stage size up to the
// largest) against a direct convolution made cheap by a sparse IR: a dense
// head and 300 scattered taps.
func TestConvolverLongSparseIR(t *testing.T) {
	const n = 150000
	r := rand.New(rand.NewPCG(4, 4))
	ir := [][]float64{make([]float64, n), make([]float64, n)}
	for ch := range ir {
		for i := 0; i < 200; i++ {
			ir[ch][i] = 2*r.Float64() - 1
		}
		for k := 0; k < 300; k++ {
			ir[ch][200+r.IntN(n-200)] = 2*r.Float64() - 1
		}
		ir[ch][n-1] = 0.5 // the very last tap
	}
	in := noiseBurst(5, 2, n+20000, 20000)
	conv := newConv(t, ir, 1, 2)
	got := render(conv, in, 1000)
	for ch := range got {
		want := directConv(in[ch], ir[ch])
		if d := maxAbsDiff(got[ch], want); d > 1e-9 {
			t.Errorf("ch %d: max error %.3g vs direct convolution", ch, d)
		}
	}
	head, stages := conv.Plan()
	t.Logf("plan for %d taps: head %d, stages (block, start, partitions) %v", n, head, stages)
}

func TestConvolverPlanCoversIR(t *testing.T) {
	for _, n := range []int{1, 63, 64, 65, 5000, 144000, 1 << 20} {
		c, err := NewConvolver([][]float64{make([]float64, n)}, ConvParams{Mix: 1})
		if err != nil {
			t.Fatal(err)
		}
		head, stages := c.Plan()
		next := head
		for _, s := range stages {
			block, start, parts := s[0], s[1], s[2]
			if start != next {
				t.Fatalf("n=%d: stage %v starts at %d, want %d", n, s, start, next)
			}
			if start < block {
				t.Fatalf("n=%d: stage %v starts before its block size: it would add latency", n, s)
			}
			next = start + block*parts
		}
		if next < n || (len(stages) > 0 && next-stages[len(stages)-1][0] >= n) {
			t.Fatalf("n=%d: plan covers %d taps: head %d stages %v", n, next, head, stages)
		}
	}
}

func TestConvolverLatencyByImpulse(t *testing.T) {
	// A unit impulse IR gives the input back unchanged, at once.
	ir := [][]float64{make([]float64, 5000)}
	ir[0][0] = 1
	c := newConv(t, ir, 1, 2)
	if c.Latency() != 0 {
		t.Fatalf("Latency() = %d", c.Latency())
	}
	in := noiseBurst(6, 2, 8000, 8000)
	out := render(c, in, 77)
	for ch := range in {
		for i := range in[ch] {
			if out[ch][i] != in[ch][i] {
				t.Fatalf("ch %d sample %d: %v != %v", ch, i, out[ch][i], in[ch][i])
			}
		}
	}
	// An impulse at tap 3000 (inside a stage) delays by exactly 3000.
	ir[0][0], ir[0][3000] = 0, 1
	c = newConv(t, ir, 1, 1)
	imp := make([]float64, 6000)
	imp[0] = 1
	out = render(c, [][]float64{imp}, 64)
	for i, v := range out[0] {
		want := 0.0
		if i == 3000 {
			want = 1
		}
		if math.Abs(v-want) > 1e-14 {
			t.Fatalf("sample %d = %g, want %g", i, v, want)
		}
	}
}

func TestConvolverMixAndReset(t *testing.T) {
	ir := decayingNoiseIR(7, 2, 3000)
	c := newConv(t, ir, 0, 2)
	in := noiseBurst(8, 2, 5000, 5000)
	in[0][3] = math.Copysign(0, -1)
	identical(t, "mix 0", in, render(c, in, 64))

	c.SetParams(ConvParams{Mix: 0.4})
	c.Reset()
	a := render(c, in, 64)
	c.Reset()
	b := render(c, in, 1)
	identical(t, "reset and re-render", a, b)
	// Mix is the documented linear blend of dry and the mix-1 output.
	c.SetParams(ConvParams{Mix: 1})
	c.Reset()
	wet := render(c, in, 64)
	for ch := range a {
		for i := range a[ch] {
			want := float64(0.6*in[ch][i]) + float64(0.4*wet[ch][i])
			if a[ch][i] != want {
				t.Fatalf("mix 0.4 ch %d sample %d: %v, want %v", ch, i, a[ch][i], want)
			}
		}
	}
}

func TestConvolverNoAllocs(t *testing.T) {
	c := newConv(t, decayingNoiseIR(9, 2, 40000), 0.5, 2)
	buf := noiseBurst(10, 2, 4096, 4096)
	allocs := testing.AllocsPerRun(20, func() {
		c.Process(buf) // 4096-sample blocks cross every stage boundary up to 4096
		c.SetParams(ConvParams{Mix: 0.5})
	})
	if allocs != 0 {
		t.Errorf("Process allocates %.1f times per run, want 0", allocs)
	}
}

func TestConvolverRejectsBadIRs(t *testing.T) {
	for name, ir := range map[string][][]float64{
		"no channels": nil,
		"empty":       {{}},
		"true stereo": {{1}, {1}, {1}, {1}},
		"three":       {{1}, {1}, {1}},
		"NaN sample":  {{1, math.NaN()}},
		"Inf sample":  {{1}, {math.Inf(-1)}},
	} {
		if _, err := NewConvolver(ir, ConvParams{Mix: 1}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Channels of different lengths are zero-padded.
	c, err := NewConvolver([][]float64{{1, 0.5}, {1}}, ConvParams{Mix: 1})
	if err != nil || c.IRLength() != 2 {
		t.Fatalf("uneven stereo IR: %v, length %d", err, c.IRLength())
	}
}

// BenchmarkReverbs compares the convolution reverb with a 3 s stereo IR at
// 48 kHz against the algorithmic reverb, in ns per sample per channel:
//
//	go test -run '^$' -bench Reverbs ./dsp/reverb
func BenchmarkReverbs(b *testing.B) {
	const fs = 48000
	const block = 512
	b.Run("fdn", func(b *testing.B) {
		r := prepared(DefaultParams(), fs, 2)
		benchProcess(b, r, block)
	})
	b.Run("conv-3s-stereo", func(b *testing.B) {
		c, err := NewConvolver(decayingNoiseIR(1, 2, 3*fs), ConvParams{Mix: 0.3})
		if err != nil {
			b.Fatal(err)
		}
		c.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: block, Channels: 2})
		benchProcess(b, c, block)
	})
}

func benchProcess(b *testing.B, p dsp.Processor, block int) {
	buf := noiseBurst(2, 2, block, block)
	b.ReportAllocs()
	var samples int
	for b.Loop() {
		p.Process(buf)
		samples += block
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(samples)/2, "ns/sample/ch")
}
