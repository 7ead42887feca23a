// Package loudness is an ITU-R BS.1770-4 / EBU R 128 loudness meter:
// momentary, short-term and integrated loudness (EBU Tech 3341), loudness
// range (EBU Tech 3342), sample peak and true peak (BS.1770-4 Annex 2, via
// dsp/truepeak), the maxima of momentary and short-term loudness, and the
// short-term loudness series for plotting.
//
// # Timing
//
// The meter runs on a 1 ms grid ("ticks"): tick k covers samples
// floor(k*fs/1000) up to floor((k+1)*fs/1000), so every window below is
// exact to the sample at all common rates (8 kHz to 192 kHz, including
// 44.1 kHz multiples). The momentary (400 ms) and short-term (3 s) windows
// are evaluated at every tick, so their maxima are found to within 1 ms of
// the best window position. Every 100 ms (100 ticks) the meter records one
// 400 ms gating block (75 % overlap, BS.1770-4) and one short-term value
// (10 Hz, EBU Tech 3342's minimum rate). Audio before the first sample
// counts as silence: the first windows are normalised by their full length,
// as a meter started at time zero shows them. Gating blocks and LRA values
// use complete windows only; a final incomplete gating block is dropped
// (BS.1770-4, Tech 3341).
//
// # No value
//
// Silence has no loudness. Level fields (LUFS, dBTP, dBFS) are math.Inf(-1)
// when there is nothing to measure: the limit of 10*log10(0), which is also
// what BS.2217 asks a meter to show for an LFE-only file. LoudnessRangeLU is
// NaN when no short-term value survives its gates (less than 3 s of audio,
// or silence). NoValue reports both, for a JSON layer that writes null.
//
// # Determinism
//
// Every sum runs in a fixed order that depends only on sample and tick
// counts since Reset, never on block boundaries: the result is bit-identical
// for any way the signal is cut into blocks. Products are rounded explicitly
// so no FMA is fused on any architecture.
package loudness

import (
	"github.com/mixdown/mixdown/dsp/detmath"
	"math"
	"slices"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/truepeak"
)

// Timing constants, in ticks of 1 ms.
const (
	ticksPerSecond = 1000
	momentaryTicks = 400  // 400 ms window
	shortTermTicks = 3000 // 3 s window
	hopTicks       = 100  // gating-block and short-term-series step, 100 ms
)

// ShortTermStepSeconds is the spacing of Result.ShortTerm.
const ShortTermStepSeconds = 0.1

// Gates, BS.1770-4 and EBU Tech 3342.
const (
	loudnessOffset = -0.691 // dB; cancels the K-weighting gain at 997 Hz
	absoluteGate   = -70.0  // LUFS, both integrated and LRA
	relativeGate   = -10.0  // LU below the absolute-gated loudness (integrated)
	lraRelative    = -20.0  // LU below the absolute-gated short-term level (LRA)
	lraLow, lraHi  = 10.0, 95.0
)

// MinSampleRate is the lowest rate the meter accepts: the K-weighting shelf
// sits at 1.68 kHz and must stay well below Nyquist.
const MinSampleRate = 8000

// Result is what the meter measured since Reset. See the package doc for
// the no-value convention.
type Result struct {
	IntegratedLUFS   float64 // gated programme loudness (BS.1770-4)
	LoudnessRangeLU  float64 // LRA (EBU Tech 3342); NaN when undefined
	TruePeakDBTP     float64 // max true peak over all channels (incl. LFE); NaN if not metered
	SamplePeakDBFS   float64 // max |sample| over all channels (incl. LFE)
	MaxMomentaryLUFS float64 // max of the 400 ms loudness, every 1 ms
	MaxShortTermLUFS float64 // max of the 3 s loudness, every 1 ms

	// LoudnessRangeLowLUFS and LoudnessRangeHighLUFS are the 10th and 95th
	// percentiles LRA is the difference of (-Inf when undefined).
	LoudnessRangeLowLUFS  float64
	LoudnessRangeHighLUFS float64

	// ShortTerm is the short-term loudness every ShortTermStepSeconds:
	// ShortTerm[i] is the 3 s window ending at (i+1)*0.1 s. The first 29
	// windows reach before the start, which counts as silence.
	ShortTerm []float64

	// Seconds is the duration measured.
	Seconds float64
}

// NoValue reports whether v is the no-value marker of a Result field: -Inf
// for levels, NaN for the loudness range.
func NoValue(v float64) bool { return math.IsInf(v, -1) || math.IsNaN(v) }

// kState is one channel's K-weighting memory. The cascade shares history:
// stage 2's input history is stage 1's output history.
type kState struct {
	x1, x2 float64 // input
	s1, s2 float64 // stage 1 output
	o1, o2 float64 // stage 2 output
}

// Meter measures loudness over planar blocks of N channels.
type Meter struct {
	fs      float64
	fsInt   int64 // sample rate rounded to Hz, for the tick grid
	weights []float64
	k1, k2  Biquad
	state   []kState
	acc     []float64       // per-channel sum of squares in the current tick
	tp      *truepeak.Meter // nil with Options.NoTruePeak
	sp      []float64       // per-channel sample peak when tp is nil

	tick    int64 // index of the tick being filled
	tickPos int   // samples of it seen
	tickLen int   // its length in samples
	samples int64

	mom, short slidingSum
	momE, stE  float64 // energies (weighted mean squares) of the last windows
	maxMomE    float64
	maxStE     float64

	blocks []float64 // gating-block energies, one per 100 ms
	series []float64 // short-term energies, one per 100 ms
}

// NewMeter returns a meter for channels channels at sampleRate Hz with the
// BS.1770-4 channel weights of DefaultWeights(channels). It panics if
// sampleRate < MinSampleRate or channels < 1 (the language layer validates
// both first).
func NewMeter(sampleRate float64, channels int) *Meter {
	if channels < 1 {
		panic("loudness: need at least one channel")
	}
	return NewMeterWeights(sampleRate, DefaultWeights(channels))
}

// NewMeterWeights is NewMeter with explicit channel weights G_i, one per
// channel: 1.0 for front channels, 1.41 for surrounds at 60-120 degrees
// azimuth, 0 to exclude a channel (LFE), 2.0 for a mono signal meant to be
// heard on two loudspeakers (dual mono). The slice is copied.
func NewMeterWeights(sampleRate float64, weights []float64) *Meter {
	return NewMeterOptions(sampleRate, len(weights), Options{Weights: weights})
}

// Options configures NewMeterOptions.
type Options struct {
	// Weights are the channel weights G_i (see NewMeterWeights); nil
	// means DefaultWeights(channels). Otherwise len(Weights) must equal
	// channels.
	Weights []float64
	// NoTruePeak skips true-peak metering. True peak (4x oversampling)
	// costs several times the rest of the meter; a meter that only
	// needs loudness can leave it out. TruePeakDBTP is then NaN.
	NoTruePeak bool
}

// NewMeterOptions is the general constructor. It panics if sampleRate <
// MinSampleRate, channels < 1, o.Weights is non-nil with a length other
// than channels, or a weight is negative or not finite.
func NewMeterOptions(sampleRate float64, channels int, o Options) *Meter {
	if !(sampleRate >= MinSampleRate) || math.IsInf(sampleRate, 1) {
		panic("loudness: sample rate below 8 kHz")
	}
	if channels < 1 {
		panic("loudness: need at least one channel")
	}
	weights := o.Weights
	if weights == nil {
		weights = DefaultWeights(channels)
	}
	if len(weights) != channels {
		panic("loudness: one weight per channel")
	}
	for _, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			panic("loudness: channel weights must be finite and >= 0")
		}
	}
	m := &Meter{
		fs:      sampleRate,
		fsInt:   int64(math.Round(sampleRate)),
		weights: slices.Clone(weights),
		state:   make([]kState, channels),
		acc:     make([]float64, channels),
		mom:     newSlidingSum(momentaryTicks),
		short:   newSlidingSum(shortTermTicks),
	}
	if o.NoTruePeak {
		m.sp = make([]float64, channels)
	} else {
		m.tp = truepeak.NewMeter(channels)
	}
	m.k1, m.k2 = KWeighting(sampleRate)
	m.Reserve(600)
	m.Reset()
	return m
}

// Reserve makes room for seconds of history (gating blocks and short-term
// series, 16 bytes per 100 ms) so that Process does not allocate before
// that much audio has been measured. Beyond it, history grows by
// amortised doubling. NewMeter reserves 10 minutes (96 KB).
func (m *Meter) Reserve(seconds float64) {
	n := int(math.Ceil(seconds*ticksPerSecond/hopTicks)) + 1
	m.blocks = slices.Grow(m.blocks, n-len(m.blocks))
	m.series = slices.Grow(m.series, n-len(m.series))
}

// Channels is the number of channels the meter was made for.
func (m *Meter) Channels() int { return len(m.weights) }

// SampleRate is the rate the meter was made for, in Hz.
func (m *Meter) SampleRate() float64 { return m.fs }

// Latency is 0: a meter does not delay anything. (The true-peak view lags
// the input by truepeak.LatencySamples internally; the meter's maxima
// account for it.)
func (m *Meter) Latency() int { return 0 }

// Reset returns the meter to time zero without allocating. Reserved
// history capacity is kept.
func (m *Meter) Reset() {
	clear(m.state)
	clear(m.acc)
	clear(m.sp)
	if m.tp != nil {
		m.tp.Reset()
	}
	m.tick, m.tickPos, m.samples = 0, 0, 0
	m.tickLen = m.tickLength(0)
	m.mom.reset()
	m.short.reset()
	m.momE, m.stE, m.maxMomE, m.maxStE = 0, 0, 0, 0
	m.blocks = m.blocks[:0]
	m.series = m.series[:0]
}

// tickStart is the first sample of tick k (k may be negative: ticks before
// the start, which count as silence but still fix window lengths).
func (m *Meter) tickStart(k int64) int64 {
	p := k * m.fsInt
	q := p / ticksPerSecond
	if p%ticksPerSecond != 0 && p < 0 {
		q-- // floor, not truncation
	}
	return q
}

func (m *Meter) tickLength(k int64) int { return int(m.tickStart(k+1) - m.tickStart(k)) }

// Process measures one planar block. buf must hold Channels() channels of
// equal length (extra channels are ignored, missing ones count as silent);
// it is not modified. Process does not allocate, except to grow the
// history past what Reserve provided.
func (m *Meter) Process(buf [][]float64) {
	nch := min(len(buf), len(m.weights))
	if nch == 0 {
		return
	}
	n := len(buf[0])
	for ch := 1; ch < nch; ch++ {
		n = min(n, len(buf[ch]))
	}
	for pos := 0; pos < n; {
		seg := min(n-pos, m.tickLen-m.tickPos)
		ch := 0
		if nch == 2 && m.weights[0] != 0 && m.weights[1] != 0 {
			m.acc[0], m.acc[1] = m.filter2(&m.state[0], &m.state[1], buf[0][pos:pos+seg], buf[1][pos:pos+seg], m.acc[0], m.acc[1])
			ch = 2
		}
		for ; ch < nch; ch++ {
			if m.weights[ch] != 0 {
				m.acc[ch] = m.filter(&m.state[ch], buf[ch][pos:pos+seg], m.acc[ch])
			}
		}
		pos += seg
		m.tickPos += seg
		if m.tickPos == m.tickLen {
			m.flushState()
			m.closeTick()
		}
	}
	m.samples += int64(n)
	for ch := range nch {
		if m.tp != nil {
			m.tp.ProcessChannel(ch, buf[ch][:n])
			continue
		}
		p := m.sp[ch]
		for _, v := range buf[ch][:n] {
			p = max(p, math.Abs(v))
		}
		m.sp[ch] = p
	}
}

// flushState flushes the K-weighting memory fed back (both stages'
// outputs) below dsp.DenormalThreshold. It runs at the end of every tick,
// a point fixed by the sample count since Reset, so the result does not
// depend on block boundaries, and the filter loops run without the eight
// compares and branches a per-sample flush costs.
//
// Ticks are at most 1 ms (48 samples at 48 kHz). At a tick's end every
// flushed word is 0 or at least 1e-30; to fall from there into the
// subnormal range (below 2.2e-308) within the next tick, the state would
// have to shrink by 1e-278. Over one tick the K-weighting's faster poles
// (the shelf's, radius 0.43 at 8 kHz, 0.86 at 48 kHz, closer to 1 at higher
// rates as the tick grows with the rate) shrink it by about 5e-4 at every
// rate, the high pass's by 0.78: nowhere near, so no state word ever
// becomes subnormal (TestKWeightingNoSubnormals checks every sample).
func (m *Meter) flushState() {
	for i := range m.state {
		s := &m.state[i]
		s.s1, s.s2 = dsp.Flush(s.s1), dsp.Flush(s.s2)
		s.o1, s.o2 = dsp.Flush(s.o1), dsp.Flush(s.o2)
	}
}

// filter runs x through the K-weighting cascade and returns acc plus the
// sum of squares of the output, added sample by sample.
func (m *Meter) filter(st *kState, x []float64, acc float64) float64 {
	c1, c2 := m.k1, m.k2
	s := *st
	for _, v := range x {
		y1 := float64(c1.B0*v) + float64(c1.B1*s.x1) + float64(c1.B2*s.x2) - float64(c1.A1*s.s1) - float64(c1.A2*s.s2)
		y2 := float64(c2.B0*y1) + float64(c2.B1*s.s1) + float64(c2.B2*s.s2) - float64(c2.A1*s.o1) - float64(c2.A2*s.o2)
		s.x2, s.x1 = s.x1, v
		s.s2, s.s1 = s.s1, y1
		s.o2, s.o1 = s.o1, y2
		acc += float64(y2 * y2)
	}
	*st = s
	return acc
}

// filter2Go is filter on two channels in one loop: the same arithmetic for
// each, but two independent recursions for the CPU to overlap (stereo
// metering about twice as fast). y must be as long as x. (filter2 is this,
// or on amd64 the same operations in SSE2 lanes.)
func (m *Meter) filter2Go(st, su *kState, x, y []float64, acc, bcc float64) (float64, float64) {
	c1, c2 := m.k1, m.k2
	s, u := *st, *su
	y = y[:len(x)]
	for i, v := range x {
		w := y[i]
		s1 := float64(c1.B0*v) + float64(c1.B1*s.x1) + float64(c1.B2*s.x2) - float64(c1.A1*s.s1) - float64(c1.A2*s.s2)
		u1 := float64(c1.B0*w) + float64(c1.B1*u.x1) + float64(c1.B2*u.x2) - float64(c1.A1*u.s1) - float64(c1.A2*u.s2)
		s2 := float64(c2.B0*s1) + float64(c2.B1*s.s1) + float64(c2.B2*s.s2) - float64(c2.A1*s.o1) - float64(c2.A2*s.o2)
		u2 := float64(c2.B0*u1) + float64(c2.B1*u.s1) + float64(c2.B2*u.s2) - float64(c2.A1*u.o1) - float64(c2.A2*u.o2)
		s.x2, s.x1 = s.x1, v
		u.x2, u.x1 = u.x1, w
		s.s2, s.s1 = s.s1, s1
		u.s2, u.s1 = u.s1, u1
		s.o2, s.o1 = s.o1, s2
		u.o2, u.o1 = u.o1, u2
		acc += float64(s2 * s2)
		bcc += float64(u2 * u2)
	}
	*st, *su = s, u
	return acc, bcc
}

// closeTick ends the current tick: weight and sum the channels (in channel
// order), slide the windows, and record the 100 ms values.
func (m *Meter) closeTick() {
	var e float64
	for ch, w := range m.weights {
		e += float64(w * m.acc[ch])
		m.acc[ch] = 0
	}
	k := m.tick
	end := m.tickStart(k + 1)
	m.momE = m.mom.push(e) / float64(end-m.tickStart(k+1-momentaryTicks))
	m.stE = m.short.push(e) / float64(end-m.tickStart(k+1-shortTermTicks))
	m.maxMomE = max(m.maxMomE, m.momE)
	m.maxStE = max(m.maxStE, m.stE)
	if (k+1)%hopTicks == 0 {
		if k+1 >= momentaryTicks {
			m.blocks = append(m.blocks, m.momE)
		}
		m.series = append(m.series, m.stE)
	}
	m.tick++
	m.tickPos = 0
	m.tickLen = m.tickLength(m.tick)
}

// energyToLUFS converts a weighted mean square to loudness; 0 gives -Inf.
func energyToLUFS(e float64) float64 {
	if e <= 0 {
		return math.Inf(-1)
	}
	return loudnessOffset + float64(10*detmath.Log10(e))
}

func gainToDB(g float64) float64 {
	if g <= 0 {
		return math.Inf(-1)
	}
	return dsp.GainToDB(g)
}

// Momentary is the loudness of the 400 ms window ending at the last
// completed 1 ms tick, in LUFS (-Inf before the first tick or in silence).
func (m *Meter) Momentary() float64 { return energyToLUFS(m.momE) }

// ShortTerm is the loudness of the 3 s window ending at the last completed
// 1 ms tick, in LUFS.
func (m *Meter) ShortTerm() float64 { return energyToLUFS(m.stE) }

// Integrated is the gated loudness of everything since Reset, in LUFS. It
// costs one pass over the gating-block history (10 values per second).
func (m *Meter) Integrated() float64 { return integrated(m.blocks) }

// Result computes every measure. It allocates (the series copy and a
// sorting buffer for LRA) and costs O(n log n) in the number of 100 ms
// steps; call it when a reading is needed, not per block.
func (m *Meter) Result() Result {
	r := Result{
		IntegratedLUFS:   integrated(m.blocks),
		TruePeakDBTP:     math.NaN(),
		MaxMomentaryLUFS: energyToLUFS(m.maxMomE),
		MaxShortTermLUFS: energyToLUFS(m.maxStE),
		ShortTerm:        make([]float64, len(m.series)),
		Seconds:          float64(m.samples) / m.fs,
	}
	if m.tp != nil {
		r.TruePeakDBTP = gainToDB(m.tp.TruePeak())
		r.SamplePeakDBFS = gainToDB(m.tp.SamplePeak())
	} else {
		r.SamplePeakDBFS = gainToDB(slices.Max(m.sp))
	}
	for i, e := range m.series {
		r.ShortTerm[i] = energyToLUFS(e)
	}
	// Only complete 3 s windows count for LRA.
	first := shortTermTicks/hopTicks - 1
	var complete []float64
	if len(r.ShortTerm) > first {
		complete = r.ShortTerm[first:]
	}
	r.LoudnessRangeLU, r.LoudnessRangeLowLUFS, r.LoudnessRangeHighLUFS = loudnessRange(complete)
	return r
}

// integrated is BS.1770-4 equations (5)-(7) over gating-block energies z_j:
// keep blocks with l_j > -70 LUFS, take their mean energy, set the relative
// threshold 10 LU below its loudness, and average the blocks above both
// thresholds. Sums run in block order.
func integrated(blocks []float64) float64 {
	var sum float64
	var n int
	for _, z := range blocks {
		if energyToLUFS(z) > absoluteGate {
			sum += z
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	rel := energyToLUFS(sum/float64(n)) + relativeGate
	sum, n = 0, 0
	for _, z := range blocks {
		if l := energyToLUFS(z); l > absoluteGate && l > rel {
			sum += z
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	return energyToLUFS(sum / float64(n))
}

// loudnessRange is EBU Tech 3342's algorithm, as its MATLAB reference
// states it: short-term levels >= -70 LUFS, then >= 20 LU below their power
// mean, then the 95th minus the 10th percentile of what is left, with the
// percentile taken as the sorted value at round((n-1)*p/100).
func loudnessRange(st []float64) (lra, low, high float64) {
	none := func() (float64, float64, float64) { return math.NaN(), math.Inf(-1), math.Inf(-1) }
	var sum float64
	var n int
	for _, l := range st {
		if l >= absoluteGate {
			sum += detmath.Pow(10, l/10)
			n++
		}
	}
	if n == 0 {
		return none()
	}
	rel := float64(10*detmath.Log10(sum/float64(n))) + lraRelative
	kept := make([]float64, 0, n)
	for _, l := range st {
		if l >= absoluteGate && l >= rel {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return none()
	}
	slices.Sort(kept)
	pick := func(p float64) float64 { return kept[int(math.Round(float64(len(kept)-1)*p/100))] }
	low, high = pick(lraLow), pick(lraHi)
	return high - low, low, high
}
