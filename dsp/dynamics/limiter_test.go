package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/truepeak"
)

func newLimiter(p LimiterParams, channels int, fs float64) *Limiter {
	l := NewLimiter(p)
	l.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: 4096, Channels: channels})
	return l
}

// hostile is a deterministic torture signal for the limiter: a +100 dB
// step, then random bursts (noise, sines up to near Nyquist, squares,
// DC, isolated spikes, alternating-sign Nyquist runs) at levels from -60
// to +100 dBFS with lengths from 1 to 3000 samples, across channels that
// are sometimes correlated and sometimes not.
func hostile(channels, n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x4c494d))
	out := zeros(channels, n)
	// The +100 dB step: -40 dBFS noise, then +60 dBFS noise.
	step := min(n/4, 12000)
	for ch := range out {
		for i := range 2 * step {
			v := 2*rng.Float64() - 1
			if i < step {
				v *= 0.01
			} else {
				v *= 1000
			}
			out[ch][i] = v
		}
	}
	for pos := 2 * step; pos < n; {
		length := min(1+rng.IntN(3000), n-pos)
		level := dsp.DBToGain(-60 + 160*rng.Float64())
		kind := rng.IntN(6)
		f := 20 + 23900*rng.Float64()
		for i := pos; i < pos+length; i++ {
			shared := 2*rng.Float64() - 1
			for ch := range out {
				var v float64
				switch kind {
				case 0:
					v = shared
				case 1:
					v = 2*rng.Float64() - 1
				case 2:
					v = math.Sin(2*math.Pi*f*float64(i)/testFS + 0.3*float64(ch))
				case 3:
					v = math.Copysign(1, math.Sin(2*math.Pi*f/40*float64(i)/testFS))
				case 4:
					if rng.IntN(50) == 0 {
						v = shared
					}
				case 5:
					v = float64(1 - 2*(i&1)) // Nyquist
				}
				out[ch][i] = level * v
			}
		}
		pos += length
	}
	return out
}

func TestLimiterSamplePeakNeverExceedsCeiling(t *testing.T) {
	for _, tc := range []struct {
		ceiling, look, release, fs float64
	}{
		{-1, 5, 50, 48000},
		{0, 0, 10, 48000},
		{-6, 20, 500, 48000},
		{-0.1, 1.5, 1, 96000},
		{-20, 5, 50, 44100},
	} {
		p := LimiterParams{CeilingDB: tc.ceiling, LookaheadMS: tc.look, ReleaseMS: tc.release}
		l := newLimiter(p, 2, tc.fs)
		c := dsp.DBToGain(tc.ceiling)
		for seed := range uint64(3) {
			l.Reset()
			out := render(unkeyed(l), padded(hostile(2, 150000, seed)), nil, []int{1000})
			var peak float64
			for ch := range out {
				peak = max(peak, peakAbs(out[ch]))
			}
			if peak > c {
				t.Errorf("%+v seed %d: peak %v > ceiling %v", tc, seed, peak, c)
			}
			if l.clipped != 0 {
				t.Errorf("%+v seed %d: the safety clip engaged %d times; the gain computation must do the work", tc, seed, l.clipped)
			}
			if seed == 0 {
				t.Logf("%+v: peak %.6f dBFS (ceiling %v), max gain reduction %.1f dB", tc, dsp.GainToDB(peak), tc.ceiling, l.MaxGainReductionDB())
			}
		}
	}
}

// sincPeak is an independent true-peak measurement: windowed-sinc
// (Kaiser, beta 10, 64 taps a side) interpolation at `over` points per
// sample, the largest absolute value of the input samples and all of them.
func sincPeak(x []float64, over int) float64 { return sincPeakRange(x, over, 0, len(x)) }

// sincPeakRange is sincPeak over the points in [from, to) only, with the
// whole of x as context.
func sincPeakRange(x []float64, over, from, to int) float64 {
	const half, beta = 64, 10.0
	i0 := func(v float64) float64 { // modified Bessel function of order 0
		s, term := 1.0, 1.0
		for k := 1; k < 50; k++ {
			term *= (v / 2 / float64(k)) * (v / 2 / float64(k))
			s += term
		}
		return s
	}
	kernel := make([][]float64, over)
	for ph := range over {
		frac := float64(ph) / float64(over)
		kernel[ph] = make([]float64, 2*half)
		for j := range 2 * half {
			tt := frac - float64(j-half+1) // time from tap sample to the point
			sinc := 1.0
			if tt != 0 {
				sinc = math.Sin(math.Pi*tt) / (math.Pi * tt)
			}
			r := tt / half
			w := 0.0
			if r*r < 1 {
				w = i0(beta*math.Sqrt(1-r*r)) / i0(beta)
			}
			kernel[ph][j] = sinc * w
		}
	}
	peak := peakAbs(x[from:to])
	for m := from; m < min(to, len(x)-1); m++ {
		for ph := 1; ph < over; ph++ {
			var s float64
			for j, k := range kernel[ph] {
				idx := m + j - half + 1
				if idx >= 0 && idx < len(x) {
					s += k * x[idx]
				}
			}
			peak = max(peak, math.Abs(s))
		}
	}
	return peak
}

func bs1770Peak(x []float64) float64 {
	var ip truepeak.Interpolator
	var peak float64
	for _, v := range x {
		peak = max(peak, ip.PeakAbs(v))
	}
	for range 2 * truepeak.LatencySamples { // flush the tail
		peak = max(peak, ip.PeakAbs(0))
	}
	return peak
}

// lowpass is a Kaiser (beta 10) windowed-sinc FIR lowpass with its -6 dB
// point at fc and 401 taps (transition about 770 Hz wide, stopband below
// -90 dB): it band-limits test programme the way a real mix is.
func lowpass(x []float64, fc float64) []float64 {
	const h, beta = 200, 10.0
	i0 := func(v float64) float64 {
		s, term := 1.0, 1.0
		for k := 1; k < 50; k++ {
			term *= (v / 2 / float64(k)) * (v / 2 / float64(k))
			s += term
		}
		return s
	}
	k := make([]float64, 2*h+1)
	wc := 2 * fc / testFS
	for j := -h; j <= h; j++ {
		s := wc
		if j != 0 {
			s = math.Sin(math.Pi*wc*float64(j)) / (math.Pi * float64(j))
		}
		r := float64(j) / h
		k[j+h] = s * i0(beta*math.Sqrt(1-r*r)) / i0(beta)
	}
	y := make([]float64, len(x))
	for i := range x {
		var s float64
		for j := max(-h, i-len(x)+1); j <= min(h, i); j++ {
			s += k[j+h] * x[i-j]
		}
		y[i] = s
	}
	return y
}

// padded appends silence so the limiter's delayed output, and its own
// reaction to the end of the signal, are all rendered: a measurement on a
// truncated output would see the truncation's edge, not the limiter.
func padded(x [][]float64) [][]float64 {
	for ch := range x {
		x[ch] = append(x[ch], make([]float64, 2000)...)
	}
	return x
}

// In true-peak mode the output's true peak stays at the ceiling. Measured
// with the BS.1770-4 Annex 2 interpolator (the meter delivery specs are
// checked with; the detector uses it too), the tolerance is 1e-5 dB: what
// is left is the second-order residual of the correction stage. Measured
// with an independent windowed-sinc interpolator (4x and 8x) on programme
// band-limited to 20 kHz, the Annex 2 filter's own passband ripple (it is
// specified to +0.2/-0.4 dB in EBU Tech 3341) shows through: tolerance
// 0.15 dB for realistic levels, 0.5 dB under the +100 dB torture, where
// deep, fast gain changes add modulation products near Nyquist that the
// Annex 2 filter under-reads.
func TestLimiterTruePeak(t *testing.T) {
	const tolBS1770 = 1e-5
	seeds := uint64(6) // seed 4 holds the worst residual seen (+1.6e-6 dB)
	if testing.Short() {
		seeds = 2
	}
	worstBS := -99.0
	for _, tc := range []struct{ ceiling, look, release float64 }{
		{-1, 5, 50}, {0, 1, 10}, {-3, 10, 200}, {-1, 0, 1},
	} {
		p := LimiterParams{CeilingDB: tc.ceiling, LookaheadMS: tc.look, ReleaseMS: tc.release, TruePeak: true}
		l := newLimiter(p, 2, testFS)
		for seed := range seeds {
			l.Reset()
			out := render(unkeyed(l), padded(hostile(2, 60000, seed)), nil, []int{1000})
			for ch := range out {
				bs := dsp.GainToDB(bs1770Peak(out[ch])) - tc.ceiling
				worstBS = max(worstBS, bs)
				if bs > tolBS1770 {
					t.Errorf("%+v seed %d ch %d: BS.1770 true peak %.3g dB over the ceiling", tc, seed, ch, bs)
				}
				if sp := dsp.GainToDB(peakAbs(out[ch])) - tc.ceiling; sp > 0 {
					t.Errorf("%+v seed %d ch %d: sample peak %.3g dB over the ceiling", tc, seed, ch, sp)
				}
			}
			if l.clipped != 0 {
				t.Errorf("%+v seed %d: safety clip engaged %d times", tc, seed, l.clipped)
			}
		}
	}
	t.Logf("worst BS.1770 true peak, +100 dB torture: ceiling %+.2g dB", worstBS)

	for _, tc := range []struct {
		name string
		sig  [][]float64
		tol  float64
	}{
		{"programme to +12 dBFS", testSignal(2, 40000, 41), 0.15},
		{"+100 dB torture", hostile(2, 40000, 42), 0.5},
	} {
		for ch := range tc.sig {
			tc.sig[ch] = lowpass(tc.sig[ch], 20000)
		}
		l := newLimiter(DefaultLimiterParams(), 2, testFS)
		out := render(unkeyed(l), padded(tc.sig), nil, []int{1000})
		for ch := range out {
			s4 := dsp.GainToDB(sincPeak(out[ch], 4)) + 1
			s8 := dsp.GainToDB(sincPeak(out[ch], 8)) + 1
			if s4 > tc.tol || s8 > tc.tol {
				t.Errorf("%s ch %d: sinc true peak %+.3f dB (4x), %+.3f dB (8x) over the ceiling, tolerance %v", tc.name, ch, s4, s8, tc.tol)
			}
			if ch == 0 {
				t.Logf("%s, band-limited to 20 kHz: sinc 4x %+.3f dB, 8x %+.3f dB relative to the ceiling (BS.1770 %+.2g dB)", tc.name, s4, s8, dsp.GainToDB(bs1770Peak(out[ch]))+1)
			}
		}
	}
}

// A signal under the ceiling comes out bit-identical, only delayed.
func TestLimiterTransparentBelowCeiling(t *testing.T) {
	sig := testSignal(2, 60000, 31)
	for _, tp := range []bool{false, true} {
		p := LimiterParams{CeilingDB: -1, LookaheadMS: 5, ReleaseMS: 50, TruePeak: tp}
		c := dsp.DBToGain(-1) // the limiter's own (deterministic) conversion
		measure := func(x [][]float64) float64 {
			var peak float64
			for ch := range x {
				if tp {
					peak = max(peak, bs1770Peak(x[ch]))
				} else {
					peak = max(peak, peakAbs(x[ch]))
				}
			}
			return peak
		}
		// Scale to the ceiling, then down by ulps until rounding no longer
		// puts it over: the loudest peak is at the ceiling, or a few ulps
		// under.
		var in [][]float64
		for scale := c / measure(sig); ; scale = math.Nextafter(scale, 0) {
			in = clone(sig)
			for ch := range in {
				for i := range in[ch] {
					in[ch][i] *= scale
				}
			}
			if measure(in) <= c {
				break
			}
		}
		l := newLimiter(p, 2, testFS)
		out := render(unkeyed(l), in, nil, []int{333})
		lat := l.Latency()
		for ch := range in {
			for i := lat; i < len(in[ch]); i++ {
				if out[ch][i] != in[ch][i-lat] {
					t.Fatalf("true_peak=%v: ch %d sample %d = %v, want %v (input delayed by %d)", tp, ch, i, out[ch][i], in[ch][i-lat], lat)
				}
			}
		}
		if l.MaxGainReductionDB() != 0 {
			t.Errorf("true_peak=%v: MaxGainReductionDB %v, want 0", tp, l.MaxGainReductionDB())
		}
	}
}

// A lone spike: the gain ramps linearly over the L+1 samples before it and
// meets the exact required gain when the spike leaves; the peak reduction
// is reported.
func TestLimiterRampAndReduction(t *testing.T) {
	const look = 2.5 // ms: L = 120
	p := LimiterParams{CeilingDB: -1, LookaheadMS: look, ReleaseMS: 50}
	l := newLimiter(p, 1, testFS)
	L := l.Latency()
	if L != 120 {
		t.Fatalf("Latency %d, want 120", L)
	}
	const s, base, spike = 1000, 0.01, 4.0
	in := dc(1, 3000, base)
	in[0][s] = spike
	out := render(unkeyed(l), in, nil, []int{50})
	c := dsp.DBToGain(-1)
	d := 1 - c/spike
	for k := -5; k <= L; k++ {
		j := s + k // output index; it carries input j-L
		g := out[0][j] / in[0][j-L]
		want := 1.0
		if k >= 0 {
			want = 1 - float64(k+1)/float64(L+1)*d
		}
		if math.Abs(g-want) > 1e-12 {
			t.Errorf("gain %d samples after detection %v, want %v", k, g, want)
		}
	}
	if got := out[0][s+L]; got > c || c-got > 1e-12 {
		t.Errorf("spike leaves at %v, want the ceiling %v", got, c)
	}
	want := dsp.GainToDB(spike / c)
	if got := l.MaxGainReductionDB(); math.Abs(got-want) > 1e-9 {
		t.Errorf("MaxGainReductionDB %v, want %v", got, want)
	}
	l.Reset()
	if l.MaxGainReductionDB() != 0 {
		t.Errorf("MaxGainReductionDB after Reset %v, want 0", l.MaxGainReductionDB())
	}
}

// Release is a 1-1/e time constant on the linear gain reduction.
func TestLimiterRelease(t *testing.T) {
	for _, rel := range []float64{10, 50, 300} {
		p := LimiterParams{CeilingDB: -6, LookaheadMS: 0, ReleaseMS: rel}
		l := newLimiter(p, 1, testFS)
		const end = 1000
		in := dc(1, 80000, 0.1)
		for i := 500; i < end; i++ {
			in[0][i] = 2
		}
		out := render(unkeyed(l), in, nil, []int{256})
		d0 := 1 - l.main.target/2
		tau := rel * testFS / 1000
		for i := end; i < len(in[0]); i++ {
			if 1-out[0][i]/in[0][i] <= d0/math.E {
				if got := float64(i - end + 1); math.Abs(got-tau) > max(1, 0.01*tau) {
					t.Errorf("release %v ms: reduction fell to 1/e after %v samples, want %v", rel, got, tau)
				} else {
					t.Logf("release %v ms: 1/e after %v samples (tau*fs %v)", rel, got, tau)
				}
				break
			}
		}
		if g := out[0][len(in[0])-1]; rel == 10 && g != 0.1 { // flushed after ~69 time constants
			t.Errorf("release %v ms: gain not back to exactly 1 at the end: %v", rel, g/0.1)
		}
	}
}

func TestLimiterLatency(t *testing.T) {
	for _, tc := range []struct {
		p    LimiterParams
		want int
	}{
		{LimiterParams{CeilingDB: -1, LookaheadMS: 5, ReleaseMS: 50}, 240},
		{LimiterParams{CeilingDB: -1, LookaheadMS: 0, ReleaseMS: 50}, 0},
		{LimiterParams{CeilingDB: -1, LookaheadMS: 5, ReleaseMS: 50, TruePeak: true}, 240 + 4*LimiterTruePeakGuard + 2*truepeak.LatencySamples},
		{LimiterParams{CeilingDB: -1, LookaheadMS: 0, ReleaseMS: 50, TruePeak: true}, 2*LimiterTruePeakGuard + 4*LimiterTruePeakGuard + 2*truepeak.LatencySamples},
	} {
		l := newLimiter(tc.p, 2, testFS)
		if l.Latency() != tc.want {
			t.Errorf("%+v: Latency %d, want %d", tc.p, l.Latency(), tc.want)
		}
		checkLatencyImpulse(t, l, unkeyed(l), 2, 0.5, true)
	}
}

func TestLimiterInvariants(t *testing.T) {
	for _, tp := range []bool{false, true} {
		p := LimiterParams{CeilingDB: -1, LookaheadMS: 3, ReleaseMS: 40, TruePeak: tp}
		l := newLimiter(p, 2, testFS)
		checkBlockInvariance(t, l, unkeyed(l), hostile(2, 40000, 77), nil)
		checkAllocs(t, unkeyed(l), 2, nil)
		checkFinite(t, l, unkeyed(l), 2)
		if a := testing.AllocsPerRun(10, func() { l.SetParams(p) }); a != 0 {
			t.Errorf("SetParams allocates %v times", a)
		}
	}
}

func BenchmarkLimiterSamplePeak(b *testing.B) {
	p := DefaultLimiterParams()
	p.TruePeak = false
	sig := testSignal(2, 1<<16, 1)
	benchProcess(b, newLimiter(p, 2, testFS), 2, sig)
}

func BenchmarkLimiterTruePeak(b *testing.B) {
	sig := testSignal(2, 1<<16, 1)
	benchProcess(b, newLimiter(DefaultLimiterParams(), 2, testFS), 2, sig)
}

// TestLimiterIdlePath: the bulk path for blocks that need no reduction
// gives the frame loop's output, gains and state, bit for bit, on signals
// that go in and out of limiting (with long quiet stretches in between).
func TestLimiterIdlePath(t *testing.T) {
	sig := testSignal(2, 1<<16, 5)
	for i := range sig[0] { // quiet stretches long enough for the release to end
		if (i/20000)%2 == 1 {
			sig[0][i] *= 1e-3
			sig[1][i] *= 1e-3
		}
	}
	for _, tp := range []bool{false, true} {
		p := DefaultLimiterParams()
		p.TruePeak = tp
		for _, sizes := range [][]int{{512}, {1, 7, 64, 4096}} {
			run := func(idle bool) ([][]float64, float64) {
				limiterIdle = idle
				defer func() { limiterIdle = true }()
				l := newLimiter(p, 2, testFS)
				return render(unkeyed(l), sig, nil, sizes), l.MaxGainReductionDB()
			}
			want, wantGR := run(false)
			got, gotGR := run(true)
			for ch := range want {
				for i := range want[ch] {
					if math.Float64bits(got[ch][i]) != math.Float64bits(want[ch][i]) {
						t.Fatalf("true peak %v, blocks %v: ch %d sample %d = %v with the idle path, %v without", tp, sizes, ch, i, got[ch][i], want[ch][i])
					}
				}
			}
			if gotGR != wantGR {
				t.Errorf("true peak %v: max gain reduction %v with the idle path, %v without", tp, gotGR, wantGR)
			}
		}
	}
}
