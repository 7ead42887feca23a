// Package stereo is the stereo width effect:
//
//	stereo { width = 1.2, mono_below = 120 }
//
// It works on mid/side: M = (L+R)/2, S = (L-R)/2, L' = M' + S',
// R' = M' - S' (Blumlein's sum-and-difference matrix).
//
//   - width scales the side signal: 0 is mono (L' == R' exactly), 1 leaves
//     the image unchanged, 2 doubles the side level.
//   - mono_below (Hz, 0 = off) removes the side signal below that frequency
//     with a 4th-order Linkwitz-Riley high pass (two cascaded RBJ
//     Butterworth 2nd-order high passes, Q = 1/√2): -6.02 dB at the
//     frequency, 24 dB/octave below it, so the bass is mono. The mid
//     signal goes through the matching 2nd-order all-pass (RBJ APF,
//     Q = 1/√2), which is exactly LR4 low + LR4 high (Linkwitz 1976; the
//     bilinear transform keeps the identity). Mid and side therefore keep
//     the same phase above the crossover, so a source panned hard left
//     stays hard left there instead of leaking into the right channel;
//     the cost is the all-pass's phase rotation (flat magnitude) around
//     the crossover. The frequency is clamped to 0.49·fs.
//
// The effect is inherently stereo: with a channel count other than 2 the
// processor passes audio through untouched. With width = 1 and
// mono_below = 0 it also passes through untouched (bit-identical).
// Latency is zero.
//
// Switching mono_below on starts its filters from rest; switching it off
// drops the all-pass phase, a small discontinuity: it is meant to be set,
// not swept through 0. width and the frequency may be automated freely.
package stereo

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

// Params are the stereo settings.
type Params struct {
	Width       float64 // side gain: 0 mono, 1 unchanged, 2 double
	MonoBelowHz float64 // side high-pass corner, Hz; 0 = off
}

// ParamTable lists the parameters for the mix language.
var ParamTable = []dsp.Param{
	{Name: "width", Unit: "", Min: 0, Max: 2, Default: 1,
		Doc: "Side level relative to mid: 0 is mono, 1 unchanged, 2 twice as wide."},
	{Name: "mono_below", Unit: "Hz", Min: 0, Max: 500, Default: 0,
		Doc: "Makes everything below this frequency mono (24 dB/oct Linkwitz-Riley on the side signal); 0 is off."},
}

// Stereo is the width processor. It implements dsp.Processor.
type Stereo struct {
	p      Params
	spec   dsp.Spec
	hp     biquad.Coeffs   // Butterworth 2nd-order high pass, run twice
	ap     biquad.Coeffs   // matching all-pass for the mid
	sState [2]biquad.State // side: LR4 = two high-pass sections
	mState biquad.State    // mid all-pass
	mid    []float64       // scratch, MaxBlock
	side   []float64       // scratch, MaxBlock
	active bool            // prepared for 2 channels
}

// New returns a stereo processor; call Prepare before Process.
func New(p Params) *Stereo {
	s := &Stereo{}
	s.SetParams(p)
	return s
}

// SetParams changes the settings without allocating or clearing memory.
// Values are clamped to the ParamTable ranges.
func (s *Stereo) SetParams(p Params) {
	p.Width = math.Min(math.Max(p.Width, 0), 2)
	p.MonoBelowHz = math.Min(math.Max(p.MonoBelowHz, 0), 500)
	s.p = p
	s.design()
}

// Params returns the current (clamped) settings.
func (s *Stereo) Params() Params { return s.p }

func (s *Stereo) design() {
	if s.spec.SampleRate <= 0 || s.p.MonoBelowHz == 0 {
		return
	}
	f := math.Min(s.p.MonoBelowHz, 0.49*s.spec.SampleRate)
	s.hp = biquad.HighPass(f, math.Sqrt2/2, s.spec.SampleRate)
	s.ap = biquad.AllPass(f, math.Sqrt2/2, s.spec.SampleRate)
}

// Prepare allocates for spec. Any channel count other than 2 makes the
// processor a pass-through.
func (s *Stereo) Prepare(spec dsp.Spec) {
	s.spec = spec
	s.active = spec.Channels == 2
	if s.active {
		s.mid = make([]float64, spec.MaxBlock)
		s.side = make([]float64, spec.MaxBlock)
	}
	s.design()
	s.Reset()
}

// Reset clears the crossover memory.
func (s *Stereo) Reset() {
	s.sState = [2]biquad.State{}
	s.mState = biquad.State{}
}

// Latency is zero.
func (s *Stereo) Latency() int { return 0 }

// Process applies the width in place to a 2-channel block.
func (s *Stereo) Process(buf [][]float64) {
	if !s.active || len(buf) != 2 {
		return
	}
	mono := s.p.MonoBelowHz > 0
	w := s.p.Width
	if w == 1 && !mono {
		return // the identity, bit for bit
	}
	l, r := buf[0], buf[1]
	r = r[:len(l)]
	mid, side := s.mid[:len(l)], s.side[:len(l)]
	for i := range l {
		mid[i] = 0.5 * (l[i] + r[i])
		side[i] = float64(w * float64(0.5*(l[i]-r[i])))
	}
	if mono {
		s.sState[0].Process(&s.hp, side)
		s.sState[1].Process(&s.hp, side)
		s.mState.Process(&s.ap, mid)
	}
	for i := range l {
		l[i] = mid[i] + side[i]
		r[i] = mid[i] - side[i]
	}
}
