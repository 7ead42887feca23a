package loudness

import (
	"math"
)

// Test signals, generated in code as EBU Tech 3341 and 3342 describe them.

// seg is one segment of a tone sequence: seconds of a sine at a per-channel
// peak level (dBFS). level = -Inf is silence.
type seg struct{ seconds, level float64 }

func silence(s float64) seg { return seg{s, math.Inf(-1)} }

// tone is a continuous-phase sine at f Hz, cut into segments of given
// levels, with optional per-channel level offsets (dB). It is generated
// block by block from a one-period table, so long signals are cheap and
// every sample is exact: sin(2 pi f n / fs) with n counted from the start.
type tone struct {
	fs, f    float64
	segs     []seg
	chOffset []float64 // dB per channel; len = channels
}

// period returns a table of one exact period, when f/fs is rational with a
// small denominator (1 kHz at any integer rate is).
func (t tone) table() []float64 {
	fs, f := int64(t.fs), int64(t.f)
	g := gcd(fs, f)
	p := fs / g
	tab := make([]float64, p)
	for n := range tab {
		// reduce the phase exactly: n*f mod fs
		tab[n] = math.Sin(2 * math.Pi * float64((int64(n)*f)%fs) / float64(fs))
	}
	return tab
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// segBounds returns the first sample of each segment and the total length.
func (t tone) segBounds() ([]int64, int64) {
	starts := make([]int64, len(t.segs)+1)
	var acc float64
	for i, s := range t.segs {
		starts[i] = int64(math.Round(acc * t.fs))
		acc += s.seconds
	}
	starts[len(t.segs)] = int64(math.Round(acc * t.fs))
	return starts, starts[len(t.segs)]
}

// feed renders the signal in blocks of block frames, calling fn with each
// planar block (reused between calls).
func (t tone) feed(block int, fn func(buf [][]float64)) {
	tab := t.table()
	starts, total := t.segBounds()
	nch := len(t.chOffset)
	buf := make([][]float64, nch)
	for ch := range buf {
		buf[ch] = make([]float64, block)
	}
	amps := make([]float64, len(t.segs))
	for i, sg := range t.segs {
		amps[i] = math.Pow(10, sg.level/20)
	}
	gains := make([]float64, nch)
	for ch := range gains {
		gains[ch] = math.Pow(10, t.chOffset[ch]/20)
	}
	si := 0
	for pos := int64(0); pos < total; {
		n := int(min(int64(block), total-pos))
		for i := range n {
			p := pos + int64(i)
			for p >= starts[si+1] {
				si++
			}
			v := amps[si] * tab[p%int64(len(tab))]
			for ch := range nch {
				buf[ch][i] = gains[ch] * v
			}
		}
		for ch := range buf {
			buf[ch] = buf[ch][:n]
		}
		fn(buf)
		for ch := range buf {
			buf[ch] = buf[ch][:block]
		}
		pos += int64(n)
	}
}

func stereo1k(fs float64, segs ...seg) tone {
	return tone{fs: fs, f: 1000, segs: segs, chOffset: []float64{0, 0}}
}

func repeat(n int, segs ...seg) []seg {
	var out []seg
	for range n {
		out = append(out, segs...)
	}
	return out
}

// fade applies a linear fade-in and fade-out of n samples.
func fade(x []float64, n int) {
	for i := 0; i < n && i < len(x); i++ {
		g := float64(i) / float64(n)
		x[i] *= g
		x[len(x)-1-i] *= g
	}
}

// truePeakSine is Tech 3341 cases 15-19: a sine at fs/div of amplitude amp
// (FFS) starting at phaseDeg, 1 s at 48 kHz, with the Tech's 10 ms fades.
func truePeakSine(div, amp, phaseDeg float64) []float64 {
	const fs = 48000
	x := make([]float64, fs)
	ph := phaseDeg * math.Pi / 180
	for n := range x {
		x[n] = amp * math.Sin(2*math.Pi*float64(n)/div+ph)
	}
	fade(x, fs/100)
	return x
}

// truePeakSinglePeriod is Tech 3341 cases 20-23: a sine at fs/6 of
// amplitude 0.5 with one period of a sine at fs/4 of amplitude 1.0 inside,
// phase continuous at both joins, synthesized at 4*fs, low-pass filtered
// (23.5 kHz Kaiser-windowed sinc, which reproduces the EBU files' samples
// around the burst to 4 digits) and downsampled to fs with offsets 0..3.
func truePeakSinglePeriod() (x [4][]float64) {
	const n4 = 4 * 12000
	s := make([]float64, n4)
	start := 24 * (n4 / 24 / 2)
	for i := range s {
		switch {
		case i < start:
			s[i] = 0.5 * math.Sin(2*math.Pi*float64(i)/24)
		case i < start+16:
			s[i] = math.Sin(2 * math.Pi * float64(i-start) / 16)
		default:
			s[i] = 0.5 * math.Sin(2*math.Pi*float64(i-start-16)/24)
		}
	}
	fade(s, n4/100)
	const taps, beta = 1023, 8.0
	fc := 23500.0 / (4 * 48000)
	h := make([]float64, taps)
	var sum float64
	for i := range h {
		m := float64(i - taps/2)
		sinc := 2 * fc
		if m != 0 {
			sinc = math.Sin(2*math.Pi*fc*m) / (math.Pi * m)
		}
		r := m / float64(taps/2+1)
		h[i] = sinc * bessel0(beta*math.Sqrt(1-r*r)) / bessel0(beta)
		sum += h[i]
	}
	for i := range n4 {
		var acc float64
		for k, hk := range h {
			if j := i + taps/2 - k; j >= 0 && j < n4 {
				acc += hk / sum * s[j]
			}
		}
		x[i%4] = append(x[i%4], acc)
	}
	return x
}

func bessel0(x float64) float64 {
	s, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / 2) / float64(k)
		s += term * term
	}
	return s
}

// noise is a deterministic xorshift generator in [-0.5, 0.5).
type noise uint64

func (r *noise) next() float64 {
	*r ^= *r << 13
	*r ^= *r >> 7
	*r ^= *r << 17
	return float64(uint64(*r)>>11)/(1<<53) - 0.5
}
