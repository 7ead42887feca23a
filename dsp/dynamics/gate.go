package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
)

// GateHysteresisDB is how far below the threshold the key must fall before
// a gate that is open starts to close (it opens at threshold and closes
// below threshold - GateHysteresisDB), so a level hovering around the
// threshold does not chatter. 3 dB is a common fixed value on console
// gates; it is not a mix-language parameter.
const GateHysteresisDB = 3

// GateParams configures a Gate. Units are in the field names.
type GateParams struct {
	ThresholdDB float64 // sample peak (max over channels) that opens the gate, dBFS
	RangeDB     float64 // gain when closed, dB (<= 0; -80 is practically off)
	AttackMS    float64 // time constant (63%) of opening, ms
	HoldMS      float64 // time the gate stays fully open after the key falls below the close level, ms
	ReleaseMS   float64 // time constant (63%) of closing, ms
}

// GateParamTable lists the gate's numeric parameters.
var GateParamTable = []dsp.Param{
	{Name: "threshold", Unit: "dB", Min: -90, Max: 0, Default: -50, Doc: "Peak level that opens the gate; it closes 3 dB below (hysteresis)."},
	{Name: "range", Unit: "dB", Min: -120, Max: 0, Default: -80, Doc: "Gain while the gate is closed."},
	{Name: "attack", Unit: "ms", Min: 0.01, Max: 100, Default: 0.5, Doc: "Time constant (63%) of opening."},
	{Name: "hold", Unit: "ms", Min: 0, Max: 2000, Default: 20, Doc: "Time the gate stays open after the level falls below the close level."},
	{Name: "release", Unit: "ms", Min: 1, Max: 5000, Default: 100, Doc: "Time constant (63%) of closing."},
}

// DefaultGateParams returns the defaults of GateParamTable.
func DefaultGateParams() GateParams {
	return GateParams{ThresholdDB: -50, RangeDB: -80, AttackMS: 0.5, HoldMS: 20, ReleaseMS: 100}
}

// Gate is a stereo-linked noise gate with hysteresis and hold.
//
// The key is the sample peak max|x| over channels, compared in the linear
// domain (no logarithms). The gate opens when the key reaches the threshold
// and closes once the key has stayed below threshold - GateHysteresisDB for
// hold samples: with the last loud sample at index E-1, the gain is exactly
// 1 (when fully open) up to E+hold-1 and starts to fall at E+hold. The gain
// moves between 1 and the range gain with a one-pole in the linear
// amplitude domain: g += (1-alpha)(target - g), alpha = exp(-1/(tau*fs)),
// tau = attack when opening and release when closing. The gain reaches its
// target exactly (the remaining distance decays to dsp.Flush's threshold
// and is dropped), so a settled open gate passes the signal bit-identically.
// The gate starts closed after Reset.
//
// It is also a dsp.KeyedProcessor: ProcessKeyed gates buf from a sidechain
// key of any channel count.
type Gate struct {
	p        GateParams
	spec     dsp.Spec
	prepared bool

	openLevel, closeLevel float64 // linear key levels
	rangeGain             float64
	attack, release       float64 // one-pole coefficients
	holdSamples           int

	open     bool
	holdLeft int
	// The gain is target + dev, target being 1 (open) or the range gain
	// (closed). Keeping the deviation, not the gain, as state lets it decay
	// all the way to 0: a one-pole on the gain itself stalls a few ulps
	// short of its target once (1-alpha)*distance rounds away.
	dev  float64
	gain []float64
}

// NewGate returns a gate with parameters p. Call Prepare before processing.
func NewGate(p GateParams) *Gate {
	g := &Gate{}
	g.SetParams(p)
	return g
}

// Params returns the current parameters.
func (g *Gate) Params() GateParams { return g.p }

// Prepare sizes the gain buffer and resets.
func (g *Gate) Prepare(spec dsp.Spec) {
	g.spec = spec
	g.prepared = true
	g.gain = make([]float64, spec.MaxBlock)
	g.SetParams(g.p)
	g.Reset()
}

// Reset closes the gate.
func (g *Gate) Reset() {
	g.open = false
	g.holdLeft = 0
	g.dev = 0
}

// SetParams changes parameters without allocating or resetting state.
func (g *Gate) SetParams(p GateParams) {
	g.p = p
	g.openLevel = dsp.DBToGain(p.ThresholdDB)
	g.closeLevel = dsp.DBToGain(p.ThresholdDB - GateHysteresisDB)
	g.rangeGain = dsp.DBToGain(min(p.RangeDB, 0))
	if !g.prepared {
		return
	}
	fs := g.spec.SampleRate
	g.attack = timeCoeff(p.AttackMS, fs)
	g.release = timeCoeff(p.ReleaseMS, fs)
	g.holdSamples = msToSamples(p.HoldMS, fs)
}

// Latency is 0: the gate has no lookahead.
func (g *Gate) Latency() int { return 0 }

// Process gates buf in place, keyed by buf itself.
func (g *Gate) Process(buf [][]float64) { g.ProcessKeyed(buf, buf) }

// ProcessKeyed gates buf in place, keyed by key (which may alias buf).
func (g *Gate) ProcessKeyed(buf, key [][]float64) {
	if len(buf) == 0 || len(buf[0]) == 0 {
		return
	}
	n := len(buf[0])
	gain := g.gain[:n]
	open, holdLeft, dev := g.open, g.holdLeft, g.dev
	for i := range gain {
		wasOpen := open
		var p float64
		for _, k := range key {
			p = max(p, math.Abs(k[i]))
		}
		switch {
		case p >= g.openLevel:
			open, holdLeft = true, g.holdSamples
		case !open:
		case p >= g.closeLevel:
			holdLeft = g.holdSamples
		case holdLeft > 0:
			holdLeft--
		default:
			open = false
		}
		if open != wasOpen {
			// Same gain, measured from the new target.
			if open {
				dev = (g.rangeGain + dev) - 1
			} else {
				dev = (1 + dev) - g.rangeGain
			}
		}
		target, a := g.rangeGain, g.release
		if open {
			target, a = 1, g.attack
		}
		dev = dsp.Flush(float64(a * dev))
		gain[i] = target + dev
	}
	g.open, g.holdLeft, g.dev = open, holdLeft, dev
	for _, x := range buf {
		x = x[:n]
		for i, gi := range gain {
			x[i] *= gi
		}
	}
}
