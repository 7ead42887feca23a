package biquad

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestSeries4x2x2MatchesPairs: two stereo signals run together (the AVX
// kernel on amd64; elsewhere, and with -tags purego, one after the other)
// get the bits of series4x2Flushing run on each: outputs, memories (with
// the sign of a flushed zero) and the count, with different sections per
// signal, from every starting count, over lengths that end before, on and
// after a checkpoint, with memories on either side of the threshold, NaN
// and -0, and silent stretches that decay into it.
func TestSeries4x2x2MatchesPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	near := []float64{1e-30, -1e-30, 0.99e-30, -0.99e-30, 1.01e-30, math.Copysign(0, -1), math.NaN(), 5e-324}
	pick := func() float64 {
		if rng.IntN(3) == 0 {
			return near[rng.IntN(len(near))]
		}
		return bittest.Value(rng, 1e300)
	}
	sections := func(trial int) (c [4]Coeffs) {
		if trial%2 == 0 {
			copy(c[:], seriesSections(4 + trial%5)[trial%5:])
			return c
		}
		for k := range c {
			c[k] = Coeffs{B0: pick(), B1: pick(), B2: pick(), A1: rng.Float64()*4 - 2, A2: rng.Float64()*2 - 1}
		}
		return c
	}
	// bittest.Same, and a flushed zero is +0. (A NaN's sign and payload
	// may differ where a coefficient is NaN too: no design makes one, and
	// any NaN fails the render.)
	sameState := func(a, b State) bool {
		return bittest.Same(a.s1, b.s1) && bittest.Same(a.s2, b.s2) &&
			(math.IsNaN(a.s1) || math.Signbit(a.s1) == math.Signbit(b.s1)) &&
			(math.IsNaN(a.s2) || math.Signbit(a.s2) == math.Signbit(b.s2))
	}
	for trial := range 200 {
		ca, cb := sections(trial), sections(trial+1+rng.IntN(3))
		var want, got [4][4]State // a0 a1 b0 b1
		for ch := range want {
			for k := range want[ch] {
				want[ch][k] = State{s1: pick(), s2: pick()}
			}
		}
		got = want
		nw := rng.IntN(FlushInterval)
		ng := nw
		for run := range 7 {
			n := []int{0, 1, 63, 64, 65, 200, 4096}[run]
			var x, y [4][]float64
			for ch := range x {
				x[ch] = make([]float64, n)
				if trial%3 != 0 { // else silence: decay toward the threshold
					for i := range x[ch] {
						x[ch][i] = pick()
					}
				}
				y[ch] = append([]float64(nil), x[ch]...)
			}
			series4x2Flushing(&ca, &want[0], &want[1], x[0], x[1], nw)
			nw = series4x2Flushing(&cb, &want[2], &want[3], x[2], x[3], nw)
			ng = series4x2x2Flushing(&ca, &cb, &got[0], &got[1], &got[2], &got[3], y[0], y[1], y[2], y[3], ng)
			if ng != nw {
				t.Fatalf("trial %d run %d: count %d, want %d", trial, run, ng, nw)
			}
			for ch := range x {
				for i := range x[ch] {
					if !bittest.Same(x[ch][i], y[ch][i]) {
						t.Fatalf("trial %d run %d channel %d sample %d: got %v, want %v", trial, run, ch, i, y[ch][i], x[ch][i])
					}
				}
				for k := range want[ch] {
					if !sameState(want[ch][k], got[ch][k]) {
						t.Fatalf("trial %d run %d channel %d section %d: memory %v, want %v", trial, run, ch, k, got[ch][k], want[ch][k])
					}
				}
			}
		}
	}
	// Memories exactly at the threshold reach a checkpoint unchanged with
	// all-zero sections (s1 takes s2), and just below it are flushed: as
	// the reference does.
	for _, v := range []float64{1e-30, -1e-30, math.Nextafter(1e-30, 0), math.Nextafter(-1e-30, 0)} {
		var c [4]Coeffs
		var want [4][4]State
		for ch := range want {
			for k := range want[ch] {
				want[ch][k].s2 = v
			}
		}
		got := want
		x := [4][]float64{{0}, {0}, {0}, {0}}
		series4x2Flushing(&c, &want[0], &want[1], []float64{0}, []float64{0}, FlushInterval-1)
		series4x2Flushing(&c, &want[2], &want[3], []float64{0}, []float64{0}, FlushInterval-1)
		if n := series4x2x2Flushing(&c, &c, &got[0], &got[1], &got[2], &got[3], x[0], x[1], x[2], x[3], FlushInterval-1); n != 0 {
			t.Fatalf("count %d after the checkpoint, want 0", n)
		}
		for ch := range want {
			for k := range want[ch] {
				if !sameState(want[ch][k], got[ch][k]) {
					t.Fatalf("memory %v at a checkpoint: channel %d section %d %v, want %v", v, ch, k, got[ch][k], want[ch][k])
				}
			}
		}
	}
}

// TestProcessSeries2Pair: where it runs the pair it gives ProcessSeries2's
// bits for each signal and keeps the counts; where it cannot (not four
// sections each, counts apart, no kernel) it reports false and changes
// nothing.
func TestProcessSeries2Pair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ca, cb := seriesSections(4), seriesSections(5)[1:]
	fresh := func(n int) (s [4][]State, x [4][]float64) {
		for ch := range s {
			s[ch] = make([]State, 4)
			x[ch] = make([]float64, n)
			for i := range x[ch] {
				x[ch][i] = rng.Float64()*2 - 1
			}
		}
		return s, x
	}
	s, x := fresh(1000)
	ws, wx := fresh(0)
	for ch := range wx {
		wx[ch] = append([]float64(nil), x[ch]...)
	}
	for range 3 {
		ok := ProcessSeries2Pair(ca, s[0], s[1], x[0], x[1], cb, s[2], s[3], x[2], x[3])
		if ok != pairKernel {
			t.Fatalf("ProcessSeries2Pair reported %v with pairKernel %v", ok, pairKernel)
		}
		if !ok {
			ProcessSeries2(ca, s[0], s[1], x[0], x[1])
			ProcessSeries2(cb, s[2], s[3], x[2], x[3])
		}
		ProcessSeries2(ca, ws[0], ws[1], wx[0], wx[1])
		ProcessSeries2(cb, ws[2], ws[3], wx[2], wx[3])
		for ch := range x {
			for i := range x[ch] {
				if !bittest.Same(x[ch][i], wx[ch][i]) {
					t.Fatalf("channel %d sample %d: got %v, want %v", ch, i, x[ch][i], wx[ch][i])
				}
			}
			for k := range s[ch] {
				if s[ch][k] != ws[ch][k] {
					t.Fatalf("channel %d section %d: state %+v, want %+v", ch, k, s[ch][k], ws[ch][k])
				}
			}
		}
	}
	before := func() [4][]State {
		var c [4][]State
		for ch := range s {
			c[ch] = append([]State(nil), s[ch]...)
		}
		return c
	}
	unchanged := func(name string, c [4][]State, x0 []float64, x0was float64) {
		t.Helper()
		for ch := range s {
			for k := range s[ch] {
				if s[ch][k] != c[ch][k] {
					t.Fatalf("%s: state changed", name)
				}
			}
		}
		if x0[0] != x0was {
			t.Fatalf("%s: signal changed", name)
		}
	}
	c, v := before(), x[0][0]
	if ProcessSeries2Pair(ca[:3], s[0][:3], s[1][:3], x[0], x[1], cb[:3], s[2][:3], s[3][:3], x[2], x[3]) {
		t.Fatal("three sections each: reported true")
	}
	unchanged("three sections", c, x[0], v)
	s[3][2].n = (s[3][2].n + 1) % FlushInterval
	c = before()
	if ProcessSeries2Pair(ca, s[0], s[1], x[0], x[1], cb, s[2], s[3], x[2], x[3]) {
		t.Fatal("counts apart: reported true")
	}
	unchanged("counts apart", c, x[0], v)
}

// BenchmarkSeriesPair: two stereo signals through four sections each, run
// together (ProcessSeries2Pair) and one after the other (ProcessSeries2
// twice), in ns per sample per channel, comparable with
// BenchmarkSeries/n=4/series2.
func BenchmarkSeriesPair(b *testing.B) {
	for _, mode := range []string{"pair", "series2"} {
		b.Run(mode, func(b *testing.B) {
			ca, cb := seriesSections(4), seriesSections(5)[1:]
			var src, x [4][]float64
			var s [4][]State
			for ch := range src {
				src[ch] = testSignal(1024 + 7*ch)[7*ch:]
				x[ch] = make([]float64, 1024)
				s[ch] = make([]State, 4)
			}
			for b.Loop() {
				for ch := range x {
					copy(x[ch], src[ch])
				}
				if mode == "pair" && ProcessSeries2Pair(ca, s[0], s[1], x[0], x[1], cb, s[2], s[3], x[2], x[3]) {
					continue
				}
				ProcessSeries2(ca, s[0], s[1], x[0], x[1])
				ProcessSeries2(cb, s[2], s[3], x[2], x[3])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4096, "ns/sample/ch")
		})
	}
}
