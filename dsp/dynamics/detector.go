package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// Conversions between octaves (binary log) and decibels, for the per-sample
// paths, which use detmath.Log2 and detmath.Exp2 (about three times faster
// than Log and Exp, and as accurate): 20*log10(x) = log2(x)*dbPerOctave and
// 10^(dB/20) = 2^(dB*octavesPerDB).
const (
	dbPerOctave  = 20 * math.Ln2 / math.Ln10 // 6.0206 dB
	octavesPerDB = math.Ln10 / (20 * math.Ln2)
)

// timeCoeff is the one-pole coefficient for a time constant of ms
// milliseconds at fs Hz, in the 1-1/e convention: alpha = exp(-1/(tau*fs)).
// A non-positive time gives 0, an instantaneous follower.
func timeCoeff(ms, fs float64) float64 {
	if ms <= 0 || fs <= 0 {
		return 0
	}
	return detmath.Exp(-1000 / (ms * fs))
}

// msToSamples rounds a time in milliseconds to whole samples, never below 0.
func msToSamples(ms, fs float64) int {
	if ms <= 0 {
		return 0
	}
	return int(math.Round(ms * fs / 1000))
}

// ballistics is GMR's smooth branching peak detector (their eq. 16):
// the state moves toward the input with the attack coefficient while the
// input is above it and with the release coefficient otherwise. Fed with
// gain reduction in dB, attack and release are exact one-pole time
// constants for rising and falling reduction respectively.
type ballistics struct {
	attack, release float64 // alpha coefficients
}

func newBallistics(attackMS, releaseMS, fs float64) ballistics {
	return ballistics{attack: timeCoeff(attackMS, fs), release: timeCoeff(releaseMS, fs)}
}

// releaseFloorDB ends a release toward zero reduction: below it the
// reduction is dropped to exactly 0 (a gain error under 1.2e-7, -138 dB).
// The tail then reaches exactly the makeup gain about 55 time constants
// earlier than dsp.Flush alone would.
const releaseFloorDB = 1e-6

// step advances state y by one sample toward x. The remaining distance is
// flushed so a settled detector sits exactly on x (and exactly on 0 after
// release), which keeps the idle gain path at exactly unity.
//
// The coefficient is picked by an integer conditional move rather than a
// branch: on program material x > y flips from sample to sample. (The
// release floor needs x == 0, which cannot happen while attacking, since
// y >= 0.)
func (b ballistics) step(y, x float64) float64 {
	a := math.Float64bits(b.release)
	if x > y {
		a = math.Float64bits(b.attack)
	}
	y = x + dsp.Flush(float64(math.Float64frombits(a)*(y-x)))
	if y < releaseFloorDB && x == 0 {
		return 0
	}
	return y
}

// gainComputer is GMR's static curve (eq. 4) for a downward compressor,
// returning gain reduction (x - y_G >= 0, in dB) rather than output level:
//
//	2(x-T) < -W:    0
//	2|x-T| <= W:    (1-1/R) (x-T+W/2)^2 / (2W)
//	2(x-T) > W:     (1-1/R) (x-T)
type gainComputer struct {
	threshold float64 // T, dB
	knee      float64 // W, dB
	kneeBits  uint64  // math.Float64bits(knee)
	kneeLo    float64 // T - W/2, dB
	kneeHi    float64 // T + W/2, dB
	invTwoW   float64 // 1/(2W), 0 for a hard knee
	slope     float64 // 1 - 1/R
	// kneeStart is the linear amplitude at T - W/2: at or below it the
	// reduction is exactly 0, so quiet input needs no logarithm.
	kneeStart float64
}

func newGainComputer(thresholdDB, ratio, kneeDB float64) gainComputer {
	if ratio < 1 {
		ratio = 1
	}
	if kneeDB < 0 {
		kneeDB = 0
	}
	slope := 1 - 1/ratio
	if math.IsInf(ratio, 1) {
		slope = 1
	}
	invTwoW := 0.0
	if kneeDB > 0 {
		invTwoW = 1 / (2 * kneeDB)
	}
	half := float64(kneeDB / 2) // exact; rounded so it is not fused into a multiply-add
	return gainComputer{
		threshold: thresholdDB,
		knee:      kneeDB,
		kneeBits:  math.Float64bits(kneeDB),
		kneeLo:    thresholdDB - half,
		kneeHi:    thresholdDB + half,
		invTwoW:   invTwoW,
		slope:     slope,
		kneeStart: dsp.DBToGain(thresholdDB - half),
	}
}

// reduction is the static gain reduction in dB for an input level in dB,
// without branches: with t = x - (T - W/2) clamped to [0, W], it is
// (1-1/R)(t²/(2W) + max(x - (T + W/2), 0)), which is each of the three
// cases above (exactly 0 below the knee).
func (g gainComputer) reduction(xdB float64) float64 {
	// min(t, W) on the bit patterns, which order like the values for
	// non-negative floats: an integer conditional move.
	t := math.Float64frombits(min(reluBits(xdB-g.kneeLo), g.kneeBits))
	return float64(g.slope * (float64(float64(t*t)*g.invTwoW) + math.Float64frombits(reluBits(xdB-g.kneeHi))))
}

// reluBits is the bit pattern of max(x, 0) for x that is not NaN, without
// branches: the sign bit spread over the word masks a negative x (and -0)
// to +0. (Go's max(x, 0) also orders NaNs and signed zeros, with a longer
// instruction sequence.)
func reluBits(x float64) uint64 {
	b := math.Float64bits(x)
	return b &^ uint64(int64(b)>>63)
}

// delayLine delays each of N channels by the same whole number of samples
// (the lookahead). Its ring is sized once, for the largest delay, so the
// delay can change without allocating.
type delayLine struct {
	ring  [][]float64
	size  int // ring length, > max delay
	w     int // next write position, shared by all channels
	delay int
}

func (d *delayLine) prepare(channels, maxDelay int) {
	d.size = maxDelay + 1
	d.ring = make([][]float64, channels)
	for ch := range d.ring {
		d.ring[ch] = make([]float64, d.size)
	}
	d.reset()
}

func (d *delayLine) reset() {
	for _, r := range d.ring {
		clear(r)
	}
	d.w = 0
}

func (d *delayLine) setDelay(n int) {
	d.delay = min(max(n, 0), d.size-1)
}

// run replaces x (channel ch) by its delayed version. Every channel of a
// block must be run with the same length before advance is called.
func (d *delayLine) run(ch int, x []float64) {
	if d.delay == 0 {
		return
	}
	r := d.ring[ch]
	w := d.w
	rd := w - d.delay
	if rd < 0 {
		rd += d.size
	}
	for i, v := range x {
		r[w] = v
		x[i] = r[rd]
		w++
		if w == d.size {
			w = 0
		}
		rd++
		if rd == d.size {
			rd = 0
		}
	}
}

// advance moves the shared write position past a block of n frames.
func (d *delayLine) advance(n int) {
	if d.delay == 0 || d.size == 0 {
		return
	}
	d.w = (d.w + n) % d.size
}

// slidingMax is the running maximum over the last `window` values, with a
// monotonic deque (amortised O(1) per sample). Positions are sample counts
// since Reset, so the result does not depend on block boundaries.
type slidingMax struct {
	val    []float64
	pos    []int64
	head   int // index of the front (the maximum)
	count  int
	window int
}

func (m *slidingMax) prepare(maxWindow int) {
	m.val = make([]float64, maxWindow+1)
	m.pos = make([]int64, maxWindow+1)
	m.window = max(maxWindow, 1)
	m.reset()
}

func (m *slidingMax) reset() { m.head, m.count = 0, 0 }

// setWindow changes the window length (at least 1 sample, at most the
// prepared maximum). The deque stays valid: stale entries expire on push.
func (m *slidingMax) setWindow(n int) {
	m.window = min(max(n, 1), len(m.val)-1)
}

// pushZeros is push(t', 0) for every t' up to t, for a deque whose window
// holds nothing above 0: every entry gives way to the newest zero, so one
// entry (0, t) remains, where pushing them one by one would leave it.
func (m *slidingMax) pushZeros(t int64) {
	m.val[m.head], m.pos[m.head], m.count = 0, t, 1
}

// push adds v at position t and returns the maximum over (t-window, t].
func (m *slidingMax) push(t int64, v float64) float64 {
	size := len(m.val)
	// Drop entries from the back that can never be the maximum again.
	for m.count > 0 {
		back := m.head + m.count - 1
		if back >= size {
			back -= size
		}
		if m.val[back] > v {
			break
		}
		m.count--
	}
	back := m.head + m.count
	if back >= size {
		back -= size
	}
	m.val[back], m.pos[back] = v, t
	m.count++
	// Drop entries from the front that left the window.
	for m.pos[m.head] <= t-int64(m.window) {
		m.head++
		if m.head == size {
			m.head = 0
		}
		m.count--
	}
	return m.val[m.head]
}
