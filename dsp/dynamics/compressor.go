package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// Detector selects how the compressor measures level.
type Detector int

const (
	// DetectorPeak measures the sample peak, max |x| over channels.
	DetectorPeak Detector = iota
	// DetectorRMS measures the root mean square: x^2 averaged over
	// channels, then over time by a one-pole with time constant
	// RMSWindowMS (an exponential window; its equivalent rectangular
	// length is 2*RMSWindowMS).
	DetectorRMS
)

// String is the mix-language name of the detector.
func (d Detector) String() string {
	if d == DetectorRMS {
		return "rms"
	}
	return "peak"
}

// ParseDetector maps a mix-language detector name ("peak" or "rms") to a
// Detector.
func ParseDetector(name string) (Detector, bool) {
	switch name {
	case "peak":
		return DetectorPeak, true
	case "rms":
		return DetectorRMS, true
	}
	return DetectorPeak, false
}

// RMSWindowMS is the RMS detector's averaging time constant in ms (1-1/e
// convention). With a sine, the mean square ripples at twice the frequency;
// this window leaves about +-0.35 dB of level ripple at 100 Hz and +-0.035
// dB at 1 kHz before the attack/release ballistics smooth it further.
const RMSWindowMS = 10

// MaxLookaheadMS is the largest lookahead any processor here accepts; the
// delay lines are sized for it in Prepare.
const MaxLookaheadMS = 20

// CompressorParams configures a Compressor. Units are in the field names.
type CompressorParams struct {
	ThresholdDB float64 // level where compression starts (knee centre), dBFS
	Ratio       float64 // input dB over threshold per output dB, >= 1
	KneeDB      float64 // soft-knee width W, dB; 0 is a hard knee
	AttackMS    float64 // time constant of rising gain reduction, ms
	ReleaseMS   float64 // time constant of falling gain reduction, ms
	MakeupDB    float64 // gain after compression, dB; ignored when AutoMakeup
	// AutoMakeup sets the makeup gain to the static curve's gain reduction
	// at a steady 0 dBFS input, so full scale in gives full scale out:
	// M = (1-1/R)(0-T) = -(T - T/R) when 0 dBFS is above the knee, and the
	// knee formula's value when it is inside it. This is the classic
	// automatic make-up gain discussed with the gain computer in GMR 2012.
	AutoMakeup bool
	Detector   Detector
	// LookaheadMS delays the audio (not the detector) so gain reduction
	// starts before a transient. Reported by Latency.
	LookaheadMS float64
	// Mix blends the compressed (wet) signal with the dry one, both
	// delayed by the lookahead: 1 is fully compressed, below 1 is
	// parallel compression, 0 passes the delayed dry signal exactly.
	// Makeup applies to the wet signal only.
	Mix float64
	// SidechainHighpassHz is the cutoff of a Butterworth (RBJ, Q = 1/sqrt 2)
	// highpass on the detector input, so low end does not pump the
	// compressor. 0 turns it off.
	SidechainHighpassHz float64
}

// CompressorParamTable lists the compressor's numeric parameters.
var CompressorParamTable = []dsp.Param{
	{Name: "threshold", Unit: "dB", Min: -60, Max: 0, Default: -18, Doc: "Level above which the compressor reduces gain (centre of the knee)."},
	{Name: "ratio", Unit: "ratio", Min: 1, Max: 100, Default: 4, Doc: "Input dB above threshold per output dB above threshold."},
	{Name: "knee", Unit: "dB", Min: 0, Max: 24, Default: 6, Doc: "Width of the soft knee centred on the threshold; 0 is a hard knee."},
	{Name: "attack", Unit: "ms", Min: 0.01, Max: 500, Default: 10, Doc: "Time constant (63%) with which gain reduction rises."},
	{Name: "release", Unit: "ms", Min: 1, Max: 5000, Default: 120, Doc: "Time constant (63%) with which gain reduction falls back."},
	{Name: "makeup", Unit: "dB", Min: -24, Max: 24, Default: 0, Doc: "Gain applied after compression; \"auto\" restores 0 dBFS in to 0 dBFS out."},
	{Name: "lookahead", Unit: "ms", Min: 0, Max: MaxLookaheadMS, Default: 0, Doc: "Delay of the audio against the detector; adds the same latency."},
	{Name: "mix", Unit: "", Min: 0, Max: 1, Default: 1, Doc: "Share of the compressed signal; below 1 blends in the dry signal (parallel compression)."},
	{Name: "sidechain_highpass", Unit: "Hz", Min: 0, Max: 1000, Default: 0, Doc: "Highpass cutoff on the detector input; 0 is off."},
}

// DefaultCompressorParams returns the defaults of CompressorParamTable with
// the peak detector and fixed makeup.
func DefaultCompressorParams() CompressorParams {
	return CompressorParams{
		ThresholdDB: -18, Ratio: 4, KneeDB: 6, AttackMS: 10, ReleaseMS: 120,
		MakeupDB: 0, Detector: DetectorPeak, LookaheadMS: 0, Mix: 1,
	}
}

// Compressor is a feed-forward, stereo-linked downward compressor after
// GMR 2012: level detector (peak or RMS), soft-knee gain computer in dB,
// smooth branching ballistics on the gain reduction in dB, makeup, optional
// lookahead and parallel mix. It is a dsp.KeyedProcessor: ProcessKeyed
// detects on a sidechain key (any channel count up to the key capacity,
// see PrepareKey) and applies the gain to buf.
type Compressor struct {
	p        CompressorParams
	spec     dsp.Spec
	prepared bool

	// Coefficients, derived from p and the sample rate by SetParams.
	gc         gainComputer
	bal        ballistics
	rmsA       float64 // one-pole coefficient of the RMS window
	makeupDB   float64 // effective makeup (after "auto")
	makeupGain float64 // 2^(makeupDB*octavesPerDB)
	wet, dry   float64 // per-sample gain = wet*g + dry
	hp         sidechainHighpass

	// State.
	yL    float64 // smoothed gain reduction, dB
	ms    float64 // RMS detector mean square
	delay delayLine
	gain  []float64 // per-frame gain of the current block
	level []float64 // per-frame Log2 of the detector level of the current block
	above []int32   // indices of the frames above the knee start (scratch)
}

// NewCompressor returns a compressor with parameters p. Call Prepare before
// processing.
func NewCompressor(p CompressorParams) *Compressor {
	c := &Compressor{}
	c.SetParams(p)
	return c
}

// Params returns the current parameters.
func (c *Compressor) Params() CompressorParams { return c.p }

// Prepare sizes the lookahead delay, the gain buffer and the sidechain
// filter state (for max(spec.Channels, DefaultKeyChannels) key channels),
// and resets.
func (c *Compressor) Prepare(spec dsp.Spec) {
	c.spec = spec
	c.prepared = true
	c.delay.prepare(spec.Channels, msToSamples(MaxLookaheadMS, spec.SampleRate))
	c.gain = make([]float64, spec.MaxBlock)
	c.level = make([]float64, spec.MaxBlock)
	c.above = make([]int32, spec.MaxBlock)
	c.hp.prepare(max(spec.Channels, DefaultKeyChannels))
	c.SetParams(c.p)
	c.Reset()
}

// PrepareKey makes room for a sidechain key with more channels than
// max(spec.Channels, DefaultKeyChannels). Call it after Prepare; it
// allocates and resets.
func (c *Compressor) PrepareKey(keyChannels int) {
	c.hp.prepare(max(keyChannels, c.spec.Channels, DefaultKeyChannels))
	c.Reset()
}

// Reset returns the compressor to time zero.
func (c *Compressor) Reset() {
	c.yL, c.ms = 0, 0
	c.delay.reset()
	c.hp.reset()
}

// SetParams changes parameters without allocating or resetting state.
func (c *Compressor) SetParams(p CompressorParams) {
	c.p = p
	c.gc = newGainComputer(p.ThresholdDB, p.Ratio, p.KneeDB)
	c.makeupDB = p.MakeupDB
	if p.AutoMakeup {
		c.makeupDB = c.gc.reduction(0)
	}
	c.makeupGain = detmath.Exp2(float64(c.makeupDB * octavesPerDB))
	mix := min(max(p.Mix, 0), 1)
	c.wet, c.dry = mix, 1-mix
	if !c.prepared {
		return
	}
	fs := c.spec.SampleRate
	c.bal = newBallistics(p.AttackMS, p.ReleaseMS, fs)
	c.rmsA = timeCoeff(RMSWindowMS, fs)
	c.delay.setDelay(msToSamples(min(p.LookaheadMS, MaxLookaheadMS), fs))
	c.hp.design(p.SidechainHighpassHz, fs)
}

// Latency is the lookahead in samples.
func (c *Compressor) Latency() int { return c.delay.delay }

// Process compresses buf in place, detecting on buf itself.
func (c *Compressor) Process(buf [][]float64) { c.ProcessKeyed(buf, buf) }

// ProcessKeyed compresses buf in place with the gain computed from key.
// key may alias buf. A key with no channels is silence: no compression.
func (c *Compressor) ProcessKeyed(buf, key [][]float64) {
	if len(buf) == 0 || len(buf[0]) == 0 {
		return
	}
	g := c.gain[:len(buf[0])]
	c.detect(key, g)
	c.apply(buf, g)
}

// ProcessPair implements dsp.PairProcessor: this compressor over buf and
// other (a *Compressor) over obuf, each detecting on its own signal, with
// both ballistics in one pass of a kernel's lanes (curveBallisticsPair).
// Each gets exactly Process's output. It reports false, having changed
// nothing, where there is no such kernel, for blocks of different lengths,
// or when one compressor's attack is slower than its release and the
// other's is not.
func (c *Compressor) ProcessPair(buf [][]float64, other dsp.Processor, obuf [][]float64) bool {
	if !c.Pairs(other) || len(buf) == 0 || len(obuf) == 0 || len(buf[0]) == 0 || len(obuf[0]) != len(buf[0]) {
		return false
	}
	o := other.(*Compressor)
	n := len(buf[0])
	ga, gb := c.gain[:n], o.gain[:n]
	ka, busyA := c.detectCurve(buf, ga)
	kb, busyB := o.detectCurve(obuf, gb)
	switch {
	case busyA && busyB:
		c.yL, o.yL = curveBallisticsPair(c.level[:n], ga, &ka, c.yL, o.level[:n], gb, &kb, o.yL)
	case busyA:
		c.yL = curveBallistics(c.level[:n], ga, &ka, c.yL)
	case busyB:
		o.yL = curveBallistics(o.level[:n], gb, &kb, o.yL)
	}
	if busyA {
		c.detectGain(ga)
	}
	if busyB {
		o.detectGain(gb)
	}
	c.apply(buf, ga)
	o.apply(obuf, gb)
	return true
}

// Pairs implements dsp.PairProcessor: other is another *Compressor, the
// pair kernel runs here, and both pick attack and release alike (attack
// slower than release in both, or in neither).
func (c *Compressor) Pairs(other dsp.Processor) bool {
	o, ok := other.(*Compressor)
	return ok && o != c && pairCurve && (c.bal.attack > c.bal.release) == (o.bal.attack > o.bal.release)
}

// apply delays buf by the lookahead and multiplies it by the gain g.
func (c *Compressor) apply(buf [][]float64, g []float64) {
	for ch, x := range buf {
		x = x[:len(g)]
		c.delay.run(ch, x)
		mulSlice(x, g)
	}
	c.delay.advance(len(g))
}

// detect fills g with the per-frame output gain (wet*gain + dry) for the
// key signal. It reads every key sample before buf is written, so key may
// alias buf.
//
// It runs in passes over the block: the detector level, its Log2 (detmath.Log2Slice: the same bits as Log2, without a call per
// frame), then the static curve together with the ballistics (the only
// recursion; the curve of later frames overlaps its latency), then the
// gain's Exp2 (detmath.Exp2Slice) and the wet/dry blend. The loops have no
// data-dependent branches: on program material the level crosses the knee
// and the reduction turns from attack to release unpredictably, and
// mispredicted branches cost more than the arithmetic they skip. What a
// frame gets is a function of its own inputs and the state only, so the
// output is the same however the signal is cut into blocks. Blocks that
// are quiet throughout skip the work whose result is known exactly: no
// logarithms when no frame is above the knee start (the reduction is 0 for
// every frame), no ballistics once settled at 0, and the makeup gain
// without an Exp2.
func (c *Compressor) detect(key [][]float64, g []float64) {
	k, busy := c.detectCurve(key, g)
	if !busy {
		return
	}
	c.yL = curveBallistics(c.level[:len(g)], g, &k, c.yL)
	c.detectGain(g)
}

// detectCurve is detect's first passes: the levels into g and their
// logarithms into c.level, and the parameters of the curve and ballistics
// pass. On a block that needs no more (quiet throughout, the ballistics
// settled at 0) it fills g with the idle gain and reports false.
func (c *Compressor) detectCurve(key [][]float64, g []float64) (curveParams, bool) {
	// The levels go into g (a quiet block then needs no other buffer), their
	// logarithms into c.level.
	start, dbPerUnit, loud := c.levels(key, g)
	lg := c.level[:len(g)]
	if !loud && c.yL == 0 {
		// step(0, 0) is 0, and 2^((makeup - 0)·k) is makeupGain exactly.
		idle := float64(c.wet*c.makeupGain) + c.dry
		for i := range g {
			g[i] = idle
		}
		return curveParams{}, false
	}
	if loud {
		c.log2Above(lg, g, start)
	} else {
		clear(lg) // every frame is masked to 0 below; keep lg finite anyway
	}
	return curveParams{
		dbPerUnit: dbPerUnit, kneeLo: c.gc.kneeLo, kneeHi: c.gc.kneeHi,
		kneeBits: c.gc.kneeBits, invTwoW: c.gc.invTwoW, slope: c.gc.slope,
		start: start, attack: c.bal.attack, release: c.bal.release,
		makeupDB: c.makeupDB,
	}.withConstants(), true
}

// detectGain is detect's last passes: the exponents the curve and
// ballistics pass left in g become gains, blended wet/dry.
func (c *Compressor) detectGain(g []float64) {
	detmath.Exp2Slice(g, g)
	if wet, dry := c.wet, c.dry; wet != 1 || dry != 0 { // wet·g + dry is g itself for a fully wet mix
		for i, v := range g {
			g[i] = float64(wet*v) + dry
		}
	}
}

// log2Above sets lg[i] = Log2(lv[i]) for every frame whose level is above
// start (>= 0). What it leaves in the other frames is unspecified (some
// earlier Log2 result, or 0: never a subnormal), because the curve masks
// their reduction to 0 without reading it. On program material a loud
// block is mostly frames below the knee start around a few transients, so
// when at most half the frames are above, their levels are gathered to the
// front of lg, run through Log2Slice there, and scattered back: the same
// Log2 bits for the frames that use them, for a fraction of the
// logarithms. The index list is built without branches (the comparison
// flips unpredictably).
func (c *Compressor) log2Above(lg, lv []float64, start float64) {
	idx := c.above[:len(lv)]
	// A frame is listed when |level| > start, compared on the bit patterns
	// (which order like the values without the sign bit; NaN counts as
	// above): startBits - bits wraps around, setting bit 63, exactly then.
	// That is every frame above start, plus NaN and negative frames whose
	// logarithm the curve masks anyway.
	startBits := math.Float64bits(start)
	n := 0
	for i, v := range lv {
		idx[n] = int32(i)
		n += int((startBits - math.Float64bits(v)&^signBit) >> 63)
	}
	if 2*n > len(lv) {
		detmath.Log2Slice(lg, lv)
		return
	}
	idx = idx[:n]
	lg = lg[:len(lv)]
	for j, i := range idx {
		lg[j] = lv[i]
	}
	detmath.Log2Slice(lg[:n], lg[:n])
	// Backwards, each value moves from j to idx[j] >= j, past positions
	// already moved: no value is overwritten before it is read.
	for j := n - 1; j >= 0; j-- {
		lg[idx[j]] = lg[j]
	}
}

// levels fills lv with the detector level of each frame of the key (linear
// amplitude for peak, mean square for RMS) and returns the level at or
// below which the static curve's reduction is exactly 0 (the knee start,
// recognised in the linear domain), the dB per octave of level, and
// whether any frame is above that start (NaN frames count as above; the
// curve masks them to 0).
func (c *Compressor) levels(key [][]float64, lv []float64) (start, dbPerUnit float64, loud bool) {
	kneeStart := c.gc.kneeStart
	filtered := c.hp.active
	// Levels are compared on the bit patterns: with the sign bit clear
	// they order like the values (NaN above +Inf), and an integer max is a
	// conditional move where the float max is a longer sequence. top is
	// the block's largest.
	var top uint64
	if c.p.Detector == DetectorRMS {
		invCh := 0.0
		if len(key) > 0 {
			invCh = 1 / float64(len(key))
		}
		ms := c.ms
		for i := range lv {
			var s float64
			for ch, k := range key {
				v := k[i]
				if filtered {
					v = c.hp.tick(ch, v)
				}
				s += float64(v * v)
			}
			s = float64(s * invCh)
			ms = s + dsp.Flush(float64(c.rmsA*(ms-s)))
			top = max(top, math.Float64bits(ms)&^signBit)
			lv[i] = ms
		}
		c.ms = ms
		// 10·log10(ms) = log2(ms)·dbPerOctave/2.
		start = kneeStart * kneeStart
		return start, dbPerOctave / 2, top > math.Float64bits(start)
	}
	// Peaks are maxima of |x| taken on the bit patterns (a NaN frame stays
	// NaN, as with Go's max).
	if len(key) == 2 && !filtered {
		// Stereo, unfiltered: the loop below with the channel loop
		// unrolled.
		top = peakLevels2(lv, key[0], key[1])
	} else {
		for i := range lv {
			var p uint64
			for ch, k := range key {
				v := k[i]
				if filtered {
					v = c.hp.tick(ch, v)
				}
				p = max(p, math.Float64bits(v)&^signBit)
			}
			top = max(top, p)
			lv[i] = math.Float64frombits(p)
		}
	}
	return kneeStart, dbPerOctave, top > math.Float64bits(kneeStart)
}

const signBit = 1 << 63
