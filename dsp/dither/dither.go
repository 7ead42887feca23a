// Package dither reduces word length for integer outputs: the last stage
// before a mix is written as 8-, 16-, 24- or 32-bit PCM.
//
// # Kinds
//
// An output's dither attribute selects one of three kinds (Kinds):
//
//   - "none": plain rounding, exactly the WAV writer's rule
//     (audiofile.Quantize): v = roundHalfEven(x*S), clipped to [-S, S-1],
//     with S = audiofile.IntScale(bits) = 2^(bits-1). The error is
//     deterministic and correlated with the signal: harmonic distortion on
//     quiet material, and a constant input between grid points gives a
//     constant error (mean square 0, 1/16, 1/4, 1/16 LSB^2 at 0, 1/4, 1/2,
//     3/4 LSB).
//   - "tpdf": triangular-PDF dither of +-1 LSB peak (the sum of two
//     independent uniform variates of 1 LSB width) added before rounding
//     (Vanderkooy and Lipshitz, "Dither in Digital Audio", JAES 35(12),
//     1987; Wannamaker, Lipshitz and Vanderkooy, "A Theory of
//     Nonsubtractive Dither", IEEE Trans. Signal Processing 48(2), 2000).
//     The total error then has mean 0 and power 1/6 + 1/12 = 1/4 LSB^2
//     whatever the input, and is white: -96.3 dBFS RMS at 16 bits, 4.8 dB
//     above undithered rounding, with no distortion or noise modulation.
//   - "shaped": the same TPDF dither inside an error-feedback loop whose
//     fixed filter (ShapingCoeffs, Lipshitz/Vanderkooy/Wannamaker 1991)
//     keeps the error 14-27 dB down from DC to 5 kHz, deepest at 4 kHz
//     where hearing is most sensitive, and moves it into the top octave:
//     17.1 dB less error in 1-4 kHz than "tpdf" at 44.1 kHz, for 12.2 dB
//     more total error power.
//
// # Output grid
//
// Process replaces every sample by v/S with v an integer in [-S, S-1], so
// values lie exactly on the writer's grid and audiofile writes them without
// further rounding error. Inputs above full scale clip (counted by Clipped;
// +1.0 itself is one LSB above the largest code and counts as a clip, as in
// the writer). NaN is treated as a 0 input and ±Inf as a far out-of-range
// one; both are counted by NonFinite, not Clipped. No NaN or Inf is ever
// output.
//
// Clipping in "shaped" feeds back only the error before the clip, which by
// construction is within 1.5 LSB (in effect, the fed-back error is clipped
// to +-1.5 LSB), so overload cannot wind the loop up or make it unstable:
// the filter never sees the clip, and the shaped error stays within
// 14.04 LSB (1.5 * (1 + sum |c_k|)). So a signal that stays 15.04 LSB
// ("shaped") or 2.5 LSB ("tpdf") below the largest code never clips: at
// 16 bits that is 0.004 dB and 0.0007 dB below full scale.
//
// # Bit depths and float outputs
//
// Dither applies to integer outputs only; float outputs are written
// unquantised and the graph does not use this package for them. At 24 and
// 32 bits dither works at that LSB, which is fine and far below audibility
// (TPDF at 24 bits is -144.5 dBFS RMS). Kind "shaped" is designed for
// 44.1 kHz and is usable at 48 kHz (see ShapingDesignRateHz); at other
// rates its response scales with the rate.
//
// # Determinism
//
// The dither comes from xoshiro256** seeded through SplitMix64 from the
// caller's seed (the graph derives it from the output's address, e.g.
// graph.Seed("output.cd")), one non-overlapping stream per channel:
// channel c is channel 0's stream advanced by c*2^128 draws, so channel c
// of a stereo file equals channel c of the same signal dithered with more
// channels. Each channel consumes exactly one 64-bit draw per sample (none
// for "none"), all arithmetic is exact or explicitly rounded IEEE (no FMA),
// and nothing depends on block boundaries: the same input and seed give
// bit-identical output for any block size, on any machine.
//
// Digital silence is not detected: with "tpdf" a zero input comes out as
// 0 with probability 3/4 and +-1 LSB with probability 1/8 each, and with
// "shaped" as shaped noise of 2.0 LSB RMS. Switching dither off on
// silence (as SoX's -a does) would make the error depend on the signal
// again, and gate the noise floor audibly at the end of a fade.
package dither

import (
	"fmt"
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/audiofile"
)

// Kind is a word-length reduction method.
type Kind int

// The kinds, in the order of Kinds.
const (
	None   Kind = iota // round to the grid
	TPDF               // triangular-PDF dither, then round
	Shaped             // TPDF dither with noise-shaped error feedback
)

// Kinds are the mix-language names of the kinds, indexed by Kind.
var Kinds = []string{"none", "tpdf", "shaped"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(Kinds) {
		return Kinds[k]
	}
	return "unknown"
}

// ParseKind looks a kind up by its mix-language name.
func ParseKind(name string) (Kind, bool) {
	for i, n := range Kinds {
		if n == name {
			return Kind(i), true
		}
	}
	return 0, false
}

// ErrorPowerLSB2 returns the expected mean-square error of kind in LSB^2
// for a signal far from clipping: 1/4 for TPDF (dither 1/6 plus rounding
// 1/12), ShapingGain()/4 = 4.14 for shaped, and 1/12 for none, which holds
// only on average over busy signals (the rounding error of "none" depends
// on the signal).
func (k Kind) ErrorPowerLSB2() float64 {
	switch k {
	case TPDF:
		return 0.25
	case Shaped:
		return 0.25 * ShapingGain()
	}
	return 1.0 / 12
}

// MaxErrorLSB returns the largest possible |output - input| of kind, in
// LSB, for an input that does not clip: 0.5 for none, 1.5 for TPDF (half
// an LSB of rounding plus less than 1 LSB of dither) and
// 1.5 * (1 + sum |c_k|) = 14.04 for shaped. A signal whose peaks stay
// 1 + MaxErrorLSB() LSB below full scale never clips. It bounds the
// sample values; an inter-sample (true) peak of the error can be larger.
func (k Kind) MaxErrorLSB() float64 {
	switch k {
	case TPDF:
		return 1.5
	case Shaped:
		s := 1.0
		for _, c := range shapingCoeffs {
			s += math.Abs(c)
		}
		return 1.5 * s
	}
	return 0.5
}

// channelState is one channel's running state: its random stream and, for
// "shaped", the last ShapingTaps total errors in LSB, newest first.
type channelState struct {
	rng  xoshiro256
	errs [ShapingTaps]float64
}

// Quantizer reduces planar float64 blocks to an integer grid in place. It
// implements dsp.Processor with zero latency. It is not safe for
// concurrent use.
type Quantizer struct {
	kind      Kind
	bits      int
	seed      uint64
	scale     float64 // S = 2^(bits-1)
	inv       float64 // 1/S, exact
	lo, hi    float64 // -S and S-1
	start     []xoshiro256
	ch        []channelState
	clipped   int64
	nonFinite int64
}

var _ dsp.Processor = (*Quantizer)(nil)

// New returns a quantizer for channels channels of bitDepth-bit integer
// output (8, 16, 24 or 32), with its random streams derived from seed. It
// panics on any other depth or a channel count below 1: the language layer
// validates both before the graph is built.
func New(kind Kind, bitDepth, channels int, seed uint64) *Quantizer {
	s := audiofile.IntScale(bitDepth)
	if s == 0 {
		panic(fmt.Sprintf("dither: unsupported bit depth %d (want 8, 16, 24 or 32)", bitDepth))
	}
	if kind < None || kind > Shaped {
		panic(fmt.Sprintf("dither: unknown kind %d", int(kind)))
	}
	q := &Quantizer{kind: kind, bits: bitDepth, seed: seed, scale: s, inv: 1 / s, lo: -s, hi: s - 1}
	q.setChannels(channels)
	return q
}

func (q *Quantizer) setChannels(channels int) {
	if channels < 1 {
		panic(fmt.Sprintf("dither: %d channels", channels))
	}
	q.start = make([]xoshiro256, channels)
	q.ch = make([]channelState, channels)
	g := newXoshiro256(q.seed)
	for c := range q.start {
		q.start[c] = g
		g.jump()
	}
	q.Reset()
}

// Prepare sizes the quantizer for spec.Channels channels and resets it.
// The sample rate and block size do not matter to it.
func (q *Quantizer) Prepare(spec dsp.Spec) {
	if spec.Channels != len(q.ch) {
		q.setChannels(spec.Channels)
		return
	}
	q.Reset()
}

// Reset returns every channel to the start of its random stream, clears the
// shaping filter and the Clipped and NonFinite counts.
func (q *Quantizer) Reset() {
	for c := range q.ch {
		q.ch[c] = channelState{rng: q.start[c]}
	}
	q.clipped = 0
	q.nonFinite = 0
}

// Latency is zero: the quantizer works sample by sample.
func (q *Quantizer) Latency() int { return 0 }

// Kind returns the quantizer's kind.
func (q *Quantizer) Kind() Kind { return q.kind }

// BitDepth returns the target integer bit depth.
func (q *Quantizer) BitDepth() int { return q.bits }

// Clipped returns how many finite samples fell outside the integer range
// since the last Reset and were clipped, over all channels.
func (q *Quantizer) Clipped() int64 { return q.clipped }

// NonFinite returns how many NaN or ±Inf input samples were replaced since
// the last Reset (NaN by 0 before dithering, ±Inf by the extreme code).
func (q *Quantizer) NonFinite() int64 { return q.nonFinite }

// maxInput bounds |x| before scaling. Anything beyond clips anyway; the
// bound keeps x*S and the error arithmetic finite and exact.
const maxInput = 2

// Process quantizes buf in place. len(buf) must not exceed the channel
// count given to New or Prepare.
func (q *Quantizer) Process(buf [][]float64) {
	for c, b := range buf {
		st := &q.ch[c]
		switch q.kind {
		case None:
			q.round(b)
		case TPDF:
			q.tpdf(b, st)
		case Shaped:
			q.shaped(b, st)
		}
	}
}

// sanitize handles the rare samples outside [-maxInput, maxInput]: NaN
// becomes 0, everything else the nearer bound. nonFinite reports NaN and
// ±Inf. It is small enough to inline: a call in the loops would make the
// compiler spill their state every sample.
func sanitize(x float64) (y float64, nonFinite bool) {
	if x > maxInput {
		return maxInput, x > math.MaxFloat64
	}
	if x < -maxInput {
		return -maxInput, x < -math.MaxFloat64
	}
	return 0, true // NaN
}

// roundHalfEven rounds v to the nearest integer, ties to even, for
// |v| <= 2^51: adding 1.5*2^52 moves v where the float64 spacing is exactly
// 1, so the addition itself rounds (ties to even, the IEEE default) and the
// subtraction is exact. It equals math.RoundToEven on that range, except
// that it never returns -0, and it is two additions with no call or
// CPU-feature branch. Process only rounds values below 2^33 in magnitude.
func roundHalfEven(v float64) float64 {
	const magic = 0x1.8p52
	return (v + magic) - magic
}

// clip limits an integer-valued v to [lo, hi]; counted reports whether it
// had to.
func (q *Quantizer) clip(v float64) (float64, bool) {
	if v > q.hi {
		return q.hi, true
	}
	if v < q.lo {
		return q.lo, true
	}
	return v, false
}

func (q *Quantizer) round(b []float64) {
	s, inv := q.scale, q.inv
	var n counts
	for i, x := range b {
		nf := false
		if !(x >= -maxInput && x <= maxInput) {
			x, nf = sanitize(x)
		}
		v, clipped := q.clip(roundHalfEven(float64(x * s)))
		n.add(clipped, nf)
		b[i] = v * inv
	}
	q.addCounts(n)
}

// counts accumulates one block's clip and non-finite counts in registers.
// A non-finite input counts once, as non-finite, though it also clips.
type counts struct{ clipped, nonFinite int64 }

func (n *counts) add(clipped, nonFinite bool) {
	if nonFinite {
		n.nonFinite++
	} else if clipped {
		n.clipped++
	}
}

func (q *Quantizer) addCounts(n counts) {
	q.clipped += n.clipped
	q.nonFinite += n.nonFinite
}

func (q *Quantizer) tpdf(b []float64, st *channelState) {
	s, inv := q.scale, q.inv
	var n counts
	s0, s1, s2, s3 := st.rng[0], st.rng[1], st.rng[2], st.rng[3]
	for i, x := range b {
		nf := false
		if !(x >= -maxInput && x <= maxInput) {
			x, nf = sanitize(x)
		}
		// xoshiro256** step, inlined on locals (see xoshiro256.next).
		r := bits64RotMul(s1)
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = s3<<45 | s3>>19

		v, clipped := q.clip(roundHalfEven(float64(x*s) + tpdf(r)))
		n.add(clipped, nf)
		b[i] = v * inv
	}
	q.addCounts(n)
	st.rng = xoshiro256{s0, s1, s2, s3}
}

// bits64RotMul is the xoshiro256** output scrambler rotl(s1*5, 7)*9.
func bits64RotMul(s1 uint64) uint64 {
	m := s1 * 5
	return (m<<7 | m>>57) * 9
}

func (q *Quantizer) shaped(b []float64, st *channelState) {
	s, inv := q.scale, q.inv
	var n counts
	s0, s1, s2, s3 := st.rng[0], st.rng[1], st.rng[2], st.rng[3]
	c1, c2, c3, c4, c5 := shapingCoeffs[0], shapingCoeffs[1], shapingCoeffs[2], shapingCoeffs[3], shapingCoeffs[4]
	e1, e2, e3, e4, e5 := st.errs[0], st.errs[1], st.errs[2], st.errs[3], st.errs[4]
	for i, x := range b {
		nf := false
		if !(x >= -maxInput && x <= maxInput) {
			x, nf = sanitize(x)
		}
		r := bits64RotMul(s1)
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = s3<<45 | s3>>19

		// Every product is rounded before it is added, so no FMA forms.
		// The newest error comes in last: the loop is latency-bound, and
		// this leaves one multiply and one subtraction between e and w.
		old := float64(c5*e5) + float64(c4*e4) + float64(c3*e3) + float64(c2*e2)
		w := (float64(x*s) - old) - float64(c1*e1)
		v := roundHalfEven(w + tpdf(r))
		// The total error before clipping, |e| <= 1.5: what the filter
		// sees, so an overload cannot wind it up.
		e := dsp.Flush(v - w)
		e5, e4, e3, e2, e1 = e4, e3, e2, e1, e

		v, clipped := q.clip(v)
		n.add(clipped, nf)
		b[i] = v * inv
	}
	q.addCounts(n)
	st.rng = xoshiro256{s0, s1, s2, s3}
	st.errs = [ShapingTaps]float64{e1, e2, e3, e4, e5}
}
