// Package report measures rendered mixes and shows how two renders
// differ: loudness, true peak and loudness range of every output and bus,
// the spectral balance per octave band, and PNG plots of each output's
// spectrum and short-term loudness, before and after. `mixdown diff
// -render` is built on it.
package report

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/fft"
)

// Spectrum is a signal's average power spectrum, by Welch's method: Hann
// windows overlapping by half, each window's periodogram scaled so that
// the bins sum to the window's mean square, averaged over the windows and
// the channels.
type Spectrum struct {
	SampleRate float64
	BinHz      float64 // bin spacing: SampleRate / N
	// Power[k] is the mean square in bin k (one-sided, k = 0 .. N/2): by
	// Parseval, the bins sum to the signal's mean square. A sine of
	// amplitude A puts A²/2 into the bins around its frequency.
	Power []float64
	// Windows is the number of windows averaged.
	Windows int
}

// WindowSize is the analysis length at a sample rate: the shortest power
// of two with bins no wider than 4 Hz, so even the 31.5 Hz octave band
// (22 to 44 Hz) spans several bins.
func WindowSize(sampleRate float64) int {
	n := 2
	for sampleRate/float64(n) > 4 {
		n *= 2
	}
	return n
}

// Analyzer accumulates a Spectrum block by block. It allocates only in
// NewAnalyzer.
type Analyzer struct {
	rate   float64
	n, hop int
	plan   *fft.Real
	window []float64
	wPower float64 // sum of window²
	hist   [][]float64
	prev   [][]float64 // the hop samples before hist, for a last window
	filled int         // samples in hist
	fresh  int         // samples in hist not yet in a window
	frame  []float64
	bins   []complex128
	sum    []float64
	count  int // windows x channels
}

// NewAnalyzer returns an analyzer for channels channels at sampleRate.
func NewAnalyzer(sampleRate float64, channels int) *Analyzer {
	n := WindowSize(sampleRate)
	a := &Analyzer{
		rate: sampleRate, n: n, hop: n / 2,
		plan:   fft.NewReal(n),
		window: make([]float64, n),
		hist:   make([][]float64, channels),
		frame:  make([]float64, n),
		bins:   make([]complex128, n/2+1),
		sum:    make([]float64, n/2+1),
	}
	for i := range a.window {
		// Periodic Hann: its shifted copies at half overlap sum to a
		// constant, so every sample counts the same.
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		a.window[i] = w
		a.wPower += w * w
	}
	a.prev = make([][]float64, channels)
	for ch := range a.hist {
		a.hist[ch] = make([]float64, n)
		a.prev[ch] = make([]float64, n/2)
	}
	return a
}

// Process adds a planar block.
func (a *Analyzer) Process(block [][]float64) {
	frames := len(block[0])
	for off := 0; off < frames; {
		k := min(a.n-a.filled, frames-off)
		for ch := range a.hist {
			copy(a.hist[ch][a.filled:a.filled+k], block[ch][off:off+k])
		}
		a.filled += k
		a.fresh += k
		off += k
		if a.filled == a.n {
			a.window1()
			for ch := range a.hist {
				copy(a.prev[ch], a.hist[ch][:a.hop])
				copy(a.hist[ch], a.hist[ch][a.hop:])
			}
			a.filled -= a.hop
			a.fresh = 0
		}
	}
}

// window1 adds the periodogram of every channel's current window.
func (a *Analyzer) window1() {
	scale := 1 / (float64(a.n) * a.wPower)
	last := len(a.sum) - 1
	for _, h := range a.hist {
		for i, x := range h {
			a.frame[i] = x * a.window[i]
		}
		a.plan.Forward(a.bins, a.frame)
		for k, c := range a.bins {
			p := real(c)*real(c) + imag(c)*imag(c)
			if k != 0 && k != last {
				p *= 2 // the negative frequencies' half
			}
			a.sum[k] += p * scale
		}
		a.count++
	}
}

// Spectrum ends the analysis and returns the average. Samples that have
// not been in a window yet are analysed in one more, the last N samples
// of the signal; a signal shorter than one window is analysed padded with
// silence.
func (a *Analyzer) Spectrum() *Spectrum {
	switch {
	case a.count == 0:
		for ch := range a.hist {
			clear(a.hist[ch][a.filled:])
		}
		a.window1()
	case a.fresh > 0:
		// Cutting the signal off inside a window would splatter its edge
		// over the whole spectrum; end the last window with the signal.
		need := a.n - a.filled // <= hop
		for ch, h := range a.hist {
			copy(h[need:], h[:a.filled])
			copy(h[:need], a.prev[ch][a.hop-need:])
		}
		a.window1()
	}
	a.fresh = 0
	s := &Spectrum{SampleRate: a.rate, BinHz: a.rate / float64(a.n), Power: make([]float64, len(a.sum)),
		Windows: a.count / max(len(a.hist), 1)}
	for k, v := range a.sum {
		s.Power[k] = v / float64(a.count)
	}
	return s
}

// AnalyzeFile returns the spectrum of an audio file.
func AnalyzeFile(path string) (*Spectrum, error) {
	r, err := audiofile.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info := r.Info()
	a := NewAnalyzer(float64(info.SampleRate), info.Channels)
	buf, view := make([][]float64, info.Channels), make([][]float64, info.Channels)
	for ch := range buf {
		buf[ch] = make([]float64, 8192)
	}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			for ch := range buf {
				view[ch] = buf[ch][:n]
			}
			a.Process(view)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: read returned no data", path)
		}
	}
	return a.Spectrum(), nil
}

// Energy is the mean square between lo and hi Hz. Each bin stands for the
// band half a bin either side of its frequency, with its power spread
// evenly over it, so a band edge may take part of a bin.
func (s *Spectrum) Energy(lo, hi float64) float64 {
	nyq := s.SampleRate / 2
	lo, hi = max(lo, 0), min(hi, nyq)
	if hi <= lo {
		return 0
	}
	var e float64
	k0 := max(int(math.Floor(lo/s.BinHz-0.5)), 0)
	for k := k0; k < len(s.Power); k++ {
		bl, bh := (float64(k)-0.5)*s.BinHz, (float64(k)+0.5)*s.BinHz
		if bl >= hi {
			break
		}
		bl, bh = max(bl, 0), min(bh, nyq)
		if ov := min(bh, hi) - max(bl, lo); ov > 0 {
			e += s.Power[k] * ov / (bh - bl)
		}
	}
	return e
}

// Total is the mean square of everything but DC.
func (s *Spectrum) Total() float64 { return s.Energy(s.BinHz/2, s.SampleRate/2) }

// Octave bands: base-2 octaves centred on 1 kHz, 31.5 Hz to 16 kHz by
// their nominal names (IEC 61260-1), edges half an octave either side of
// the centre.
var (
	BandCentersHz = []float64{31.25, 62.5, 125, 250, 500, 1000, 2000, 4000, 8000, 16000}
	BandNames     = []string{"31.5Hz", "63Hz", "125Hz", "250Hz", "500Hz", "1kHz", "2kHz", "4kHz", "8kHz", "16kHz"}
)

// Bands returns each octave band's energy relative to the total (DC
// excluded), in dB: the spectral balance, independent of level. A silent
// signal gives -Inf in every band. A band that reaches past Nyquist holds
// only what lies below it.
func (s *Spectrum) Bands() []float64 {
	out := make([]float64, len(BandCentersHz))
	total := s.Total()
	for i, fc := range BandCentersHz {
		e := s.Energy(fc/math.Sqrt2, fc*math.Sqrt2)
		if total <= 0 {
			out[i] = math.Inf(-1)
			continue
		}
		out[i] = 10 * math.Log10(e/total)
	}
	return out
}

// Smoothed returns the spectrum at points log-spaced frequencies from lo
// to hi Hz, each the energy in a 1/6-octave band around it, in dB
// relative to a full-scale sine (whose mean square is 1/2); silence gives
// -Inf.
func (s *Spectrum) Smoothed(lo, hi float64, points int) (freqs, db []float64) {
	freqs, db = make([]float64, points), make([]float64, points)
	half := math.Pow(2, 1.0/12)
	for i := range freqs {
		f := lo * math.Pow(hi/lo, float64(i)/float64(max(points-1, 1)))
		freqs[i] = f
		db[i] = 10 * math.Log10(s.Energy(f/half, f*half)/0.5)
	}
	return freqs, db
}
