package reverb

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// render runs p over a copy of in (planar), cut into blocks whose sizes
// cycle through sizes.
func render(p dsp.Processor, in [][]float64, sizes ...int) [][]float64 {
	out := make([][]float64, len(in))
	for ch := range in {
		out[ch] = append([]float64(nil), in[ch]...)
	}
	n := len(in[0])
	blk := make([][]float64, len(in))
	for i, k := 0, 0; i < n; k++ {
		b := sizes[k%len(sizes)]
		e := min(i+b, n)
		for ch := range out {
			blk[ch] = out[ch][i:e]
		}
		p.Process(blk)
		i = e
	}
	return out
}

// noiseBurst is white noise for burst samples followed by silence.
func noiseBurst(seed uint64, channels, n, burst int) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 99))
	in := make([][]float64, channels)
	for ch := range in {
		in[ch] = make([]float64, n)
		for i := 0; i < burst && i < n; i++ {
			in[ch][i] = 2*r.Float64() - 1
		}
	}
	return in
}

func identical(t *testing.T, what string, a, b [][]float64) {
	t.Helper()
	for ch := range a {
		for i := range a[ch] {
			if math.Float64bits(a[ch][i]) != math.Float64bits(b[ch][i]) {
				t.Fatalf("%s: ch %d sample %d: %v != %v", what, ch, i, a[ch][i], b[ch][i])
			}
		}
	}
}

func allFinite(t *testing.T, what string, a [][]float64) {
	t.Helper()
	for ch := range a {
		for i, v := range a[ch] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: ch %d sample %d is %v", what, ch, i, v)
			}
		}
	}
}

// checkBlockInvariance renders in with block sizes 1, 7, 64, 4096 and an
// irregular pattern, resetting in between, and requires identical output.
// It also checks that a fresh Reset reproduces the first render.
func checkBlockInvariance(t *testing.T, p dsp.Processor, in [][]float64) {
	t.Helper()
	p.Reset()
	ref := render(p, in, 4096)
	for _, sizes := range [][]int{{1}, {7}, {64}, {4096}, {1, 3, 250, 17, 4096, 2, 999}} {
		p.Reset()
		got := render(p, in, sizes...)
		identical(t, "block sizes", ref, got)
	}
}

// edcRT60 measures the reverberation time of the impulse response h (summed
// over channels) by Schroeder backward integration (Schroeder 1965, "New
// method of measuring reverberation time", JASA 37) and a least-squares line
// through the energy decay curve between -5 dB and -5-span dB (span 30 for
// T30, 20 for T20), extrapolated to 60 dB, as in ISO 3382-1.
func edcRT60(h [][]float64, fs, span float64) float64 {
	n := len(h[0])
	edc := make([]float64, n)
	var acc float64
	for i := n - 1; i >= 0; i-- {
		for ch := range h {
			acc += h[ch][i] * h[ch][i]
		}
		edc[i] = acc
	}
	total := edc[0]
	var sx, sy, sxx, sxy, cnt float64
	for i := 0; i < n; i++ {
		db := 10 * math.Log10(edc[i]/total)
		if db > -5 {
			continue
		}
		if db < -5-span {
			break
		}
		x := float64(i) / fs
		sx += x
		sy += db
		sxx += x * x
		sxy += x * db
		cnt++
	}
	slope := (cnt*sxy - sx*sy) / (cnt*sxx - sx*sx) // dB per second
	return -60 / slope
}
