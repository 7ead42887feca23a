// Package truepeak estimates the true (inter-sample) peak of a sampled
// signal as ITU-R BS.1770-4 Annex 2 specifies: oversample by 4 with the
// Annex's 48-tap polyphase FIR and take the largest absolute value.
//
// The filter is the one printed in the Annex, not a redesign. It is the
// reference every conforming dBTP meter is compared with, and it meets the
// EBU Tech 3341 true-peak tolerance (+0.2/-0.4 dB) on all of that Tech's
// true-peak signals, cases 15-23 (see truepeak_test.go). Its measured
// properties, pinned by tests: per-phase gain within +-0.24 dB up to
// 20 kHz at 48 kHz (phases 1 and 2 have a DC gain of 0.973, -0.24 dB), and
// per-phase timing errors up to 0.07 samples that cancel on average. A 4x
// grid also misses a peak by up to 1/8 sample (-0.17 dB at fs/4, -0.47 dB
// at 20 kHz at 48 kHz). Together, an isolated peak of a sine can read up
// to 0.40 dB low at 15 kHz and 0.62 dB low at 20 kHz (docs/metering.md);
// above 20 kHz the filter's transition band under-reads more. On the
// signals Tech 3341 specifies, the errors are within its tolerance.
//
// Time alignment. The prototype is symmetric (linear phase) with 48 taps,
// so its group delay is 23.5 samples at 4x, i.e. 5.875 input samples. The
// four interpolated values produced when x[n] is pushed therefore sit at
// times n-6+1/8, n-6+3/8, n-6+5/8 and n-6+7/8 (in input samples). None of
// them lands on an input sample, so PeakAbs also looks at x[n-6], the input
// sample that starts that interval: five points per input period, all
// inside [n-6, n-5). Latency is 6 input samples exactly for that view.
package truepeak

import "math"

// Phases is the oversampling factor; Taps is the length of each phase.
const (
	Phases = 4
	Taps   = 12
)

// LatencySamples is the delay of PeakAbs, and the rounded (5.875 -> 6)
// group delay of the values Next returns, in input samples.
const LatencySamples = 6

// Coefficients is ITU-R BS.1770-4 Annex 2, order-48 4-phase FIR,
// Coefficients[p][k]: phase p, tap k. Phase 3 is phase 0 reversed and phase
// 2 is phase 1 reversed (the prototype is symmetric; a test checks it).
var Coefficients = [Phases][Taps]float64{
	{0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
		-0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
		0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500},
	{-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
		-0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
		0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375},
	{-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000,
		-0.2003173828125, 0.7797851562500, 0.4650878906250, -0.1665039062500,
		0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875},
	{-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750,
		-0.1022949218750, 0.9721679687500, 0.1373291015625, -0.0594482421875,
		0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750},
}

// Interpolator is a streaming 4x true-peak interpolator for one channel.
// The zero value is ready to use (all history zero).
type Interpolator struct {
	// hist holds the last Taps inputs twice over, so that
	// hist[pos:pos+Taps] is always the contiguous window x[n], x[n-1], ...
	// without a modulo in the inner loop.
	hist [2 * Taps]float64
	pos  int
}

// NewInterpolator returns an Interpolator at time zero.
func NewInterpolator() *Interpolator { return &Interpolator{} }

// Reset clears the history, as if no sample had been pushed.
func (p *Interpolator) Reset() { *p = Interpolator{} }

// Latency is the delay, in input samples, of the interpolated stream: the
// exact group delay is 5.875 samples, reported rounded up to 6, which is
// also the exact delay of the input sample PeakAbs includes.
func (p *Interpolator) Latency() int { return LatencySamples }

// folded holds the symmetric prototype folded in half: phase 3 is phase 0
// reversed and phase 2 is phase 1 reversed, so with u = w[k] + w[11-k] and
// v = w[k] - w[11-k] (k < 6),
//
//	y0 + y3 = sum (c0[k] + c0[11-k]) u,  y0 - y3 = sum (c0[k] - c0[11-k]) v
//
// and likewise for phases 1 and 2: 24 multiplications instead of 48. The
// coefficients are multiples of 2^-16, so the folded sums and differences
// are exact.
var folded = func() (f [4][Taps / 2]float64) {
	for k := range Taps / 2 {
		f[0][k] = Coefficients[0][k] + Coefficients[0][Taps-1-k]
		f[1][k] = Coefficients[0][k] - Coefficients[0][Taps-1-k]
		f[2][k] = Coefficients[1][k] + Coefficients[1][Taps-1-k]
		f[3][k] = Coefficients[1][k] - Coefficients[1][Taps-1-k]
	}
	return f
}()

// Next pushes one input sample x[n] and returns the four interpolated
// values at times n-6+1/8, n-6+3/8, n-6+5/8, n-6+7/8. They are computed
// with the folded form above, summed in a fixed order, with every product
// rounded explicitly (no FMA), so results are identical on every
// architecture.
func (p *Interpolator) Next(x float64) (y [Phases]float64) {
	p.push(x)
	w := (*[Taps]float64)(p.hist[p.pos : p.pos+Taps])
	f0, f1, f2, f3 := &folded[0], &folded[1], &folded[2], &folded[3]
	var s03, d03, s12, d12 float64
	for k := range Taps / 2 {
		u := w[k] + w[Taps-1-k]
		v := w[k] - w[Taps-1-k]
		s03 += float64(f0[k] * u)
		d03 += float64(f1[k] * v)
		s12 += float64(f2[k] * u)
		d12 += float64(f3[k] * v)
	}
	return [Phases]float64{(s03 + d03) * 0.5, (s12 + d12) * 0.5, (s12 - d12) * 0.5, (s03 - d03) * 0.5}
}

// PeakAbs pushes x[n] and returns the largest absolute value among x[n-6]
// and the four interpolated values of Next, i.e. the true-peak estimate of
// the interval [n-6, n-5). It never reads less than the sample peak of the
// stream delayed by 6, so a true-peak maximum built from it is at least the
// sample peak of everything but the last 6 inputs.
func (p *Interpolator) PeakAbs(x float64) float64 {
	y := p.Next(x)
	m := math.Abs(p.hist[p.pos+LatencySamples])
	for _, v := range y {
		m = max(m, math.Abs(v))
	}
	return m
}

// MaxPeakAbs pushes every sample of x and returns the largest of peak and
// every PeakAbs value on the way: PeakAbs over a block, without a call per
// sample. The arithmetic is Next's, so the result equals folding PeakAbs.
//
// Stretches of group frames that provably cannot raise the maximum (see
// gainBound) are pushed without being interpolated: most of a programme
// sits well below its peak, and the result is the same.
func (p *Interpolator) MaxPeakAbs(x []float64, peak float64) float64 {
	var a [Taps - 1 + chunk]float64
	for len(x) > 0 {
		n := min(len(x), chunk)
		p.window(&a, x[:n])
		wait := 0
		for g := 0; g < n; g += group {
			e := min(g+group, n)
			if wait > 0 {
				wait--
			} else if below(a[g:e+Taps-1], peak) {
				continue
			} else {
				wait = recheck
			}
			for i := g; i < e; i++ {
				peak = max(peak, peakAt((*[Taps]float64)(a[i:i+Taps])))
			}
		}
		x = x[n:]
	}
	return peak
}

// PeakAbsMax pushes every sample of x and raises dst[i] to PeakAbs(x[i])
// where that is larger: dst[i] = max(dst[i], PeakAbs(x[i])). Over the
// channels of a frame, starting from dst[i] = 0, it gives the frame's
// linked true-peak estimate exactly as calling PeakAbs per sample does.
// len(dst) must be at least len(x).
func (p *Interpolator) PeakAbsMax(x, dst []float64) { p.PeakAbsMaxAbove(x, dst, -1) }

// PeakAbsMaxAbove is PeakAbsMax for a caller that only needs the values
// above floor (a limiter's ceiling): wherever PeakAbs(x[i]) > floor it
// sets dst[i] = max(dst[i], PeakAbs(x[i])) exactly as PeakAbsMax; where
// PeakAbs(x[i]) <= floor it may leave dst[i] unchanged. So a frame's
// maximum over the channels is exact when it is above floor, and at or
// below floor when the exact one is. Stretches that provably stay at or
// below floor (see gainBound) cost a fraction of the interpolation. A
// negative floor gives PeakAbsMax.
func (p *Interpolator) PeakAbsMaxAbove(x, dst []float64, floor float64) {
	var a [Taps - 1 + chunk]float64
	dst = dst[:len(x)]
	for len(x) > 0 {
		n := min(len(x), chunk)
		p.window(&a, x[:n])
		d := dst[:n]
		wait := 0
		for g := 0; g < n; g += group {
			e := min(g+group, n)
			if floor < 0 || wait > 0 {
				wait--
			} else if below(a[g:e+Taps-1], floor) {
				continue
			} else {
				wait = recheck
			}
			for i := g; i < e; i++ {
				d[i] = max(d[i], peakAt((*[Taps]float64)(a[i:i+Taps])))
			}
		}
		x, dst = x[n:], dst[n:]
	}
}

// group is how many frames one bound check covers. After a check fails,
// the next recheck groups are interpolated without one, which bounds the
// checks' cost on material that stays loud.
const (
	group   = 16
	recheck = 3
)

// gainBound bounds how far an interpolated value can exceed the largest
// input magnitude in its window: |y| <= gainBound * max|w|. The exact
// bound is the largest sum of |coefficient| over the phases (2.02, phases
// 1 and 2: a window within -6.1 dB of a floor can be skipped; the delayed
// input sample is covered too, the bound being above 1); the factor
// 1 + 2^-20 covers every rounding of the folded sums, which is below 1e-14
// relative. On mixdown's benchmark mix (docs/performance.md), limited at
// -1 dBFS or mastered to -14 LUFS, 97-99% of groups are skipped.
var gainBound = func() float64 {
	var g float64
	for _, ph := range Coefficients {
		var s float64
		for _, c := range ph {
			s += math.Abs(c)
		}
		g = max(g, s)
	}
	return g * (1 + 0x1p-20)
}()

// below reports whether every PeakAbs value of the windows within w
// (oldest first) is provably at or below floor. NaN or ±Inf inputs are
// never skipped, so they reach the result exactly as before.
//
// The largest magnitude is found on the bit patterns: for floats with the
// sign cleared, integer order is numeric order, and NaN and ±Inf sort above
// every finite value. That keeps the loop in integer registers (math.Abs on
// amd64 moves each value to one and back) and gives the same maximum.
func below(w []float64, floor float64) bool {
	var m uint64
	for _, v := range w {
		m = max(m, math.Float64bits(v)&^signBit)
	}
	return m <= maxFiniteBits && math.Float64frombits(m)*gainBound <= floor
}

const (
	signBit       = 1 << 63
	maxFiniteBits = 0x7fefffffffffffff // math.MaxFloat64
)

// peakAt is PeakAbs's value for the oldest-first window w (w[Taps-1] is
// the newest sample): Next's arithmetic, the same terms summed in the same
// order, and the delayed input sample.
func peakAt(w *[Taps]float64) float64 {
	f0, f1, f2, f3 := &folded[0], &folded[1], &folded[2], &folded[3]
	u0, v0 := w[11]+w[0], w[11]-w[0]
	u1, v1 := w[10]+w[1], w[10]-w[1]
	u2, v2 := w[9]+w[2], w[9]-w[2]
	u3, v3 := w[8]+w[3], w[8]-w[3]
	u4, v4 := w[7]+w[4], w[7]-w[4]
	u5, v5 := w[6]+w[5], w[6]-w[5]
	s03 := 0 + float64(f0[0]*u0)
	s03 += float64(f0[1] * u1)
	s03 += float64(f0[2] * u2)
	s03 += float64(f0[3] * u3)
	s03 += float64(f0[4] * u4)
	s03 += float64(f0[5] * u5)
	d03 := 0 + float64(f1[0]*v0)
	d03 += float64(f1[1] * v1)
	d03 += float64(f1[2] * v2)
	d03 += float64(f1[3] * v3)
	d03 += float64(f1[4] * v4)
	d03 += float64(f1[5] * v5)
	s12 := 0 + float64(f2[0]*u0)
	s12 += float64(f2[1] * u1)
	s12 += float64(f2[2] * u2)
	s12 += float64(f2[3] * u3)
	s12 += float64(f2[4] * u4)
	s12 += float64(f2[5] * u5)
	d12 := 0 + float64(f3[0]*v0)
	d12 += float64(f3[1] * v1)
	d12 += float64(f3[2] * v2)
	d12 += float64(f3[3] * v3)
	d12 += float64(f3[4] * v4)
	d12 += float64(f3[5] * v5)
	m := math.Abs(w[Taps-1-LatencySamples])
	m = max(m, math.Abs((s03+d03)*0.5))
	m = max(m, math.Abs((s12+d12)*0.5))
	m = max(m, math.Abs((s12-d12)*0.5))
	return max(m, math.Abs((s03-d03)*0.5))
}

// chunk is how many samples the block methods filter from one contiguous
// window (on the stack): reading a plain array instead of pushing through
// the history ring keeps the loop free of memory-carried state, so the
// samples' sums overlap in the CPU.
const chunk = 256

// window lays out the history and x (len(x) <= chunk) oldest first in a:
// a[i : i+Taps] is the window ending at x[i], the reverse of Next's view.
// It pushes x, so the history ends up as if each sample had been pushed.
func (p *Interpolator) window(a *[Taps - 1 + chunk]float64, x []float64) {
	h := p.hist[p.pos : p.pos+Taps-1] // x[n-1], x[n-2], ... (newest first)
	for k, v := range h {
		a[Taps-2-k] = v
	}
	copy(a[Taps-1:], x)
	// Only the last Taps samples stay in the ring; place the ring position
	// where pushing the earlier ones would have left it.
	if skip := len(x) - Taps; skip > 0 {
		p.pos = (p.pos - skip%Taps + Taps) % Taps
		x = x[skip:]
	}
	for _, v := range x {
		p.push(v)
	}
}

func (p *Interpolator) push(x float64) {
	p.pos--
	if p.pos < 0 {
		p.pos = Taps - 1
	}
	p.hist[p.pos] = x
	p.hist[p.pos+Taps] = x
}

// Meter tracks sample peak and true peak over planar blocks of N channels.
type Meter struct {
	interp     []Interpolator
	truePeak   []float64 // per channel, linear
	samplePeak []float64 // per channel, linear
}

// NewMeter returns a Meter for channels channels (at least 1).
func NewMeter(channels int) *Meter {
	channels = max(channels, 1)
	return &Meter{
		interp:     make([]Interpolator, channels),
		truePeak:   make([]float64, channels),
		samplePeak: make([]float64, channels),
	}
}

// Channels is the number of channels the meter was made for.
func (m *Meter) Channels() int { return len(m.interp) }

// Reset returns the meter to time zero without allocating.
func (m *Meter) Reset() {
	for ch := range m.interp {
		m.interp[ch].Reset()
		m.truePeak[ch] = 0
		m.samplePeak[ch] = 0
	}
}

// Process measures one planar block. It reads min(len(buf), Channels())
// channels and never modifies buf. It does not allocate.
func (m *Meter) Process(buf [][]float64) {
	for ch := range min(len(buf), len(m.interp)) {
		m.ProcessChannel(ch, buf[ch])
	}
}

// ProcessChannel measures samples of channel ch only; channels may be fed
// separately (and with different lengths) as long as each one's samples
// arrive in order.
func (m *Meter) ProcessChannel(ch int, x []float64) {
	var b uint64 // the largest |v|, on the bit patterns as in below
	for _, v := range x {
		b = max(b, math.Float64bits(v)&^signBit)
	}
	m.samplePeak[ch] = max(m.samplePeak[ch], math.Float64frombits(b))
	m.truePeak[ch] = m.interp[ch].MaxPeakAbs(x, m.truePeak[ch])
}

// TruePeak is the largest true-peak value over all channels since Reset,
// linear (1.0 = 0 dBTP). It is never below SamplePeak: the interpolated
// stream lags the input by 6 samples, and the last samples' sample peak
// stands in for the interpolated values not computed yet.
func (m *Meter) TruePeak() float64 {
	var v float64
	for ch := range m.truePeak {
		v = max(v, m.TruePeakChannel(ch))
	}
	return v
}

// SamplePeak is the largest |x| over all channels since Reset, linear.
func (m *Meter) SamplePeak() float64 {
	var v float64
	for _, s := range m.samplePeak {
		v = max(v, s)
	}
	return v
}

// TruePeakChannel is TruePeak for one channel.
func (m *Meter) TruePeakChannel(ch int) float64 {
	return max(m.truePeak[ch], m.samplePeak[ch])
}

// SamplePeakChannel is SamplePeak for one channel.
func (m *Meter) SamplePeakChannel(ch int) float64 { return m.samplePeak[ch] }
