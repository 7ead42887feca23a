package reverb

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

func prepared(p Params, fs float64, channels int) *FDN {
	r := New(p)
	r.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: 4096, Channels: channels})
	return r
}

// impulseResponse renders the reverb's response to a unit impulse on every
// channel, long enough to fall more than 100 dB.
func impulseResponse(r *FDN, channels int, seconds float64) [][]float64 {
	n := int(r.fs * seconds)
	in := make([][]float64, channels)
	for ch := range in {
		in[ch] = make([]float64, n)
		in[ch][0] = 1
	}
	return render(r, in, 4096)
}

// TestFDNRT60 is the required check: the RT60 measured from the impulse
// response by Schroeder backward integration and a T30 fit is within 10%
// of DecaySec, for several decays and sizes, with damping off.
func TestFDNRT60(t *testing.T) {
	type tc struct {
		fs       float64
		channels int
		decay    float64
		size     float64
	}
	var cases []tc
	for _, decay := range []float64{0.5, 1.8, 4} {
		for _, size := range []float64{0, 0.7, 1} {
			cases = append(cases, tc{48000, 1, decay, size})
		}
	}
	cases = append(cases, tc{44100, 2, 1.8, 0.7}, tc{96000, 2, 1, 0.3}, tc{48000, 2, 8, 1})
	for _, c := range cases {
		p := Params{DecaySec: c.decay, Size: c.size, Width: 1, Mix: 1, PredelayMs: 10, Seed: 7}
		r := prepared(p, c.fs, c.channels)
		h := impulseResponse(r, c.channels, 1.8*c.decay+0.3)
		rt := edcRT60(h, c.fs, 30)
		t.Logf("fs %5.0f ch %d size %.1f: decay %4.1f s, measured T30 %.3f s (%+.1f%%)",
			c.fs, c.channels, c.size, c.decay, rt, 100*(rt/c.decay-1))
		if math.Abs(rt/c.decay-1) > 0.10 {
			t.Errorf("fs %.0f size %.1f decay %.1f: measured RT60 %.3f s, want within 10%%", c.fs, c.size, c.decay, rt)
		}
	}
}

// TestFDNAbsorptionDesign checks each line's absorption filter against its
// specification exactly: the gain over one trip around line i must be
// 10^(-3 d_i / (fs T)) at DC, with d_i the line plus the filter's DC group
// delay, and 10^(-3 d_i / (fs T_hf)) at 8 kHz.
func TestFDNAbsorptionDesign(t *testing.T) {
	const fs = 48000.0
	for _, damping := range []float64{0, 0.3, 0.5, 1} {
		for _, decay := range []float64{0.3, 1.8, 10} {
			r := prepared(Params{DecaySec: decay, Size: 0.7, Damping: damping, Mix: 1}, fs, 2)
			tHF := decay * (1 - 0.8*damping)
			for i := range lines {
				d := float64(r.length[i])
				b := r.pole[i]
				h := func(f float64) float64 {
					z := cmplx.Exp(complex(0, -2*math.Pi*f/fs))
					return cmplx.Abs(complex(r.gain[i], 0) / (1 - complex(b, 0)*z))
				}
				wantDC := math.Pow(10, -3*(d+b/(1-b))/(fs*decay))
				if got := h(0); math.Abs(got/wantDC-1) > 1e-12 {
					t.Errorf("damping %.1f decay %.1f line %d: DC gain %.15g, want %.15g", damping, decay, i, got, wantDC)
				}
				// The HF design is relative to the DC gain over the nominal
				// length d (the group delay near 8 kHz is not counted).
				wantHF := wantDC * math.Pow(10, -3*d/fs*(1/tHF-1/decay))
				if got := h(8000); math.Abs(got/wantHF-1) > 1e-9 {
					t.Errorf("damping %.1f decay %.1f line %d: 8 kHz gain %.15g, want %.15g", damping, decay, i, got, wantHF)
				}
			}
		}
	}
}

// bandpass is the RBJ Audio EQ Cookbook band-pass (constant 0 dB peak) with
// bandwidth bw octaves, applied to x.
func bandpass(x []float64, fs, f0, bw float64) []float64 {
	w0 := 2 * math.Pi * f0 / fs
	alpha := math.Sin(w0) * math.Sinh(math.Ln2/2*bw*w0/math.Sin(w0))
	a0 := 1 + alpha
	b0, b2 := alpha/a0, -alpha/a0
	a1, a2 := -2*math.Cos(w0)/a0, (1-alpha)/a0
	y := make([]float64, len(x))
	var x1, x2, y1, y2 float64
	for i, v := range x {
		o := b0*v + b2*x2 - a1*y1 - a2*y2
		x2, x1 = x1, v
		y2, y1 = y1, o
		y[i] = o
	}
	return y
}

// TestFDNDampingMeasured measures the decay in third-octave bands: with
// damping 0.5 the RT60 at 8 kHz must be near decay*(1-0.8*0.5) and the RT60
// at 1 kHz near decay (the first-order filter costs mids a little).
func TestFDNDampingMeasured(t *testing.T) {
	const fs = 48000.0
	for _, decay := range []float64{1.8, 4} {
		for _, size := range []float64{0.3, 1} {
			r := prepared(Params{DecaySec: decay, Size: size, Damping: 0.5, Mix: 1}, fs, 1)
			h := impulseResponse(r, 1, 1.8*decay+0.3)
			rtHF := edcRT60([][]float64{bandpass(h[0], fs, 8000, 1.0/3)}, fs, 20)
			rtMid := edcRT60([][]float64{bandpass(h[0], fs, 1000, 1.0/3)}, fs, 20)
			wantHF := decay * 0.6
			t.Logf("decay %.1f size %.1f damping 0.5: RT 1 kHz %.3f s (want %.2f), RT 8 kHz %.3f s (want %.2f)",
				decay, size, rtMid, decay, rtHF, wantHF)
			if math.Abs(rtHF/wantHF-1) > 0.10 {
				t.Errorf("RT60 at 8 kHz %.3f s, want %.3f within 10%%", rtHF, wantHF)
			}
			if math.Abs(rtMid/decay-1) > 0.10 {
				t.Errorf("RT60 at 1 kHz %.3f s, want %.3f within 10%%", rtMid, decay)
			}
		}
	}
}

func TestFDNLengthsArePrimeAndSeeded(t *testing.T) {
	const fs = 48000.0
	a := prepared(Params{DecaySec: 1, Size: 0.5, Seed: 1}, fs, 2).Lengths()
	b := prepared(Params{DecaySec: 1, Size: 0.5, Seed: 1}, fs, 2).Lengths()
	c := prepared(Params{DecaySec: 1, Size: 0.5, Seed: 2}, fs, 2).Lengths()
	if a != b {
		t.Fatalf("same seed, different lengths: %v %v", a, b)
	}
	if a == c {
		t.Fatalf("different seeds, same lengths: %v", a)
	}
	scale := 0.15 + 0.85*0.5
	lo, hi := lineMinMs*1e-3*fs*scale, lineMaxMs*1e-3*fs*scale
	for i, d := range a {
		if !isPrime(d) {
			t.Errorf("length %d = %d is not prime", i, d)
		}
		if float64(d) < lo || float64(d) > hi+200 {
			t.Errorf("length %d = %d outside [%.0f, %.0f]", i, d, lo, hi)
		}
		for j := range i {
			if a[j] == d {
				t.Errorf("lengths %d and %d are both %d", j, i, d)
			}
		}
	}
}

func TestFDNHadamardIsOrthogonal(t *testing.T) {
	// The feedback matrix must be lossless: H/4 times its transpose is I.
	for i := range lines {
		for j := range lines {
			var s float64
			for k := range lines {
				s += hadamardSign(i, k) * hadamardSign(j, k) / 16
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if s != want {
				t.Fatalf("(H/4)(H/4)^T[%d][%d] = %v", i, j, s)
			}
		}
	}
}

func TestFDNBlockSizeInvarianceAndReset(t *testing.T) {
	for _, ch := range []int{1, 2, 3} {
		r := prepared(Params{DecaySec: 2, PredelayMs: 13, Size: 0.6, Damping: 0.4, Width: 0.7, Mix: 0.4, Seed: 3}, 48000, ch)
		in := noiseBurst(1, ch, 12000, 3000)
		checkBlockInvariance(t, r, in)
	}
	// The longest predelay at a rate where it is one slot short of the
	// predelay ring (65532 Hz: 32766 samples in a ring of 32768), so the
	// read slot is the next sample's write slot; and the shortest size,
	// whose shortest line bounds the chunk Process runs step by step.
	r := prepared(Params{DecaySec: 0.5, PredelayMs: MaxPredelayMs, Size: 0, Mix: 0.5, Width: 1}, 65532, 2)
	if r.preMask-r.predelay != 1 {
		t.Fatalf("predelay %d in a ring of %d: not the case this checks", r.predelay, r.preMask+1)
	}
	checkBlockInvariance(t, r, noiseBurst(4, 2, 40000, 3000))
}

func TestFDNSetParamsKeepsState(t *testing.T) {
	p := Params{DecaySec: 2, PredelayMs: 5, Size: 0.6, Damping: 0.4, Width: 0.7, Mix: 0.4, Seed: 3}
	r := prepared(p, 48000, 2)
	in := noiseBurst(2, 2, 9000, 2000)
	ref := render(r, in, 512)
	r.Reset()
	out := make([][]float64, 2)
	for ch := range in {
		out[ch] = append([]float64(nil), in[ch]...)
	}
	for i := 0; i < len(in[0]); i += 32 {
		r.SetParams(p) // every 32 samples, as automation does
		r.Process([][]float64{out[0][i : i+32], out[1][i : i+32]})
	}
	identical(t, "SetParams every 32 samples", ref, out)
}

func TestFDNNoAllocs(t *testing.T) {
	r := prepared(DefaultParams(), 48000, 2)
	buf := noiseBurst(3, 2, 512, 512)
	q := DefaultParams()
	allocs := testing.AllocsPerRun(50, func() {
		r.Process(buf)
		q.Size = 1.05 - q.Size // alternate size so the lengths are recomputed
		q.DecaySec = 3.5 - q.DecaySec
		r.SetParams(q)
	})
	if allocs != 0 {
		t.Errorf("Process+SetParams allocate %.1f times per run, want 0", allocs)
	}
}

func TestFDNMixZeroIsDry(t *testing.T) {
	p := DefaultParams()
	p.Mix = 0
	r := prepared(p, 48000, 2)
	in := noiseBurst(4, 2, 5000, 5000)
	in[0][10] = math.Copysign(0, -1) // negative zero must survive too
	out := render(r, in, 64)
	identical(t, "mix 0", in, out)
}

// TestFDNLatencyAndOnset drives an impulse: the dry part is at sample 0
// (Latency 0), and the first wet sample is exactly predelay plus the
// shortest line.
func TestFDNLatencyAndOnset(t *testing.T) {
	const fs = 48000.0
	p := Params{DecaySec: 1, PredelayMs: 20, Size: 0.5, Mix: 0.5, Width: 1, Seed: 11}
	r := prepared(p, fs, 1)
	if r.Latency() != 0 {
		t.Fatalf("Latency() = %d, want 0", r.Latency())
	}
	h := impulseResponse(r, 1, 0.5)
	if h[0][0] != 0.5 {
		t.Fatalf("dry impulse at sample 0 = %v, want 0.5", h[0][0])
	}
	shortest := math.MaxInt
	for _, d := range r.Lengths() {
		shortest = min(shortest, d)
	}
	onset := int(math.Round(0.020*fs)) + shortest
	for i := 1; i < onset; i++ {
		if h[0][i] != 0 {
			t.Fatalf("wet output at sample %d, before predelay+shortest line = %d", i, onset)
		}
	}
	if h[0][onset] == 0 {
		t.Fatalf("no wet output at predelay+shortest line = %d", onset)
	}
}

// TestFDNPredelayIsAShift: changing predelay only shifts the wet output.
func TestFDNPredelayIsAShift(t *testing.T) {
	const fs = 48000.0
	p := Params{DecaySec: 1, Size: 0.4, Mix: 1, Width: 1, Damping: 0.3}
	a := impulseResponse(prepared(p, fs, 2), 2, 0.5)
	p.PredelayMs = 25 // 1200 samples
	b := impulseResponse(prepared(p, fs, 2), 2, 0.5)
	for ch := range a {
		for i := 1200; i < len(a[ch]); i++ {
			if a[ch][i-1200] != b[ch][i] {
				t.Fatalf("ch %d: predelay is not a pure shift at %d", ch, i)
			}
		}
	}
}

func TestFDNWidth(t *testing.T) {
	const fs = 48000.0
	corr := func(w float64) float64 {
		r := prepared(Params{DecaySec: 1.5, Size: 0.7, Mix: 1, Width: w}, fs, 2)
		in := noiseBurst(5, 2, 48000, 1)
		in[1][0] = in[0][0] // centred impulse
		h := render(r, in, 4096)
		var lr, ll, rr float64
		for i := range h[0] {
			lr += h[0][i] * h[1][i]
			ll += h[0][i] * h[0][i]
			rr += h[1][i] * h[1][i]
		}
		return lr / math.Sqrt(ll*rr)
	}
	if c := corr(0); c < 1-1e-12 {
		t.Errorf("width 0: L/R correlation %.6f, want 1 (mono)", c)
	}
	if c := corr(1); math.Abs(c) > 0.2 {
		t.Errorf("width 1: L/R correlation %.3f, want |c| < 0.2", c)
	}
}

// TestFDNFlushesToZero: after the input stops the tail must reach exact
// zero (denormals flushed), and extreme settings never give NaN or Inf.
func TestFDNFlushesToZeroAndStaysFinite(t *testing.T) {
	const fs = 48000.0
	r := prepared(Params{DecaySec: 0.1, Size: 0, Mix: 1}, fs, 2)
	h := impulseResponse(r, 2, 2)
	allFinite(t, "short decay", h)
	for ch := range h {
		for i := int(1.5 * fs); i < len(h[ch]); i++ {
			if h[ch][i] != 0 {
				t.Fatalf("ch %d sample %d = %g, want exact 0 after 1.5 s at RT60 0.1 s", ch, i, h[ch][i])
			}
		}
	}
	r = prepared(Params{DecaySec: MaxDecaySec, Size: 1, Mix: 1, Damping: 0, Width: 1}, fs, 2)
	in := noiseBurst(6, 2, 96000, 96000)
	for ch := range in {
		for i := range in[ch] {
			in[ch][i] *= 1e6
		}
	}
	allFinite(t, "max decay, loud noise", render(r, in, 4096))
	r = prepared(Params{DecaySec: math.NaN(), Size: math.Inf(1), Damping: -3, Width: 9, Mix: math.NaN()}, fs, 2)
	allFinite(t, "NaN parameters", render(r, noiseBurst(7, 2, 4000, 4000), 100))
}

func BenchmarkFDN(b *testing.B) {
	r := prepared(DefaultParams(), 48000, 2)
	buf := noiseBurst(8, 2, 512, 512)
	b.ReportAllocs()
	for b.Loop() {
		r.Process(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/512/2, "ns/sample/ch")
}

// TestFDNTailSeconds: after TailSeconds the impulse response stays below
// -100 dB of its peak.
func TestFDNTailSeconds(t *testing.T) {
	const fs = 48000.0
	for _, p := range []Params{
		{DecaySec: 0.5, Size: 0, Mix: 1, Width: 1},
		{DecaySec: 2, Size: 1, PredelayMs: 100, Damping: 0.5, Mix: 1, Width: 1},
		{DecaySec: 0.1, Size: 1, Mix: 1, Width: 1},
		{DecaySec: 6, Size: 0.3, Mix: 1, Width: 0.5},
	} {
		r := prepared(p, fs, 2)
		tail := r.TailSeconds()
		h := impulseResponse(r, 2, tail+0.5)
		var peak, after float64
		for ch := range h {
			for i, v := range h[ch] {
				if float64(i) < tail*fs {
					peak = math.Max(peak, math.Abs(v))
				} else {
					after = math.Max(after, math.Abs(v))
				}
			}
		}
		db := 20 * math.Log10(after/peak)
		t.Logf("decay %.1f size %.1f: %.1f dB after TailSeconds %.2f s", p.DecaySec, p.Size, db, tail)
		if db > -100 {
			t.Errorf("decay %.1f size %.1f: after TailSeconds %.2f s the output is %.1f dB of its peak, want < -100", p.DecaySec, p.Size, tail, db)
		}
	}
}

// TestFlushExact: the FDN's flush agrees with dsp.Flush at the threshold,
// on both sides of it, and over many magnitudes.
func TestFlushExact(t *testing.T) {
	th := dsp.DenormalThreshold
	xs := []float64{0, math.Copysign(0, -1), th, -th, math.Nextafter(th, 0), -math.Nextafter(th, 0),
		math.Nextafter(th, 1), math.Nextafter(th, 0) * (1 - 0x1p-52), 5e-324, -5e-324, 1e-200,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, 1, -1}
	for e := -320; e <= 300; e++ {
		v := math.Pow(10, float64(e))
		xs = append(xs, v, -v, math.Nextafter(v, 0), math.Nextafter(v, 2*v+1))
	}
	for i := range 1 << 16 {
		xs = append(xs, th*(1+float64(i-(1<<15))*0x1p-40))
	}
	for _, x := range xs {
		got, want := flush(x), dsp.Flush(x)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("flush(%g) = %g, dsp.Flush gives %g", x, got, want)
		}
	}
}

// TestFlushBits: flush's threshold pattern is dsp.DenormalThreshold's.
func TestFlushBits(t *testing.T) {
	if got := math.Float64bits(dsp.DenormalThreshold); got != flushBits {
		t.Fatalf("flushBits = %#x, dsp.DenormalThreshold has %#x", flushBits, got)
	}
}

// TestStereoKernels: inject2 and tap2 give inject's and tap's bits with a
// stereo FDN's sign rows, and feedback2 the bits of fwht16, inject, flush
// and tap, on values of every size and sign.
func TestStereoKernels(t *testing.T) {
	r := prepared(DefaultParams(), 48000, 2)
	rng := rand.New(rand.NewPCG(5, 6))
	val := func() float64 {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return math.Copysign(0, -1)
		case 2:
			return math.Ldexp(rng.Float64()-0.5, rng.IntN(200)-100)
		}
		return 2*rng.Float64() - 1
	}
	for range 20000 {
		var s, v [lines]float64
		for j := range s {
			s[j], v[j] = val(), val()
		}
		x0, x1 := val(), val()
		want := v
		inject(&want, &r.inSign[0], x0)
		inject(&want, &r.inSign[1], x1)
		got := v
		inject2(&got, float64(r.inScale*x0), float64(r.inScale*x1))
		for j := range got {
			if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
				t.Fatalf("inject2: v[%d] = %v, inject gives %v", j, got[j], want[j])
			}
		}
		o0, o1 := tap2(&s)
		if w0, w1 := tap(&r.outSign[0], &s), tap(&r.outSign[1], &s); math.Float64bits(o0) != math.Float64bits(w0) || math.Float64bits(o1) != math.Float64bits(w1) {
			t.Fatalf("tap2 = %v, %v; tap gives %v, %v", o0, o1, w0, w1)
		}
		// feedback2: taps, transform, injection and flush in one.
		p0, p1 := float64(r.inScale*x0), float64(r.inScale*x1)
		wantV := s
		fwht16(&wantV)
		inject(&wantV, &r.inSign[0], x0)
		inject(&wantV, &r.inSign[1], x1)
		var gotV [lines]float64
		f0, f1 := feedback2(&gotV, &s, p0, p1)
		if math.Float64bits(f0) != math.Float64bits(o0) || math.Float64bits(f1) != math.Float64bits(o1) {
			t.Fatalf("feedback2 taps = %v, %v; tap2 gives %v, %v", f0, f1, o0, o1)
		}
		for j := range gotV {
			if w := flush(wantV[j]); math.Float64bits(gotV[j]) != math.Float64bits(w) {
				t.Fatalf("feedback2: dst[%d] = %v, fwht16+inject+flush give %v", j, gotV[j], w)
			}
		}
	}
}
