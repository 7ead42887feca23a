package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// De-esser ballistics (1-1/e time constants). Sibilants last some tens of
// milliseconds: a fast attack catches their onset, and a release of a few
// cycles of a syllable lets the band recover before the next vowel.
const (
	DeesserAttackMS  = 1
	DeesserReleaseMS = 60
)

// DeesserParams configures a Deesser. Units are in the field names.
type DeesserParams struct {
	FreqHz      float64 // crossover frequency; the band above it is the sibilant band, Hz
	ThresholdDB float64 // sibilant-band peak level above which it is reduced, dBFS
	RangeDB     float64 // largest reduction of the sibilant band, dB (<= 0)
}

// DeesserParamTable lists the de-esser's numeric parameters.
var DeesserParamTable = []dsp.Param{
	{Name: "freq", Unit: "Hz", Min: 2000, Max: 16000, Default: 5500, Doc: "Crossover frequency; only the band above it is detected and reduced (half-way at freq itself)."},
	{Name: "threshold", Unit: "dB", Min: -60, Max: 0, Default: -30, Doc: "Peak level of the high band above which it is turned down."},
	{Name: "range", Unit: "dB", Min: -24, Max: 0, Default: -8, Doc: "Largest reduction of the high band."},
}

// DefaultDeesserParams returns the defaults of DeesserParamTable.
func DefaultDeesserParams() DeesserParams {
	return DeesserParams{FreqHz: 5500, ThresholdDB: -30, RangeDB: -8}
}

// Deesser is a split-band de-esser. A 4th-order Linkwitz-Riley crossover
// (two RBJ Butterworth sections per band, Q = 1/sqrt 2) splits each channel
// at FreqHz into low and high bands. The high band's peak, linked over
// channels, drives a gain computer with infinite ratio (the band is pulled
// down to the threshold) limited to RangeDB, smoothed in dB by GMR's branching
// detector with DeesserAttackMS/DeesserReleaseMS. The output is
// low + g*high: only the band above FreqHz is turned down.
//
// The LR4 low and high bands are in phase at every frequency and their
// magnitudes sum to 1, so the response is (1 + g*W^4)/(1 + W^4), with W the
// bilinear-warped frequency ratio tan(pi f/fs)/tan(pi f0/fs): between g and
// 1 everywhere, without the bump a subtractive split has. Idle (g = 1) the
// output is the LR4 allpass of the input: flat magnitude, with the phase
// shift of any IIR crossover (about -5 degrees at 200 Hz for f0 = 6.5 kHz).
// At FreqHz itself the band is half in, so its reduction there is
// 20*log10((1+g)/2): -3.7 dB when g = -8 dB. Set FreqHz at the lower edge
// of the sibilance, not on it: with range -8 dB, a 7 kHz sibilant loses
// 3.7 dB at FreqHz = 6.5 kHz, 5.9 dB at 5 kHz and 7.4 dB at 3.5 kHz. The
// default, 5.5 kHz, sits under the usual 6-8 kHz sibilant region.
type Deesser struct {
	p        DeesserParams
	spec     dsp.Spec
	prepared bool

	lpC, hpC  biquad.Coeffs
	threshold float64 // dB
	thrLin    float64
	maxRed    float64 // -RangeDB
	bal       ballistics

	st     [][4]biquad.State // per channel: lp1, lp2, hp1, hp2
	lo, hi [][]float64       // band scratch, per channel
	gain   []float64
	yL     float64
}

// NewDeesser returns a de-esser with parameters p. Call Prepare before
// processing.
func NewDeesser(p DeesserParams) *Deesser {
	d := &Deesser{}
	d.SetParams(p)
	return d
}

// Params returns the current parameters.
func (d *Deesser) Params() DeesserParams { return d.p }

// Prepare sizes the filter memory and band buffers and resets.
func (d *Deesser) Prepare(spec dsp.Spec) {
	d.spec = spec
	d.prepared = true
	d.st = make([][4]biquad.State, spec.Channels)
	d.lo = make([][]float64, spec.Channels)
	d.hi = make([][]float64, spec.Channels)
	for ch := range d.lo {
		d.lo[ch] = make([]float64, spec.MaxBlock)
		d.hi[ch] = make([]float64, spec.MaxBlock)
	}
	d.gain = make([]float64, spec.MaxBlock)
	d.SetParams(d.p)
	d.Reset()
}

// Reset clears the filters and the detector.
func (d *Deesser) Reset() {
	clear(d.st)
	d.yL = 0
}

// SetParams changes parameters without allocating or resetting state.
func (d *Deesser) SetParams(p DeesserParams) {
	d.p = p
	d.threshold = p.ThresholdDB
	d.thrLin = dsp.DBToGain(p.ThresholdDB)
	d.maxRed = -min(p.RangeDB, 0)
	if !d.prepared {
		return
	}
	fs := d.spec.SampleRate
	f := min(max(p.FreqHz, 10), 0.45*fs)
	d.lpC = biquad.LowPass(f, math.Sqrt2/2, fs)
	d.hpC = biquad.HighPass(f, math.Sqrt2/2, fs)
	d.bal = newBallistics(DeesserAttackMS, DeesserReleaseMS, fs)
}

// Latency is 0: the crossover is minimum phase and there is no lookahead.
func (d *Deesser) Latency() int { return 0 }

// Process de-esses buf in place.
func (d *Deesser) Process(buf [][]float64) {
	if len(buf) == 0 || len(buf[0]) == 0 {
		return
	}
	n := len(buf[0])
	for ch, x := range buf {
		lo, hi, st := d.lo[ch][:n], d.hi[ch][:n], &d.st[ch]
		copy(lo, x)
		copy(hi, x)
		st[0].Process(&d.lpC, lo)
		st[1].Process(&d.lpC, lo)
		st[2].Process(&d.hpC, hi)
		st[3].Process(&d.hpC, hi)
	}
	gain := d.gain[:n]
	yL := d.yL
	for i := range gain {
		var p float64
		for _, hi := range d.hi[:len(buf)] {
			p = max(p, math.Abs(hi[i]))
		}
		var xL float64
		if p > d.thrLin {
			xL = min(float64(detmath.Log2(p)*dbPerOctave)-d.threshold, d.maxRed)
		}
		yL = d.bal.step(yL, xL)
		g := 1.0
		if yL != 0 {
			g = detmath.Exp2(float64(-yL * octavesPerDB))
		}
		gain[i] = g
	}
	d.yL = yL
	for ch, x := range buf {
		lo, hi := d.lo[ch][:n], d.hi[ch][:n]
		for i := range x[:n] {
			x[i] = lo[i] + float64(gain[i]*hi[i])
		}
	}
}
