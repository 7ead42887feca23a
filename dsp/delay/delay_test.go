package delay

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

func prepared(p Params, fs float64, channels int) *Delay {
	d := New(p)
	d.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: 4096, Channels: channels})
	return d
}

func render(p dsp.Processor, in [][]float64, sizes ...int) [][]float64 {
	out := make([][]float64, len(in))
	for ch := range in {
		out[ch] = append([]float64(nil), in[ch]...)
	}
	blk := make([][]float64, len(in))
	for i, k := 0, 0; i < len(in[0]); k++ {
		e := min(i+sizes[k%len(sizes)], len(in[0]))
		for ch := range out {
			blk[ch] = out[ch][i:e]
		}
		p.Process(blk)
		i = e
	}
	return out
}

func impulse(channels, n int, amp ...float64) [][]float64 {
	in := make([][]float64, channels)
	for ch := range in {
		in[ch] = make([]float64, n)
		in[ch][0] = 1
		if ch < len(amp) {
			in[ch][0] = amp[ch]
		}
	}
	return in
}

func noise(seed uint64, channels, n, burst int) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 5))
	in := make([][]float64, channels)
	for ch := range in {
		in[ch] = make([]float64, n)
		for i := 0; i < burst; i++ {
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

// noteMs is what the language layer computes for a note value at a tempo:
// a whole note is 4 beats; dotted is 3/2, triplet 2/3.
func noteMs(bpm float64, num, den int, mod byte) float64 {
	ms := 60000 / bpm * 4 * float64(num) / float64(den)
	switch mod {
	case 'd':
		ms *= 1.5
	case 't':
		ms *= 2.0 / 3
	}
	return ms
}

// TestEchoesAtExactSamples: with filters off, echo k of an impulse is at
// exactly k*D samples with gain feedback^(k-1), and every other sample is 0.
func TestEchoesAtExactSamples(t *testing.T) {
	type tc struct {
		name   string
		ms, fs float64
		want   int
	}
	cases := []tc{
		{"10 ms", 10, 48000, 480},
		{"1/8d at 120 bpm", noteMs(120, 1, 8, 'd'), 48000, 18000},
		{"1/16 at 100 bpm", noteMs(100, 1, 16, 0), 44100, 6615},
		{"1/4t at 120 bpm", noteMs(120, 1, 4, 't'), 48000, 16000}, // 333.333... ms
		{"1/8t at 90 bpm", noteMs(90, 1, 8, 't'), 96000, 21333},   // 222.222... ms: 21333.33 is NOT whole
		{"1/32 at 125 bpm", noteMs(125, 1, 32, 0), 48000, 2880},
	}
	for _, c := range cases {
		d := prepared(Params{TimeMs: c.ms, Feedback: 0.6, Mix: 1}, c.fs, 1)
		if c.name == "1/8t at 90 bpm" {
			// A fractional delay: documented Lagrange interpolation.
			if got := d.Samples(); math.Abs(got-21333.333333333) > 1e-6 {
				t.Errorf("%s: Samples() = %v", c.name, got)
			}
			continue
		}
		if got := d.Samples(); got != float64(c.want) {
			t.Fatalf("%s: %.12g ms at %.0f Hz gives %v samples, want %d", c.name, c.ms, c.fs, got, c.want)
		}
		n := 6*c.want + 10
		out := render(d, impulse(1, n), 4096)[0]
		gain := 1.0
		for i, v := range out {
			if i > 0 && i%c.want == 0 {
				if math.Abs(v-gain) > 1e-15*gain {
					t.Errorf("%s: echo %d at %d = %.17g, want %.17g", c.name, i/c.want, i, v, gain)
				}
				gain *= 0.6
			} else if v != 0 {
				t.Fatalf("%s: sample %d = %g, want 0 (echoes only at multiples of %d)", c.name, i, v, c.want)
			}
		}
	}
}

func TestPingPongAlternates(t *testing.T) {
	const D = 300
	for _, in := range []struct {
		name   string
		l, r   float64
		source float64 // (l+r)/2
	}{{"centre", 1, 1, 1}, {"left only", 1, 0, 0.5}, {"right only", 0, 1, 0.5}} {
		d := prepared(Params{TimeMs: 10, Feedback: 0.5, Mix: 1, PingPong: true}, 30000, 2)
		out := render(d, impulse(2, 7*D+5, in.l, in.r), 64)
		gain := in.source
		for k := 1; k <= 6; k++ {
			on, off := 0, 1 // odd echoes on the left
			if k%2 == 0 {
				on, off = 1, 0
			}
			if got := out[on][k*D]; math.Abs(got-gain) > 1e-15 {
				t.Errorf("%s: echo %d on ch %d = %v, want %v", in.name, k, on, got, gain)
			}
			if got := out[off][k*D]; got != 0 {
				t.Errorf("%s: echo %d leaked to ch %d: %v", in.name, k, off, got)
			}
			gain *= 0.5
		}
		for ch := range out {
			for i, v := range out[ch] {
				if i%D != 0 && v != 0 {
					t.Fatalf("%s: ch %d sample %d = %v, want 0", in.name, ch, i, v)
				}
			}
		}
	}
	// On a mono buffer ping-pong is the plain delay.
	p := Params{TimeMs: 7, Feedback: 0.5, Mix: 0.5, PingPong: true, HighCutHz: 3000}
	a := render(prepared(p, 48000, 1), noise(1, 1, 4000, 500), 64)
	p.PingPong = false
	b := render(prepared(p, 48000, 1), noise(1, 1, 4000, 500), 64)
	identical(t, "mono ping-pong vs plain", a, b)
}

// TestLoopFilters: echo k has passed the loop filters k times, so its
// spectrum is feedback^(k-1) * (H_lp H_hp)^k, with H from the RBJ designs.
func TestLoopFilters(t *testing.T) {
	const fs, D = 48000.0, 4800
	const fb = 0.7
	p := Params{TimeMs: 100, Feedback: fb, Mix: 1, HighCutHz: 3000, LowCutHz: 300}
	out := render(prepared(p, fs, 1), impulse(1, 5*D), 4096)[0]
	lp := biquad.LowPass(3000, FilterQ, fs)
	hp := biquad.HighPass(300, FilterQ, fs)
	for k := 1; k <= 4; k++ {
		seg := out[k*D : (k+1)*D]
		for _, f := range []float64{100, 300, 1000, 3000, 8000} {
			// DFT of the segment at f, with the time origin at the echo.
			var X complex128
			for n, v := range seg {
				X += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*f*float64(n)/fs))
			}
			H := lp.Response(f, fs) * hp.Response(f, fs)
			want := math.Pow(fb, float64(k-1)) * math.Pow(cmplx.Abs(H), float64(k))
			if got := cmplx.Abs(X); math.Abs(got-want) > 1e-9*math.Max(want, 1e-3) {
				t.Errorf("echo %d at %.0f Hz: |X| = %.12g, want %.12g", k, f, got, want)
			}
		}
	}
}

// TestFractionalDelay: a non-integral delay is the documented Lagrange
// interpolation; a low sine comes out shifted by exactly D samples.
func TestFractionalDelay(t *testing.T) {
	const fs = 48000.0
	d := prepared(Params{TimeMs: 10.0104166666, Mix: 1}, fs, 1) // 480.5 samples
	D := d.Samples()
	if math.Abs(D-480.5) > 1e-4 {
		t.Fatalf("Samples() = %v, want ~480.5", D)
	}
	const f = 440.0
	in := make([]float64, 4000)
	for i := range in {
		in[i] = math.Sin(2 * math.Pi * f * float64(i) / fs)
	}
	out := render(d, [][]float64{in}, 64)[0]
	var maxErr float64
	for i := 500; i < len(in); i++ {
		want := math.Sin(2 * math.Pi * f * (float64(i) - D) / fs)
		maxErr = math.Max(maxErr, math.Abs(out[i]-want))
	}
	// Third-order Lagrange at 440 Hz, half a sample: error about
	// |H-1| ~ (w^4)(9/16)/24 ~ 3e-7.
	if maxErr > 1e-6 {
		t.Errorf("440 Hz through a 480.5-sample delay: max error %.3g, want <= 1e-6", maxErr)
	}
}

func TestMixZeroIsDry(t *testing.T) {
	for _, pp := range []bool{false, true} {
		d := prepared(Params{TimeMs: 3, Feedback: 0.9, Mix: 0, PingPong: pp, HighCutHz: 5000, LowCutHz: 100}, 48000, 2)
		in := noise(2, 2, 3000, 3000)
		in[1][7] = math.Copysign(0, -1)
		identical(t, fmt.Sprint("mix 0 pingpong ", pp), in, render(d, in, 64))
	}
}

func TestBlockSizeInvarianceAndReset(t *testing.T) {
	for _, c := range []struct {
		ch int
		p  Params
	}{
		{1, Params{TimeMs: 5, Feedback: 0.8, Mix: 0.5, HighCutHz: 4000, LowCutHz: 150}},
		{2, Params{TimeMs: 5.01, Feedback: 0.8, Mix: 0.3, PingPong: true, HighCutHz: 4000}},
		{3, Params{TimeMs: 2.7, Feedback: 0.5, Mix: 1, LowCutHz: 500}},
	} {
		d := prepared(c.p, 48000, c.ch)
		in := noise(3, c.ch, 10000, 2000)
		ref := render(d, in, 4096)
		for _, sizes := range [][]int{{1}, {7}, {64}, {4096}, {1, 3, 250, 17, 4096, 2, 999}} {
			d.Reset()
			identical(t, fmt.Sprint("blocks ", sizes), ref, render(d, in, sizes...))
		}
	}
}

func TestSetParamsKeepsState(t *testing.T) {
	p := Params{TimeMs: 4, Feedback: 0.7, Mix: 0.4, PingPong: true, HighCutHz: 6000, LowCutHz: 200}
	d := prepared(p, 48000, 2)
	in := noise(4, 2, 6400, 1000)
	ref := render(d, in, 4096)
	d.Reset()
	out := [][]float64{append([]float64(nil), in[0]...), append([]float64(nil), in[1]...)}
	for i := 0; i < len(in[0]); i += 32 {
		d.SetParams(p)
		d.Process([][]float64{out[0][i : i+32], out[1][i : i+32]})
	}
	identical(t, "SetParams every 32 samples", ref, out)
}

func TestNoAllocs(t *testing.T) {
	d := prepared(Params{TimeMs: 5.3, Feedback: 0.5, Mix: 0.5, HighCutHz: 5000}, 48000, 2)
	buf := noise(5, 2, 512, 512)
	q := d.Params()
	allocs := testing.AllocsPerRun(50, func() {
		d.Process(buf)
		q.TimeMs = 11 - q.TimeMs
		q.PingPong = !q.PingPong
		q.LowCutHz = 300 - q.LowCutHz
		d.SetParams(q)
	})
	if allocs != 0 {
		t.Errorf("Process+SetParams allocate %.1f times per run, want 0", allocs)
	}
}

func TestLatencyIsZero(t *testing.T) {
	d := prepared(Params{TimeMs: 1, Feedback: 0.5, Mix: 0.25}, 48000, 1)
	if d.Latency() != 0 {
		t.Fatalf("Latency() = %d", d.Latency())
	}
	out := render(d, impulse(1, 100), 1)[0]
	if out[0] != 0.75 {
		t.Fatalf("dry impulse at sample 0 = %v, want 0.75", out[0])
	}
	if out[48] != 0.25 {
		t.Fatalf("first echo at 48 = %v, want 0.25", out[48])
	}
}

func TestClampsAndStaysFinite(t *testing.T) {
	const fs = 48000.0
	// Beyond the maximum time: clamped to MaxTimeMs.
	d := prepared(Params{TimeMs: 1e9, Mix: 1}, fs, 1)
	if got := d.Samples(); got != MaxTimeMs*fs/1000 {
		t.Fatalf("Samples() = %v, want %v", got, MaxTimeMs*fs/1000)
	}
	// Feedback 1 holds forever but never grows, even through the
	// interpolator and the filters.
	d = prepared(Params{TimeMs: 1.01, Feedback: 1, Mix: 1, HighCutHz: 12000, LowCutHz: 20, PingPong: true}, fs, 2)
	in := noise(6, 2, 96000, 48)
	for ch := range in {
		for i := range in[ch] {
			in[ch][i] *= 1e6
		}
	}
	out := render(d, in, 4096)
	for ch := range out {
		for i, v := range out[ch] {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e8 {
				t.Fatalf("ch %d sample %d = %v", ch, i, v)
			}
		}
	}
	// NaN parameters fall back to safe values.
	d = prepared(Params{TimeMs: math.NaN(), Feedback: math.NaN(), Mix: math.Inf(1), HighCutHz: math.NaN(), LowCutHz: -5}, fs, 2)
	for _, v := range render(d, noise(7, 2, 2000, 2000), 64)[0] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatal("NaN parameters gave a non-finite output")
		}
	}
}

// TestTailFlushesToZero: with feedback < 1 the line contents fall below the
// denormal threshold and are flushed: the output becomes exactly 0.
func TestTailFlushesToZero(t *testing.T) {
	d := prepared(Params{TimeMs: 1, Feedback: 0.5, Mix: 1, HighCutHz: 8000, LowCutHz: 100}, 48000, 1)
	out := render(d, impulse(1, 20000), 4096)[0]
	for i := 15000; i < len(out); i++ {
		if out[i] != 0 {
			t.Fatalf("sample %d = %g, want exact 0 once the tail is below 1e-30", i, out[i])
		}
	}
}

func BenchmarkDelay(b *testing.B) {
	for _, c := range []struct {
		name string
		p    Params
	}{
		{"integer", Params{TimeMs: 250, Feedback: 0.4, Mix: 0.3}},
		{"fractional+filters", Params{TimeMs: 250.01, Feedback: 0.4, Mix: 0.3, HighCutHz: 6000, LowCutHz: 200}},
		{"pingpong+filters", Params{TimeMs: 250, Feedback: 0.4, Mix: 0.3, PingPong: true, HighCutHz: 6000, LowCutHz: 200}},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := prepared(c.p, 48000, 2)
			buf := noise(8, 2, 512, 512)
			b.ReportAllocs()
			for b.Loop() {
				d.Process(buf)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/512/2, "ns/sample/ch")
		})
	}
}
