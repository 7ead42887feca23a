// Package reverb holds mixdown's reverbs: an algorithmic feedback delay
// network (FDN, this file) and a partitioned FFT convolution reverb
// (convolver.go).
//
// The FDN follows Jot and Chaigne (1991), "Digital delay networks for
// designing artificial reverberators", AES 90th Convention, preprint 3030:
// 16 delay lines of mutually prime lengths, a lossless (orthogonal) feedback
// matrix, and in each line an absorption filter whose gain makes every line
// lose 60 dB in the same time, so the reverberation time does not depend on
// which path the energy takes. The matrix is the 16x16 Hadamard matrix
// scaled by 1/4, applied with a fast Walsh-Hadamard transform (64 adds).
package reverb

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// Params are the algorithmic reverb's parameters, in the mix language's units.
type Params struct {
	DecaySec   float64 // broadband (low/mid frequency) RT60, seconds
	PredelayMs float64 // delay before the reverb, milliseconds (rounded to whole samples)
	Size       float64 // 0..1: scales the delay-line lengths (small room .. hall)
	Damping    float64 // 0..1: high-frequency RT60 (at 8 kHz) = DecaySec * (1 - 0.8*Damping)
	Width      float64 // 0..1: stereo width of the wet signal, 0 = mono, 1 = fully decorrelated
	Mix        float64 // 0..1: wet/dry, out = (1-Mix)*dry + Mix*wet
	// Seed picks the delay-line and diffuser lengths. The graph sets it from
	// the node's address so two reverbs in one mix do not ring alike, and
	// the same mix always renders the same.
	Seed uint64
}

// DefaultParams are the ParamTable defaults.
func DefaultParams() Params {
	return Params{DecaySec: 1.8, PredelayMs: 20, Size: 0.7, Damping: 0.5, Width: 1, Mix: 0.3}
}

// Limits on the algorithmic reverb's parameters. Buffers are sized from
// MaxPredelayMs in Prepare.
const (
	MinDecaySec   = 0.1
	MaxDecaySec   = 30
	MaxPredelayMs = 500
)

// ParamTable lists the algorithmic reverb's numeric parameters.
var ParamTable = []dsp.Param{
	{Name: "decay", Unit: "s", Min: MinDecaySec, Max: MaxDecaySec, Default: 1.8,
		Doc: "Reverberation time RT60 at low and mid frequencies."},
	{Name: "predelay", Unit: "ms", Min: 0, Max: MaxPredelayMs, Default: 20,
		Doc: "Delay between the dry signal and the start of the reverb."},
	{Name: "size", Unit: "", Min: 0, Max: 1, Default: 0.7,
		Doc: "Room size: scales the delay-line lengths from a small room (0) to a large hall (1)."},
	{Name: "damping", Unit: "", Min: 0, Max: 1, Default: 0.5,
		Doc: "High-frequency damping: the RT60 at 8 kHz is decay*(1-0.8*damping)."},
	{Name: "width", Unit: "", Min: 0, Max: 1, Default: 1,
		Doc: "Stereo width of the reverb: 0 is mono, 1 is fully decorrelated channels."},
	{Name: "mix", Unit: "", Min: 0, Max: 1, Default: 0.3,
		Doc: "Wet/dry balance: 0 is dry only, 1 is reverb only."},
}

const (
	lines = 16 // FDN order; the feedback matrix is Hadamard, so a power of two

	// Delay-line lengths at Size = 1 span [lineMinMs, lineMaxMs]; Size
	// scales both by 0.15 + 0.85*Size, so Size = 0 is a small room.
	lineMinMs = 20.0
	lineMaxMs = 100.0
	// lnLineRange is ln(lineMaxMs/lineMinMs), a literal so that no math
	// library call enters the delay lengths (see dsp/detmath).
	lnLineRange = 1.6094379124341003746 // ln 5

	dampRefHz = 8000.0 // frequency at which Damping sets the RT60
	dampSpan  = 0.8    // Damping = 1 makes the RT60 at dampRefHz 1-dampSpan of DecaySec

	diffusers = 4   // input diffusion allpasses per channel
	diffGain  = 0.6 // their coefficient

	maxChunk = 64 // longest chunk Process runs step by step
)

// diffuser lengths in ms before the seeded jitter.
var diffMs = [diffusers]float64{1.3, 2.1, 3.4, 5.3}

// FDN is the algorithmic reverb. It processes any number of channels: each
// input channel is predelayed, diffused (4 Schroeder allpasses, g = 0.6,
// 1.3-5.3 ms) and fed into the network with its own sign pattern, scaled by
// 1/sqrt(channels) so a centred source has the same level in mono and
// stereo. Each output channel taps the network with its own pattern
// (orthogonal rows of the Hadamard matrix, so the channels are
// decorrelated), then Width blends every channel towards the mean of all
// of them: wet_c = Width*o_c + (1-Width)*mean(o).
//
// It has no latency: the dry path is untouched, and the first reverberant
// sound leaves predelay + the shortest line (0.15+0.85*Size times 20 ms or
// more) after the input. There is no delay modulation, so the reverb is
// exactly repeatable and its RT60 exact; the price is a slightly static
// tail on long decays. Changing Size or Seed moves the taps at once.
//
// The wet level is not normalised: as in a room, a longer decay or a
// smaller size gives more reverberant energy (a unit impulse gives about
// -4 dB of wet energy at the defaults).
type FDN struct {
	p Params

	// Prepared context.
	fs       float64
	channels int
	prepared bool

	// Derived from Params (set by SetParams, never allocating).
	length     [lines]int     // delay in samples per line, distinct primes
	gain       [lines]float64 // g_i * (1 - b_i): the absorption filter's input gain
	pole       [lines]float64 // b_i: its pole
	predelay   int            // samples
	mix        float64
	width      float64
	diffLen    [][diffusers]int // per channel
	lenSize    float64          // size, seed and rate the lengths were made for
	lenSeed    uint64
	lenFs      float64
	lenValid   bool
	inSign     [][lines]float64 // per input channel, including its 1/(4*sqrt(C)) scale
	inScale    float64          // that scale
	stereo     bool             // two channels: the written-out inject2 and tap2
	outSign    [][lines]float64 // per output channel, including its 1/4 scale
	wetScratch []float64
	// chunk is how many samples Process runs step by step (see Process):
	// at most the shortest line or diffuser, and maxChunk.
	chunk int
	s     []([lines]float64) // the network's outputs over a chunk
	xd    [][]float64        // per channel: diffused input over a chunk
	// rdWrap holds a stereo chunk's line reads that wrap around the ring
	// (network2); a fixed array, so Process allocates nothing.
	rdWrap [lines][maxChunk]float64
	w      []([lines]float64) // stereo: the lines' inputs over a chunk
	wet2   [2][]float64       // stereo: the wet outputs over a chunk

	// State.
	line     [lines][]float64
	lineMask int
	lp       [lines]float64 // absorption filter outputs, fed back
	pre      [][]float64    // per channel predelay rings
	preMask  int
	diff     [][diffusers][]float64 // per channel allpass rings
	diffMask int
	pos      int // samples since Reset; every ring is indexed by pos & mask
}

// New returns an FDN reverb with the given parameters. Call Prepare before
// Process.
func New(p Params) *FDN {
	r := &FDN{}
	r.p = clampParams(p)
	return r
}

func clampParams(p Params) Params {
	p.DecaySec = clampNaN(p.DecaySec, MinDecaySec, MaxDecaySec, 1.8)
	p.PredelayMs = clampNaN(p.PredelayMs, 0, MaxPredelayMs, 0)
	p.Size = clampNaN(p.Size, 0, 1, 0.7)
	p.Damping = clampNaN(p.Damping, 0, 1, 0)
	p.Width = clampNaN(p.Width, 0, 1, 1)
	p.Mix = clampNaN(p.Mix, 0, 1, 0)
	return p
}

// clampNaN clamps x to [lo, hi], replacing NaN with def.
func clampNaN(x, lo, hi, def float64) float64 {
	if x != x {
		return def
	}
	return math.Min(math.Max(x, lo), hi)
}

// Params returns the current (clamped) parameters.
func (r *FDN) Params() Params { return r.p }

// Prepare sizes every buffer for spec and resets.
func (r *FDN) Prepare(spec dsp.Spec) {
	r.fs = spec.SampleRate
	r.channels = spec.Channels
	c := spec.Channels

	maxLine := int(math.Ceil(lineMaxMs*1e-3*r.fs)) + 1024 // prime gaps are far smaller
	n := nextPow2(maxLine + 1)
	for i := range r.line {
		r.line[i] = make([]float64, n)
	}
	r.lineMask = n - 1

	n = nextPow2(int(math.Ceil(MaxPredelayMs*1e-3*r.fs)) + 2)
	r.pre = make([][]float64, c)
	for ch := range r.pre {
		r.pre[ch] = make([]float64, n)
	}
	r.preMask = n - 1

	n = nextPow2(int(math.Ceil(diffMs[diffusers-1]*1.25*1e-3*r.fs)) + 64)
	r.diff = make([][diffusers][]float64, c)
	for ch := range r.diff {
		for k := range r.diff[ch] {
			r.diff[ch][k] = make([]float64, n)
		}
	}
	r.diffMask = n - 1
	r.diffLen = make([][diffusers]int, c)

	// Sign patterns: rows of the 16x16 Sylvester-Hadamard matrix, which are
	// mutually orthogonal. Inputs use rows 1, 2, 3, ...; outputs use rows
	// 15, 14, 13, ...; row 0 (all ones) is never used.
	r.inSign = make([][lines]float64, c)
	r.outSign = make([][lines]float64, c)
	inScale := 1 / (4 * math.Sqrt(float64(c)))
	r.inScale = inScale
	r.stereo = c == 2 // rows 1, 2 in and 15, 14 out: inject2 and tap2
	for ch := 0; ch < c; ch++ {
		inRow := 1 + ch%(lines-1)
		outRow := lines - 1 - ch%(lines-1)
		for j := 0; j < lines; j++ {
			r.inSign[ch][j] = hadamardSign(inRow, j) * inScale
			r.outSign[ch][j] = hadamardSign(outRow, j) * 0.25
		}
	}
	r.wetScratch = make([]float64, c)
	r.s = make([][lines]float64, maxChunk)
	r.w = make([][lines]float64, maxChunk)
	for ch := range r.wet2 {
		r.wet2[ch] = make([]float64, maxChunk)
	}
	r.xd = make([][]float64, c)
	for ch := range r.xd {
		r.xd[ch] = make([]float64, maxChunk)
	}
	r.prepared = true
	r.lenValid = false
	r.SetParams(r.p)
	r.Reset()
}

// hadamardSign is entry (row, col) of the Sylvester-Hadamard matrix: +1 or -1
// by the parity of the shared bits.
func hadamardSign(row, col int) float64 {
	if bitsOnes(row&col)%2 == 1 {
		return -1
	}
	return 1
}

func bitsOnes(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// Reset clears every delay line and filter without allocating.
func (r *FDN) Reset() {
	for i := range r.line {
		clear(r.line[i])
		r.lp[i] = 0
	}
	for ch := range r.pre {
		clear(r.pre[ch])
		for k := range r.diff[ch] {
			clear(r.diff[ch][k])
		}
	}
	r.pos = 0
}

// Latency is zero: the dry path is not delayed and the wet path starts
// with the input.
func (r *FDN) Latency() int { return 0 }

// SetParams recomputes the derived coefficients without allocating and
// without touching the state. Before Prepare it only stores p.
//
// Changing Size or Seed moves the delay-line taps at once (no glide), which
// can click; decay, damping, predelay, width and mix change smoothly enough
// for automation at the graph's control rate.
func (r *FDN) SetParams(p Params) {
	r.p = clampParams(p)
	if !r.prepared {
		return
	}
	fs := r.fs
	if !r.lenValid || r.lenSize != r.p.Size || r.lenSeed != r.p.Seed || r.lenFs != fs {
		r.makeLengths()
		r.lenSize, r.lenSeed, r.lenFs, r.lenValid = r.p.Size, r.p.Seed, fs, true
		r.chunk = maxChunk
		for _, l := range r.length {
			r.chunk = min(r.chunk, l)
		}
		for ch := range r.diffLen {
			for _, l := range r.diffLen[ch] {
				r.chunk = min(r.chunk, l)
			}
		}
	}

	// Jot's absorption filter per line: H_i(z) = g_i (1-b_i) / (1 - b_i z^-1).
	// Its DC gain g_i = 10^(-3 d_i / (fs T60)) makes a line of d_i samples lose
	// 60 dB in T60 seconds whatever its length. b_i is solved so that the gain
	// at dampRefHz is 10^(-3 d_i / (fs T_hf)) with T_hf the damped RT60.
	t60 := r.p.DecaySec
	tHF := t60 * (1 - float64(dampSpan*r.p.Damping))
	fRef := math.Min(dampRefHz, 0.45*fs)
	cosW := detmath.Cos(2 * math.Pi * fRef / fs)
	for i := range lines {
		d := float64(r.length[i])
		// ratio of the gain at fRef to the DC gain
		ratio := detmath.Pow(10, -3*d/fs*(1/tHF-1/t60))
		b := onePoleForRatio(ratio, cosW)
		// The lowpass delays low frequencies by its DC group delay b/(1-b)
		// samples, which lengthens the loop; counting it in the loop
		// length keeps the low-frequency RT60 exact even for heavy damping
		// of long lines at short decays, where b comes close to 1.
		g := detmath.Pow(10, -3*(d+b/(1-b))/(fs*t60))
		r.gain[i] = g * (1 - b)
		r.pole[i] = b
	}
	r.predelay = int(math.Round(r.p.PredelayMs * 1e-3 * fs))
	if r.predelay > r.preMask {
		r.predelay = r.preMask
	}
	r.mix = r.p.Mix
	r.width = r.p.Width
}

// onePoleForRatio returns the pole b in [0, 1) of H(z) = (1-b)/(1 - b z^-1)
// (unit gain at DC) whose magnitude at the frequency with cosine cosW is
// ratio (0 < ratio <= 1). From |H|^2 = (1-b)^2 / (1 - 2b cos w + b^2):
//
//	(1 - r^2) b^2 - 2 (1 - r^2 cos w) b + (1 - r^2) = 0,
//
// whose roots multiply to 1; the smaller one is taken in the cancellation-free
// form b = A / (B + sqrt(B^2 - A^2)), A = 1 - r^2, B = 1 - r^2 cos w.
func onePoleForRatio(ratio, cosW float64) float64 {
	r2 := float64(ratio * ratio) // rounded: 1 - r2 must not fuse
	a := 1 - r2
	if a <= 0 {
		return 0
	}
	bq := 1 - float64(r2*cosW)
	return a / (bq + math.Sqrt(math.Max(float64(bq*bq)-float64(a*a), 0)))
}

// makeLengths picks the delay-line lengths for the current Size and Seed:
// line i gets a pseudo-random length inside the i-th of 16 geometrically
// spaced bands between the minimum and maximum, then the next prime that is
// not taken yet, so all lengths are mutually prime. Diffuser lengths get the
// same treatment per channel.
func (r *FDN) makeLengths() {
	scale := sizeScale(r.p.Size)
	lo := lineMinMs * 1e-3 * r.fs * scale
	rng := splitmix{state: r.p.Seed ^ 0x6a09e667f3bcc909}
	prev := 1
	for i := range lines {
		u := (float64(i) + rng.float()) / lines
		want := int(math.Round(lo * detmath.Exp(float64(u*lnLineRange))))
		if want <= prev {
			want = prev + 1
		}
		prev = nextPrime(want)
		r.length[i] = prev
	}
	// Interleave short and long lines across the Hadamard butterflies so
	// that each butterfly mixes different lengths.
	var sorted [lines]int
	copy(sorted[:], r.length[:])
	for i := range lines {
		// bit-reversed order of 4 bits
		j := int(reverse4(uint(i)))
		r.length[j] = sorted[i]
	}
	for ch := range r.diffLen {
		prevD := 1
		for k := range diffusers {
			ms := diffMs[k] * (0.9 + float64(0.2*rng.float()))
			want := int(math.Round(ms * 1e-3 * r.fs))
			if want <= prevD {
				want = prevD + 1
			}
			prevD = nextPrime(want)
			if prevD > r.diffMask {
				prevD = r.diffMask
			}
			r.diffLen[ch][k] = prevD
		}
	}
}

// sizeScale maps Size 0..1 to the factor on the delay-line lengths.
func sizeScale(size float64) float64 { return 0.15 + float64(0.85*size) }

func reverse4(x uint) uint {
	return (x&1)<<3 | (x&2)<<1 | (x&4)>>1 | (x&8)>>3
}

func nextPrime(n int) int {
	if n <= 2 {
		return 2
	}
	if n%2 == 0 {
		n++
	}
	for ; ; n += 2 {
		if isPrime(n) {
			return n
		}
	}
}

func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// splitmix is SplitMix64 (Steele, Lea, Flood 2014), a small deterministic
// generator seeded from Params.Seed.
type splitmix struct{ state uint64 }

func (s *splitmix) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform value in [0, 1).
func (s *splitmix) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// Lengths returns the current delay-line lengths in samples (for tests and
// documentation).
func (r *FDN) Lengths() [lines]int { return r.length }

// TailSeconds estimates how long the reverb takes to fall 100 dB below its
// peak after the input stops: predelay, the longest line, and 110/60 of the
// RT60 (the extra 10 dB covers the early peak standing above the decay
// envelope).
func (r *FDN) TailSeconds() float64 {
	longest := float64(lineMaxMs * 1e-3 * sizeScale(r.p.Size))
	return float64(r.p.PredelayMs*1e-3) + longest + float64(r.p.DecaySec*110.0/60.0)
}

// Process runs the reverb in place over buf.
//
// It works in chunks of at most r.chunk samples, no longer than the
// shortest delay line or diffuser: within a chunk every delayed read
// reaches back before the chunk, so each step (diffusion, the network's
// filters, feedback, outputs) can run over the whole chunk in its own
// loop, and the CPU overlaps the samples' work. Every value is computed by
// the same expression, in the same order, as one sample at a time.
func (r *FDN) Process(buf [][]float64) {
	if len(buf) == 0 {
		return
	}
	n := len(buf[0])
	for off := 0; off < n; {
		k := min(r.chunk, n-off)
		r.processChunk(buf, off, k)
		off += k
	}
}

// processChunk runs samples [off, off+k) of buf, k <= r.chunk.
func (r *FDN) processChunk(buf [][]float64, off, k int) {
	r.diffuseInputs(buf, off, k)
	if r.stereo {
		r.network2(buf, off, k)
		return
	}
	c := len(buf)
	lm := r.lineMask
	pos0 := r.pos
	// Network outputs through the absorption filters.
	sk := r.s[:k]
	var lpv [lines]float64
	lpv = r.lp
	var rd [lines][]float64 // each line's reads for the chunk, when contiguous
	whole := true
	for j := range lines {
		start := (pos0 - r.length[j]) & lm
		if start+k > len(r.line[j]) {
			whole = false
			break
		}
		rd[j] = r.line[j][start : start+k]
	}
	if whole {
		for t := range sk {
			st := &sk[t]
			for j := range lines {
				y := float64(r.gain[j]*rd[j][t]) + float64(r.pole[j]*lpv[j])
				y = flush(y)
				lpv[j] = y
				st[j] = y
			}
		}
	} else {
		for t := range sk {
			st := &sk[t]
			for j := range lines {
				x := r.line[j][(pos0+t-r.length[j])&lm]
				y := float64(r.gain[j]*x) + float64(r.pole[j]*lpv[j])
				y = flush(y)
				lpv[j] = y
				st[j] = y
			}
		}
	}
	r.lp = lpv
	// Feedback: v = (H/4) s, by the fast Walsh-Hadamard transform, plus the
	// inputs with each channel's signs, into the lines.
	for t := range sk {
		v := sk[t]
		fwht16(&v)
		if r.stereo {
			inject2(&v, float64(r.inScale*r.xd[0][t]), float64(r.inScale*r.xd[1][t]))
		} else {
			for ch := 0; ch < c; ch++ {
				inject(&v, &r.inSign[ch], r.xd[ch][t])
			}
		}
		p := (pos0 + t) & lm
		for j := range lines {
			r.line[j][p] = flush(v[j])
		}
	}
	// Outputs.
	mix, width := r.mix, r.width
	fc := float64(c)
	for t := range sk {
		st := &sk[t]
		wet := r.wetScratch[:c]
		var mean float64
		if r.stereo {
			wet[0], wet[1] = tap2(st)
			mean = 0 + wet[0] + wet[1]
		} else {
			for ch := 0; ch < c; ch++ {
				o := tap(&r.outSign[ch], st)
				wet[ch] = o
				mean += o
			}
		}
		mean /= fc
		i := off + t
		for ch := 0; ch < c; ch++ {
			w := float64(width*wet[ch]) + float64((1-width)*mean)
			switch mix {
			case 0:
				// dry passes bit-identically
			case 1:
				buf[ch][i] = w
			default:
				buf[ch][i] = float64((1-mix)*buf[ch][i]) + float64(mix*w)
			}
		}
	}
	r.pos = pos0 + k
}

// network2 is the network and the outputs of processChunk for a stereo
// FDN. Each line's reads for the chunk are a window of maxChunk samples
// taken once per chunk as an array pointer (a window that wraps the ring,
// or would run past its end, is copied to rdWrap first), so the absorption
// loop indexes fixed arrays without bounds checks. feedback2 does the
// transform, injection, flush and taps of a sample on registers, into a
// scratch row per sample, and each line then takes its chunk of writes in
// one contiguous loop. Every value is the same expression, in the same
// order, as in processChunk.
func (r *FDN) network2(buf [][]float64, off, k int) {
	lm := r.lineMask
	pos0 := r.pos
	var rd [lines]*[maxChunk]float64
	for j := range lines {
		ln := r.line[j]
		start := (pos0 - r.length[j]) & lm
		if start+maxChunk <= len(ln) {
			rd[j] = (*[maxChunk]float64)(ln[start : start+maxChunk])
		} else {
			w := &r.rdWrap[j]
			for t := range k {
				w[t] = ln[(start+t)&lm]
			}
			rd[j] = w
		}
	}
	// Network outputs through the absorption filters.
	sk := r.s[:k]
	absorb(sk, &r.lp, &r.gain, &r.pole, &rd)
	// Feedback and taps, a sample at a time.
	wk := r.w[:len(sk)]
	xd0, xd1 := r.xd[0][:len(sk)], r.xd[1][:len(sk)]
	wet0, wet1 := r.wet2[0][:len(sk)], r.wet2[1][:len(sk)]
	inScale := r.inScale
	for t := range sk {
		wet0[t], wet1[t] = feedback2(&wk[t], &sk[t], float64(inScale*xd0[t]), float64(inScale*xd1[t]))
	}
	// Into the lines, four lines per pass over the chunk (all lines have
	// the same ring length).
	p0 := pos0 & lm
	if p0+k <= len(r.line[0]) {
		for j := 0; j < lines; j += 4 {
			d0, d1 := r.line[j][p0:p0+k], r.line[j+1][p0:p0+k]
			d2, d3 := r.line[j+2][p0:p0+k], r.line[j+3][p0:p0+k]
			d0, d1, d2, d3 = d0[:len(wk)], d1[:len(wk)], d2[:len(wk)], d3[:len(wk)]
			for t := range wk {
				w := (*[4]float64)(wk[t][j : j+4])
				d0[t], d1[t], d2[t], d3[t] = w[0], w[1], w[2], w[3]
			}
		}
	} else {
		for j := range lines {
			ln := r.line[j]
			for t := range wk {
				ln[(p0+t)&lm] = wk[t][j]
			}
		}
	}
	// Outputs.
	mix, width := r.mix, r.width
	const fc = 2.0
	out0, out1 := buf[0][off:off+len(sk)], buf[1][off:off+len(sk)]
	for t := range out0 {
		w0, w1 := wet0[t], wet1[t]
		mean := 0 + w0 + w1
		mean /= fc
		w0 = float64(width*w0) + float64((1-width)*mean)
		w1 = float64(width*w1) + float64((1-width)*mean)
		switch mix {
		case 0:
			// dry passes bit-identically
		case 1:
			out0[t] = w0
			out1[t] = w1
		default:
			out0[t] = float64((1-mix)*out0[t]) + float64(mix*w0)
			out1[t] = float64((1-mix)*out1[t]) + float64(mix*w1)
		}
	}
	r.pos = pos0 + k
}

// absorb runs the 16 absorption filters over a chunk: sk[t][j] =
// flush(gain[j]*rd[j][t] + pole[j]*lp[j]), which becomes lp[j]. Written out
// so that no loop counter or slice header is reloaded per line; the same
// expression as processChunk's loop. len(sk) <= maxChunk.
func absorb(sk [][lines]float64, lp, gain, pole *[lines]float64, rd *[lines]*[maxChunk]float64) {
	l := *lp
	for t := range sk {
		st := &sk[t]
		ti := t & (maxChunk - 1) // t < maxChunk: no bounds checks on rd
		l[0] = flush(float64(gain[0]*rd[0][ti]) + float64(pole[0]*l[0]))
		st[0] = l[0]
		l[1] = flush(float64(gain[1]*rd[1][ti]) + float64(pole[1]*l[1]))
		st[1] = l[1]
		l[2] = flush(float64(gain[2]*rd[2][ti]) + float64(pole[2]*l[2]))
		st[2] = l[2]
		l[3] = flush(float64(gain[3]*rd[3][ti]) + float64(pole[3]*l[3]))
		st[3] = l[3]
		l[4] = flush(float64(gain[4]*rd[4][ti]) + float64(pole[4]*l[4]))
		st[4] = l[4]
		l[5] = flush(float64(gain[5]*rd[5][ti]) + float64(pole[5]*l[5]))
		st[5] = l[5]
		l[6] = flush(float64(gain[6]*rd[6][ti]) + float64(pole[6]*l[6]))
		st[6] = l[6]
		l[7] = flush(float64(gain[7]*rd[7][ti]) + float64(pole[7]*l[7]))
		st[7] = l[7]
		l[8] = flush(float64(gain[8]*rd[8][ti]) + float64(pole[8]*l[8]))
		st[8] = l[8]
		l[9] = flush(float64(gain[9]*rd[9][ti]) + float64(pole[9]*l[9]))
		st[9] = l[9]
		l[10] = flush(float64(gain[10]*rd[10][ti]) + float64(pole[10]*l[10]))
		st[10] = l[10]
		l[11] = flush(float64(gain[11]*rd[11][ti]) + float64(pole[11]*l[11]))
		st[11] = l[11]
		l[12] = flush(float64(gain[12]*rd[12][ti]) + float64(pole[12]*l[12]))
		st[12] = l[12]
		l[13] = flush(float64(gain[13]*rd[13][ti]) + float64(pole[13]*l[13]))
		st[13] = l[13]
		l[14] = flush(float64(gain[14]*rd[14][ti]) + float64(pole[14]*l[14]))
		st[14] = l[14]
		l[15] = flush(float64(gain[15]*rd[15][ti]) + float64(pole[15]*l[15]))
		st[15] = l[15]
	}
	*lp = l
}

// feedback2 is, for one sample of a stereo FDN, tap2(s), and
// dst = flush(inject2(fwht16(s), p0, p1)), written out on locals: the same
// operations in the same order as those functions. The transform's first
// three stages act on each half of s apart, so each half is done on eight
// locals (the first half is parked in dst), which fits the registers.
func feedback2(dst, s *[lines]float64, p0, p1 float64) (o0, o1 float64) {
	// s[0..7]: their terms of the taps (Hadamard rows 15 and 14, summed
	// from +0 in order), then stages 1-3 of fwht16.
	v0, v1, v2, v3, v4, v5, v6, v7 := s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
	q := float64(0.25 * v0)
	o0, o1 = 0+q, 0+q
	q = float64(0.25 * v1)
	o0, o1 = o0-q, o1+q
	q = float64(0.25 * v2)
	o0, o1 = o0-q, o1-q
	q = float64(0.25 * v3)
	o0, o1 = o0+q, o1-q
	q = float64(0.25 * v4)
	o0, o1 = o0-q, o1-q
	q = float64(0.25 * v5)
	o0, o1 = o0+q, o1-q
	q = float64(0.25 * v6)
	o0, o1 = o0+q, o1+q
	q = float64(0.25 * v7)
	o0, o1 = o0-q, o1+q
	v0, v1 = v0+v1, v0-v1
	v2, v3 = v2+v3, v2-v3
	v4, v5 = v4+v5, v4-v5
	v6, v7 = v6+v7, v6-v7
	v0, v2 = v0+v2, v0-v2
	v1, v3 = v1+v3, v1-v3
	v4, v6 = v4+v6, v4-v6
	v5, v7 = v5+v7, v5-v7
	v0, v4 = v0+v4, v0-v4
	v1, v5 = v1+v5, v1-v5
	v2, v6 = v2+v6, v2-v6
	v3, v7 = v3+v7, v3-v7
	dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], dst[6], dst[7] = v0, v1, v2, v3, v4, v5, v6, v7
	// s[8..15], on the same eight locals: the rest of the taps, stages 1-3.
	v0, v1, v2, v3, v4, v5, v6, v7 = s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15]
	q = float64(0.25 * v0)
	o0, o1 = o0-q, o1-q
	q = float64(0.25 * v1)
	o0, o1 = o0+q, o1-q
	q = float64(0.25 * v2)
	o0, o1 = o0+q, o1+q
	q = float64(0.25 * v3)
	o0, o1 = o0-q, o1+q
	q = float64(0.25 * v4)
	o0, o1 = o0+q, o1+q
	q = float64(0.25 * v5)
	o0, o1 = o0-q, o1+q
	q = float64(0.25 * v6)
	o0, o1 = o0-q, o1-q
	q = float64(0.25 * v7)
	o0, o1 = o0+q, o1-q
	v0, v1 = v0+v1, v0-v1
	v2, v3 = v2+v3, v2-v3
	v4, v5 = v4+v5, v4-v5
	v6, v7 = v6+v7, v6-v7
	v0, v2 = v0+v2, v0-v2
	v1, v3 = v1+v3, v1-v3
	v4, v6 = v4+v6, v4-v6
	v5, v7 = v5+v7, v5-v7
	v0, v4 = v0+v4, v0-v4
	v1, v5 = v1+v5, v1-v5
	v2, v6 = v2+v6, v2-v6
	v3, v7 = v3+v7, v3-v7
	// Stage 4 (distance 8, with the 1/4 scale), inject2 (rows 1 and 2), flush.
	a, b := dst[0], v0
	dst[0] = flush((float64(0.25*(a+b)) + p0) + p1)
	dst[8] = flush((float64(0.25*(a-b)) + p0) + p1)
	a, b = dst[1], v1
	dst[1] = flush((float64(0.25*(a+b)) - p0) + p1)
	dst[9] = flush((float64(0.25*(a-b)) - p0) + p1)
	a, b = dst[2], v2
	dst[2] = flush((float64(0.25*(a+b)) + p0) - p1)
	dst[10] = flush((float64(0.25*(a-b)) + p0) - p1)
	a, b = dst[3], v3
	dst[3] = flush((float64(0.25*(a+b)) - p0) - p1)
	dst[11] = flush((float64(0.25*(a-b)) - p0) - p1)
	a, b = dst[4], v4
	dst[4] = flush((float64(0.25*(a+b)) + p0) + p1)
	dst[12] = flush((float64(0.25*(a-b)) + p0) + p1)
	a, b = dst[5], v5
	dst[5] = flush((float64(0.25*(a+b)) - p0) + p1)
	dst[13] = flush((float64(0.25*(a-b)) - p0) + p1)
	a, b = dst[6], v6
	dst[6] = flush((float64(0.25*(a+b)) + p0) - p1)
	dst[14] = flush((float64(0.25*(a-b)) + p0) - p1)
	a, b = dst[7], v7
	dst[7] = flush((float64(0.25*(a+b)) - p0) - p1)
	dst[15] = flush((float64(0.25*(a-b)) - p0) - p1)
	return o0, o1
}

// diffuseInputs runs each channel's predelay and diffusers over samples
// [off, off+k) of buf into r.xd.
func (r *FDN) diffuseInputs(buf [][]float64, off, k int) {
	c := len(buf)
	pm, dm := r.preMask, r.diffMask
	pos0 := r.pos
	// Inputs: predelay and diffusion, per channel over the chunk.
	for ch := 0; ch < c; ch++ {
		in := buf[ch][off : off+k]
		xd := r.xd[ch][:k]
		pre := r.pre[ch]
		for t, x := range in {
			// Write, then read, sample by sample: with the longest predelay
			// the read slot can be the next sample's write slot.
			pre[(pos0+t)&pm] = x
			xd[t] = pre[(pos0+t-r.predelay)&pm]
		}
		for a := range diffusers {
			// Schroeder allpass: w[n] = x[n] + g w[n-M], y[n] = w[n-M] - g w[n].
			d := r.diff[ch][a]
			m := r.diffLen[ch][a]
			rs, ws := (pos0-m)&dm, pos0&dm
			if rs+k <= len(d) && ws+k <= len(d) {
				// Neither the reads nor the writes wrap: plain slices
				// (they do not overlap, as m >= k).
				rd, wr := d[rs:rs+k], d[ws:ws+k]
				rd, wr = rd[:len(xd)], wr[:len(xd)]
				for t, x := range xd {
					wd := rd[t]
					w := flush(x + float64(diffGain*wd))
					wr[t] = w
					xd[t] = wd - float64(diffGain*w)
				}
				continue
			}
			for t, x := range xd {
				p := pos0 + t
				wd := d[(p-m)&dm]
				w := flush(x + float64(diffGain*wd))
				d[p&dm] = w
				xd[t] = wd - float64(diffGain*w)
			}
		}
	}
}

// flush is dsp.Flush as one integer compare: the same result for every
// input (TestFlushExact). Without the sign bit (shifted out), the bit
// patterns of non-negative floats are in numeric order and NaN's are above
// the threshold's, so bits<<1 < thresholdBits<<1 is exactly |x| < threshold,
// and it needs neither a branch on the sign (unpredictable for audio) nor a
// round trip of |x| back into a float register, as math.Abs did.
func flush(x float64) float64 {
	if math.Float64bits(x)<<1 < flushBits<<1 {
		return 0
	}
	return x
}

// flushBits is math.Float64bits(dsp.DenormalThreshold) (TestFlushBits).
const flushBits uint64 = 0x39b4484bfeebc2a0

// tap is sum_j sign[j]*s[j], summed from +0 in order j = 0..15, written out.
func tap(sign, s *[lines]float64) float64 {
	o := 0 + float64(sign[0]*s[0])
	o += float64(sign[1] * s[1])
	o += float64(sign[2] * s[2])
	o += float64(sign[3] * s[3])
	o += float64(sign[4] * s[4])
	o += float64(sign[5] * s[5])
	o += float64(sign[6] * s[6])
	o += float64(sign[7] * s[7])
	o += float64(sign[8] * s[8])
	o += float64(sign[9] * s[9])
	o += float64(sign[10] * s[10])
	o += float64(sign[11] * s[11])
	o += float64(sign[12] * s[12])
	o += float64(sign[13] * s[13])
	o += float64(sign[14] * s[14])
	return o + float64(sign[15]*s[15])
}

// inject2 is inject for the two channels of a stereo FDN, whose sign rows
// are Hadamard rows 1 and 2 scaled by inScale: sign*x is ±(inScale*x)
// exactly, so each channel costs one multiplication and the signs are
// written out. Same sums in the same order as inject on each channel.
func inject2(v *[lines]float64, p0, p1 float64) {
	v[0] = (v[0] + p0) + p1
	v[1] = (v[1] - p0) + p1
	v[2] = (v[2] + p0) - p1
	v[3] = (v[3] - p0) - p1
	v[4] = (v[4] + p0) + p1
	v[5] = (v[5] - p0) + p1
	v[6] = (v[6] + p0) - p1
	v[7] = (v[7] - p0) - p1
	v[8] = (v[8] + p0) + p1
	v[9] = (v[9] - p0) + p1
	v[10] = (v[10] + p0) - p1
	v[11] = (v[11] - p0) - p1
	v[12] = (v[12] + p0) + p1
	v[13] = (v[13] - p0) + p1
	v[14] = (v[14] + p0) - p1
	v[15] = (v[15] - p0) - p1
}

// tap2 is tap for both channels of a stereo FDN, whose sign rows are
// Hadamard rows 15 and 14 scaled by 1/4: sign*s is ±(s/4) exactly, so the
// quarters are taken once for both and the signs are written out. Same
// sums in the same order as tap.
func tap2(s *[lines]float64) (o0, o1 float64) {
	q0, q1, q2, q3 := 0.25*s[0], 0.25*s[1], 0.25*s[2], 0.25*s[3]
	q4, q5, q6, q7 := 0.25*s[4], 0.25*s[5], 0.25*s[6], 0.25*s[7]
	q8, q9, q10, q11 := 0.25*s[8], 0.25*s[9], 0.25*s[10], 0.25*s[11]
	q12, q13, q14, q15 := 0.25*s[12], 0.25*s[13], 0.25*s[14], 0.25*s[15]
	o0 = 0 + q0 - q1 - q2 + q3 - q4 + q5 + q6 - q7
	o0 = o0 - q8 + q9 + q10 - q11 + q12 - q13 - q14 + q15
	o1 = 0 + q0 + q1 - q2 - q3 - q4 - q5 + q6 + q7
	o1 = o1 - q8 - q9 + q10 + q11 + q12 + q13 - q14 - q15
	return o0, o1
}

// inject adds sign[j]*x to v[j], written out so v stays in registers.
func inject(v *[lines]float64, sign *[lines]float64, x float64) {
	v[0] += float64(sign[0] * x)
	v[1] += float64(sign[1] * x)
	v[2] += float64(sign[2] * x)
	v[3] += float64(sign[3] * x)
	v[4] += float64(sign[4] * x)
	v[5] += float64(sign[5] * x)
	v[6] += float64(sign[6] * x)
	v[7] += float64(sign[7] * x)
	v[8] += float64(sign[8] * x)
	v[9] += float64(sign[9] * x)
	v[10] += float64(sign[10] * x)
	v[11] += float64(sign[11] * x)
	v[12] += float64(sign[12] * x)
	v[13] += float64(sign[13] * x)
	v[14] += float64(sign[14] * x)
	v[15] += float64(sign[15] * x)
}

// fwht16 applies the 16x16 Sylvester-Hadamard matrix scaled by 1/4 (an
// orthogonal matrix) in place: four radix-2 butterfly stages, written out
// on locals so the values stay in registers.
func fwht16(v *[lines]float64) {
	v0, v1, v2, v3, v4, v5, v6, v7 := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
	v8, v9, v10, v11, v12, v13, v14, v15 := v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]
	// Stage 1: pairs.
	v0, v1 = v0+v1, v0-v1
	v2, v3 = v2+v3, v2-v3
	v4, v5 = v4+v5, v4-v5
	v6, v7 = v6+v7, v6-v7
	v8, v9 = v8+v9, v8-v9
	v10, v11 = v10+v11, v10-v11
	v12, v13 = v12+v13, v12-v13
	v14, v15 = v14+v15, v14-v15
	// Stage 2: distance 2.
	v0, v2 = v0+v2, v0-v2
	v1, v3 = v1+v3, v1-v3
	v4, v6 = v4+v6, v4-v6
	v5, v7 = v5+v7, v5-v7
	v8, v10 = v8+v10, v8-v10
	v9, v11 = v9+v11, v9-v11
	v12, v14 = v12+v14, v12-v14
	v13, v15 = v13+v15, v13-v15
	// Stage 3: distance 4.
	v0, v4 = v0+v4, v0-v4
	v1, v5 = v1+v5, v1-v5
	v2, v6 = v2+v6, v2-v6
	v3, v7 = v3+v7, v3-v7
	v8, v12 = v8+v12, v8-v12
	v9, v13 = v9+v13, v9-v13
	v10, v14 = v10+v14, v10-v14
	v11, v15 = v11+v15, v11-v15
	// Stage 4: distance 8, with the 1/4 scale.
	v[0], v[8] = 0.25*(v0+v8), 0.25*(v0-v8)
	v[1], v[9] = 0.25*(v1+v9), 0.25*(v1-v9)
	v[2], v[10] = 0.25*(v2+v10), 0.25*(v2-v10)
	v[3], v[11] = 0.25*(v3+v11), 0.25*(v3-v11)
	v[4], v[12] = 0.25*(v4+v12), 0.25*(v4-v12)
	v[5], v[13] = 0.25*(v5+v13), 0.25*(v5-v13)
	v[6], v[14] = 0.25*(v6+v14), 0.25*(v6-v14)
	v[7], v[15] = 0.25*(v7+v15), 0.25*(v7-v15)
}
