// Package dsp holds mixdown's processors and meters.
//
// Every processor follows the same lifecycle, after JUCE's dsp module:
//
//	Prepare(spec)  // the only call that may allocate
//	Reset()        // back to time zero, without allocating
//	Process(buf)   // in place, over planar float64 blocks, allocation-free
//
// A block is planar: buf[ch][i] is sample i of channel ch. Every channel slice
// has the same length n, with 0 < n <= Spec.MaxBlock. Processors must give the
// same output for any way a signal is cut into blocks: state lives in the
// processor, never in the block boundary. Anything that runs at a control
// rate counts samples from Reset, not blocks.
//
// Coefficients are values, kept apart from state, so they can be designed,
// compared against published numbers and swapped without touching the
// running filter memory.
package dsp

import "github.com/mixdown/mixdown/dsp/detmath"

// Spec is the processing context a processor is prepared for.
type Spec struct {
	SampleRate float64 // Hz
	MaxBlock   int     // largest block Process will be given, in frames
	Channels   int     // channels in and out
}

// Processor is an in-place audio processor over planar float64 blocks.
type Processor interface {
	// Prepare sizes internal state for spec. It may allocate, and it
	// implies Reset.
	Prepare(spec Spec)
	// Reset returns the processor to time zero without allocating.
	Reset()
	// Process transforms buf in place. len(buf) == spec.Channels and
	// every buf[ch] has the same length, at most spec.MaxBlock.
	Process(buf [][]float64)
	// Latency is the delay the processor adds, in samples, at the
	// prepared sample rate. The graph uses it to line up parallel paths.
	Latency() int
}

// KeyedProcessor is a processor whose detector can listen to another signal
// (a sidechain key) instead of its own input.
type KeyedProcessor interface {
	Processor
	// ProcessKeyed is Process with a detector input. key has the same
	// frame count as buf; it may have a different channel count.
	ProcessKeyed(buf, key [][]float64)
}

// PairProcessor is a Processor that can run together with another of its
// own kind over a second signal, in one pass, giving each exactly the
// output Process would: two independent recursions then share one pass's
// latency (two tracks' EQs in the lanes of one vector register). The
// graph pairs the chains of tracks shaped alike.
type PairProcessor interface {
	Processor
	// ProcessPair is Process(buf) on this processor and other.Process(obuf)
	// on other, at once, with the same result bit for bit. It reports
	// false, having changed nothing, when the two cannot run together
	// (other of another kind or shape, or no kernel for them on this
	// machine): then call Process on each.
	ProcessPair(buf [][]float64, other Processor, obuf [][]float64) bool
	// Pairs reports whether ProcessPair can run this processor with
	// other at all, as they are set now (kind, shape, settings, a kernel
	// on this machine): a caller that finds no pair leaves them apart.
	// ProcessPair may still refuse a block (blocks of other lengths).
	Pairs(other Processor) bool
}

// DenormalThreshold is the magnitude below which feedback state is flushed
// to zero. Go has no flush-to-zero mode, and subnormal arithmetic is up to
// 100 times slower on common CPUs, so IIR and feedback paths flush by hand.
// 1e-30 is about -600 dBFS: far below anything audible or measurable.
const DenormalThreshold = 1e-30

// Flush returns 0 for values too small to matter and x otherwise. Use it on
// values that are fed back into state.
func Flush(x float64) float64 {
	if x < DenormalThreshold && x > -DenormalThreshold {
		return 0
	}
	return x
}

// DBToGain converts decibels to a linear amplitude factor, 10^(dB/20).
// It is the same bits on every machine (dsp/detmath, not math.Pow), and
// exact for whole multiples of 20 dB: -20 dB is 0.1, +40 dB is 100.
func DBToGain(db float64) float64 { return detmath.Pow(10, db/20) }

// GainToDB converts a linear amplitude factor to decibels, 20·log10(g).
// Zero gives -Inf. Same bits everywhere; GainToDB(0.1) is exactly -20.
func GainToDB(g float64) float64 { return float64(20 * detmath.Log10(g)) }

// Param describes one numeric parameter of an effect as the mix language
// shows it: name, unit, accepted range and default. Effect packages export a
// table of these; the language checks ranges against it, docs/effects.md is
// kept true by it, and automation addresses parameters by Name.
type Param struct {
	Name    string
	Unit    string // "dB", "Hz", "ms", "s", "ratio", "" for plain numbers
	Min     float64
	Max     float64
	Default float64
	Doc     string // one sentence: what it does
}
