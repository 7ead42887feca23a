// Package biquad designs and runs second-order IIR sections.
//
// The designers are the formulas of Robert Bristow-Johnson's "Cookbook
// formulae for audio EQ biquad filter coefficients" (the RBJ Audio EQ
// Cookbook, also published as W3C Audio EQ Cookbook note, 2021): an analog
// prototype H(s) mapped to z by the bilinear transform with the cutoff
// pre-warped, so the digital response at f equals the analog prototype at
// Ω = tan(πf/fs)/tan(πf0/fs). The tests check every designer against that
// identity, against the Cookbook's closed-form points (gain at f0, shelf
// midpoint) and against the response measured from a rendered impulse.
//
// Coefficients (Coeffs) are a value type normalised so a0 = 1, kept apart
// from filter memory (State), so they can be designed, compared and swapped
// without touching a running filter. State runs the transposed direct form
// II, which has the best numerical behaviour of the direct forms in floating
// point and needs two state words per section.
//
// Coefficients are computed with dsp/detmath's Sincos and Pow and rounded
// products instead of the math package, whose results can differ in the
// last bit between CPUs, so designs are bit-identical everywhere.
//
// Butterworth cascades of order n (even) are built from n/2 sections whose
// Qs are 1/(2 cos θk), θk = (2k+1)π/(2n): the pole pairs of the analog
// Butterworth prototype (e.g. Zölzer, "Digital Audio Signal Processing",
// 2nd ed., ch. 5).
package biquad

import (
	"math"
	"math/cmplx"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// Coeffs are the coefficients of one biquad section normalised so a0 = 1:
//
//	H(z) = (B0 + B1 z^-1 + B2 z^-2) / (1 + A1 z^-1 + A2 z^-2)
type Coeffs struct {
	B0, B1, B2, A1, A2 float64
}

// Identity is the section that passes its input unchanged.
func Identity() Coeffs { return Coeffs{B0: 1} }

// Response is the complex frequency response H(e^{jω}) at freqHz for a
// filter running at sampleRate.
func (c Coeffs) Response(freqHz, sampleRate float64) complex128 {
	w := 2 * math.Pi * freqHz / sampleRate
	z1 := cmplx.Rect(1, -w) // z^-1
	z2 := z1 * z1
	num := complex(c.B0, 0) + complex(c.B1, 0)*z1 + complex(c.B2, 0)*z2
	den := 1 + complex(c.A1, 0)*z1 + complex(c.A2, 0)*z2
	return num / den
}

// MagnitudeDB is 20·log10|H| at freqHz. A zero of the response gives -Inf.
func (c Coeffs) MagnitudeDB(freqHz, sampleRate float64) float64 {
	return 20 * math.Log10(cmplx.Abs(c.Response(freqHz, sampleRate)))
}

// Stable reports whether both poles lie strictly inside the unit circle
// (the stability triangle |A2| < 1, |A1| < 1 + A2).
func (c Coeffs) Stable() bool {
	return math.Abs(c.A2) < 1 && math.Abs(c.A1) < 1+c.A2
}

// rbj holds the intermediate values every Cookbook design starts from.
// Design arithmetic rounds every product (float64 conversions) and uses
// dsp/detmath, so coefficients are the same bits on every machine.
type rbj struct{ cosw, sinw, alpha float64 }

func newRBJ(freqHz, q, sampleRate float64) rbj {
	w0 := float64(2*math.Pi*freqHz) / sampleRate
	s, c := detmath.Sincos(w0)
	return rbj{cosw: c, sinw: s, alpha: s / float64(2*q)}
}

// norm divides by a0 so the section can drop it.
func norm(b0, b1, b2, a0, a1, a2 float64) Coeffs {
	return Coeffs{B0: b0 / a0, B1: b1 / a0, B2: b2 / a0, A1: a1 / a0, A2: a2 / a0}
}

// LowPass is the Cookbook LPF: H(s) = 1 / (s² + s/Q + 1).
// Its gain at freqHz is Q (-3.01 dB for Q = 1/√2).
func LowPass(freqHz, q, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	b := (1 - r.cosw) / 2
	return norm(b, 1-r.cosw, b, 1+r.alpha, -2*r.cosw, 1-r.alpha)
}

// HighPass is the Cookbook HPF: H(s) = s² / (s² + s/Q + 1).
func HighPass(freqHz, q, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	b := (1 + r.cosw) / 2
	return norm(b, -(1 + r.cosw), b, 1+r.alpha, -2*r.cosw, 1-r.alpha)
}

// BandPass is the Cookbook BPF with constant 0 dB peak gain:
// H(s) = (s/Q) / (s² + s/Q + 1).
func BandPass(freqHz, q, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	return norm(r.alpha, 0, -r.alpha, 1+r.alpha, -2*r.cosw, 1-r.alpha)
}

// Notch is the Cookbook notch: H(s) = (s² + 1) / (s² + s/Q + 1).
func Notch(freqHz, q, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	return norm(1, -2*r.cosw, 1, 1+r.alpha, -2*r.cosw, 1-r.alpha)
}

// AllPass is the Cookbook APF: H(s) = (s² - s/Q + 1) / (s² + s/Q + 1).
// With Q = 1/√2 it is the sum of the 4th-order Linkwitz-Riley low and high
// passes at the same frequency.
func AllPass(freqHz, q, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	return norm(1-r.alpha, -2*r.cosw, 1+r.alpha, 1+r.alpha, -2*r.cosw, 1-r.alpha)
}

// Peaking is the Cookbook peakingEQ (bell):
// H(s) = (s² + s·A/Q + 1) / (s² + s/(A·Q) + 1), A = 10^(gainDB/40).
// Its gain at freqHz is gainDB.
func Peaking(freqHz, q, gainDB, sampleRate float64) Coeffs {
	r := newRBJ(freqHz, q, sampleRate)
	a := detmath.Pow(10, gainDB/40)
	aa := float64(r.alpha * a)
	return norm(1+aa, -2*r.cosw, 1-aa, 1+r.alpha/a, -2*r.cosw, 1-r.alpha/a)
}

// shelf holds the terms the two shelves share: A, (A+1), (A-1)·cos,
// (A+1)·cos and 2·√A·alpha.
type shelf struct{ a, ap1, am1c, ap1c, k float64 }

func newShelf(freqHz, q, gainDB, sampleRate float64) shelf {
	r := newRBJ(freqHz, q, sampleRate)
	a := detmath.Pow(10, gainDB/40)
	return shelf{
		a:    a,
		ap1:  a + 1,
		am1c: float64((a - 1) * r.cosw),
		ap1c: float64((a + 1) * r.cosw),
		k:    float64(float64(2*math.Sqrt(a)) * r.alpha),
	}
}

// LowShelf is the Cookbook lowShelf:
// H(s) = A·(s² + (√A/Q)·s + A) / (A·s² + (√A/Q)·s + 1), A = 10^(gainDB/40).
// Gain is gainDB at DC, 0 dB at Nyquist and gainDB/2 at freqHz. Q = 1/√2
// is the Cookbook's shelf slope S = 1, the steepest without overshoot.
func LowShelf(freqHz, q, gainDB, sampleRate float64) Coeffs {
	s := newShelf(freqHz, q, gainDB, sampleRate)
	am1 := s.a - 1
	return norm(
		float64(s.a*((s.ap1-s.am1c)+s.k)),
		float64(2*s.a)*(am1-s.ap1c),
		float64(s.a*((s.ap1-s.am1c)-s.k)),
		(s.ap1+s.am1c)+s.k,
		-2*(am1+s.ap1c),
		(s.ap1+s.am1c)-s.k,
	)
}

// HighShelf is the Cookbook highShelf:
// H(s) = A·(A·s² + (√A/Q)·s + 1) / (s² + (√A/Q)·s + A), A = 10^(gainDB/40).
// Gain is 0 dB at DC, gainDB at Nyquist and gainDB/2 at freqHz.
func HighShelf(freqHz, q, gainDB, sampleRate float64) Coeffs {
	s := newShelf(freqHz, q, gainDB, sampleRate)
	am1 := s.a - 1
	return norm(
		float64(s.a*((s.ap1+s.am1c)+s.k)),
		float64(-2*s.a)*(am1+s.ap1c),
		float64(s.a*((s.ap1+s.am1c)-s.k)),
		(s.ap1-s.am1c)+s.k,
		2*(am1-s.ap1c),
		(s.ap1-s.am1c)-s.k,
	)
}

// ButterworthQ is the Q of section k (0 <= k < order/2) of an even-order
// Butterworth cascade: 1/(2·cos θk), θk = (2k+1)π/(2·order). Sections come
// lowest Q first. It panics if order is odd or < 2 or k is out of range:
// odd orders need a first-order section this package does not design.
func ButterworthQ(order, k int) float64 {
	if order < 2 || order%2 != 0 || k < 0 || k >= order/2 {
		panic("biquad: ButterworthQ needs an even order >= 2 and 0 <= k < order/2")
	}
	theta := float64(float64(2*k+1)*math.Pi) / float64(2*order)
	c := detmath.Cos(theta)
	return 1 / (2 * c)
}

// ButterworthQs returns the order/2 section Qs of an even-order Butterworth
// cascade (order 2, 4, 6, 8 give 12, 24, 36, 48 dB/octave). It allocates;
// use ButterworthQ or the ButterworthLowPass/HighPass designers in code that
// must not.
func ButterworthQs(order int) []float64 {
	qs := make([]float64, order/2)
	for k := range qs {
		qs[k] = ButterworthQ(order, k)
	}
	return qs
}

// ButterworthLowPass writes the order/2 sections of an even-order
// Butterworth low pass into dst and returns how many it wrote. dst must
// have room for order/2 sections. The cascade is -3.01 dB at freqHz.
func ButterworthLowPass(dst []Coeffs, order int, freqHz, sampleRate float64) int {
	n := order / 2
	for k := 0; k < n; k++ {
		dst[k] = LowPass(freqHz, ButterworthQ(order, k), sampleRate)
	}
	return n
}

// ButterworthHighPass is ButterworthLowPass for the high pass.
func ButterworthHighPass(dst []Coeffs, order int, freqHz, sampleRate float64) int {
	n := order / 2
	for k := 0; k < n; k++ {
		dst[k] = HighPass(freqHz, ButterworthQ(order, k), sampleRate)
	}
	return n
}

// FlushInterval is how often a State flushes its memory: after every
// FlushInterval samples counted from Reset (samples 64, 128, ... since
// time zero), never at block boundaries, so the output does not depend on
// how the signal is cut into blocks. Between those checkpoints the
// recursion runs without the two compares and branches per state word that
// a per-sample flush costs (about as many instructions as the filter
// itself).
//
// Why denormals still stay out: at a checkpoint every state word is 0 or
// at least dsp.DenormalThreshold (1e-30) in magnitude. To fall into the
// subnormal range (below 2.2e-308) before the next checkpoint, a free
// decay would have to lose 278 decades in 64 samples, 4.3 a sample: both
// poles of radius below 4.6e-5 (a little more allowing for one
// coefficient near zero and one cancelling sum, about 1e-4). Every RBJ
// design has a pole farther out than that, except the all-but-FIR corner
// where Q·A is within about 1e-4 of 0.5 at fs/4 (A = 1 but for bells and
// shelves). A decay that fast crosses the 16 decades of the subnormal range
// in a few samples and underflows to exact 0 (TestFlushFastPoles: at most
// 6), where without flushing a tail would idle there for its whole length.
// docs/determinism.md has the full argument.
const FlushInterval = 64

// State is the memory of one section on one channel (transposed direct
// form II). The zero value is a filter at rest.
type State struct {
	s1, s2 float64
	n      int // samples since the last flush checkpoint, 0 <= n < FlushInterval
}

// Reset clears the memory.
func (s *State) Reset() { *s = State{} }

// flush zeroes memory below dsp.DenormalThreshold: the checkpoint.
func (s *State) flush() {
	s.s1 = dsp.Flush(s.s1)
	s.s2 = dsp.Flush(s.s2)
}

// Tick filters one sample. Process is faster for blocks; both give the
// same result.
func (s *State) Tick(c *Coeffs, x float64) float64 {
	y := float64(c.B0*x) + s.s1
	s.s1 = float64(c.B1*x) - float64(c.A1*y) + s.s2
	s.s2 = float64(c.B2*x) - float64(c.A2*y)
	if s.n++; s.n == FlushInterval {
		s.flush()
		s.n = 0
	}
	return y
}

// Process filters x in place. Each product is rounded before it is added
// (the float64 conversions) so Go cannot fuse it into an FMA: output is
// bit-identical on every architecture. Memory below dsp.DenormalThreshold
// is flushed to zero every FlushInterval samples since Reset.
func (s *State) Process(c *Coeffs, x []float64) {
	for len(x) > 0 {
		m := min(len(x), FlushInterval-s.n)
		s.run(c, x[:m])
		if s.n += m; s.n == FlushInterval {
			s.flush()
			s.n = 0
		}
		x = x[m:]
	}
}

// run is the recursion over x without flushing or counting.
func (s *State) run(c *Coeffs, x []float64) {
	b0, b1, b2, a1, a2 := c.B0, c.B1, c.B2, c.A1, c.A2
	s1, s2 := s.s1, s.s2
	for i, in := range x {
		y := float64(b0*in) + s1
		s1 = float64(b1*in) - float64(a1*y) + s2
		s2 = float64(b2*in) - float64(a2*y)
		x[i] = y
	}
	s.s1, s.s2 = s1, s2
}

// Cascade is a series of sections run over N planar channels, the usual
// shape of a Butterworth or Linkwitz-Riley filter. Sections may be changed
// at any time (e.g. by automation) without touching the memory.
type Cascade struct {
	// Sections are applied in order. Change the values freely; do not
	// change the length (the memory is sized for it).
	Sections []Coeffs
	state    []State // state[ch*len(Sections)+k]
	channels int
}

// NewCascade returns a cascade of the given number of sections (all
// Identity) for the given number of channels. It allocates.
func NewCascade(sections, channels int) *Cascade {
	c := &Cascade{
		Sections: make([]Coeffs, sections),
		state:    make([]State, sections*channels),
		channels: channels,
	}
	for k := range c.Sections {
		c.Sections[k] = Identity()
	}
	return c
}

// Channels is the number of channels the cascade was made for.
func (c *Cascade) Channels() int { return c.channels }

// Reset clears every channel's memory.
func (c *Cascade) Reset() { clear(c.state) }

// ProcessChannel filters one channel in place.
func (c *Cascade) ProcessChannel(ch int, x []float64) {
	n := len(c.Sections)
	st := c.state[ch*n : ch*n+n]
	for k := range c.Sections {
		st[k].Process(&c.Sections[k], x)
	}
}

// Process filters every channel of a planar block in place.
// len(buf) must not exceed Channels.
func (c *Cascade) Process(buf [][]float64) {
	for ch, x := range buf {
		c.ProcessChannel(ch, x)
	}
}

// Response is the product of the sections' responses.
func (c *Cascade) Response(freqHz, sampleRate float64) complex128 {
	return ResponseOf(c.Sections, freqHz, sampleRate)
}

// ResponseOf is the response of a series of sections.
func ResponseOf(sections []Coeffs, freqHz, sampleRate float64) complex128 {
	h := complex(1, 0)
	for _, s := range sections {
		h *= s.Response(freqHz, sampleRate)
	}
	return h
}
