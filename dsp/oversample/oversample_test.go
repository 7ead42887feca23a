package oversample

import (
	"math"
	"testing"
)

const fs = 48000.0

// TestStageFigures measures every stage's prototype on a grid twice as
// dense as the design's: pass-band ripple within ±0.0002 dB and stop band
// at least AttenuationDB down. The logged figures are quoted in the
// package documentation.
func TestStageFigures(t *testing.T) {
	for j := 1; j <= MaxLog2; j++ {
		d := design(j)
		pass, stop := d.measure(2 * designGrid)
		t.Logf("stage %d: %3d taps, half-band %v, pass 0..%.4f ripple %.2g dB, stop %.4f..0.5 %.2f dB",
			j, len(d.h), d.halfband, d.pass, pass, d.stop, stop)
		if pass > passRippleDB || stop > -AttenuationDB+0.01 {
			t.Errorf("stage %d misses its specification: ripple %g dB, stop %g dB", j, pass, stop)
		}
		// Linear phase: symmetric, odd length.
		for i := range d.h {
			if d.h[i] != d.h[len(d.h)-1-i] {
				t.Fatalf("stage %d not symmetric at %d", j, i)
			}
		}
		if d.halfband {
			m := (len(d.h) - 1) / 2
			for i := range d.h {
				if k := i - m; k != 0 && k%2 == 0 && d.h[i] != 0 {
					t.Fatalf("stage %d: half-band tap %d is %g", j, i, d.h[i])
				}
			}
		}
	}
	// The linear bounds the design uses are the dB specification.
	if math.Abs(20*math.Log10(stopMax)+AttenuationDB) > 1e-9 ||
		math.Abs(20*math.Log10(passMax)-passRippleDB) > 1e-12 ||
		math.Abs(20*math.Log10(passMin)+passRippleDB) > 1e-12 {
		t.Error("linear design bounds disagree with AttenuationDB/passRippleDB")
	}
	// Kaiser's I0 against a tabulated value: I0(5) = 27.239871823604442.
	if v := besselI0(5); math.Abs(v-27.239871823604442) > 1e-12 {
		t.Errorf("I0(5) = %.17g", v)
	}
}

// fitTone least-squares fits a·sin + b·cos at frequency f (cycles per
// sample) to x and returns the amplitude and the RMS of the residual.
func fitTone(x []float64, f float64) (amp, resid float64) {
	var ss, sc, cc, xs, xc float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * f * float64(i))
		ss += s * s
		sc += s * c
		cc += c * c
		xs += v * s
		xc += v * c
	}
	det := ss*cc - sc*sc
	a := (xs*cc - xc*sc) / det
	b := (xc*ss - xs*sc) / det
	var r float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * f * float64(i))
		e := v - a*s - b*c
		r += e * e
	}
	return math.Hypot(a, b), math.Sqrt(r / float64(len(x)))
}

func sine(n int, f, phase float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2*math.Pi*f*float64(i) + phase)
	}
	return x
}

// TestImageRejection: interpolating a pass-band tone yields that tone at
// the high rate and nothing else above -100 dB (the images must be gone).
func TestImageRejection(t *testing.T) {
	for _, log2 := range []int{1, 2, 3, 4} {
		o := New(log2, 1, 4096)
		f := float64(o.Factor())
		worst := math.Inf(-1)
		for _, hz := range []float64{100, 1000, 5000, 12345, 19000, 21500} {
			o.Reset()
			x := sine(4096, hz/fs, 0.3)
			hi := o.Up(0, x)
			seg := hi[len(hi)/2:]
			amp, res := fitTone(seg, hz/(fs*f))
			if math.Abs(20*math.Log10(amp)) > 0.001 {
				t.Errorf("%dx, %g Hz: interpolated tone at %.5f dB", 1<<log2, hz, 20*math.Log10(amp))
			}
			db := 20 * math.Log10(res*math.Sqrt2/amp)
			worst = math.Max(worst, db)
			if db > -99 {
				t.Errorf("%dx, %g Hz: images at %.1f dB", 1<<log2, hz, db)
			}
		}
		t.Logf("%dx: worst image level %.1f dB re tone", 1<<log2, worst)
	}
}

// TestAliasRejection: any tone at the high rate above the base Nyquist is
// at least 100 dB down after decimation (swept across the whole band);
// tones below 0.45·fs pass with < 0.001 dB error.
func TestAliasRejection(t *testing.T) {
	for _, log2 := range []int{1, 2, 3, 4} {
		o := New(log2, 1, 2048)
		f := float64(o.Factor())
		y := make([]float64, 2048)
		worst := math.Inf(-1)
		for k := 0; k <= 200; k++ {
			hz := fs/2 + (f*fs/2-fs/2)*float64(k)/200
			if k == 200 {
				hz -= 1 // exactly Nyquist of the high rate is a sampled zero
			}
			o.Reset()
			hi := sine(2048*o.Factor(), hz/(fs*f), 0.7)
			o.Down(0, hi, y)
			var r float64
			for _, v := range y[1024:] {
				r += v * v
			}
			db := 20 * math.Log10(math.Sqrt(r/1024)*math.Sqrt2)
			worst = math.Max(worst, db)
			if db > -99.9 {
				t.Errorf("%dx: %g Hz leaks through at %.1f dB", 1<<log2, hz, db)
			}
		}
		t.Logf("%dx: worst alias %.1f dB (0.5 fs .. %g fs)", 1<<log2, worst, f/2)
		for _, hz := range []float64{50, 3000, 15000, 21600} {
			o.Reset()
			hi := sine(2048*o.Factor(), hz/(fs*f), 0.7)
			o.Down(0, hi, y)
			amp, res := fitTone(y[1024:], hz/fs)
			if math.Abs(20*math.Log10(amp)) > 0.001 || res > 1e-5 {
				t.Errorf("%dx: %g Hz decimated to %.5f dB, residual %g", 1<<log2, hz, 20*math.Log10(amp), res)
			}
		}
	}
}

// TestLatency: an impulse through Up and Down comes out centred on
// Latency (the response is symmetric about it), and pass-band tones come
// out delayed by exactly Latency samples.
func TestLatency(t *testing.T) {
	want := []int{0, 129, 140, 143, 144}
	for log2 := 0; log2 <= MaxLog2; log2++ {
		o := New(log2, 1, 1024)
		L := o.Latency()
		if L != want[log2] {
			t.Errorf("%dx: latency %d, documented %d", 1<<log2, L, want[log2])
		}
		x := make([]float64, 1024)
		x[100] = 1
		y := make([]float64, 1024)
		o.Down(0, o.Up(0, x), y)
		peak := 0
		for i := range y {
			if math.Abs(y[i]) > math.Abs(y[peak]) {
				peak = i
			}
		}
		if peak != 100+L {
			t.Errorf("%dx: impulse peak at %d, want %d", 1<<log2, peak, 100+L)
		}
		for k := 1; k < 100+L && 100+L+k < len(y); k++ {
			if math.Abs(y[100+L+k]-y[100+L-k]) > 1e-12 {
				t.Fatalf("%dx: response not symmetric about %d at ±%d: %g vs %g",
					1<<log2, 100+L, k, y[100+L+k], y[100+L-k])
			}
		}
		o.Reset()
		x = sine(1024, 7000/fs, 0.1)
		o.Down(0, o.Up(0, x), y)
		for i := 400; i < 1024; i++ {
			if math.Abs(y[i]-x[i-L]) > 1e-4 {
				t.Fatalf("%dx: y[%d] = %g, x[%d] = %g", 1<<log2, i, y[i], i-L, x[i-L])
			}
		}
	}
}

func noise(n int, seed uint32) []float64 {
	x := make([]float64, n)
	for i := range x {
		seed = seed*1664525 + 1013904223
		x[i] = float64(int32(seed)) / (1 << 31)
	}
	return x
}

// roundTrip runs x through Up, a nonlinearity, Down in blocks of bs.
func roundTrip(o *Oversampler, x []float64, bs int) []float64 {
	y := make([]float64, len(x))
	for i := 0; i < len(x); i += bs {
		e := min(i+bs, len(x))
		hi := o.Up(0, x[i:e])
		for k, v := range hi {
			// A polynomial, not math.Tanh: the golden hash must not depend
			// on the math package's CPU-specific paths.
			hi[k] = v - float64(float64(0.25*v)*float64(v*v))
		}
		o.Down(0, hi, y[i:e])
	}
	return y
}

func TestBlockInvarianceAndReset(t *testing.T) {
	x := noise(9000, 7)
	for _, log2 := range []int{1, 3} {
		o := New(log2, 1, 4096)
		ref := roundTrip(o, x, 4096)
		for _, bs := range []int{1, 7, 64, 4096} {
			o.Reset()
			y := roundTrip(o, x, bs)
			for i := range y {
				if y[i] != ref[i] {
					t.Fatalf("%dx block %d: sample %d = %v, want %v", 1<<log2, bs, i, y[i], ref[i])
				}
			}
		}
	}
}

func TestExtremeInput(t *testing.T) {
	o := New(3, 1, 1000)
	for _, lvl := range []float64{0, 1, 1e5, -1e5} {
		x := make([]float64, 1000)
		for i := range x {
			x[i] = lvl
		}
		y := make([]float64, 1000)
		o.Down(0, o.Up(0, x), y)
		for i, v := range y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("level %g: y[%d] = %v", lvl, i, v)
			}
		}
		// DC passes with unit gain once the filters are full.
		if d := math.Abs(y[999] - lvl); d > 1e-9*math.Max(1, math.Abs(lvl)) {
			t.Errorf("DC %g comes out as %g", lvl, y[999])
		}
	}
}

func TestAllocs(t *testing.T) {
	o := New(3, 2, 512)
	x := noise(512, 3)
	y := make([]float64, 512)
	if a := testing.AllocsPerRun(50, func() {
		for ch := 0; ch < 2; ch++ {
			o.Down(ch, o.Up(ch, x), y)
		}
	}); a != 0 {
		t.Errorf("Up/Down allocate %v times", a)
	}
}

// BenchmarkRoundTrip8x: Up and Down at 8x, per base-rate sample per channel.
func BenchmarkRoundTrip8x(b *testing.B) {
	o := New(3, 1, 1024)
	x := noise(1024, 1)
	y := make([]float64, 1024)
	for b.Loop() {
		o.Down(0, o.Up(0, x), y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024, "ns/sample")
}

func BenchmarkRoundTrip4x(b *testing.B) {
	o := New(2, 1, 1024)
	x := noise(1024, 1)
	y := make([]float64, 1024)
	for b.Loop() {
		o.Down(0, o.Up(0, x), y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024, "ns/sample")
}

// TestGolden pins the exact output bits of an 8x round trip (taps, filter
// arithmetic, padding). It fails if another CPU or architecture computes
// a different bit anywhere (a determinism bug), or when the design is
// changed on purpose (then update the constant).
func TestGolden(t *testing.T) {
	o := New(3, 1, 4096)
	y := roundTrip(o, noise(8192, 11), 4096)
	h := uint64(14695981039346656037)
	for _, v := range y {
		h ^= math.Float64bits(v)
		h *= 1099511628211
	}
	const want = 0xbc322a67a73d6b9f
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}
