// Package resample converts planar float64 audio between sample rates with
// an exact rational polyphase FIR: deterministic, band-limited, aligned to
// the input's timeline, and the same output however the signal is cut
// into blocks.
//
// # Design
//
// outRate/inRate is reduced to L/M. Conceptually the input is stuffed
// with L-1 zeros per sample (rate L·inRate), low-passed by a prototype h
// and kept every M-th sample; polyphase, output k is one dot product of
// K input samples with phase p of h (Crochiere & Rabiner, Multirate
// Digital Signal Processing, 1983, ch. 3), nothing is computed at the high
// rate and no phase is approximated. The prototype is a Kaiser-windowed
// sinc (J. F. Kaiser, 1974; length and β from Oppenheim & Schafer,
// Discrete-Time Signal Processing, §7.6), designed with dsp/oversample's
// portable code (FMA-free sin, power-series I0) so the coefficients are
// the same bits on every machine:
//
//   - pass band 0..PassEdge·fmin, stop band from fmin/2, where
//     fmin = min(inRate, outRate): 20 kHz to 22.05 kHz for 44.1 <-> 48 kHz;
//   - AttenuationDB = 130, β = 13.37; the length follows from Kaiser's
//     formula, about 183·max(L, M) taps: K = 184 taps per phase for
//     44.1 -> 48 kHz (N = 29439, 160 phases), K = 200 for 48 -> 44.1 kHz
//     (N = 29399, 147 phases), K = 368 for 96 -> 48 kHz;
//   - each phase is normalised to sum to 1, so DC passes with gain 1.
//
// The bank is designed once per ratio per process and shared (read-only)
// by every Resampler with that ratio. DesignFor reports it.
//
// Measured (TestPrototype, TestPassband, TestImagesAndAliases; the full
// sweep is TestSweep under -tags sweep, tabulated in docs/quality.md): on
// every ratio tried, pass-band ripple at most 3.1e-6 dB, and prototype
// stop band at most -128.8 dB on a dense FFT grid. That bounds every
// image and alias line of a full-scale tone; two lines can only share an
// output frequency in pairs (an image of +f and one of -f), so even then
// they stay below -122.8 dB. Over 200+ tones per ratio, all images and
// aliases of a tone together (the residual of a sine fit) are at most
// -130.3 dB.
//
// # Timeline, priming and length
//
// Input frame j is at time j/inRate, output frame k at k/outRate, and
// output k is the band-limited value of the input at that instant: the
// prototype's group delay (Design.Centre prototype samples, GroupDelay)
// is removed, so a resampled track lines up with the others to the
// sample. The input is taken as zero before frame 0 (the history is
// primed with zeros) and after its last frame, so the first outputs
// contain the filter's response to the start of the signal, not a fade
// in, and a signal that starts abruptly shows the sinc's ringing after
// (not before) t = 0.
//
// N input frames give exactly ceil(N·L/M) = ceil(N·outRate/inRate) output
// frames: every output instant k/outRate < N/inRate, i.e. the span the
// input covers. Ringing after the last input instant is not output.
//
// When inRate == outRate the samples are passed through bit for bit.
//
// # Streaming
//
// Write pushes input, Read pulls whatever output it determines, End marks
// the end of the input (after which Read flushes the rest); this suits a
// renderer converting its mix for an output file (see Example_push).
// Output k needs inputs up to floor((k·M + Centre)/L), so before End,
// after W input frames, exactly max(0, ceil((W·L - Centre)/M)) outputs
// are readable: the resampler runs Lookahead input frames behind its
// input. Reader adapts a pull Source (such as dsp/audiofile.Reader) for a
// graph that pulls blocks at the mix rate: it reads ahead of its source by
// itself and yields aligned output. Convert does whole buffers. Output
// values depend only on the input values, never on how Write and Read
// calls (or the source's reads) cut them.
//
// # Arithmetic
//
// Every product is rounded before it is added (float64(c·x)), and the K
// products of an output are summed in four interleaved partial sums
// combined in a fixed order: no FMA, same bits on amd64 and arm64
// (TestGolden pins them). Write, Read and Reader.Read allocate nothing.
package resample

import "fmt"

// Resampler converts a fixed number of planar channels from one rate to
// another. It is not safe for concurrent use.
type Resampler struct {
	inRate, outRate int
	b               *bank
	identity        bool
	k, l, m, d      int // taps per phase, L, M, Centre
	mq, mp          int // M/L and M%L: how q and p advance per output

	buf  [][]float64 // per channel: input frames base .. end-1
	size int         // capacity of each buf, in frames

	base    int64 // absolute input index of buf[c][0]
	end     int64 // absolute index after the last frame in buf (zero padding included)
	written int64 // frames given to Write
	ended   bool
	total   int64 // after End: ceil(written·L/M)

	// The next output: its index, the newest input its window needs
	// (q = floor((out·M + D)/L)) and its phase p = (out·M + D) mod L.
	out int64
	q   int64
	p   int
}

// chunkFrames is the room each channel buffer keeps for new input beyond
// one window. Moving the window to the front costs about K copies per
// chunk, so larger chunks make that negligible.
const chunkFrames = 4096

// New returns a resampler from inRate to outRate (Hz) for the given number
// of channels. It designs or fetches the filter bank and allocates; after
// New, nothing does.
func New(inRate, outRate, channels int) (*Resampler, error) {
	if channels < 1 {
		return nil, fmt.Errorf("resample: %d channels", channels)
	}
	l, m, err := ratio(inRate, outRate)
	if err != nil {
		return nil, err
	}
	r := &Resampler{inRate: inRate, outRate: outRate, l: l, m: m, identity: l == 1 && m == 1}
	if r.identity {
		r.k = 1
	} else {
		r.b = getBank(l, m)
		r.k, r.d = r.b.TapsPerPhase, r.b.Centre
	}
	r.mq, r.mp = m/l, m%l
	r.size = r.k + chunkFrames
	r.buf = make([][]float64, channels)
	for c := range r.buf {
		r.buf[c] = make([]float64, r.size)
	}
	r.Reset()
	return r, nil
}

// Reset returns the resampler to time zero (no input written, not ended)
// without allocating.
func (r *Resampler) Reset() {
	r.out = 0
	r.q = int64(r.d / r.l)
	r.p = r.d % r.l
	// Prime: the first window starts K-1 frames before q, at or before
	// frame 0; the frames before 0 are zeros.
	r.base = r.q - int64(r.k) + 1
	r.end = 0
	for c := range r.buf {
		clear(r.buf[c][:-r.base])
	}
	r.written, r.ended, r.total = 0, false, 0
}

// Channels is the number of channels.
func (r *Resampler) Channels() int { return len(r.buf) }

// Rates returns the input and output sample rates in Hz.
func (r *Resampler) Rates() (inRate, outRate int) { return r.inRate, r.outRate }

// Design describes the filter bank (zero value for a pass-through).
func (r *Resampler) Design() Design {
	if r.b == nil {
		return Design{L: 1, M: 1, Taps: 1, TapsPerPhase: 1}
	}
	return r.b.Design
}

// GroupDelay is the prototype filter's delay in seconds, Centre/(L·inRate)
// (0 for a pass-through). The output is already aligned: this is the
// delay the resampler removes, not one it adds.
func (r *Resampler) GroupDelay() float64 {
	return float64(r.d) / (float64(r.l) * float64(r.inRate))
}

// Lookahead is ceil(Centre/L): how many input frames past an output
// instant must have been written before that output can be read (before
// End). It is the resampler's processing latency in input frames; Reader
// reads this far ahead of its source.
func (r *Resampler) Lookahead() int { return (r.d + r.l - 1) / r.l }

// OutputFrames is the exact number of output frames n input frames give:
// ceil(n·outRate/inRate).
func (r *Resampler) OutputFrames(n int64) int64 { return ceilMul(n, r.l, r.m) }

// OutputFrames is ceil(n·outRate/inRate), the length in output frames of
// n input frames after resampling (and 0 for invalid rates). A graph uses
// it to size a resampled source on the mix's timeline.
func OutputFrames(n int64, inRate, outRate int) int64 {
	if inRate <= 0 || outRate <= 0 {
		return 0
	}
	g := gcd(inRate, outRate)
	return ceilMul(n, outRate/g, inRate/g)
}

// ceilMul is ceil(n·l/m) for n >= 0.
func ceilMul(n int64, l, m int) int64 {
	// Split n so n·l cannot overflow for any realistic length.
	q, rem := n/int64(m), n%int64(m)
	return q*int64(l) + (rem*int64(l)+int64(m)-1)/int64(m)
}

// Written is the number of input frames accepted since Reset, and Produced
// the number of output frames read.
func (r *Resampler) Written() int64  { return r.written }
func (r *Resampler) Produced() int64 { return r.out }

// Done reports whether End was called and every output has been read.
func (r *Resampler) Done() bool { return r.ended && r.out >= r.total }

// compact moves the frames still needed (the next output's window onward)
// to the front of the buffers.
func (r *Resampler) compact() {
	start := r.q - int64(r.k) + 1
	if start <= r.base {
		return
	}
	off, n := int(start-r.base), int(r.end-start)
	if n > 0 {
		for _, b := range r.buf {
			copy(b[:n], b[off:off+n])
		}
	}
	r.base = start
}

// Write appends input frames from in (planar, len(in) == Channels, every
// in[c] at least len(in[0]) long) and returns how many it accepted, which
// is less than len(in[0]) only when its buffer is full: Read some output,
// then Write the rest. Write after End panics.
func (r *Resampler) Write(in [][]float64) int {
	if r.ended {
		panic("resample: Write after End")
	}
	if len(in) != len(r.buf) {
		panic("resample: Write with the wrong number of channels")
	}
	want := len(in[0])
	if want == 0 {
		return 0
	}
	if r.end-r.base+int64(want) > int64(r.size) {
		r.compact()
	}
	n := min(want, r.size-int(r.end-r.base))
	at := int(r.end - r.base)
	for c, b := range r.buf {
		copy(b[at:at+n], in[c][:n])
	}
	r.end += int64(n)
	r.written += int64(n)
	return n
}

// End marks the end of the input. Read then produces the remaining output,
// taking the input as zero past its end, up to ceil(N·L/M) frames in all.
func (r *Resampler) End() {
	if !r.ended {
		r.ended = true
		r.total = r.OutputFrames(r.written)
	}
}

// Read writes up to len(out[0]) output frames into out (len(out) ==
// Channels, every out[c] at least len(out[0]) long) and returns how many:
// every output the input written so far determines, and after End the
// rest. It returns 0 when it needs more input, or when Done.
func (r *Resampler) Read(out [][]float64) int {
	if len(out) != len(r.buf) {
		panic("resample: Read with the wrong number of channels")
	}
	want := len(out[0])
	done := 0
	for done < want {
		limit := want - done
		if r.ended {
			limit = int(min(int64(limit), r.total-r.out))
			if limit == 0 {
				break
			}
			if r.q >= r.end {
				r.padZeros()
			}
		}
		n := r.produce(out, done, limit)
		if n == 0 {
			break
		}
		done += n
	}
	return done
}

// padZeros extends the input with zeros past its end, as far as the
// buffer holds, once the next output's window reaches beyond it.
func (r *Resampler) padZeros() {
	r.compact()
	at := int(r.end - r.base)
	for _, b := range r.buf {
		clear(b[at:])
	}
	r.end = r.base + int64(r.size)
}

// produce computes up to limit outputs whose windows lie in the buffer,
// into out[c][at:], and returns how many.
func (r *Resampler) produce(out [][]float64, at, limit int) int {
	// Count the outputs available, stepping q and p as the loop below will.
	n, q, p := 0, r.q, r.p
	for n < limit && q < r.end {
		n++
		q += int64(r.mq)
		if p += r.mp; p >= r.l {
			p -= r.l
			q++
		}
	}
	if n == 0 {
		return 0
	}
	if r.identity {
		off := int(r.q - r.base)
		for c, b := range r.buf {
			copy(out[c][at:at+n], b[off:off+n])
		}
	} else {
		k := r.k
		for c, b := range r.buf {
			dst := out[c][at : at+n]
			q, p := r.q, r.p
			for i := range dst {
				s := int(q-r.base) - k + 1
				dst[i] = dot(b[s:s+k], r.b.phase(p))
				q += int64(r.mq)
				if p += r.mp; p >= r.l {
					p -= r.l
					q++
				}
			}
		}
	}
	r.out += int64(n)
	r.q, r.p = q, p
	return n
}

// dot sums w[i]·c[i] (len(c) a multiple of 4) in four interleaved
// partial sums combined in a fixed order. Products are rounded before they
// are added, so the compiler cannot fuse them into FMAs. (More partial
// sums do not help: each product already needs two loads, and two loads
// per cycle is the limit.)
func dot(w, c []float64) float64 {
	w = w[:len(c)]
	var s0, s1, s2, s3 float64
	for i := 0; i+4 <= len(c); i += 4 {
		x, h := w[i:i+4:i+4], c[i:i+4:i+4]
		s0 += float64(x[0] * h[0])
		s1 += float64(x[1] * h[1])
		s2 += float64(x[2] * h[2])
		s3 += float64(x[3] * h[3])
	}
	return (s0 + s1) + (s2 + s3)
}
