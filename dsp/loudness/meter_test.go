package loudness

import (
	"math"
	"reflect"
	"testing"
)

// slidingSum must equal the plain sum of the last w values (zeros before
// the start), for every push, and give exactly 0 once only zeros remain.
func TestSlidingSum(t *testing.T) {
	const w = 7
	s := newSlidingSum(w)
	var hist []float64
	r := noise(12345)
	for i := range 100 {
		v := r.next() + 0.5
		if i >= 60 {
			v = 0
		}
		hist = append(hist, v)
		got := s.push(v)
		var want float64
		for j := max(0, len(hist)-w); j < len(hist); j++ {
			want += hist[j]
		}
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("push %d: %v want %v", i, got, want)
		}
		if i >= 60+w-1 && got != 0 {
			t.Fatalf("push %d: window of zeros sums to %v", i, got)
		}
	}
}

// A mixed test programme: noise, a tone, a loud burst and silence, on two
// channels with different content.
func programme(fs float64, seconds float64) [][]float64 {
	n := int(seconds * fs)
	a, b := make([]float64, n), make([]float64, n)
	r := noise(99)
	for i := range n {
		tt := float64(i) / fs
		env := 0.05 + 0.3*math.Abs(math.Sin(2*math.Pi*0.23*tt))
		if tt > 6 && tt < 6.5 {
			env = 0.9
		}
		if tt > 9 {
			env = 0
		}
		a[i] = env * (r.next() + 0.5*math.Sin(2*math.Pi*440*tt))
		b[i] = 0.7 * env * math.Sin(2*math.Pi*3000*tt+1)
	}
	return [][]float64{a, b}
}

func runBlocks(m *Meter, x [][]float64, block int) Result {
	for i := 0; i < len(x[0]); i += block {
		j := min(i+block, len(x[0]))
		m.Process([][]float64{x[0][i:j], x[1][i:j]})
	}
	return m.Result()
}

// Results are bit-identical (==, series included) whatever the block size,
// and after Reset.
func TestBlockSizeInvariance(t *testing.T) {
	x := programme(44100, 12)
	ref := runBlocks(NewMeter(44100, 2), x, 1)
	if NoValue(ref.IntegratedLUFS) || NoValue(ref.LoudnessRangeLU) {
		t.Fatalf("test programme should have loudness and LRA: %+v", ref)
	}
	for _, bs := range []int{7, 64, 441, 4096, len(x[0])} {
		got := runBlocks(NewMeter(44100, 2), x, bs)
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("block size %d: %+v\n!= block size 1: %+v", bs, got, ref)
		}
	}
	m := NewMeter(44100, 2)
	runBlocks(m, x, 64)
	m.Reset()
	if got := runBlocks(m, x, 4096); !reflect.DeepEqual(got, ref) {
		t.Fatal("Reset then re-render differs")
	}
}

// Silence is "no value" everywhere; LRA is NaN; peaks are -Inf.
func TestSilenceHasNoValue(t *testing.T) {
	m := NewMeter(48000, 2)
	z := make([]float64, 48000*4)
	m.Process([][]float64{z, z})
	r := m.Result()
	for name, v := range map[string]float64{
		"I": r.IntegratedLUFS, "LRA": r.LoudnessRangeLU, "TP": r.TruePeakDBTP, "SP": r.SamplePeakDBFS,
		"maxM": r.MaxMomentaryLUFS, "maxS": r.MaxShortTermLUFS, "M": m.Momentary(), "S": m.ShortTerm(),
	} {
		if !NoValue(v) {
			t.Errorf("%s of silence = %v, want no value", name, v)
		}
	}
	if !math.IsNaN(r.LoudnessRangeLU) || !math.IsInf(r.IntegratedLUFS, -1) {
		t.Errorf("conventions: LRA %v (want NaN), I %v (want -Inf)", r.LoudnessRangeLU, r.IntegratedLUFS)
	}
	if len(r.ShortTerm) != 40 || !math.IsInf(r.ShortTerm[39], -1) {
		t.Errorf("series of 4 s: %d values, last %v", len(r.ShortTerm), r.ShortTerm[len(r.ShortTerm)-1])
	}
	if r.Seconds != 4 {
		t.Errorf("Seconds = %v", r.Seconds)
	}
	// A loud burst followed by silence: once the burst has left the
	// windows, M and S are exactly "no value" again (nothing subtracted,
	// nothing left over).
	m.Reset()
	tone := make([]float64, 4800)
	for i := range tone {
		tone[i] = 0.5 * math.Sin(float64(i))
	}
	m.Process([][]float64{tone, tone})
	m.Process([][]float64{z, z})
	if !math.IsInf(m.Momentary(), -1) || !math.IsInf(m.ShortTerm(), -1) {
		t.Errorf("after the burst left the windows: M %v S %v", m.Momentary(), m.ShortTerm())
	}
}

// Under 400 ms there is no complete gating block, under 3 s no LRA value.
func TestShortProgrammes(t *testing.T) {
	sig := stereo1k(48000, seg{0.39, -23})
	_, r := measure(sig, DefaultWeights(2), 4096)
	if !NoValue(r.IntegratedLUFS) || NoValue(r.MaxMomentaryLUFS) {
		t.Errorf("0.39 s: I %v (want none), max M %v (want a value)", r.IntegratedLUFS, r.MaxMomentaryLUFS)
	}
	_, r = measure(stereo1k(48000, seg{2.9, -23}), DefaultWeights(2), 4096)
	if NoValue(r.IntegratedLUFS) || !math.IsNaN(r.LoudnessRangeLU) {
		t.Errorf("2.9 s: I %v (want a value), LRA %v (want NaN)", r.IntegratedLUFS, r.LoudnessRangeLU)
	}
}

// Mono is one channel of weight 1: a -23 dBFS 1 kHz sine reads 3 dB below
// the same sine on two channels. Dual mono (weight 2) reads like stereo.
func TestMonoConventions(t *testing.T) {
	mono := tone{48000, 1000, []seg{{10, -23}}, []float64{0}}
	_, r := measure(mono, DefaultWeights(1), 4096)
	_, st := measure(stereo1k(48000, seg{10, -23}), DefaultWeights(2), 4096)
	if d := r.IntegratedLUFS - (st.IntegratedLUFS - 10*math.Log10(2)); math.Abs(d) > 1e-9 {
		t.Errorf("mono %.4f, stereo %.4f: want exactly 3.01 dB apart", r.IntegratedLUFS, st.IntegratedLUFS)
	}
	if math.Abs(r.IntegratedLUFS+26) > 0.1 {
		t.Errorf("mono -23 dBFS reads %.3f LUFS, want -26.0", r.IntegratedLUFS)
	}
	_, d := measure(mono, []float64{WeightDualMono}, 4096)
	if d.IntegratedLUFS != st.IntegratedLUFS {
		t.Errorf("dual mono %.6f != stereo %.6f", d.IntegratedLUFS, st.IntegratedLUFS)
	}
}

// The LFE of 5.1 does not count towards loudness but does towards peaks;
// the surrounds weigh 1.41.
func TestChannelWeights(t *testing.T) {
	only := func(ch int) Result {
		off := []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1), math.Inf(-1), math.Inf(-1), math.Inf(-1)}
		off[ch] = 0
		_, r := measure(tone{48000, 1000, []seg{{5, -20}}, off}, DefaultWeights(6), 4096)
		return r
	}
	l, lfe, ls := only(0), only(3), only(4)
	if !NoValue(lfe.IntegratedLUFS) || NoValue(lfe.SamplePeakDBFS) {
		t.Errorf("LFE only: I %v (want none), sample peak %v (want -20)", lfe.IntegratedLUFS, lfe.SamplePeakDBFS)
	}
	if d := ls.IntegratedLUFS - l.IntegratedLUFS; math.Abs(d-10*math.Log10(1.41)) > 1e-9 {
		t.Errorf("Ls vs L: %.4f dB, want 10*log10(1.41) = 1.492", d)
	}
}

// Process never allocates within the reserved history.
func TestProcessZeroAlloc(t *testing.T) {
	x := programme(48000, 1)
	m := NewMeter(48000, 2)
	buf := [][]float64{x[0][:4096], x[1][:4096]}
	m.Process(buf)
	if n := testing.AllocsPerRun(50, func() { m.Process(buf) }); n != 0 {
		t.Fatalf("Process allocates %v per call", n)
	}
	small := [][]float64{x[0][:7], x[1][:7]}
	if n := testing.AllocsPerRun(500, func() { m.Process(small) }); n != 0 {
		t.Fatalf("Process of 7 frames allocates %v per call", n)
	}
}

// go test -run XXX -bench . ./dsp/loudness
func BenchmarkProcess(b *testing.B) {
	x := programme(48000, 1)
	m := NewMeter(48000, 2)
	m.Reserve(3600)
	buf := [][]float64{x[0][:4096], x[1][:4096]}
	for b.Loop() {
		m.Process(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*4096), "ns/sample/ch")
}

// The loudness part alone (no true peak), for comparison.
func BenchmarkKWeighting(b *testing.B) {
	x := programme(48000, 1)
	m := NewMeter(48000, 2)
	for b.Loop() {
		m.acc[0] = m.filter(&m.state[0], x[0][:4096], m.acc[0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4096, "ns/sample/ch")
}

// Without true peak the meter measures the same loudness and sample peak,
// and reports TruePeakDBTP as NaN.
func TestNoTruePeak(t *testing.T) {
	x := programme(48000, 5)
	full := runBlocks(NewMeter(48000, 2), x, 512)
	lite := runBlocks(NewMeterOptions(48000, 2, Options{NoTruePeak: true}), x, 512)
	if !math.IsNaN(lite.TruePeakDBTP) || !NoValue(lite.TruePeakDBTP) {
		t.Errorf("TruePeakDBTP without true peak = %v, want NaN", lite.TruePeakDBTP)
	}
	lite.TruePeakDBTP = full.TruePeakDBTP
	if !reflect.DeepEqual(full, lite) {
		t.Errorf("NoTruePeak changes other results:\n%+v\n%+v", lite, full)
	}
	if full.TruePeakDBTP < full.SamplePeakDBFS {
		t.Errorf("true peak %v below sample peak %v", full.TruePeakDBTP, full.SamplePeakDBFS)
	}
}

// filter2 gives exactly (==) the sums and filter memory of filter run on
// each channel.
func TestFilter2EqualsFilter(t *testing.T) {
	x := programme(48000, 2)
	m := NewMeter(48000, 2)
	var a, b, c, d kState
	var accA, accB, accC, accD float64
	for pos := 0; pos < len(x[0]); pos += 1000 {
		end := min(pos+1000, len(x[0]))
		accA = m.filter(&a, x[0][pos:end], accA)
		accB = m.filter(&b, x[1][pos:end], accB)
		accC, accD = m.filter2(&c, &d, x[0][pos:end], x[1][pos:end], accC, accD)
		if accA != accC || accB != accD || a != c || b != d {
			t.Fatalf("at %d: filter2 differs from filter", end)
		}
	}
}

// The stereo K-weighting pass (filter2), for comparison with
// BenchmarkKWeighting.
func BenchmarkKWeighting2(b *testing.B) {
	x := programme(48000, 1)
	m := NewMeter(48000, 2)
	for b.Loop() {
		m.acc[0], m.acc[1] = m.filter2(&m.state[0], &m.state[1], x[0][:4096], x[1][:4096], m.acc[0], m.acc[1])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*4096), "ns/sample/ch")
}
