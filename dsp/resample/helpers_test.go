package resample

import (
	"io"
	"math"
	"testing"

	"github.com/mixdown/mixdown/dsp/fft"
)

// noise is an exact, FMA-free test signal in [-1, 1) from an LCG.
func noise(n int, seed uint32) []float64 {
	x := make([]float64, n)
	for i := range x {
		seed = seed*1664525 + 1013904223
		x[i] = float64(int32(seed)) / (1 << 31)
	}
	return x
}

// sine is a full-scale sine of f Hz at rate fs, n frames.
func sine(n int, f, fs float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2 * math.Pi * f * float64(i) / fs)
	}
	return x
}

// fitTone least-squares fits a·sin + b·cos at f (cycles per sample, phase
// origin at x[0]) and returns the amplitude and the RMS of the residual.
func fitTone(x []float64, f float64, i0 int) (amp, resid float64) {
	var ss, sc, cc, xs, xc float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * f * float64(i0+i))
		ss += s * s
		sc += s * c
		cc += c * c
		xs += v * s
		xc += v * c
	}
	det := ss*cc - sc*sc
	a := (xs*cc - xc*sc) / det
	b := (xc*ss - xs*sc) / det
	var e float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * f * float64(i0+i))
		d := v - a*s - b*c
		e += d * d
	}
	return math.Hypot(a, b), math.Sqrt(e / float64(len(x)))
}

func rms(x []float64) float64 {
	var e float64
	for _, v := range x {
		e += v * v
	}
	return math.Sqrt(e / float64(len(x)))
}

// dBFS is an RMS level relative to a full-scale sine (RMS 1/√2).
func dBFS(r float64) float64 { return 20 * math.Log10(r*math.Sqrt2) }

// toneResult is what one resampled full-scale tone measures.
type toneResult struct {
	gainDB  float64 // output tone level, dB (NaN when the tone is in the stop band)
	otherDB float64 // everything else (images, aliases, noise) relative to full scale, dB
}

// measureTone resamples a full-scale sine of f Hz from inRate to outRate
// and measures a steady-state stretch of `span` output frames. A tone the
// output rate can carry is fitted at f and the residual is what the
// resampler added; a tone above the output Nyquist (downsampling) must
// vanish, and all of the output is alias.
func measureTone(t testing.TB, inRate, outRate int, f float64, span int) toneResult {
	t.Helper()
	d, err := DesignFor(inRate, outRate)
	if err != nil {
		t.Fatal(err)
	}
	// Skip the start-up and the end by more than the filter's reach.
	edge := int(math.Ceil(float64(d.Taps)/float64(d.M))) + 16
	nOut := span + 2*edge
	nIn := int(math.Ceil(float64(nOut)*float64(inRate)/float64(outRate))) + 1
	y, err := Convert([][]float64{sine(nIn, f, float64(inRate))}, inRate, outRate)
	if err != nil {
		t.Fatal(err)
	}
	seg := y[0][edge : edge+span]
	if f >= float64(outRate)/2 {
		return toneResult{gainDB: math.NaN(), otherDB: dBFS(rms(seg))}
	}
	amp, res := fitTone(seg, f/float64(outRate), edge)
	return toneResult{gainDB: 20 * math.Log10(amp), otherDB: dBFS(res)}
}

// prototypeOf rebuilds the (phase-normalised) prototype from a bank, at
// unit DC gain.
func prototypeOf(b *bank) []float64 {
	l, k := b.L, b.TapsPerPhase
	h := make([]float64, l*k)
	for p := 0; p < l; p++ {
		ph := b.phase(p)
		for i := 0; i < k; i++ {
			h[p+i*l] = ph[k-1-i] / float64(l)
		}
	}
	return h
}

// measurePrototype returns the largest pass-band deviation and the highest
// stop-band gain (dB) of b's prototype, from a zero-padded FFT with at
// least 16 points per 1/N (several per stop-band lobe).
func measurePrototype(b *bank) (rippleDB, stopDB float64) {
	h := prototypeOf(b)
	size := 1
	for size < 16*len(h) {
		size *= 2
	}
	x := make([]float64, size)
	copy(x, h)
	spec := make([]complex128, size/2+1)
	fft.NewReal(size).Forward(spec, x)
	r := float64(max(b.L, b.M))
	pass, stop := PassEdge/r, StopEdge/r
	stopDB = math.Inf(-1)
	for i, v := range spec {
		f := float64(i) / float64(size)
		a := 20 * math.Log10(math.Hypot(real(v), imag(v)))
		if f <= pass {
			rippleDB = math.Max(rippleDB, math.Abs(a))
		}
		if f >= stop {
			stopDB = math.Max(stopDB, a)
		}
	}
	return rippleDB, stopDB
}

// push runs x (planar) through r, writing in blocks of the sizes in wb and
// reading in blocks of the sizes in rb (both cycled), and returns every
// output frame.
func push(r *Resampler, x [][]float64, wb, rb []int) [][]float64 {
	ch := len(x)
	n := len(x[0])
	total := int(r.OutputFrames(int64(n)))
	y := make([][]float64, ch)
	for c := range y {
		y[c] = make([]float64, total)
	}
	in := make([][]float64, ch)
	out := make([][]float64, ch)
	pos, got, wi, ri := 0, 0, 0, 0
	for !r.Done() {
		if pos < n {
			e := min(pos+wb[wi%len(wb)], n)
			wi++
			for c := range in {
				in[c] = x[c][pos:e]
			}
			pos += r.Write(in)
			if pos == n {
				r.End()
			}
		} else {
			r.End()
		}
		for {
			e := min(got+rb[ri%len(rb)], total)
			ri++
			for c := range out {
				out[c] = y[c][got:e]
			}
			k := r.Read(out)
			got += k
			if k == 0 || got == total {
				break
			}
		}
	}
	if got != total {
		panic("push: short output")
	}
	return y
}

// chunkSource yields frames of x in chunks of the sizes in sizes (cycled,
// 0 allowed), as a Source.
type chunkSource struct {
	x     [][]float64
	pos   int
	sizes []int
	i     int
}

func (s *chunkSource) Read(dst [][]float64) (int, error) {
	if s.pos >= len(s.x[0]) {
		return 0, io.EOF
	}
	n := min(s.sizes[s.i%len(s.sizes)], len(dst[0]), len(s.x[0])-s.pos)
	s.i++
	for c := range dst {
		copy(dst[c][:n], s.x[c][s.pos:s.pos+n])
	}
	s.pos += n
	return n, nil
}

// readAll drains rd in reads of the sizes in sizes (cycled).
func readAll(t testing.TB, rd *Reader, ch int, sizes []int) [][]float64 {
	t.Helper()
	y := make([][]float64, ch)
	buf := make([][]float64, ch)
	for i := 0; ; i++ {
		n := sizes[i%len(sizes)]
		for c := range buf {
			buf[c] = make([]float64, n)
		}
		k, err := rd.Read(buf)
		for c := range y {
			y[c] = append(y[c], buf[c][:k]...)
		}
		if err == io.EOF {
			if k != 0 {
				t.Fatalf("io.EOF with %d frames", k)
			}
			return y
		}
		if err != nil {
			t.Fatal(err)
		}
		if k != n {
			// Reader fills every buffer until the output runs out; the
			// next call must then report io.EOF.
			k2, err := rd.Read(buf)
			if k2 != 0 || err != io.EOF {
				t.Fatalf("short read of %d/%d not followed by io.EOF (%d, %v)", k, n, k2, err)
			}
			return y
		}
	}
}
