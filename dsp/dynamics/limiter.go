package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/truepeak"
)

// LimiterParams configures a Limiter. Units are in the field names.
type LimiterParams struct {
	CeilingDB   float64 // highest output peak, dBFS (dBTP with TruePeak)
	ReleaseMS   float64 // time constant (63%) of the gain's return toward unity, ms
	LookaheadMS float64 // time the gain has to ramp down before a peak, ms
	// TruePeak makes the detector see the 4x-oversampled (ITU-R BS.1770-4
	// Annex 2) peak instead of the sample peak, so inter-sample peaks are
	// held under the ceiling too. See Limiter for what it adds to Latency.
	TruePeak bool
}

// LimiterParamTable lists the limiter's numeric parameters.
var LimiterParamTable = []dsp.Param{
	{Name: "ceiling", Unit: "dB", Min: -20, Max: 0, Default: -1, Doc: "Output peak ceiling (true peak when true_peak is set)."},
	{Name: "release", Unit: "ms", Min: 1, Max: 2000, Default: 50, Doc: "Time constant (63%) with which the gain recovers after a peak."},
	{Name: "lookahead", Unit: "ms", Min: 0, Max: MaxLookaheadMS, Default: 5, Doc: "Time the gain ramps down ahead of a peak; adds the same latency."},
}

// DefaultLimiterParams returns the defaults of LimiterParamTable, with true
// peak limiting on (delivery specs such as EBU R 128 are in dBTP).
func DefaultLimiterParams() LimiterParams {
	return LimiterParams{CeilingDB: -1, ReleaseMS: 50, LookaheadMS: 5, TruePeak: true}
}

// LimiterTruePeakGuard (K) is how many samples on each side of a true peak
// the full gain reduction is held in true-peak mode. The interpolated
// values in [m, m+1) are weighted sums of x[m-5..m+6] (the Annex 2 filter
// has 12 taps per phase), so K = 6 keeps the gain of every sample they
// depend on at or below the gain that interval needs.
const LimiterTruePeakGuard = 6

// Fixed-point scale of the boxcar's running sum (see Limiter). 2^48 keeps
// 20 ms at 384 kHz (7681 terms, each <= 2^48) below 2^61.
const boxScale = 1 << 48

// Required gains are computed against the ceiling lowered by this relative
// amount, which absorbs rounding (sample-peak path) and, in the true-peak
// correction stage, the residual of gain variation across the interpolation
// kernel (measured below 1e-6 relative; see limiter_test.go).
const (
	samplePeakMargin = 1.0 / boxScale // 3.6e-15
	correctionMargin = 1.0 / (1 << 16)
)

// Limiter is a brickwall lookahead peak limiter, stereo (N-channel) linked.
//
// Per frame, the detector peak p (max over channels of |x|, or of the
// true-peak interpolation) gives the gain r = ceiling/p needed for that
// frame (1 if p <= ceiling). The reduction 1-r goes through
//
//  1. a running maximum over the lookahead window (L+1 samples, plus 2K in
//     true-peak mode): the peak-hold/min-filter;
//  2. an exponential release (one-pole on the linear reduction toward the
//     held value, 1-1/e convention; instant when the held value rises);
//  3. a moving average (boxcar) over L+1 samples, which turns each step
//     into a linear ramp that starts L samples before the peak and arrives
//     at the peak's full reduction exactly when the peak reaches the
//     output. Every term of that average covers the peak, so the average is
//     never less than the peak's reduction: the gain computation alone
//     keeps every output sample under the ceiling.
//
// The boxcar sums reductions as 2^-48 fixed-point integers rounded up, so
// the sum is exact, never drifts, and is exactly 0 when nothing is being
// limited: the gain is then exactly 1.0 and a signal under the ceiling
// passes bit-identically, only delayed by Latency. The gain is finally
// clamped to the frame's own exact r (which only ever changes the last
// bits), and r is computed against the ceiling lowered by 2^-48 (relative)
// to absorb the rounding of r and x*g. A safety clip at the ceiling runs
// last; the tests check that it never engages, i.e. it is a last resort.
//
// True-peak mode (TruePeak) detects with the Annex 2 interpolator
// (truepeak.Interpolator.PeakAbs, which includes the sample itself, so the
// sample peak is held too) and holds each reduction over +-K samples. A
// gain that varies across the interpolation kernel can still let an
// inter-sample peak through by a little (up to 0.14% in the +100 dB torture
// tests with the shortest ramp), so a second, identical stage with a 2K
// sample ramp runs on the first stage's output: its corrections are that
// small, so its own residual is second order (below 1e-6 relative), and it
// aims 2^-16 (0.00013 dB) under the ceiling to absorb that. The first
// stage's lookahead is at least 2K samples. Latency in true-peak mode is
// max(L, 2K) + K + D for the first stage plus 2K + K + D for the second
// (D = truepeak.LatencySamples = 6, K = 6): L + 36 samples for L >= 12.
type Limiter struct {
	p        LimiterParams
	spec     dsp.Spec
	prepared bool

	main, correct limiterStage
	// g1 delays the main stage's gains by the correction stage's latency,
	// so MaxGainReductionDB sees the product both stages apply to a sample.
	g1      []float64
	g1W     int
	minGain float64
	clipped int // safety-clip engagements since Reset (tests only)
}

// NewLimiter returns a limiter with parameters p. Call Prepare before
// processing.
func NewLimiter(p LimiterParams) *Limiter {
	l := &Limiter{}
	l.SetParams(p)
	return l
}

// Params returns the current parameters.
func (l *Limiter) Params() LimiterParams { return l.p }

// Prepare sizes every ring for the largest lookahead and resets.
func (l *Limiter) Prepare(spec dsp.Spec) {
	l.spec = spec
	l.prepared = true
	maxLook := max(msToSamples(MaxLookaheadMS, spec.SampleRate), 2*LimiterTruePeakGuard)
	l.main.prepare(spec, maxLook)
	l.correct.prepare(spec, 2*LimiterTruePeakGuard)
	l.g1 = make([]float64, l.correct.maxLatency()+1)
	l.SetParams(l.p)
	l.Reset()
}

// Reset returns the limiter to time zero and clears MaxGainReductionDB.
func (l *Limiter) Reset() {
	l.main.reset()
	l.correct.reset()
	for i := range l.g1 {
		l.g1[i] = 1
	}
	l.g1W = 0
	l.minGain = 1
	l.clipped = 0
}

// SetParams changes parameters without allocating or resetting state.
// Changing lookahead or true_peak changes Latency and is not meant for
// automation.
func (l *Limiter) SetParams(p LimiterParams) {
	l.p = p
	if !l.prepared {
		return
	}
	fs := l.spec.SampleRate
	ceiling := dsp.DBToGain(min(p.CeilingDB, 0))
	release := timeCoeff(p.ReleaseMS, fs)
	look := msToSamples(p.LookaheadMS, fs)
	if p.TruePeak {
		look = max(look, 2*LimiterTruePeakGuard)
	}
	l.main.set(ceiling, samplePeakMargin, release, look, p.TruePeak)
	l.correct.set(ceiling, correctionMargin, release, 2*LimiterTruePeakGuard, true)
}

// Latency is the total delay in samples: the lookahead, plus in true-peak
// mode the interpolator delays, guards and the correction stage.
func (l *Limiter) Latency() int {
	n := l.main.latency()
	if l.p.TruePeak {
		n += l.correct.latency()
	}
	return n
}

// MaxGainReductionDB is the largest gain reduction applied since Reset, as
// a positive number of dB (0 when nothing was limited).
func (l *Limiter) MaxGainReductionDB() float64 {
	if l.minGain >= 1 {
		return 0
	}
	return -dsp.GainToDB(l.minGain)
}

// Process limits buf in place.
func (l *Limiter) Process(buf [][]float64) {
	if len(buf) == 0 || len(buf[0]) == 0 {
		return
	}
	n := len(buf[0])
	l.main.process(buf, n)
	g1 := l.main.gain[:n]
	minGain := l.minGain
	if l.p.TruePeak {
		l.correct.process(buf, n)
		// Gain applied to each output sample: the main stage's, delayed by
		// the correction stage, times the correction.
		back := l.correct.latency()
		size := len(l.g1)
		rd := l.g1W - back
		if rd < 0 {
			rd += size
		}
		w := l.g1W
		for i, g2 := range l.correct.gain[:n] {
			l.g1[w] = g1[i]
			minGain = min(minGain, l.g1[rd]*g2)
			if w++; w == size {
				w = 0
			}
			if rd++; rd == size {
				rd = 0
			}
		}
		l.g1W = w
	} else {
		for _, g := range g1 {
			minGain = min(minGain, g)
		}
	}
	l.minGain = minGain
	c := l.main.ceiling
	for _, x := range buf {
		for i, y := range x[:n] {
			if y > c || y < -c {
				x[i] = math.Copysign(c, y)
				l.clipped++
			}
		}
	}
}

// limiterStage is one lookahead gain stage: detector, hold, release,
// boxcar ramp, and the audio delay that lines the signal up with its gain.
type limiterStage struct {
	// Coefficients.
	ceiling  float64 // linear
	target   float64 // ceiling * (1 - margin)
	release  float64 // one-pole coefficient
	look     int     // L, lookahead samples
	guard    int     // K, 0 or LimiterTruePeakGuard
	tpDelay  int     // D, 0 or truepeak.LatencySamples
	boxLen   int     // L + 1
	invBox   float64 // 1 / (boxLen * boxScale)
	truePeak bool

	// State.
	t      int64 // frames since Reset
	hold   slidingMax
	e      float64 // released reduction
	box    []int64 // boxcar ring, quantised reductions
	boxW   int
	sum    int64
	rRing  []float64 // exact required gain per detector frame
	rW     int
	interp []truepeak.Interpolator
	peak   []float64 // per-frame true-peak detector values of a block
	delay  delayLine
	gain   []float64
}

func (s *limiterStage) maxLatency() int {
	return len(s.box) - 1 + LimiterTruePeakGuard + truepeak.LatencySamples
}

func (s *limiterStage) prepare(spec dsp.Spec, maxLook int) {
	s.box = make([]int64, maxLook+1)
	maxLat := s.maxLatency()
	s.hold.prepare(maxLook + 1 + 2*LimiterTruePeakGuard)
	s.rRing = make([]float64, maxLat+1)
	s.interp = make([]truepeak.Interpolator, spec.Channels)
	s.delay.prepare(spec.Channels, maxLat)
	s.gain = make([]float64, spec.MaxBlock)
	s.peak = make([]float64, spec.MaxBlock)
	s.boxLen = 0
}

func (s *limiterStage) reset() {
	s.t = 0
	s.hold.reset()
	s.e = 0
	clear(s.box)
	s.boxW = 0
	s.sum = 0
	for i := range s.rRing {
		s.rRing[i] = 1
	}
	s.rW = 0
	for i := range s.interp {
		s.interp[i].Reset()
	}
	s.delay.reset()
}

func (s *limiterStage) set(ceiling, margin, release float64, look int, truePeak bool) {
	s.ceiling = ceiling
	s.target = ceiling * (1 - margin)
	s.release = release
	s.look = min(look, len(s.box)-1)
	s.truePeak = truePeak
	s.guard, s.tpDelay = 0, 0
	if truePeak {
		s.guard, s.tpDelay = LimiterTruePeakGuard, truepeak.LatencySamples
	}
	s.hold.setWindow(s.look + 1 + 2*s.guard)
	if s.look+1 != s.boxLen {
		s.boxLen = s.look + 1
		s.resum()
	}
	s.invBox = 1 / (float64(s.boxLen) * boxScale)
	s.delay.setDelay(s.latency())
}

// resum recomputes the boxcar sum over the last boxLen entries after the
// window length changed.
func (s *limiterStage) resum() {
	s.sum = 0
	j := s.boxW
	for range s.boxLen {
		j--
		if j < 0 {
			j = len(s.box) - 1
		}
		s.sum += s.box[j]
	}
}

func (s *limiterStage) latency() int { return s.look + s.guard + s.tpDelay }

// process runs the detector over one block (reading buf before it is
// modified), then delays buf and applies the gain.
func (s *limiterStage) process(buf [][]float64, n int) {
	gain := s.gain[:n]
	unity := s.computeGain(buf, gain)
	for ch, x := range buf {
		x = x[:n]
		s.delay.run(ch, x)
		if unity {
			continue // every gain is exactly 1
		}
		for i, g := range gain {
			x[i] *= g
		}
	}
	s.delay.advance(n)
}

// under reports whether no frame of the block asks for a reduction: every
// detector value (peak in true-peak mode, else |x| over the channels) is at
// or under the ceiling.
func (s *limiterStage) under(buf [][]float64, peak []float64, n int) bool {
	c := s.ceiling
	if s.truePeak {
		for _, p := range peak[:n] {
			if p > c {
				return false
			}
		}
		return true
	}
	for _, x := range buf {
		for _, v := range x[:n] {
			if math.Abs(v) > c {
				return false
			}
		}
	}
	return true
}

// idle is computeGain for a block that asks for no reduction while
// nothing is being released (e == 0) or ramped (sum == 0). Then the hold
// window holds only zeros (e would be above 0 otherwise), the boxcar's
// entries are all 0 and every r it clamps to is 1, so each frame's gain is
// exactly 1 and its state update is: r = 1, q = 0, a 0 pushed into the
// hold. This does the same in bulk: the result and the state are those of
// the frame loop.
func (s *limiterStage) idle(gain []float64) {
	n := len(gain)
	for i := range gain {
		gain[i] = 1
	}
	fillRing(s.box, s.boxW, n, 0)
	fillRing(s.rRing, s.rW, n, 1)
	s.boxW = (s.boxW + n) % len(s.box)
	s.rW = (s.rW + n) % len(s.rRing)
	s.t += int64(n)
	s.hold.pushZeros(s.t - 1)
}

// limiterIdle enables the idle path; tests turn it off to compare.
var limiterIdle = true

// fillRing writes n copies of v into ring from index w on, wrapping.
func fillRing[T int64 | float64](ring []T, w, n int, v T) {
	n = min(n, len(ring)) // more would only write the same values again
	for n > 0 {
		m := min(n, len(ring)-w)
		for i := range ring[w : w+m] {
			ring[w+i] = v
		}
		n -= m
		w = 0
	}
}

// computeGain fills gain for the block; it reports whether every gain is
// exactly 1 (the idle path), which the caller need not apply.
func (s *limiterStage) computeGain(buf [][]float64, gain []float64) bool {
	ceiling, target, release := s.ceiling, s.target, s.release
	boxSize, rSize := len(s.box), len(s.rRing)
	e, sum, t := s.e, s.sum, s.t
	boxW, rW := s.boxW, s.rW
	boxOut := boxW - s.boxLen
	if boxOut < 0 {
		boxOut += boxSize
	}
	// The frame leaving the delay now was detected look+guard frames ago.
	rOut := rW - (s.look + s.guard)
	if rOut < 0 {
		rOut += rSize
	}
	var peak []float64
	if s.truePeak {
		// The detector over the whole block first, channel by channel:
		// the interpolators' block loop is twice as fast as PeakAbs per
		// sample, and skips stretches that provably stay under the
		// ceiling. Per frame it is the same maximum over the channels
		// wherever that is above the ceiling, and at or under the ceiling
		// (no reduction) wherever the exact one is.
		peak = s.peak[:len(gain)]
		clear(peak)
		for ch, x := range buf {
			s.interp[ch].PeakAbsMaxAbove(x[:len(gain)], peak, ceiling)
		}
	}
	if limiterIdle && e == 0 && sum == 0 && s.under(buf, peak, len(gain)) {
		s.idle(gain)
		return true
	}
	for i := range gain {
		var p float64
		if s.truePeak {
			p = peak[i]
		} else {
			for _, x := range buf {
				p = max(p, math.Abs(x[i]))
			}
		}
		r, d := 1.0, 0.0
		if p > ceiling {
			r = target / p
			d = 1 - r
		}
		s.rRing[rW] = r
		h := s.hold.push(t, d)
		if h >= e {
			e = h
		} else {
			e = h + dsp.Flush(float64(release*(e-h)))
		}
		q := int64(math.Ceil(e * boxScale))
		sum += q - s.box[boxOut]
		s.box[boxW] = q
		g := 1 - float64(float64(sum)*s.invBox)
		// r of the frame now leaving the delay: the exact bound the ramp
		// already respects up to rounding.
		if rc := s.rRing[rOut]; g > rc {
			g = rc
		}
		gain[i] = g

		t++
		if boxW++; boxW == boxSize {
			boxW = 0
		}
		if boxOut++; boxOut == boxSize {
			boxOut = 0
		}
		if rW++; rW == rSize {
			rW = 0
		}
		if rOut++; rOut == rSize {
			rOut = 0
		}
	}
	s.e, s.sum, s.t = e, sum, t
	s.boxW, s.rW = boxW, rW
	return false
}
