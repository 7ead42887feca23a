package oversample

import "math"

// PeakReader reads the largest magnitude of the signal a 4x Oversampler's
// Up produces, without producing all of it: PeakReader.MaxAbs(ch, x, peak)
// returns exactly what folding |v| > peak over New(2, ...).Up(ch, x) would,
// call for call (the same values, computed by the same arithmetic, counted
// with the same comparison), for any block sizes.
//
// Most of a programme sits well below its peak, and an interpolated value
// is a weighted sum of the inputs around it, so a group of outputs can be
// proved unable to raise the running maximum from the inputs alone. For
// the group of outputs that frames [g, g+G) produce,
//
//	|y| <= sum_j w(j)·|x[g+j]|,  w(j) = the largest |h| that links input
//	                                    g+j to any output of the group
//
// where h is the cascade's impulse response (the two stages in series are
// one linear filter). Evaluating that sum costs as much as a few outputs,
// so the reader uses two cheaper bounds, each enough to skip the group:
//
//   - flat:  maxPhaseL1·max|x| over the group's whole span (maxPhaseL1 =
//     2.65, the largest sum of |h| over one output phase);
//   - core:  sum over the coreTaps inputs of largest weight of w(j)·|x|,
//     plus the rest of the weights (0.41) times max|x| over the span.
//
// Both are scaled by 1 + 2^-20 and raised by 2^-30·max|x|, far above the
// rounding of the filters' sums (below 1e-12·max|x|) and of the bound's
// own sums, so a skipped output cannot exceed the running maximum: the
// result is the same bits as folding every output. A group that is not
// skipped is computed in full, and so is whatever of the first stage's
// output the second stage needs around it. On mixdown's benchmark and
// demo masters (-14 LUFS, -1 dBTP) about 85% of groups are skipped.
//
// NaN or ±Inf input is never skipped (its span's maximum is not finite);
// like the fold it replaces, the comparison never takes NaN as a maximum.
type PeakReader struct {
	p1, p2   *polyphase
	maxBlock int
	pad      int // Up's top-rate padding delay (2 for 4x)
	ch       []peakChannel
	// w[i] is the weight of input g-peakSpan+i for the group starting at
	// frame g (i = peakSpan+j); core lists the coreTaps largest.
	w          [peakSpan + peakGroup]float64
	core       [coreTaps]int
	coreW      [coreTaps]float64
	tail       float64 // sum of the weights not in core
	maxPhaseL1 float64
	// groups and skipped count bound checks and skips since New, for
	// tests and tuning.
	groups, skipped int64
}

const (
	// peakGroup is how many input frames one bound check covers.
	peakGroup = 2
	// peakSpan is how far back a 4x output reaches: the first stage's
	// history (129 frames) plus the second's (21 samples at 2x, 11 frames).
	peakSpan = 140
	// peakKeep is the input history kept, the span rounded up.
	peakKeep = 144
	// coreTaps is how many inputs the core bound weighs one by one.
	coreTaps = 25
	// boundScale and boundFloor cover rounding (see PeakReader).
	boundScale = 1 + 0x1p-20
	boundFloor = 0x1p-30
)

type peakChannel struct {
	x  []float64 // peakKeep history frames, then the block
	y1 []float64 // the first stage's output: k2 history samples, then 2 per frame
	// hi is the first y1 index (0 = the block's first) not computed yet;
	// everything from the group being read back to -k2 is valid.
	hi   int
	padv [3]float64 // Up's last pad outputs, counted on the next call
	// pre and suf are van Herk's running maxima of |x| over blocks of
	// peakSpan+peakGroup positions: the maximum over any window of that
	// length is max(suf[start], pre[end-1]).
	pre, suf []uint64
}

// NewPeakReader returns a reader for a 4x Oversampler (New(2, channels,
// maxBlock)), for blocks of at most maxBlock frames. It allocates; MaxAbs
// does not.
func NewPeakReader(channels, maxBlock int) *PeakReader {
	r := &PeakReader{p1: newPolyphase(design(1)), p2: newPolyphase(design(2)), maxBlock: maxBlock}
	if len(r.p1.up0)-1+(len(r.p2.up0)-1+1)/2 != peakSpan || r.p1.halfband || !r.p2.halfband {
		panic("oversample: PeakReader does not match the stage designs")
	}
	r.pad = New(2, 1, 1).pad
	k2 := len(r.p2.up0) - 1
	r.ch = make([]peakChannel, channels)
	for c := range r.ch {
		r.ch[c] = peakChannel{
			x:   make([]float64, peakKeep+maxBlock),
			y1:  make([]float64, k2+2*maxBlock+2),
			pre: make([]uint64, peakKeep+maxBlock),
			suf: make([]uint64, peakKeep+maxBlock),
		}
	}
	r.weights()
	return r
}

// weights derives the bounds from the cascade's impulse response, taken
// from the reader's own arithmetic.
func (r *PeakReader) weights() {
	const n = 2 * peakKeep
	q := &PeakReader{p1: r.p1, p2: r.p2, maxBlock: n, ch: []peakChannel{{
		x:  make([]float64, peakKeep+n),
		y1: make([]float64, len(r.p2.up0)-1+2*n+2),
	}}}
	c := &q.ch[0]
	c.x[peakKeep] = 1
	h := make([]float64, 4*n) // h[t]: output t of an impulse at frame 0
	q.stage1(c, 0, 2*n)
	for t := range h {
		h[t] = math.Abs(q.y2At(c, t))
	}
	for t := 4 * (peakSpan + 1); t < len(h); t++ {
		if h[t] != 0 {
			panic("oversample: cascade longer than peakSpan")
		}
	}
	var l1 [4]float64
	for t, v := range h {
		l1[t%4] += v
	}
	r.maxPhaseL1 = max(l1[0], l1[1], l1[2], l1[3])
	// Input g+j (j = i-peakSpan) reaches outputs of frames g..g+peakGroup-1
	// with the taps of lag d = frame-(g+j).
	for i := range r.w {
		j := i - peakSpan
		for f := 0; f < peakGroup; f++ {
			if d := f - j; d >= 0 && d <= peakSpan {
				for p := range 4 {
					r.w[i] = max(r.w[i], h[4*d+p])
				}
			}
		}
	}
	// The core: the coreTaps largest weights.
	var used [len(r.w)]bool
	for k := range r.core {
		best := -1
		for i, v := range r.w {
			if !used[i] && (best < 0 || v > r.w[best]) {
				best = i
			}
		}
		used[best] = true
		r.core[k], r.coreW[k] = best, r.w[best]
	}
	r.tail = 0
	for i, v := range r.w {
		if !used[i] {
			r.tail += v
		}
	}
}

// Reset clears every channel's memory.
func (r *PeakReader) Reset() {
	for c := range r.ch {
		ch := &r.ch[c]
		clear(ch.x[:peakKeep])
		clear(ch.y1[:len(r.p2.up0)-1])
		ch.padv = [3]float64{}
	}
}

// fold is the comparison MaxAbs stands in for.
func fold(peak, v float64) float64 {
	if v < 0 {
		v = -v
	}
	if v > peak {
		return v
	}
	return peak
}

// MaxAbs returns peak raised to the largest |v| over what Up(ch, x) would
// return on a 4x Oversampler fed the same blocks since Reset (values
// compared as v > peak, so NaN never counts). len(x) <= maxBlock.
func (r *PeakReader) MaxAbs(ch int, x []float64, peak float64) float64 {
	n := len(x)
	if n == 0 {
		return peak
	}
	c := &r.ch[ch]
	// Up's first outputs are the previous call's last, delayed by its pad.
	for _, v := range c.padv[:r.pad] {
		peak = fold(peak, v)
	}
	copy(c.x[peakKeep:peakKeep+n], x)
	r.spanMax(c, peakKeep+n)
	c.hi = 0
	g := 0
	for ; g+peakGroup <= n; g += peakGroup {
		r.groups++
		if r.below(c, g, peak) {
			r.skipped++
			continue
		}
		r.stage1(c, 2*g-len(r.p2.up0)+1, 2*(g+peakGroup))
		if last := 4 * (g + peakGroup); last <= 4*n-r.pad {
			peak = r.y2Group(c, g, peak)
		} else {
			for t := 4 * g; t < 4*n-r.pad; t++ {
				peak = fold(peak, r.y2At(c, t))
			}
		}
	}
	if g < n { // a last, shorter group: computed
		r.stage1(c, 2*g-len(r.p2.up0)+1, 2*n)
		for t := 4 * g; t < 4*n-r.pad; t++ {
			peak = fold(peak, r.y2At(c, t))
		}
	}
	// Keep what the next call needs: the second stage's history and the
	// pad's outputs, exactly as Up would have them.
	k2 := len(r.p2.up0) - 1
	r.stage1(c, 2*n-k2, 2*n)
	for i := range r.pad {
		c.padv[i] = r.y2At(c, 4*n-r.pad+i)
	}
	copy(c.x[:peakKeep], c.x[n:n+peakKeep])
	copy(c.y1[:k2], c.y1[2*n:2*n+k2])
	return peak
}

// spanMax fills pre and suf over x[:m]. They hold |x| as bit patterns:
// with the sign cleared, integer order is numeric order (NaN and ±Inf
// above every finite value), and the loop stays in integer registers.
func (r *PeakReader) spanMax(c *peakChannel, m int) {
	const L = peakSpan + peakGroup
	x, pre, suf := c.x[:m], c.pre[:m], c.suf[:m]
	for b := 0; b < m; b += L {
		e := min(b+L, m)
		var run uint64
		for i := b; i < e; i++ {
			run = max(run, math.Float64bits(x[i])&^(1<<63))
			pre[i] = run
		}
		run = 0
		for i := e - 1; i >= b; i-- {
			run = max(run, math.Float64bits(x[i])&^(1<<63))
			suf[i] = run
		}
	}
}

// below reports whether the outputs of frames [g, g+peakGroup) provably
// cannot exceed peak.
func (r *PeakReader) below(c *peakChannel, g int, peak float64) bool {
	s := peakKeep + g - peakSpan // the span's first position
	mb := max(c.suf[s], c.pre[s+peakSpan+peakGroup-1])
	if mb > 0x7fefffffffffffff { // NaN or ±Inf: never skipped
		return false
	}
	m := math.Float64frombits(mb)
	floor := float64(boundFloor * m)
	if float64(float64(r.maxPhaseL1*m)*boundScale)+floor <= peak {
		return true
	}
	x := c.x[s : s+peakSpan+peakGroup]
	var core float64
	for k, i := range r.core {
		core += float64(r.coreW[k] * math.Float64frombits(math.Float64bits(x[i])&^(1<<63)))
	}
	return float64((core+float64(r.tail*m))*boundScale)+floor <= peak
}

// stage1 computes the first stage's outputs y1[a:b) (indices relative to
// the block; b even) that are not computed yet, as Up does.
func (r *PeakReader) stage1(c *peakChannel, a, b int) {
	a = max(a, c.hi)
	if a >= b {
		return
	}
	p := r.p1
	k2 := len(r.p2.up0) - 1
	ne, no := len(p.up0), len(p.up1)
	y := c.y1[k2:]
	i := a >> 1 // frame; its two outputs are 2i and 2i+1
	e := b >> 1
	for ; i+1 < e; i += 2 {
		w := c.x[peakKeep+i-(ne-1) : peakKeep+i+2]
		y[2*i], y[2*i+2] = dotSym2(w, p.up0)
		y[2*i+1], y[2*i+3] = dotSym2(w[ne-no:], p.up1)
	}
	for ; i < e; i++ {
		w := c.x[peakKeep+i-(ne-1) : peakKeep+i+1]
		y[2*i] = dotSym(w, p.up0)
		y[2*i+1] = dotSym(w[ne-no:], p.up1)
	}
	c.hi = b
}

// y2Group folds the second stage's outputs of frames g, g+1 (peakGroup = 2:
// outputs 4g..4g+7) into peak: y2At's values, the even ones two at a time
// (dotSym2 sums each exactly as dotSym).
func (r *PeakReader) y2Group(c *peakChannel, g int, peak float64) float64 {
	p := r.p2
	ne := len(p.up0)
	d := ne - 1 - p.upDelay
	j := 2 * g // y1 index of outputs 4g, 4g+1
	w := c.y1[j : j+ne+3]
	e0, e2 := dotSym2(w, p.up0)
	e4, e6 := dotSym2(w[2:], p.up0)
	peak = fold(peak, e0)
	peak = fold(peak, w[d])
	peak = fold(peak, e2)
	peak = fold(peak, w[d+1])
	peak = fold(peak, e4)
	peak = fold(peak, w[d+2])
	peak = fold(peak, e6)
	return fold(peak, w[d+3])
}

// y2At is the second stage's output t (relative to the block), from y1.
func (r *PeakReader) y2At(c *peakChannel, t int) float64 {
	p := r.p2
	j := t >> 1 // the y1 sample it ends at; y1 index j is at c.y1[k2+j]
	ne := len(p.up0)
	w := c.y1[j : j+ne]
	if t&1 == 0 {
		return dotSym(w, p.up0)
	}
	return w[ne-1-p.upDelay]
}
