package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/detmath"
)

// Conversions between natural log and decibels: 20*log10(x) = ln(x)*dbPerNeper.
const (
	dbPerNeper = 20 / math.Ln10
	neperPerDB = math.Ln10 / 20
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
// The tail then stops costing an exp per sample about 55 time
// constants earlier than dsp.Flush alone would, and the gain returns to
// exactly the makeup gain.
const releaseFloorDB = 1e-6

// step advances state y by one sample toward x. The remaining distance is
// flushed so a settled detector sits exactly on x (and exactly on 0 after
// release), which keeps the idle gain path at exactly unity.
func (b ballistics) step(y, x float64) float64 {
	if x > y {
		return x + dsp.Flush(float64(b.attack*(y-x)))
	}
	y = x + dsp.Flush(float64(b.release*(y-x)))
	if x == 0 && y < releaseFloorDB {
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
	return gainComputer{
		threshold: thresholdDB,
		knee:      kneeDB,
		slope:     slope,
		kneeStart: dsp.DBToGain(thresholdDB - kneeDB/2),
	}
}

// reduction is the static gain reduction in dB for an input level in dB.
func (g gainComputer) reduction(xdB float64) float64 {
	over := xdB - g.threshold
	switch {
	case 2*over < -g.knee:
		return 0
	case 2*over <= g.knee: // inside the knee; W > 0 here
		t := over + g.knee/2
		return g.slope * t * t / (2 * g.knee)
	default:
		return g.slope * over
	}
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
