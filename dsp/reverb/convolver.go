package reverb

import (
	"errors"
	"fmt"
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/fft"
)

// ConvParams are the convolution reverb's parameters.
type ConvParams struct {
	Mix float64 // 0..1: out = (1-Mix)*dry + Mix*wet
}

// ConvParamTable lists the convolution reverb's numeric parameters (the
// impulse response itself is a file, handled by the language layer).
var ConvParamTable = []dsp.Param{
	{Name: "mix", Unit: "", Min: 0, Max: 1, Default: 0.3,
		Doc: "Wet/dry balance: 0 is dry only, 1 is the convolved signal only."},
}

// Partition plan. The first headTaps taps of the impulse response are
// applied directly in the time domain, so the convolver has no latency.
// The rest is cut into partitions that grow from headTaps up to maxBlock
// samples; partitions of one size form a stage, a uniformly partitioned
// overlap-save convolver (a frequency-domain delay line) of its own.
//
// A stage of block size B can start at IR offset s only if s >= B: its
// output for an input block is ready when the block's last sample arrives,
// and must not be needed earlier (Gardner 1995, "Efficient convolution
// without input-output delay", JAES 43(3); Garcia 2002, "Optimal filter
// partition for efficient convolution with short input/output delay", AES
// 113th Convention). The block size doubles as soon as the offset reaches
// growth*2*B. With headTaps 64, growth 1 and maxBlock 4096 a 3 s IR at
// 48 kHz is 64 direct taps, one partition each of 64, 128, ..., 2048 and
// 35 partitions of 4096: measured fastest here, because in Go larger FFTs
// lose more to cache misses than they save in multiply-adds.
type convPlan struct {
	headTaps int
	maxBlock int
	growth   int
}

var defaultPlan = convPlan{headTaps: 64, maxBlock: 4096, growth: 1}

// stage is one uniformly partitioned overlap-save convolver.
type stage struct {
	block int            // B: partition length and hop
	start int            // IR offset of the first partition (>= block)
	parts int            // number of partitions
	fft   *fft.Real      // size 2B
	spec  [][]complex128 // per IR channel: parts spectra of B+1 bins, back to back
}

// stageState is one channel's memory for one stage.
type stageState struct {
	fdl    []complex128 // parts input spectra of B+1 bins (a ring of slots)
	newest int          // slot of the newest spectrum
}

type convChannel struct {
	ir     int       // IR channel used
	hist   []float64 // input ring, for the stages' 2B windows
	lin    []float64 // head FIR input: headTaps-1 past samples, then the current chunk
	out    []float64 // ring of stage outputs, indexed by absolute time
	stages []stageState
}

// Convolver is a zero-latency partitioned convolution reverb.
//
// The impulse response is applied as is (no normalisation), at the
// prepared sample rate: loading and resampling happen elsewhere. A mono IR
// is applied to every channel; a stereo IR maps IR channel c to channel c
// (L->L, R->R); in general channel c uses IR channel c mod len(ir).
// True-stereo (4-channel L->L, L->R, R->L, R->R) IRs are not supported yet.
//
// Output is identical for any host block size: all work is scheduled by
// the number of samples since Reset. The partition sizes depend only on the
// IR length. Each stage does its FFT work in one burst when its block
// completes (every 4096 samples for the largest), which suits an offline
// renderer; a real-time host would want that work spread out.
//
// Cost, 3 s stereo IR at 48 kHz: about 3 times the FDN per sample and
// channel; memory about 2*16*IR-length bytes per channel for the spectra
// and delay lines (about 5 MB per channel for 3 s). The convolution is not
// safe for concurrent use (stages share FFT scratch).
type Convolver struct {
	mix      float64
	ir       [][]float64 // copies, padded to the same length
	plan     convPlan
	head     [][]float64 // per IR channel: the head taps, reversed
	headLen  int
	stages   []stage
	work     []float64    // 2*maxBlock scratch for FFT input/output
	acc      []complex128 // maxBlock+1 scratch for the spectral sum
	histMask int
	outMask  int

	fs       float64
	chans    []convChannel
	pos      int // samples since Reset
	prepared bool
}

// NewConvolver returns a convolver for the impulse response ir (planar, one
// or two channels, at the mix's sample rate). It copies ir, cuts it into
// partitions and transforms them; it allocates, and may take a while for
// long IRs. Call Prepare before Process.
func NewConvolver(ir [][]float64, p ConvParams) (*Convolver, error) {
	return newConvolver(ir, p, defaultPlan)
}

func newConvolver(ir [][]float64, p ConvParams, plan convPlan) (*Convolver, error) {
	switch {
	case len(ir) == 0:
		return nil, errors.New("reverb: impulse response has no channels")
	case len(ir) > 2:
		return nil, fmt.Errorf("reverb: impulse response has %d channels; only mono and stereo are supported (true-stereo 4-channel IRs are not)", len(ir))
	}
	n := 0
	for ch, x := range ir {
		n = max(n, len(x))
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("reverb: impulse response channel %d sample %d is %v", ch, i, v)
			}
		}
	}
	if n == 0 {
		return nil, errors.New("reverb: impulse response is empty")
	}
	c := &Convolver{plan: plan}
	c.SetParams(p)
	c.ir = make([][]float64, len(ir))
	for ch := range ir {
		c.ir[ch] = make([]float64, n)
		copy(c.ir[ch], ir[ch])
	}

	// Head: the first taps, reversed so the FIR is a forward dot product.
	c.headLen = min(plan.headTaps, n)
	c.head = make([][]float64, len(ir))
	for ch := range ir {
		h := make([]float64, c.headLen)
		for k := range h {
			h[k] = c.ir[ch][c.headLen-1-k]
		}
		c.head[ch] = h
	}

	// Stages.
	ffts := map[int]*fft.Real{} // shared plans per size (built once, never iterated)
	b := plan.headTaps
	maxB, maxS := 0, 0
	for s := c.headLen; s < n; s += b {
		for b < plan.maxBlock && s >= plan.growth*2*b {
			b *= 2
		}
		if k := len(c.stages) - 1; k >= 0 && c.stages[k].block == b {
			c.stages[k].parts++
		} else {
			if ffts[b] == nil {
				ffts[b] = fft.NewReal(2 * b)
			}
			c.stages = append(c.stages, stage{block: b, start: s, parts: 1, fft: ffts[b]})
		}
		maxB, maxS = max(maxB, b), max(maxS, s)
	}
	c.work = make([]float64, 2*max(maxB, 1))
	c.acc = make([]complex128, max(maxB, 1)+1)
	for k := range c.stages {
		st := &c.stages[k]
		B := st.block
		st.spec = make([][]complex128, len(ir))
		for ch := range ir {
			st.spec[ch] = make([]complex128, st.parts*(B+1))
			for p := 0; p < st.parts; p++ {
				w := c.work[:2*B]
				clear(w)
				off := st.start + p*B
				copy(w[:B], c.ir[ch][off:min(off+B, n)])
				st.fft.Forward(st.spec[ch][p*(B+1):(p+1)*(B+1)], w)
			}
		}
	}
	c.histMask = nextPow2(2*max(maxB, 1)) - 1
	c.outMask = nextPow2(maxS+maxB+c.headLen+1) - 1
	return c, nil
}

// SetParams sets the mix without allocating or touching the state.
func (c *Convolver) SetParams(p ConvParams) {
	c.mix = clampNaN(p.Mix, 0, 1, 0)
}

// Params returns the current (clamped) parameters.
func (c *Convolver) Params() ConvParams { return ConvParams{Mix: c.mix} }

// IRLength is the impulse response length in samples.
func (c *Convolver) IRLength() int { return len(c.ir[0]) }

// TailSeconds is the impulse response's length at the prepared rate.
func (c *Convolver) TailSeconds() float64 {
	if c.fs == 0 {
		return 0
	}
	return float64(c.IRLength()) / c.fs
}

// Prepare allocates each channel's history and frequency-domain delay lines
// and resets.
func (c *Convolver) Prepare(spec dsp.Spec) {
	c.fs = spec.SampleRate
	c.chans = make([]convChannel, spec.Channels)
	for ch := range c.chans {
		cc := &c.chans[ch]
		cc.ir = ch % len(c.ir)
		cc.hist = make([]float64, c.histMask+1)
		cc.lin = make([]float64, c.headLen-1+c.plan.headTaps)
		cc.out = make([]float64, c.outMask+1)
		cc.stages = make([]stageState, len(c.stages))
		for k := range c.stages {
			cc.stages[k].fdl = make([]complex128, c.stages[k].parts*(c.stages[k].block+1))
		}
	}
	c.prepared = true
	c.Reset()
}

// Reset clears all history without allocating.
func (c *Convolver) Reset() {
	for ch := range c.chans {
		cc := &c.chans[ch]
		clear(cc.hist)
		clear(cc.lin)
		clear(cc.out)
		for k := range cc.stages {
			clear(cc.stages[k].fdl)
			cc.stages[k].newest = 0
		}
	}
	c.pos = 0
}

// Latency is zero: the head taps are applied directly.
func (c *Convolver) Latency() int { return 0 }

// Process convolves buf in place.
func (c *Convolver) Process(buf [][]float64) {
	if len(buf) == 0 {
		return
	}
	n := len(buf[0])
	for ch, x := range buf {
		c.processChannel(&c.chans[ch], x[:n])
	}
	c.pos += n
}

// processChannel runs one channel through the head FIR and the stages. The
// work is cut into chunks that end on multiples of headTaps, the smallest
// stage block: every stage boundary is such a multiple.
func (c *Convolver) processChannel(cc *convChannel, x []float64) {
	H := c.headLen
	chunk := c.plan.headTaps
	head := c.head[cc.ir]
	mix := c.mix
	hm, om := c.histMask, c.outMask
	for i := 0; i < len(x); {
		t := c.pos + i
		phase := t % chunk // position in the current chunk
		end := min(len(x), i+chunk-phase)
		for j := i; j < end; j++ {
			tj := c.pos + j
			in := x[j]
			cc.hist[tj&hm] = in
			lin := cc.lin[tj%chunk:]
			lin[H-1] = in
			y := dot(head, lin[:H]) + cc.out[tj&om]
			cc.out[tj&om] = 0
			x[j] = wetDry(in, y, mix)
		}
		tEnd := c.pos + end // samples received so far
		if tEnd%chunk == 0 {
			// Chunk complete: keep its last H-1 samples for the next one,
			// and run every stage whose block just completed.
			copy(cc.lin[:H-1], cc.lin[chunk:chunk+H-1])
			for k := range c.stages {
				if tEnd%c.stages[k].block == 0 {
					c.runStage(cc, k, tEnd)
				}
			}
		}
		i = end
	}
}

// runStage processes the block of stage k that ends at absolute time tEnd
// (exclusive): transform the last 2B inputs, push the spectrum into the
// frequency-domain delay line, sum its products with the IR partitions,
// transform back and add the B valid samples to the output ring at
// tEnd - B + start, which is never earlier than tEnd.
func (c *Convolver) runStage(cc *convChannel, k int, tEnd int) {
	st := &c.stages[k]
	ss := &cc.stages[k]
	B := st.block
	bins := B + 1
	hm := c.histMask
	w := c.work[:2*B]
	from := (tEnd - 2*B) & hm
	if from+2*B <= len(cc.hist) {
		copy(w, cc.hist[from:from+2*B])
	} else {
		m := copy(w, cc.hist[from:])
		copy(w[m:], cc.hist[:2*B-m])
	}
	ss.newest++
	if ss.newest == st.parts {
		ss.newest = 0
	}
	st.fft.Forward(ss.fdl[ss.newest*bins:(ss.newest+1)*bins], w)

	acc := c.acc[:bins]
	clear(acc)
	spec := st.spec[cc.ir]
	slot := ss.newest
	for p := 0; p < st.parts; p++ {
		X := ss.fdl[slot*bins : (slot+1)*bins]
		Hp := spec[p*bins : (p+1)*bins]
		cmac(acc, X, Hp)
		slot--
		if slot < 0 {
			slot = st.parts - 1
		}
	}
	st.fft.Inverse(w, acc)
	om := c.outMask
	base := tEnd - B + st.start
	for j, v := range w[B:] {
		cc.out[(base+j)&om] += v
	}
}

// dot is the head FIR sum_k a[k] b[k]. Four partial sums break the chain
// of dependent additions (the order is fixed, so the result is too).
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(a); k += 4 {
		s0 += float64(a[k] * b[k])
		s1 += float64(a[k+1] * b[k+1])
		s2 += float64(a[k+2] * b[k+2])
		s3 += float64(a[k+3] * b[k+3])
	}
	for ; k < len(a); k++ {
		s0 += float64(a[k] * b[k])
	}
	return (s0 + s1) + (s2 + s3)
}

// cmac adds x*h to acc, bin by bin, with every product rounded (no FMA).
func cmac(acc, x, h []complex128) {
	x = x[:len(acc)]
	h = h[:len(acc)]
	for b := range acc {
		xr, xi := real(x[b]), imag(x[b])
		hr, hi := real(h[b]), imag(h[b])
		acc[b] = complex(real(acc[b])+float64(xr*hr)-float64(xi*hi), imag(acc[b])+float64(xr*hi)+float64(xi*hr))
	}
}

// wetDry mixes so that mix 0 returns dry and mix 1 returns wet bit for bit.
func wetDry(dry, wet, mix float64) float64 {
	switch mix {
	case 0:
		return dry
	case 1:
		return wet
	}
	return float64((1-mix)*dry) + float64(mix*wet)
}

// Plan describes the partitioning, for documentation and tests: the number
// of direct head taps, then one (block size, IR offset, partitions) triple
// per stage.
func (c *Convolver) Plan() (headTaps int, stages [][3]int) {
	for _, s := range c.stages {
		stages = append(stages, [3]int{s.block, s.start, s.parts})
	}
	return c.headLen, stages
}
