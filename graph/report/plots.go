package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/loudness"
)

// The size of the plots WritePlots writes, in pixels.
const (
	PlotWidth  = 1000
	PlotHeight = 540
)

// spectrumPoints is how many frequencies a spectrum curve is drawn
// through: a point every 1/40 octave over 20 Hz to 20 kHz.
const spectrumPoints = 400

// SpectrumChart plots the spectra before and after (either may be nil),
// smoothed to 1/6 octave, on a log-frequency axis from 20 Hz to 20 kHz (or
// Nyquist), in dB relative to a full-scale sine.
func SpectrumChart(title string, before, after *Spectrum) *Chart {
	hi := 20000.0
	for _, s := range []*Spectrum{before, after} {
		if s != nil {
			hi = min(hi, s.SampleRate/2)
		}
	}
	c := &Chart{Title: title, XLabel: "Hz", YLabel: "dB", LogX: true, XMin: 20, XMax: hi}
	top, bottom := math.Inf(-1), math.Inf(1)
	for i, s := range []*Spectrum{before, after} {
		if s == nil {
			continue
		}
		f, db := s.Smoothed(20, hi, spectrumPoints)
		for _, v := range db {
			if !math.IsInf(v, -1) {
				top, bottom = max(top, v), min(bottom, v)
			}
		}
		c.Series = append(c.Series, series(i, f, db))
	}
	if math.IsInf(top, -1) {
		top, bottom = 0, -90
	}
	// At most 90 dB: below that is noise and dither, not balance.
	c.YMax = math.Ceil(top/10) * 10
	c.YMin = min(max(math.Floor(bottom/10)*10, c.YMax-90), c.YMax-30)
	for _, f := range []float64{20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000} {
		label := fmt.Sprint(f)
		if f >= 1000 {
			label = fmt.Sprintf("%gk", f/1000)
		}
		c.XTicks = append(c.XTicks, Tick{f, label})
	}
	for y := c.YMin; y <= c.YMax; y += 10 {
		c.YTicks = append(c.YTicks, Tick{y, fmt.Sprint(y)})
	}
	return c
}

// LoudnessChart plots short-term loudness before and after (either may be
// nil): one value per loudness.ShortTermStepSeconds, the 3 s window
// ending there.
func LoudnessChart(title string, before, after []float64) *Chart {
	c := &Chart{Title: title, XLabel: "s", YLabel: "LUFS"}
	top, bottom := math.Inf(-1), math.Inf(1)
	n := 0
	for i, st := range [][]float64{before, after} {
		if st == nil {
			continue
		}
		n = max(n, len(st))
		x := make([]float64, len(st))
		for k := range st {
			x[k] = float64(k+1) * loudness.ShortTermStepSeconds
			if !loudness.NoValue(st[k]) {
				top, bottom = max(top, st[k]), min(bottom, st[k])
			}
		}
		c.Series = append(c.Series, series(i, x, st))
	}
	if math.IsInf(top, -1) {
		top, bottom = -20, -40
	}
	c.YMax = math.Ceil((top+1)/5) * 5
	c.YMin = max(math.Floor((bottom-1)/5)*5, c.YMax-60)
	c.YMin = min(c.YMin, c.YMax-20)
	c.XMax = max(float64(n)*loudness.ShortTermStepSeconds, 1)
	step := niceStep(c.XMax, 10)
	for t := 0.0; t <= c.XMax+1e-9; t += step {
		c.XTicks = append(c.XTicks, Tick{t, clock(t)})
	}
	ystep := niceStep(c.YMax-c.YMin, 8)
	for y := c.YMax; y >= c.YMin-1e-9; y -= ystep {
		c.YTicks = append(c.YTicks, Tick{y, fmt.Sprint(y)})
	}
	return c
}

// series is side 0 (before) or 1 (after).
func series(side int, x, y []float64) Series {
	if side == 0 {
		return Series{Label: "before", Color: BeforeColor, X: x, Y: y}
	}
	return Series{Label: "after", Color: AfterColor, X: x, Y: y}
}

// niceStep is the smallest of 1, 2, 5 times a power of ten, or a
// clock-friendly 15, 30, 60 s ..., that divides span into at most n
// steps.
func niceStep(span float64, n int) float64 {
	for _, s := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600} {
		if span/s <= float64(n) {
			return s
		}
	}
	return math.Ceil(span/float64(n)/3600) * 3600
}

// clock labels a time: seconds up to two minutes, then m:ss.
func clock(t float64) string {
	if t < 120 {
		return fmt.Sprint(math.Round(t*10) / 10)
	}
	s := int(math.Round(t))
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// WritePlots writes two PNGs per output into dir (created if need be):
// NAME-spectrum.png and NAME-loudness.png, each before and after. It
// returns the files' paths.
func WritePlots(dir string, old, new *Measurement) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, addr := range union(outputAddrs(old), outputAddrs(new)) {
		o, n := findOutput(old, addr), findOutput(new, addr)
		var so, sn *Spectrum
		var lo, ln []float64
		if o != nil {
			so, lo = o.Spectrum, o.Loudness.ShortTerm
		}
		if n != nil {
			sn, ln = n.Spectrum, n.Loudness.ShortTerm
		}
		name := strings.TrimPrefix(addr, "output.")
		for _, p := range []struct {
			file  string
			chart *Chart
		}{
			{name + "-spectrum.png", SpectrumChart(addr+": spectrum, 1/6 octave", so, sn)},
			{name + "-loudness.png", LoudnessChart(addr+": short-term loudness", lo, ln)},
		} {
			var b bytes.Buffer
			if err := p.chart.WritePNG(&b, PlotWidth, PlotHeight); err != nil {
				return paths, err
			}
			path := filepath.Join(dir, p.file)
			if err := audiofile.WriteFileAtomic(path, b.Bytes()); err != nil {
				return paths, err
			}
			paths = append(paths, path)
		}
	}
	return paths, nil
}
