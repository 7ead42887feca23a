package dynamics

import (
	"math"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

// softKneeGainDB is GMR 2012 eq. 4 written out independently of the
// implementation: the static output level minus the input level, in dB.
func softKneeGainDB(x, T, R, W float64) float64 {
	var y float64
	switch {
	case 2*(x-T) < -W:
		y = x
	case 2*math.Abs(x-T) <= W:
		d := x - T + W/2
		y = x + (1/R-1)*d*d/(2*W)
	default:
		y = T + (x-T)/R
	}
	return y - x
}

func newPrepared(p CompressorParams, channels int) *Compressor {
	c := NewCompressor(p)
	c.Prepare(spec(channels))
	return c
}

// A steady DC input settles the peak detector exactly on its level, so the
// measured gain must equal the static curve (plus makeup).
func TestCompressorStaticCurvePeakDC(t *testing.T) {
	cases := []struct{ T, R, W float64 }{
		{-18, 4, 6},  // the mix-language example
		{-30, 2, 12}, // wide knee
		{-10, 100, 0},
		{-24, 1.5, 24},
	}
	levels := []float64{-60, -40, -30, -25, -21.5, -21, -20, -18, -16, -15, -14, -12, -6, -3, 0, 6}
	worst := 0.0
	for _, tc := range cases {
		p := DefaultCompressorParams()
		p.ThresholdDB, p.Ratio, p.KneeDB = tc.T, tc.R, tc.W
		p.AttackMS, p.ReleaseMS, p.MakeupDB = 1, 20, 2
		c := newPrepared(p, 2)
		for _, lvl := range levels {
			c.Reset()
			in := dsp.DBToGain(lvl)
			out := render(unkeyed(c), dc(2, 24000, in), nil, []int{4096})
			got := dsp.GainToDB(out[0][len(out[0])-1] / in)
			want := softKneeGainDB(lvl, tc.T, tc.R, tc.W) + 2
			worst = max(worst, math.Abs(got-want))
			if math.Abs(got-want) > 0.1 {
				t.Errorf("T=%v R=%v W=%v level %v dB: gain %.4f dB, want %.4f", tc.T, tc.R, tc.W, lvl, got, want)
			}
			if out[1][len(out[1])-1] != out[0][len(out[0])-1] {
				t.Errorf("channels differ: detection is not linked")
			}
		}
	}
	t.Logf("worst static-curve error (peak, DC): %.2e dB", worst)
}

// The RMS detector reads a sine's RMS level (peak - 3.01 dB); the static
// curve applies to that level.
func TestCompressorStaticCurveRMSSine(t *testing.T) {
	const T, R, W = -20.0, 4.0, 10.0
	p := DefaultCompressorParams()
	p.ThresholdDB, p.Ratio, p.KneeDB = T, R, W
	p.AttackMS, p.ReleaseMS = 10, 120
	p.Detector = DetectorRMS
	c := newPrepared(p, 2)
	worst := 0.0
	for _, lvl := range []float64{-40, -26, -24, -20, -17, -15, -10, 0} {
		c.Reset()
		amp := math.Sqrt2 * dsp.DBToGain(lvl)
		in := sine(2, 48000, amp, 1000)
		out := render(unkeyed(c), in, nil, []int{512})
		tail := len(in[0]) - 4800 // 100 periods, settled
		got := dsp.GainToDB(rms(out[0][tail:]) / rms(in[0][tail:]))
		want := softKneeGainDB(lvl, T, R, W)
		worst = max(worst, math.Abs(got-want))
		if math.Abs(got-want) > 0.1 {
			t.Errorf("RMS level %v dB: gain %.3f dB, want %.3f", lvl, got, want)
		}
	}
	t.Logf("worst static-curve error (RMS, 1 kHz sine): %.3f dB", worst)
}

func TestCompressorAutoMakeup(t *testing.T) {
	for _, tc := range []struct{ T, R, W float64 }{{-18, 4, 6}, {-3, 3, 12}, {-40, 20, 0}} {
		p := DefaultCompressorParams()
		p.ThresholdDB, p.Ratio, p.KneeDB, p.AutoMakeup = tc.T, tc.R, tc.W, true
		p.AttackMS, p.ReleaseMS = 1, 10
		c := newPrepared(p, 1)
		out := render(unkeyed(c), dc(1, 24000, 1), nil, []int{4096})
		if got := dsp.GainToDB(out[0][23999]); math.Abs(got) > 1e-9 {
			t.Errorf("%+v: 0 dBFS in gives %v dBFS out, want 0", tc, got)
		}
		// And -(T - T/R) above the knee, as documented.
		if tc.T+tc.W/2 < 0 {
			if m, want := c.makeupDB, -(tc.T - tc.T/tc.R); math.Abs(m-want) > 1e-12 {
				t.Errorf("%+v: makeup %v dB, want %v", tc, m, want)
			}
		}
	}
}

// gainReductionTrace renders a DC level step and returns the gain reduction
// in dB per sample (input and output are aligned: no lookahead).
func gainReductionTrace(c *Compressor, levels []float64, lengths []int) []float64 {
	var in []float64
	for k, lvl := range levels {
		for range lengths[k] {
			in = append(in, dsp.DBToGain(lvl))
		}
	}
	c.Reset()
	out := render(unkeyed(c), [][]float64{in}, nil, []int{333})
	gr := make([]float64, len(in))
	for i := range in {
		gr[i] = -dsp.GainToDB(out[0][i] / in[i])
	}
	return gr
}

// Attack and release are 1-1/e time constants of the gain reduction in dB:
// after tau*fs samples of a step, 63.2% of the change is done, and the
// 10%-90% time is tau*ln 9.
func TestCompressorTimeConstants(t *testing.T) {
	for _, tc := range []struct{ attack, release float64 }{{10, 100}, {1, 250}, {0.1, 20}} {
		p := CompressorParams{ThresholdDB: -20, Ratio: 10, KneeDB: 0, AttackMS: tc.attack, ReleaseMS: tc.release, Mix: 1}
		c := newPrepared(p, 1)
		const step = 1000
		gr := gainReductionTrace(c, []float64{-60, 0, -60}, []int{step, 48000, 48000})
		full := 0.9 * 20 // (1-1/R)(0-T)
		if math.Abs(gr[step+47999]-full) > 1e-6 {
			t.Fatalf("settled reduction %v dB, want %v", gr[step+47999], full)
		}
		// crossing returns the number of samples after start at which the
		// trace first satisfies ok.
		crossing := func(start int, ok func(float64) bool) float64 {
			for i := start; i < len(gr); i++ {
				if ok(gr[i]) {
					return float64(i - start + 1)
				}
			}
			return math.Inf(1)
		}
		atk := crossing(step, func(v float64) bool { return v >= full*(1-1/math.E) })
		rel := crossing(step+48000, func(v float64) bool { return v <= full/math.E })
		rise := crossing(step, func(v float64) bool { return v >= 0.9*full }) -
			crossing(step, func(v float64) bool { return v >= 0.1*full })
		wantA, wantR := tc.attack*testFS/1000, tc.release*testFS/1000
		for _, m := range []struct {
			name      string
			got, want float64
		}{
			{"attack 63%", atk, wantA},
			{"release 37%", rel, wantR},
			{"attack 10-90%", rise, wantA * math.Log(9)},
		} {
			// Within 2% or one sample, whichever is larger.
			if math.Abs(m.got-m.want) > max(0.02*m.want, 1) {
				t.Errorf("attack %v ms release %v ms: %s took %v samples, want %.1f", tc.attack, tc.release, m.name, m.got, m.want)
			} else {
				t.Logf("attack %v ms release %v ms: %s %v samples (want %.1f)", tc.attack, tc.release, m.name, m.got, m.want)
			}
		}
	}
}

func TestCompressorLookahead(t *testing.T) {
	p := CompressorParams{ThresholdDB: -20, Ratio: 10, AttackMS: 1, ReleaseMS: 50, LookaheadMS: 5, Mix: 1}
	c := newPrepared(p, 2)
	if c.Latency() != 240 {
		t.Fatalf("Latency %d, want 240 (5 ms at 48 kHz)", c.Latency())
	}
	checkLatencyImpulse(t, c, unkeyed(c), 2, 0.01, true)
	// The gain is already falling when the delayed step arrives.
	const step = 2000
	in := dc(1, 6000, 0.001)
	for i := step; i < 6000; i++ {
		in[0][i] = 1
	}
	c = newPrepared(p, 1)
	out := render(unkeyed(c), in, nil, []int{100})
	// Output j carries input j-240 with the gain detected at input j.
	if out[0][step-1] != 0.001 {
		t.Errorf("output before the step's detection changed: %v", out[0][step-1])
	}
	if g := out[0][step] / 0.001; g >= 1 {
		t.Errorf("gain when the detector sees the step is %v, want < 1", g)
	}
	want := dsp.DBToGain(-18 * (1 - math.Exp(-241/(0.001*testFS)))) // 241 samples of attack
	if g := out[0][step+240]; math.Abs(g-want) > 1e-9 {
		t.Errorf("delayed step leaves at %v, want %v", g, want)
	}
}

func TestCompressorMix(t *testing.T) {
	sig := testSignal(2, 30000, 7)
	p := DefaultCompressorParams()
	p.ThresholdDB, p.Ratio, p.LookaheadMS, p.MakeupDB = -30, 8, 5, 6
	p.Mix = 0
	c := newPrepared(p, 2)
	dry := render(unkeyed(c), sig, nil, []int{64})
	lat := c.Latency()
	for ch := range sig {
		for i := range sig[ch] {
			want := 0.0
			if i >= lat {
				want = sig[ch][i-lat]
			}
			if dry[ch][i] != want {
				t.Fatalf("mix=0: ch %d sample %d = %v, want delayed dry %v exactly", ch, i, dry[ch][i], want)
			}
		}
	}
	p.Mix = 1
	c.SetParams(p)
	c.Reset()
	wet := render(unkeyed(c), sig, nil, []int{64})
	p.Mix = 0.3
	c.SetParams(p)
	c.Reset()
	mixed := render(unkeyed(c), sig, nil, []int{64})
	for ch := range sig {
		for i := range sig[ch] {
			want := 0.3*wet[ch][i] + 0.7*dry[ch][i]
			if math.Abs(mixed[ch][i]-want) > 1e-12 {
				t.Fatalf("mix=0.3: ch %d sample %d = %v, want %v", ch, i, mixed[ch][i], want)
			}
		}
	}
}

func TestCompressorSidechain(t *testing.T) {
	p := CompressorParams{ThresholdDB: -18, Ratio: 4, AttackMS: 5, ReleaseMS: 100, Mix: 1}
	c := newPrepared(p, 2)
	n := 24000
	quiet := sine(2, n, 0.01, 1000) // -40 dBFS peak: far below threshold
	// A loud mono key drives the gain of a quiet stereo input.
	key := dc(1, n, 1)
	out := render(withKey(c), quiet, key, []int{256})
	tail := n - 4800
	got := dsp.GainToDB(rms(out[0][tail:]) / rms(quiet[0][tail:]))
	if want := -0.75 * 18; math.Abs(got-want) > 0.01 {
		t.Errorf("loud key: gain %.4f dB, want %.4f", got, want)
	}
	// The same input without the key is untouched (gain exactly 1).
	c.Reset()
	own := render(unkeyed(c), quiet, nil, []int{256})
	equal(t, "quiet input, own detection", own, quiet)

	// A loud input with a silent key (stereo zeros, and no channels at all)
	// is not compressed.
	loud := sine(2, n, 1, 1000)
	for _, k := range [][][]float64{zeros(2, n), zeros(3, n), {}} {
		c.Reset()
		got := render(withKey(c), loud, k, []int{256})
		equal(t, "silent key", got, loud)
	}
	// A 3-channel key: the loudest channel drives the gain.
	k3 := zeros(3, n)
	for i := range n {
		k3[2][i] = 1
	}
	c.Reset()
	out = render(withKey(c), quiet, k3, []int{256})
	if got := dsp.GainToDB(rms(out[1][tail:]) / rms(quiet[1][tail:])); math.Abs(got+13.5) > 0.01 {
		t.Errorf("3-channel key: gain %.4f dB, want -13.5", got)
	}
	// Process equals ProcessKeyed with the input as its own key.
	sig := testSignal(2, 20000, 11)
	c.Reset()
	a := render(unkeyed(c), sig, nil, []int{100})
	c.Reset()
	b := render(func(buf, _ [][]float64) { c.ProcessKeyed(buf, buf) }, sig, nil, []int{100})
	equal(t, "Process vs ProcessKeyed(buf, buf)", a, b)
}

// The sidechain highpass removes low end from the detector: a 50 Hz key
// through a 200 Hz 12 dB/octave highpass reads 24 dB lower, and the RMS
// detector's gain reduction follows the filtered level.
func TestCompressorSidechainHighpass(t *testing.T) {
	const T, R = -40.0, 4.0
	// Equal attack and release average the RMS ripple of 50 Hz without
	// the bias toward its peaks that a fast attack would add.
	p := CompressorParams{ThresholdDB: T, Ratio: R, AttackMS: 300, ReleaseMS: 300, Mix: 1, Detector: DetectorRMS}
	n := 144000
	in := sine(1, n, 1, 50) // RMS -3.01 dBFS
	tail := n - 9600        // 10 periods of 50 Hz
	measure := func(hz float64) float64 {
		p.SidechainHighpassHz = hz
		c := newPrepared(p, 1)
		out := render(unkeyed(c), in, nil, []int{512})
		return dsp.GainToDB(rms(out[0][tail:]) / rms(in[0][tail:]))
	}
	level := dsp.GainToDB(1 / math.Sqrt2)
	if got, want := measure(0), softKneeGainDB(level, T, R, 0); math.Abs(got-want) > 0.1 {
		t.Errorf("no highpass: gain %.3f dB, want %.3f", got, want)
	}
	hp := biquad.HighPass(200, math.Sqrt2/2, testFS)
	filtered := level + hp.MagnitudeDB(50, testFS)
	got, want := measure(200), softKneeGainDB(filtered, T, R, 0)
	if math.Abs(got-want) > 0.1 {
		t.Errorf("200 Hz highpass: gain %.3f dB, want %.3f (key at %.2f dB)", got, want, filtered)
	}
	t.Logf("50 Hz key through 200 Hz highpass: %.2f dB RMS, gain %.3f dB (static curve %.3f)", filtered, got, want)
}

func TestCompressorInvariants(t *testing.T) {
	p := CompressorParams{ThresholdDB: -30, Ratio: 6, KneeDB: 8, AttackMS: 3, ReleaseMS: 80,
		AutoMakeup: true, Detector: DetectorRMS, LookaheadMS: 3, Mix: 0.7, SidechainHighpassHz: 120}
	sig := testSignal(2, 40000, 1)
	for _, det := range []Detector{DetectorPeak, DetectorRMS} {
		p.Detector = det
		c := newPrepared(p, 2)
		checkBlockInvariance(t, c, unkeyed(c), sig, nil)
		checkBlockInvariance(t, c, withKey(c), sig, testSignal(1, 40000, 2))
		checkAllocs(t, unkeyed(c), 2, nil)
		checkAllocs(t, withKey(c), 2, testSignal(3, 4096, 4))
		checkFinite(t, c, unkeyed(c), 2)
	}
	c := newPrepared(p, 2)
	if a := testing.AllocsPerRun(10, func() { c.SetParams(p) }); a != 0 {
		t.Errorf("SetParams allocates %v times", a)
	}
}

func equal(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	for ch := range want {
		for i := range want[ch] {
			if got[ch][i] != want[ch][i] {
				t.Fatalf("%s: ch %d sample %d = %v, want %v", what, ch, i, got[ch][i], want[ch][i])
			}
		}
	}
}

func benchProcess(b *testing.B, p dsp.Processor, channels int, sig [][]float64) {
	const block = 512
	buf := zeros(channels, block)
	b.ResetTimer()
	pos := 0
	for b.Loop() {
		for ch := range buf {
			copy(buf[ch], sig[ch][pos:pos+block])
		}
		p.Process(buf)
		pos = (pos + block) % (len(sig[0]) - block)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*block*channels), "ns/sample/ch")
}

// BenchmarkCompressor measures a stereo compressor on program material
// that keeps it compressing most of the time.
func BenchmarkCompressorPeak(b *testing.B) {
	p := DefaultCompressorParams()
	p.ThresholdDB = -40
	benchProcess(b, newPrepared(p, 2), 2, testSignal(2, 1<<16, 1))
}

func BenchmarkCompressorRMSLookaheadHighpass(b *testing.B) {
	p := DefaultCompressorParams()
	p.ThresholdDB, p.Detector, p.LookaheadMS, p.SidechainHighpassHz, p.Mix = -40, DetectorRMS, 5, 100, 0.5
	benchProcess(b, newPrepared(p, 2), 2, testSignal(2, 1<<16, 1))
}

// BenchmarkCompressorIdle is the cost when the level stays under the knee.
func BenchmarkCompressorIdle(b *testing.B) {
	p := DefaultCompressorParams()
	p.ThresholdDB = 0
	p.KneeDB = 0
	sig := sine(2, 1<<16, 0.5, 440)
	benchProcess(b, newPrepared(p, 2), 2, sig)
}

// The branch-free gain computer is GMR eq. 4: compared with the formula
// written out (softKneeGainDB) on a fine grid through every knee region,
// and exactly 0 below the knee.
func TestGainComputerCurve(t *testing.T) {
	for _, tc := range []struct{ T, R, W float64 }{{-18, 4, 6}, {-20, 3, 0}, {-40, 100, 24}, {-3, 1.5, 12}, {-30, 1, 6}} {
		g := newGainComputer(tc.T, tc.R, tc.W)
		for x := tc.T - tc.W - 10; x <= tc.T+tc.W+10; x += 1.0 / 64 {
			got := g.reduction(x)
			want := -softKneeGainDB(x, tc.T, tc.R, tc.W)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("%+v: reduction(%v) = %v, want %v", tc, x, got, want)
			}
			if 2*(x-tc.T) < -tc.W && got != 0 {
				t.Errorf("%+v: reduction(%v) = %v below the knee, want exactly 0", tc, x, got)
			}
		}
	}
}
