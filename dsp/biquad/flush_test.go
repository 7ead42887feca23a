package biquad

import (
	"fmt"
	"math"
	"testing"
)

// minNormal is the smallest normal float64; nonzero magnitudes below it
// are subnormal.
const minNormal = 2.2250738585072014e-308

func subnormal(v float64) bool { return v != 0 && math.Abs(v) < minNormal }

// burstSignal is testSignal for n/8 samples, then silence, so the tails
// decay through the flush checkpoints within the signal.
func burstSignal(n int) []float64 {
	x := testSignal(n)
	clear(x[n/8:])
	return x
}

// partitions cut n samples into blocks: fixed sizes around the checkpoint
// interval (63, 65 and 127 straddle checkpoints at different phases) and an
// irregular pattern.
func partitions(n int) map[string][]int {
	p := map[string][]int{}
	for _, bs := range []int{1, 7, 63, 64, 65, 127, 4096, n} {
		var b []int
		for i := 0; i < n; i += bs {
			b = append(b, min(bs, n-i))
		}
		p[fmt.Sprint(bs)] = b
	}
	var b []int
	sizes := []int{3, 61, 1, 200, 64, 5, 129, 17}
	for i, k := 0, 0; i < n; k++ {
		m := min(sizes[k%len(sizes)], n-i)
		b = append(b, m)
		i += m
	}
	p["irregular"] = b
	return p
}

// TestCheckpointBlockInvariance: with tails decaying through the flush
// threshold, State.Process, Tick, Cascade, ProcessSeries and ProcessSeries2
// give identical output and memory for every partition, including blocks
// that straddle checkpoints, and after a Reset in the middle of a run.
func TestCheckpointBlockInvariance(t *testing.T) {
	// A mix of designs, and fast-decaying ones only: there the values
	// below 1e-30 reach the output instead of vanishing in a slower
	// section's larger tail, so a flush in the wrong place shows.
	fast := []Coeffs{
		Peaking(3000, 1, 2, 48000),
		HighShelf(10000, math.Sqrt2/2, 1.5, 48000),
		BandPass(1000, 1, 48000),
		AllPass(5000, 0.5, 48000),
		HighPass(2000, 0.6, 48000),
	}
	for _, c := range [][]Coeffs{seriesSections(7), fast} {
		checkpointBlockInvariance(t, c)
	}
}

func checkpointBlockInvariance(t *testing.T, c []Coeffs) {
	const n = 40000
	in := [2][]float64{burstSignal(n), burstSignal(n + 5)[5:]}

	// Reference: each section over the whole signal, one Process call.
	var ref [2][]float64
	var refState [2][]State
	for ch := range in {
		ref[ch] = append([]float64(nil), in[ch]...)
		refState[ch] = make([]State, len(c))
		for k := range c {
			refState[ch][k].Process(&c[k], ref[ch])
		}
	}
	flushed := false
	for k := range refState[0] {
		flushed = flushed || refState[0][k].s1 == 0
	}
	if !flushed {
		t.Fatal("test signal does not reach the flush threshold")
	}
	check := func(name string, out [2][]float64, st [2][]State) {
		t.Helper()
		for ch := range out {
			for i := range out[ch] {
				if out[ch][i] != ref[ch][i] {
					t.Fatalf("%s: channel %d sample %d = %v, want %v", name, ch, i, out[ch][i], ref[ch][i])
				}
			}
			for k := range st[ch] {
				if st[ch][k] != refState[ch][k] {
					t.Fatalf("%s: channel %d section %d memory %v, want %v", name, ch, k, st[ch][k], refState[ch][k])
				}
			}
		}
	}
	fresh := func() ([2][]float64, [2][]State) {
		return [2][]float64{append([]float64(nil), in[0]...), append([]float64(nil), in[1]...)},
			[2][]State{make([]State, len(c)), make([]State, len(c))}
	}
	// A state left mid-run (37 samples past a checkpoint) and Reset must
	// count from zero again.
	dirty := func(st [2][]State) {
		junk := testSignal(101)
		for ch := range st {
			ProcessSeries(c, st[ch], junk)
			for k := range st[ch] {
				st[ch][k].Reset()
			}
		}
	}
	for name, blocks := range partitions(n) {
		for _, mode := range []string{"process", "series", "series2", "cascade", "reset"} {
			out, st := fresh()
			if mode == "reset" {
				dirty(st)
			}
			cas := NewCascade(len(c), 2)
			copy(cas.Sections, c)
			i := 0
			for _, m := range blocks {
				blk := [2][]float64{out[0][i : i+m], out[1][i : i+m]}
				switch mode {
				case "process":
					for ch := range blk {
						for k := range c {
							st[ch][k].Process(&c[k], blk[ch])
						}
					}
				case "series":
					for ch := range blk {
						ProcessSeries(c, st[ch], blk[ch])
					}
				case "series2", "reset":
					ProcessSeries2(c, st[0], st[1], blk[0], blk[1])
				case "cascade":
					cas.Process(blk[:])
				}
				i += m
			}
			if mode == "cascade" {
				for ch := range st {
					copy(st[ch], cas.state[ch*len(c):])
				}
			}
			check(name+"/"+mode, out, st)
		}
	}
	// Tick, sample by sample.
	out, st := fresh()
	for ch := range out {
		for i, v := range out[ch] {
			for k := range c {
				v = st[ch][k].Tick(&c[k], v)
			}
			out[ch][i] = v
		}
	}
	check("tick", out, st)
}

// TestSeriesUnevenPhases: states at different points between checkpoints
// (run separately before) still give exactly the result of running the
// sections one after another.
func TestSeriesUnevenPhases(t *testing.T) {
	const n = 20000
	c := seriesSections(5)
	mk := func() ([]State, []State) {
		s0, s1 := make([]State, len(c)), make([]State, len(c))
		for k := range c {
			pre := testSignal(10 + 9*k)
			s0[k].Process(&c[k], pre)
			s1[k].Process(&c[k], append([]float64(nil), pre...))
		}
		return s0, s1
	}
	r0, r1 := mk()
	ref := [2][]float64{burstSignal(n), burstSignal(n)}
	for k := range c {
		r0[k].Process(&c[k], ref[0])
		r1[k].Process(&c[k], ref[1])
	}
	a0, a1 := mk()
	b0, _ := mk()
	x := [2][]float64{burstSignal(n), burstSignal(n)}
	y := burstSignal(n)
	for i := 0; i < n; i += 100 {
		ProcessSeries2(c, a0, a1, x[0][i:i+100], x[1][i:i+100])
		ProcessSeries(c, b0, y[i:i+100])
	}
	for i := range ref[0] {
		if x[0][i] != ref[0][i] || x[1][i] != ref[1][i] || y[i] != ref[0][i] {
			t.Fatalf("sample %d differs", i)
		}
	}
	for k := range c {
		if a0[k] != r0[k] || a1[k] != r1[k] || b0[k] != r0[k] {
			t.Fatalf("section %d memory differs", k)
		}
	}
}

// TestNoSubnormals feeds a burst and then silence through sections whose
// tails are the longest and most resonant an EQ makes (low frequencies,
// high Q, shelves, at 44.1 to 192 kHz), one sample per Process call, and
// inspects the memory after every sample: no state word and no output is
// ever subnormal, and the memory reaches exact zero within the number of
// samples the pole radius r allows to fall from the peak state |s| to
// 1e-30, ln(1e-30/|s|)/ln(r), plus a 10 % margin for the resonance's
// envelope and one checkpoint interval.
func TestNoSubnormals(t *testing.T) {
	type tc struct {
		name string
		c    Coeffs
	}
	var cases []tc
	for _, fs := range []float64{44100, 48000, 192000} {
		cases = append(cases,
			tc{fmt.Sprint("lowpass 20 Hz Q 0.707 @", fs), LowPass(20, math.Sqrt2/2, fs)},
			tc{fmt.Sprint("highpass 20 Hz Q 0.707 @", fs), HighPass(20, math.Sqrt2/2, fs)},
			tc{fmt.Sprint("bell 40 Hz Q 10 +12 dB @", fs), Peaking(40, 10, 12, fs)},
			tc{fmt.Sprint("notch 100 Hz Q 20 @", fs), Notch(100, 20, fs)},
			tc{fmt.Sprint("lowshelf 30 Hz -12 dB @", fs), LowShelf(30, math.Sqrt2/2, -12, fs)},
			tc{fmt.Sprint("highshelf 12 kHz +6 dB @", fs), HighShelf(12000, math.Sqrt2/2, 6, fs)},
			tc{fmt.Sprint("bandpass 8 kHz Q 4 @", fs), BandPass(8000, 4, fs)},
			tc{fmt.Sprint("lowpass fs/3 Q 0.5 @", fs), LowPass(fs/3, 0.5, fs)},
		)
	}
	for _, k := range cases {
		if !k.c.Stable() {
			t.Fatalf("%s: unstable design", k.name)
		}
		r := math.Sqrt(k.c.A2) // pole radius of a stable section with complex or double poles
		if disc := k.c.A1*k.c.A1 - 4*k.c.A2; disc > 0 {
			r = (math.Abs(k.c.A1) + math.Sqrt(disc)) / 2 // larger real pole
		}
		var s State
		var x [1]float64
		peak := 0.0
		zeroAt := -1
		for i := 0; zeroAt < 0 && i < 40_000_000; i++ {
			x[0] = 0
			if i < 64 {
				x[0] = 1 - 2*float64(i%2)*0.3
			}
			s.Process(&k.c, x[:])
			if subnormal(s.s1) || subnormal(s.s2) || subnormal(x[0]) {
				t.Fatalf("%s: sample %d: subnormal state %g %g or output %g", k.name, i, s.s1, s.s2, x[0])
			}
			peak = max(peak, math.Abs(s.s1), math.Abs(s.s2))
			if i >= 64 && s.s1 == 0 && s.s2 == 0 {
				zeroAt = i
			}
		}
		bound := int(1.1*math.Log(1e-30/peak)/math.Log(r)) + 64 + FlushInterval
		if zeroAt < 0 || zeroAt > bound {
			t.Errorf("%s: memory exactly zero at sample %d, want by %d (pole radius %.6f)", k.name, zeroAt, bound, r)
		}
	}
}

// TestFlushFastPoles checks the other half of the FlushInterval argument:
// a section whose poles are so close to zero that its memory falls from
// 1e-30 into the subnormal range between two checkpoints passes through
// that range in at most a few samples and then underflows to exact zero;
// and with poles of radius 5e-5 and more (above (2.2e-308/1e-30)^(1/64) =
// 4.6e-5) it never gets there.
func TestFlushFastPoles(t *testing.T) {
	for _, r := range []float64{0.5, 1e-2, 1e-3, 1e-4, 5e-5, 4e-5, 1e-5, 1e-6, 1e-9, 1e-16, 6e-17} {
		for _, double := range []bool{false, true} {
			// Real poles: r and 0, or a double pole at r.
			c := Coeffs{B0: 1, A1: -r}
			if double {
				c = Coeffs{B0: 1, A1: -2 * r, A2: float64(r * r)}
			}
			var s State
			x := make([]float64, 1)
			sub, zero := 0, -1
			for i := 0; i < 4*FlushInterval; i++ {
				// The impulse on the last sample before a checkpoint
				// leaves the memory just above 1e-30 there, so it has
				// the most samples to fall before the next one.
				x[0] = 0
				if i == FlushInterval-1 {
					x[0] = 1.01e-30 / r
				}
				s.Process(&c, x)
				if subnormal(s.s1) || subnormal(s.s2) {
					sub++
				}
				if zero < 0 && i >= FlushInterval && s.s1 == 0 && s.s2 == 0 {
					zero = i
				}
			}
			name := fmt.Sprintf("radius %g double %v", r, double)
			if r >= 5e-5 && sub > 0 {
				t.Errorf("%s: %d subnormal samples", name, sub)
			}
			// The subnormal range spans 15.7 decades; falling at least
			// 4.34 decades a sample, each state word is in it for at
			// most 4 samples, the pair (s2 lags s1) for at most 6.
			if sub > 6 {
				t.Errorf("%s: %d subnormal samples, want at most 6", name, sub)
			}
			if zero < FlushInterval || zero >= 3*FlushInterval {
				t.Errorf("%s: memory zero at sample %d, want by the second checkpoint after the impulse", name, zero)
			}
		}
	}
	// The degenerate RBJ section: Q = 0.5 at fs/4 has alpha = 1, a2 = 0
	// and a1 = -cos(pi/2) = -6e-17, all but FIR.
	c := LowPass(12000, 0.5, 48000)
	var s State
	x := make([]float64, 1)
	sub := 0
	for i := range 3 * FlushInterval {
		x[0] = 0
		if i < 10 {
			x[0] = 1
		}
		s.Process(&c, x)
		if subnormal(s.s1) || subnormal(s.s2) {
			sub++
		}
	}
	if sub > 6 || s.s1 != 0 || s.s2 != 0 {
		t.Errorf("Q 0.5 at fs/4 (%+v): %d subnormal samples, memory %g %g", c, sub, s.s1, s.s2)
	}
}
