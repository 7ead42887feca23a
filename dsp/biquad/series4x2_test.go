package biquad

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestSeries4x2MatchesScalar: the two-channel kernel (SSE2 on amd64, the
// scalar kernel twice elsewhere or with -tags purego) gives series4's bits
// for every output sample and memory: random sections (stable or not),
// inputs from subnormal to overflowing, signed zeros, and every length
// from 0 to 40 plus long runs, continuing from the memory it left.
func TestSeries4x2MatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() float64 { return bittest.Value(rng, 1e300) }
	same := bittest.Same
	for trial := range 300 {
		var c [4]Coeffs
		if trial%2 == 0 {
			copy(c[:], seriesSections(4 + trial%5)[trial%5:])
		} else {
			for k := range c {
				c[k] = Coeffs{B0: pick(), B1: pick(), B2: pick(), A1: rng.Float64()*4 - 2, A2: rng.Float64()*2 - 1}
			}
		}
		var a0, a1, b0, b1 [4]State
		for k := range a0 {
			a0[k] = State{s1: pick(), s2: pick()}
			a1[k] = State{s1: pick(), s2: pick()}
		}
		b0, b1 = a0, a1
		for run := range 4 {
			n := trial % 41
			if run == 3 {
				n = 1000 + trial
			}
			x0, x1 := make([]float64, n), make([]float64, n)
			for i := range x0 {
				x0[i], x1[i] = pick(), pick()
			}
			y0, y1 := append([]float64(nil), x0...), append([]float64(nil), x1...)
			series4(&c, &a0, x0)
			series4(&c, &a1, x1)
			series4x2(&c, &b0, &b1, y0, y1)
			for i := range x0 {
				if !same(x0[i], y0[i]) || !same(x1[i], y1[i]) {
					t.Fatalf("trial %d run %d sample %d: got %v %v, want %v %v", trial, run, i, y0[i], y1[i], x0[i], x1[i])
				}
			}
			for k := range a0 {
				if !same(a0[k].s1, b0[k].s1) || !same(a0[k].s2, b0[k].s2) || !same(a1[k].s1, b1[k].s1) || !same(a1[k].s2, b1[k].s2) {
					t.Fatalf("trial %d run %d: section %d memory %v %v, want %v %v", trial, run, k, b0[k], b1[k], a0[k], a1[k])
				}
			}
		}
	}
}

// TestSeries4x2FlushingMatchesScalar: the block-at-once path with its
// checkpoints inside the kernel gives the bits of series4 per channel run
// between checkpoints and flushed at each (the portable path): outputs,
// memories and the count, from every starting count, over block lengths
// that end before, on and after a checkpoint, with memories on either side
// of the threshold (and NaN, -0) and silent stretches that decay into it.
func TestSeries4x2FlushingMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	near := []float64{1e-30, -1e-30, 0.99e-30, -0.99e-30, 1.01e-30, math.Copysign(0, -1), math.NaN(), 5e-324}
	pick := func() float64 {
		if rng.IntN(3) == 0 {
			return near[rng.IntN(len(near))]
		}
		return bittest.Value(rng, 1e300)
	}
	for trial := range 200 {
		var c [4]Coeffs
		copy(c[:], seriesSections(4 + trial%5)[trial%5:])
		var a0, a1 [4]State
		for k := range a0 {
			a0[k] = State{s1: pick(), s2: pick()}
			a1[k] = State{s1: pick(), s2: pick()}
		}
		b0, b1 := a0, a1
		na, nb := rng.IntN(FlushInterval), 0
		nb = na
		for run := range 6 {
			n := []int{1, 63, 64, 65, 200, 4096}[run]
			x0, x1 := make([]float64, n), make([]float64, n)
			if trial%3 != 0 { // else silence: decay toward the threshold
				for i := range x0 {
					x0[i], x1[i] = pick(), pick()
				}
			}
			y0, y1 := append([]float64(nil), x0...), append([]float64(nil), x1...)
			// Reference: series4 per channel between checkpoints.
			for i := 0; i < n; {
				m := min(n-i, FlushInterval-na)
				series4(&c, &a0, x0[i:i+m])
				series4(&c, &a1, x1[i:i+m])
				if na += m; na == FlushInterval {
					flushAll(a0[:])
					flushAll(a1[:])
					na = 0
				}
				i += m
			}
			nb = series4x2Flushing(&c, &b0, &b1, y0, y1, nb)
			if na != nb {
				t.Fatalf("trial %d run %d: count %d, want %d", trial, run, nb, na)
			}
			for i := range x0 {
				if !bittest.Same(x0[i], y0[i]) || !bittest.Same(x1[i], y1[i]) {
					t.Fatalf("trial %d run %d sample %d: got %v %v, want %v %v", trial, run, i, y0[i], y1[i], x0[i], x1[i])
				}
			}
			for k := range a0 {
				if !bittest.Same(a0[k].s1, b0[k].s1) || !bittest.Same(a0[k].s2, b0[k].s2) || !bittest.Same(a1[k].s1, b1[k].s1) || !bittest.Same(a1[k].s2, b1[k].s2) {
					t.Fatalf("trial %d run %d: section %d memory %v %v, want %v %v", trial, run, k, b0[k], b1[k], a0[k], a1[k])
				}
				// +0 and -0 differ here: a flushed memory is +0.
				if math.Signbit(a0[k].s1) != math.Signbit(b0[k].s1) || math.Signbit(a1[k].s2) != math.Signbit(b1[k].s2) {
					t.Fatalf("trial %d run %d: section %d memory sign differs", trial, run, k)
				}
			}
		}
	}
	// Memories exactly at the threshold reach a checkpoint unchanged with
	// all-zero coefficients (s1 takes s2): kept, since the flush is for
	// |m| < threshold; just below it, flushed to +0.
	for _, v := range []float64{1e-30, -1e-30, math.Nextafter(1e-30, 0), math.Nextafter(-1e-30, 0)} {
		var c [4]Coeffs
		var b0, b1 [4]State
		for k := range b0 {
			b0[k].s2, b1[k].s2 = v, -v
		}
		x0, x1 := []float64{0}, []float64{0}
		if n := series4x2Flushing(&c, &b0, &b1, x0, x1, FlushInterval-1); n != 0 {
			t.Fatalf("count %d after the checkpoint, want 0", n)
		}
		want := v
		if math.Abs(v) < 1e-30 {
			want = 0
		}
		for k := range b0 {
			if math.Float64bits(b0[k].s1) != math.Float64bits(want) || math.Float64bits(b1[k].s1) != math.Float64bits(-want+0) {
				t.Fatalf("memory %v at a checkpoint: %v %v, want %v %v", v, b0[k].s1, b1[k].s1, want, -want+0)
			}
		}
	}
}
