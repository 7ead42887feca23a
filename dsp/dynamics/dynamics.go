// Package dynamics holds mixdown's dynamics processors: compressor, gate,
// limiter and de-esser.
//
// The designs follow Giannoulis, Massberg & Reiss, "Digital Dynamic Range
// Compressor Design—A Tutorial and Analysis", J. Audio Eng. Soc. 60(6),
// 2012 (GMR below). Conventions shared by every processor here:
//
//   - Time constants use the 1-1/e convention of GMR: a one-pole smoother
//     with time constant tau has coefficient alpha = exp(-1/(tau*fs)) and
//     covers 63.2% of a step in tau seconds (its 10-90% rise time is
//     tau*ln 9, about 2.2*tau). Attack, release and RMS window times in
//     Params are such tau values in milliseconds.
//   - Detection is stereo (N-channel) linked: one gain is computed from all
//     channels and applied to every channel, so a source never moves in the
//     stereo image. Peak detectors follow the loudest channel (max |x|);
//     the compressor's RMS detector averages power over channels.
//   - Level detection is feed-forward, and smoothing happens in the log
//     domain on the gain computer's output (the placement GMR
//     recommend), so attack and release act on gain reduction in dB and
//     the static curve is met exactly in steady state. The limiter and the
//     gate smooth linear gain instead; see their docs.
//   - Lookahead delays the audio, not the detector; the delay is reported
//     by Latency. Lookahead is not meant to be automated: the graph reads
//     Latency once when it lines up parallel paths.
//   - Exp and log are dsp/detmath's, and dB conversions
//     dsp.DBToGain/GainToDB (also detmath), not math.Exp/math.Log/math.Pow,
//     whose last bits differ between CPUs and architectures; with the
//     explicit float64(x*y) + z rounding elsewhere, output is
//     bit-identical on any machine (golden_test.go pins it). Per sample,
//     levels and gains go through detmath.Log2 and detmath.Exp2 (within
//     0.51 ulp, a third of the cost of Log and Exp): 20·log10(x) =
//     log2(x)·6.02 dB. Blocks where the answer is known skip them: a block
//     whose level stays below the knee (recognised in the linear domain)
//     gets no reduction, and no reduction means exactly the makeup gain.
package dynamics

import "github.com/mixdown/mixdown/dsp"

// The graph finds sidechain-capable processors by the dsp.KeyedProcessor
// interface.
var (
	_ dsp.KeyedProcessor = (*Compressor)(nil)
	_ dsp.KeyedProcessor = (*Gate)(nil)
	_ dsp.Processor      = (*Limiter)(nil)
	_ dsp.Processor      = (*Deesser)(nil)
)
