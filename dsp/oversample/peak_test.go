package oversample

import (
	"math"
	"testing"
)

// programme is music-like test material: decaying tone bursts of random
// pitch and level (some near the top of the band), noise, and quiet
// stretches, so the reader's bounds skip some groups and not others.
func programme(n int, seed uint32) []float64 {
	x := make([]float64, n)
	r := noise(n, seed)
	var amp, f, ph float64
	for i := range x {
		if i%2400 == 0 {
			k := int(uint32(r[i]*1e6)) % 7
			amp = 0.05 + 0.14*float64(k)
			f = 0.02 + 0.068*float64(k)
		}
		x[i] = amp*math.Sin(ph) + 0.02*amp*r[i]
		ph += 2 * math.Pi * f
		amp *= 0.9995
	}
	return x
}

// upPeak is what MaxAbs stands in for: the fold over Up's output.
func upPeak(o *Oversampler, ch int, x []float64, peak float64) float64 {
	for _, v := range o.Up(ch, x) {
		if v < 0 {
			v = -v
		}
		if v > peak {
			peak = v
		}
	}
	return peak
}

// TestPeakReaderExact: after every block, on every channel, the reader's
// running maximum is the fold over Up's output, bit for bit, for every
// block size, and again after Reset.
func TestPeakReaderExact(t *testing.T) {
	const n = 12000
	quiet := programme(n, 5)
	for i := range quiet {
		quiet[i] *= 0.01
	}
	step := make([]float64, n) // a sudden loud stretch after silence
	for i := n / 2; i < n/2+300; i++ {
		step[i] = 0.9 * math.Sin(float64(i)*2.9)
	}
	bad := programme(n, 9) // non-finite input passes through unskipped
	bad[3000], bad[9000] = math.NaN(), math.Inf(-1)
	signals := map[string][2][]float64{
		"programme": {programme(n, 1), programme(n, 2)},
		"noise":     {noise(n, 3), noise(n, 4)},
		"quiet":     {quiet, programme(n, 6)},
		"step":      {step, make([]float64, n)},
		"nonfinite": {bad, programme(n, 10)},
	}
	for _, name := range []string{"programme", "noise", "quiet", "step", "nonfinite"} {
		x := signals[name]
		for _, bs := range []int{1, 2, 7, 64, 1000, 4096} {
			o := New(2, 2, bs)
			r := NewPeakReader(2, bs)
			for pass := 0; pass < 2; pass++ {
				var want, got float64
				for i := 0; i < n; i += bs {
					e := min(i+bs, n)
					for ch := range 2 {
						want = upPeak(o, ch, x[ch][i:e], want)
						got = r.MaxAbs(ch, x[ch][i:e], got)
						if got != want {
							t.Fatalf("%s, block %d, pass %d, frame %d, channel %d: MaxAbs %v, Up's %v", name, bs, pass, i, ch, got, want)
						}
					}
				}
				o.Reset()
				r.Reset()
			}
		}
	}
}

// TestPeakReaderSkips: the bounds do skip most of a programme, and they
// are as tight as documented.
func TestPeakReaderSkips(t *testing.T) {
	r := NewPeakReader(1, 1024)
	if math.Abs(r.maxPhaseL1-2.6546) > 1e-3 || r.tail > 0.45 {
		t.Errorf("bounds: max phase l1 %.4f, tail %.3f", r.maxPhaseL1, r.tail)
	}
	x := programme(48000, 1)
	var peak float64
	for i := 0; i < len(x); i += 1024 {
		peak = r.MaxAbs(0, x[i:i+min(1024, len(x)-i)], peak)
	}
	if frac := float64(r.skipped) / float64(r.groups); frac < 0.5 {
		t.Errorf("only %.0f%% of groups skipped", 100*frac)
	}
}

func TestPeakReaderAllocs(t *testing.T) {
	r := NewPeakReader(2, 512)
	x := programme(512, 3)
	if a := testing.AllocsPerRun(50, func() {
		for ch := range 2 {
			r.MaxAbs(ch, x, 0.5)
		}
	}); a != 0 {
		t.Errorf("MaxAbs allocates %v times", a)
	}
}

// BenchmarkPeakReader and BenchmarkUpPeak read the 4x peak of a programme,
// per base-rate sample.
func BenchmarkPeakReader(b *testing.B) {
	x := programme(48000, 1)
	r := NewPeakReader(1, 1024)
	for b.Loop() {
		var p float64
		for i := 0; i < len(x); i += 1024 {
			p = r.MaxAbs(0, x[i:min(i+1024, len(x))], p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/sample")
}

func BenchmarkUpPeak(b *testing.B) {
	x := programme(48000, 1)
	o := New(2, 1, 1024)
	for b.Loop() {
		var p float64
		for i := 0; i < len(x); i += 1024 {
			p = upPeak(o, 0, x[i:min(i+1024, len(x))], p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/sample")
}
