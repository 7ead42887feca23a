// Package eq is the parametric equaliser effect: a series of bands, each
// one or more biquad sections designed with the RBJ Audio EQ Cookbook
// (see package biquad), run in source order over N planar channels.
//
// In the mix language:
//
//	eq {
//	  highpass  { freq = 30, slope = 24 }
//	  lowpass   { freq = 18000, slope = 12 }
//	  lowshelf  { freq = 120, gain = 2, q = 0.707 }
//	  bell      { freq = 400, gain = -3, q = 1.4 }
//	  highshelf { freq = 10000, gain = 1.5 }
//	  notch     { freq = 60, q = 10 }
//	  bandpass  { freq = 1000, q = 1 }
//	}
//
// highpass and lowpass take slope = 12, 24, 36 or 48 dB/octave (other
// values are rounded to the nearest of these). Slope 12
// is one Cookbook section with the band's q (default 1/√2, Butterworth);
// steeper slopes are Butterworth cascades of order slope/6 (2, 4, 6 or 8
// poles), whose section Qs are fixed, so q is ignored. Every band is
// -3.01 dB at freq when q is the default. Shelves are gain/2 at freq,
// bells gain at freq, bandpass 0 dB at freq (constant peak gain), notch a
// zero at freq.
//
// Ranges (BandParams lists them): freq 10..24000 Hz, gain -24..+24 dB,
// q 0.1..40. The processor clamps defensively as well, and clamps freq to
// at most 0.49 × the sample rate it runs at: a bilinear design cannot
// place a corner at or above Nyquist, so an 18 kHz lowpass rendered at
// 32 kHz becomes a 15.68 kHz lowpass. The latency is zero.
//
// SetParams recomputes coefficients without allocating (as long as the
// band count does not grow) and without clearing filter memory, so
// automation can change freq, gain, q, slope or even the kind of a band
// every few samples. Sections that a slope change newly switches on start
// from zero memory.
package eq

import (
	"math"
	"math/cmplx"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

// Kind is the type of a band.
type Kind int

// The band kinds, named in the mix language by Kind.String.
const (
	HighPass Kind = iota
	LowPass
	LowShelf
	Bell
	HighShelf
	Notch
	BandPass
)

// MaxSections is the number of biquad sections of the steepest band
// (48 dB/octave = 8th-order Butterworth).
const MaxSections = 4

// Slopes are the accepted highpass/lowpass slopes in dB/octave.
var Slopes = []int{12, 24, 36, 48}

// Band is one band of the equaliser. Zero Q means the kind's default Q,
// zero Slope means 12 dB/octave.
type Band struct {
	Kind   Kind
	FreqHz float64 // corner, centre or shelf midpoint frequency
	GainDB float64 // lowshelf, bell, highshelf only
	Q      float64 // ignored by highpass/lowpass steeper than 12 dB/octave
	Slope  int     // dB/octave, highpass/lowpass only: 12, 24, 36 or 48
}

// Params is the whole equaliser: bands in processing (source) order.
type Params struct {
	Bands []Band
}

// KindInfo describes one band kind for the language layer and docs.
type KindInfo struct {
	Kind   Kind
	Name   string      // block name in the mix language
	Params []dsp.Param // its numeric parameters
}

func freqParam(def float64) dsp.Param {
	return dsp.Param{Name: "freq", Unit: "Hz", Min: 10, Max: 24000, Default: def,
		Doc: "Corner, centre or shelf midpoint frequency; clamped to 0.49 × the sample rate."}
}

var (
	gainParam = dsp.Param{Name: "gain", Unit: "dB", Min: -24, Max: 24, Default: 0,
		Doc: "Gain at the centre (bell) or of the shelf (gain/2 at freq)."}
	slopeParam = dsp.Param{Name: "slope", Unit: "dB/oct", Min: 12, Max: 48, Default: 12,
		Doc: "Roll-off: 12, 24, 36 or 48 dB/octave (Butterworth, order slope/6)."}
)

func qParam(def float64, doc string) dsp.Param {
	return dsp.Param{Name: "q", Unit: "", Min: 0.1, Max: 40, Default: def, Doc: doc}
}

// Kinds lists every band kind with its parameters, in a fixed order.
var Kinds = []KindInfo{
	{HighPass, "highpass", []dsp.Param{freqParam(30), slopeParam,
		qParam(math.Sqrt2/2, "Resonance, slope 12 only (0.7071 is Butterworth).")}},
	{LowPass, "lowpass", []dsp.Param{freqParam(18000), slopeParam,
		qParam(math.Sqrt2/2, "Resonance, slope 12 only (0.7071 is Butterworth).")}},
	{LowShelf, "lowshelf", []dsp.Param{freqParam(120), gainParam,
		qParam(math.Sqrt2/2, "Shelf steepness; 0.7071 is the steepest without overshoot.")}},
	{Bell, "bell", []dsp.Param{freqParam(1000), gainParam,
		qParam(1, "Bandwidth: higher is narrower.")}},
	{HighShelf, "highshelf", []dsp.Param{freqParam(10000), gainParam,
		qParam(math.Sqrt2/2, "Shelf steepness; 0.7071 is the steepest without overshoot.")}},
	{Notch, "notch", []dsp.Param{freqParam(60),
		qParam(10, "Width of the notch: higher is narrower.")}},
	{BandPass, "bandpass", []dsp.Param{freqParam(1000),
		qParam(1, "Bandwidth: higher is narrower; the peak stays at 0 dB.")}},
}

// String is the kind's block name in the mix language.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(Kinds) {
		return Kinds[k].Name
	}
	return "unknown"
}

// ParseKind looks a block name up.
func ParseKind(name string) (Kind, bool) {
	for _, ki := range Kinds {
		if ki.Name == name {
			return ki.Kind, true
		}
	}
	return 0, false
}

// BandParams is the parameter table of a band kind (nil if unknown).
func BandParams(k Kind) []dsp.Param {
	if k >= 0 && int(k) < len(Kinds) {
		return Kinds[k].Params
	}
	return nil
}

// ParamTable is empty: the eq has no parameters of its own, only bands.
// See Kinds and BandParams.
var ParamTable = []dsp.Param{}

// NewBand is a band of the given kind with every parameter at its default.
func NewBand(k Kind) Band {
	b := Band{Kind: k, Slope: 12}
	for _, p := range BandParams(k) {
		b.SetParam(p.Name, p.Default)
	}
	return b
}

// SetParam sets a parameter by its mix-language name and reports whether
// the band kind has it. Slope is rounded to an integer.
func (b *Band) SetParam(name string, v float64) bool {
	for _, p := range BandParams(b.Kind) {
		if p.Name != name {
			continue
		}
		switch name {
		case "freq":
			b.FreqHz = v
		case "gain":
			b.GainDB = v
		case "q":
			b.Q = v
		case "slope":
			b.Slope = int(math.Round(v))
		}
		return true
	}
	return false
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func defaultQ(k Kind) float64 {
	for _, p := range BandParams(k) {
		if p.Name == "q" {
			return p.Default
		}
	}
	return math.Sqrt2 / 2
}

// Design writes the sections of band b at sampleRate into dst (which must
// hold MaxSections) after clamping its parameters, and returns how many it
// wrote. It does not allocate.
func Design(b Band, sampleRate float64, dst []biquad.Coeffs) int {
	f := clamp(b.FreqHz, 10, 24000)
	f = math.Min(f, 0.49*sampleRate)
	g := clamp(b.GainDB, -24, 24)
	q := b.Q
	if q == 0 {
		q = defaultQ(b.Kind)
	}
	q = clamp(q, 0.1, 40)
	switch b.Kind {
	case HighPass, LowPass:
		order := 2 * int(clamp(math.Round(float64(b.Slope)/12), 1, MaxSections))
		if order == 2 {
			if b.Kind == HighPass {
				dst[0] = biquad.HighPass(f, q, sampleRate)
			} else {
				dst[0] = biquad.LowPass(f, q, sampleRate)
			}
			return 1
		}
		if b.Kind == HighPass {
			return biquad.ButterworthHighPass(dst, order, f, sampleRate)
		}
		return biquad.ButterworthLowPass(dst, order, f, sampleRate)
	case LowShelf:
		dst[0] = biquad.LowShelf(f, q, g, sampleRate)
	case Bell:
		dst[0] = biquad.Peaking(f, q, g, sampleRate)
	case HighShelf:
		dst[0] = biquad.HighShelf(f, q, g, sampleRate)
	case Notch:
		dst[0] = biquad.Notch(f, q, sampleRate)
	case BandPass:
		dst[0] = biquad.BandPass(f, q, sampleRate)
	default:
		dst[0] = biquad.Identity()
	}
	return 1
}

// EQ is the equaliser processor. It implements dsp.Processor.
type EQ struct {
	bands    []Band
	coeffs   []biquad.Coeffs // MaxSections per band
	nsec     []int           // sections in use per band
	state    []biquad.State  // [ch][band][section], flattened
	spec     dsp.Spec
	prepared bool

	// The sections in use, packed in processing order, so Process can run
	// them fused (biquad.ProcessSeries2): their coefficients, their slot
	// (band*MaxSections + section) in state, and room for two channels'
	// packed memory.
	run     []biquad.Coeffs
	runSlot []int
	scratch []biquad.State
}

// New returns an equaliser with the given bands. Call Prepare before
// Process.
func New(p Params) *EQ {
	e := &EQ{}
	e.SetParams(p)
	return e
}

// SetParams replaces the bands. It allocates only when there are more
// bands than ever before; it never clears the memory of a running section.
func (e *EQ) SetParams(p Params) {
	n := len(p.Bands)
	if n > cap(e.bands) {
		e.grow(n)
	}
	old := len(e.bands)
	e.bands = e.bands[:n]
	copy(e.bands, p.Bands)
	e.nsec = e.nsec[:n]
	for b := old; b < n; b++ {
		e.nsec[b] = 0 // an added band starts from zero memory
	}
	e.coeffs = e.coeffs[:n*MaxSections]
	if e.prepared {
		e.design()
	}
}

// Params returns a copy of the current bands, for a caller (automation)
// that changes one and hands them back to SetParams.
func (e *EQ) Params() Params { return Params{Bands: append([]Band(nil), e.bands...)} }

// grow makes room for n bands, keeping the memory of the existing ones.
func (e *EQ) grow(n int) {
	bands := make([]Band, len(e.bands), n)
	copy(bands, e.bands)
	e.bands = bands
	e.nsec = append(make([]int, 0, n), e.nsec...)
	e.coeffs = append(make([]biquad.Coeffs, 0, n*MaxSections), e.coeffs...)
	e.run = make([]biquad.Coeffs, 0, n*MaxSections)
	e.runSlot = make([]int, 0, n*MaxSections)
	e.scratch = make([]biquad.State, 2*n*MaxSections)
	if e.prepared {
		old, oldStride := e.state, len(e.state)/max(e.spec.Channels, 1)
		e.state = make([]biquad.State, e.spec.Channels*n*MaxSections)
		for ch := 0; ch < e.spec.Channels; ch++ {
			copy(e.state[ch*n*MaxSections:], old[ch*oldStride:(ch+1)*oldStride])
		}
	}
}

// design recomputes every band's coefficients at the prepared rate.
func (e *EQ) design() {
	stride := cap(e.bands) * MaxSections
	for b := range e.bands {
		n := Design(e.bands[b], e.spec.SampleRate, e.coeffs[b*MaxSections:(b+1)*MaxSections])
		if prev := e.nsec[b]; n > prev {
			// Sections switched on now must not start from stale memory.
			for ch := 0; ch < e.spec.Channels; ch++ {
				clear(e.state[ch*stride+b*MaxSections+prev : ch*stride+b*MaxSections+n])
			}
		}
		e.nsec[b] = n
	}
	e.run, e.runSlot = e.run[:0], e.runSlot[:0]
	for b, n := range e.nsec {
		for k := b * MaxSections; k < b*MaxSections+n; k++ {
			e.run = append(e.run, e.coeffs[k])
			e.runSlot = append(e.runSlot, k)
		}
	}
}

// Prepare sizes the memory for spec and designs the bands at its rate.
func (e *EQ) Prepare(spec dsp.Spec) {
	e.spec = spec
	e.state = make([]biquad.State, spec.Channels*cap(e.bands)*MaxSections)
	clear(e.nsec)
	e.prepared = true
	e.design()
}

// Reset clears the filter memory.
func (e *EQ) Reset() { clear(e.state) }

// Latency is zero: the bands are minimum-phase IIR filters.
func (e *EQ) Latency() int { return 0 }

// Process filters buf in place, band after band. The sections run fused,
// two channels at a time (biquad.ProcessSeries2), which gives exactly the
// output of running them one by one, about twice as fast.
func (e *EQ) Process(buf [][]float64) {
	n := len(e.run)
	s0, s1 := e.scratch[:n], e.scratch[n:2*n]
	ch := 0
	for ; ch+1 < len(buf); ch += 2 {
		e.gather(ch, s0)
		e.gather(ch+1, s1)
		biquad.ProcessSeries2(e.run, s0, s1, buf[ch], buf[ch+1])
		e.scatter(ch, s0)
		e.scatter(ch+1, s1)
	}
	if ch < len(buf) {
		e.gather(ch, s0)
		biquad.ProcessSeries(e.run, s0, buf[ch])
		e.scatter(ch, s0)
	}
}

// ProcessPair implements dsp.PairProcessor: this EQ over buf and other
// (an *EQ) over obuf, both stereo with four sections in use, in one pass
// (biquad.ProcessSeries2Pair), each with exactly Process's output. It
// reports false, having changed nothing, for any other shape.
func (e *EQ) ProcessPair(buf [][]float64, other dsp.Processor, obuf [][]float64) bool {
	if !e.Pairs(other) || len(buf) != 2 || len(obuf) != 2 || len(obuf[0]) != len(buf[0]) {
		return false
	}
	o := other.(*EQ)
	a0, a1 := e.scratch[:4], e.scratch[4:8]
	b0, b1 := o.scratch[:4], o.scratch[4:8]
	e.gather(0, a0)
	e.gather(1, a1)
	o.gather(0, b0)
	o.gather(1, b1)
	if !biquad.ProcessSeries2Pair(e.run, a0, a1, buf[0], buf[1], o.run, b0, b1, obuf[0], obuf[1]) {
		return false // the gathered copies are dropped: nothing changed
	}
	e.scatter(0, a0)
	e.scatter(1, a1)
	o.scatter(0, b0)
	o.scatter(1, b1)
	return true
}

// Pairs implements dsp.PairProcessor: other is another *EQ, both are
// stereo with four sections in use, and biquad has a pair kernel here.
func (e *EQ) Pairs(other dsp.Processor) bool {
	o, ok := other.(*EQ)
	return ok && o != e && biquad.PairKernel() && e.spec.Channels == 2 && o.spec.Channels == 2 && len(e.run) == 4 && len(o.run) == 4
}

// gather copies channel ch's memory of the sections in use into dst.
func (e *EQ) gather(ch int, dst []biquad.State) {
	st := e.state[ch*cap(e.bands)*MaxSections:]
	for j, k := range e.runSlot {
		dst[j] = st[k]
	}
}

// scatter is gather's inverse.
func (e *EQ) scatter(ch int, src []biquad.State) {
	st := e.state[ch*cap(e.bands)*MaxSections:]
	for j, k := range e.runSlot {
		st[k] = src[j]
	}
}

// Response is the designed complex response of the whole equaliser at
// freqHz, at the prepared sample rate: the product of its sections.
func (e *EQ) Response(freqHz float64) complex128 {
	h := complex(1, 0)
	for b, n := range e.nsec {
		h *= biquad.ResponseOf(e.coeffs[b*MaxSections:b*MaxSections+n], freqHz, e.spec.SampleRate)
	}
	return h
}

// MagnitudeDB is 20·log10|Response(freqHz)|.
func (e *EQ) MagnitudeDB(freqHz float64) float64 {
	return 20 * math.Log10(cmplx.Abs(e.Response(freqHz)))
}
