// Package delay is mixdown's feedback delay (echo), with optional ping-pong
// and low/high-cut filters inside the feedback loop.
//
// Signal flow, per line and sample:
//
//	y = line(D)                  // the echo, read D samples back
//	w = x + feedback * y'        // y' is this line's echo, or the other line's in ping-pong
//	line <- LPF(HPF(w))          // filters in the loop: each echo is filtered once more
//	out = (1-mix)*x + mix*y
//
// So echo k (k = 1, 2, ...) of an impulse arrives at k*D samples with gain
// feedback^(k-1) and has passed the filters k times.
package delay

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

// Params are the delay's parameters, in the mix language's units.
type Params struct {
	// TimeMs is the delay time in milliseconds (note values such as "1/8d"
	// are converted to ms from the tempo by the language layer). See
	// Delay for how it becomes samples.
	TimeMs   float64
	Feedback float64 // 0..1: gain from each echo to the next
	Mix      float64 // 0..1: out = (1-Mix)*dry + Mix*wet
	// PingPong makes echoes alternate left, right, left, ... on a stereo
	// (2-channel) buffer: the input is summed to mono, (L+R)/2, and feeds
	// the left line; each line's echo feeds the other. On any other
	// channel count it is ignored (a mono buffer gets the plain delay,
	// which is what summing both ping-pong sides would give).
	PingPong  bool
	HighCutHz float64 // low-pass cutoff in the loop, Hz; 0 (or >= 0.49*fs) = off
	LowCutHz  float64 // high-pass cutoff in the loop, Hz; 0 = off (clamped to 0.49*fs)
}

// DefaultParams are the ParamTable defaults, ping-pong off.
func DefaultParams() Params {
	return Params{TimeMs: 250, Feedback: 0.35, Mix: 0.25}
}

// Limits. Buffers are sized for MaxTimeMs in Prepare.
const (
	MinTimeMs = 1
	MaxTimeMs = 10000
	// FilterQ is the Q of the loop filters: Butterworth, 12 dB/octave,
	// -3 dB at the cutoff.
	FilterQ = math.Sqrt2 / 2
	// IntegerTolerance: a delay within this many samples of a whole number
	// is taken as that whole number, so times computed from tempos (e.g.
	// 1/4 triplet at 120 bpm = 333.333... ms = 16000 samples at 48 kHz)
	// land exactly on their sample.
	IntegerTolerance = 1e-6
)

// ParamTable lists the delay's numeric parameters. pingpong is a boolean
// and not in the table.
var ParamTable = []dsp.Param{
	{Name: "time", Unit: "ms", Min: MinTimeMs, Max: MaxTimeMs, Default: 250,
		Doc: "Delay time between echoes."},
	{Name: "feedback", Unit: "", Min: 0, Max: 1, Default: 0.35,
		Doc: "Gain from each echo to the next; 1 repeats forever."},
	{Name: "mix", Unit: "", Min: 0, Max: 1, Default: 0.25,
		Doc: "Wet/dry balance: 0 is dry only, 1 is echoes only."},
	{Name: "highcut", Unit: "Hz", Min: 0, Max: 20000, Default: 0,
		Doc: "Low-pass cutoff inside the feedback loop (12 dB/octave); each echo is darker than the last. 0 is off."},
	{Name: "lowcut", Unit: "Hz", Min: 0, Max: 20000, Default: 0,
		Doc: "High-pass cutoff inside the feedback loop (12 dB/octave); each echo is thinner than the last. 0 is off."},
}

// Delay is the feedback delay processor. It handles any number of channels,
// each with its own line; ping-pong needs exactly 2.
//
// Delay time: D = TimeMs * fs / 1000 samples, clamped to [2, MaxTimeMs*fs/1000].
// If D is within IntegerTolerance of a whole number, echoes fall exactly on
// that sample. Otherwise the line is read with 4-point (third-order)
// Lagrange interpolation centred on D, exact for cubic signals. It has no
// gain above 1 but low-passes a little; the worst case, a half-sample
// fraction, is -0.07 dB at fs/8, -1.1 dB at fs/4 and -7 dB at 0.4*fs, and
// the loss accumulates from echo to echo as a gentle extra darkening.
// Time changes take effect at once (no glide).
//
// Latency is zero: the dry signal is not delayed.
type Delay struct {
	p Params

	fs       float64
	channels int
	prepared bool

	// Derived.
	samples  float64    // D as used
	whole    int        // integer part of D (the read offset of the first Lagrange tap is whole-1)
	frac     bool       // D is fractional: use the Lagrange taps
	lag      [4]float64 // Lagrange weights for delays whole-1, whole, whole+1, whole+2
	fb       float64
	mix      float64
	pingpong bool
	lpf, hpf biquad.Coeffs

	// State.
	line  [][]float64 // per channel (ping-pong: 0 = left, 1 = right)
	mask  int
	lpfSt []biquad.State
	hpfSt []biquad.State
	pos   int // samples since Reset
}

// New returns a delay with the given parameters. Call Prepare before Process.
func New(p Params) *Delay {
	return &Delay{p: clampParams(p)}
}

func clampParams(p Params) Params {
	p.TimeMs = clampNaN(p.TimeMs, MinTimeMs, MaxTimeMs, 250)
	p.Feedback = clampNaN(p.Feedback, 0, 1, 0)
	p.Mix = clampNaN(p.Mix, 0, 1, 0)
	p.HighCutHz = clampNaN(p.HighCutHz, 0, math.MaxFloat64, 0)
	p.LowCutHz = clampNaN(p.LowCutHz, 0, math.MaxFloat64, 0)
	return p
}

func clampNaN(x, lo, hi, def float64) float64 {
	if x != x {
		return def
	}
	return math.Min(math.Max(x, lo), hi)
}

// Params returns the current (clamped) parameters.
func (d *Delay) Params() Params { return d.p }

// Prepare allocates the delay lines for MaxTimeMs at spec.SampleRate and
// resets.
func (d *Delay) Prepare(spec dsp.Spec) {
	d.fs = spec.SampleRate
	d.channels = spec.Channels
	n := 1
	for n < int(math.Ceil(MaxTimeMs*1e-3*d.fs))+4 {
		n <<= 1
	}
	d.line = make([][]float64, spec.Channels)
	for ch := range d.line {
		d.line[ch] = make([]float64, n)
	}
	d.mask = n - 1
	d.lpfSt = make([]biquad.State, spec.Channels)
	d.hpfSt = make([]biquad.State, spec.Channels)
	d.prepared = true
	d.SetParams(d.p)
	d.Reset()
}

// Reset clears the lines and filters without allocating.
func (d *Delay) Reset() {
	for ch := range d.line {
		clear(d.line[ch])
		d.lpfSt[ch].Reset()
		d.hpfSt[ch].Reset()
	}
	d.pos = 0
}

// Latency is zero.
func (d *Delay) Latency() int { return 0 }

// Samples is the current delay in samples as used (after clamping and
// integer snapping).
func (d *Delay) Samples() float64 { return d.samples }

// SetParams recomputes the coefficients without allocating and without
// touching the lines or filter memory. Before Prepare it only stores p.
func (d *Delay) SetParams(p Params) {
	d.p = clampParams(p)
	if !d.prepared {
		return
	}
	fs := d.fs
	s := d.p.TimeMs * 1e-3 * fs
	s = math.Min(math.Max(s, 2), float64(d.mask-3))
	if r := math.Round(s); math.Abs(s-r) <= IntegerTolerance {
		s = r
		d.whole, d.frac = int(r), false
	} else {
		d.whole, d.frac = int(math.Floor(s)), true
		// Third-order Lagrange through the samples at delays whole-1 ..
		// whole+2, evaluated at t = 1 + fraction (t = 0 is delay whole-1).
		t := s - math.Floor(s) + 1
		d.lag = [4]float64{
			-(t - 1) * (t - 2) * (t - 3) / 6,
			t * (t - 2) * (t - 3) / 2,
			-t * (t - 1) * (t - 3) / 2,
			t * (t - 1) * (t - 2) / 6,
		}
	}
	d.samples = s
	d.fb = d.p.Feedback
	d.mix = d.p.Mix
	d.pingpong = d.p.PingPong && d.channels == 2
	// Filters that are off are Identity sections, which pass samples
	// unchanged bit for bit, so switching them keeps the memory continuous.
	nyqLimit := 0.49 * fs
	d.lpf = biquad.Identity()
	if f := d.p.HighCutHz; f > 0 && f < nyqLimit { // a cutoff at or above 0.49*fs cuts nothing: off
		d.lpf = biquad.LowPass(f, FilterQ, fs)
	}
	d.hpf = biquad.Identity()
	if f := d.p.LowCutHz; f > 0 {
		d.hpf = biquad.HighPass(math.Min(f, nyqLimit), FilterQ, fs)
	}
}

// read returns the echo of line ch at the current position.
func (d *Delay) read(line []float64, pos int) float64 {
	m := d.mask
	if !d.frac {
		return line[(pos-d.whole)&m]
	}
	p := pos - d.whole + 1
	return float64(d.lag[0]*line[p&m]) + float64(d.lag[1]*line[(p-1)&m]) +
		float64(d.lag[2]*line[(p-2)&m]) + float64(d.lag[3]*line[(p-3)&m])
}

// Process runs the delay in place over buf.
func (d *Delay) Process(buf [][]float64) {
	if len(buf) == 0 {
		return
	}
	n := len(buf[0])
	m := d.mask
	fb, mix := d.fb, d.mix
	if d.pingpong {
		lL, lR := d.line[0], d.line[1]
		bL, bR := buf[0][:n], buf[1][:n]
		for i := 0; i < n; i++ {
			pos := d.pos + i
			yL := d.read(lL, pos)
			yR := d.read(lR, pos)
			mono := 0.5 * (bL[i] + bR[i])
			wL := mono + float64(fb*yR)
			wR := float64(fb * yL)
			wL = d.lpfSt[0].Tick(&d.lpf, d.hpfSt[0].Tick(&d.hpf, wL))
			wR = d.lpfSt[1].Tick(&d.lpf, d.hpfSt[1].Tick(&d.hpf, wR))
			lL[pos&m] = dsp.Flush(wL)
			lR[pos&m] = dsp.Flush(wR)
			bL[i] = wetDry(bL[i], yL, mix)
			bR[i] = wetDry(bR[i], yR, mix)
		}
		d.pos += n
		return
	}
	for ch, x := range buf {
		line := d.line[ch]
		lpf, hpf := &d.lpfSt[ch], &d.hpfSt[ch]
		x = x[:n]
		for i, in := range x {
			pos := d.pos + i
			y := d.read(line, pos)
			w := in + float64(fb*y)
			w = lpf.Tick(&d.lpf, hpf.Tick(&d.hpf, w))
			line[pos&m] = dsp.Flush(w)
			x[i] = wetDry(in, y, mix)
		}
	}
	d.pos += n
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
