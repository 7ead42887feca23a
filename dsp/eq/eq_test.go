package eq

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/biquad"
)

const fs = 48000

// example is the band list of the package documentation.
func example() Params {
	return Params{Bands: []Band{
		{Kind: HighPass, FreqHz: 30, Slope: 24},
		{Kind: LowPass, FreqHz: 18000, Slope: 12},
		{Kind: LowShelf, FreqHz: 120, GainDB: 2, Q: 0.707},
		{Kind: Bell, FreqHz: 400, GainDB: -3, Q: 1.4},
		{Kind: HighShelf, FreqHz: 10000, GainDB: 1.5},
		{Kind: Notch, FreqHz: 60, Q: 10},
		{Kind: BandPass, FreqHz: 1000, Q: 1},
	}}
}

func prepared(p Params, channels int, rate float64) *EQ {
	e := New(p)
	e.Prepare(dsp.Spec{SampleRate: rate, MaxBlock: 4096, Channels: channels})
	return e
}

func testFreqs() []float64 {
	var f []float64
	for x := 20.0; x <= 20001; x *= math.Pow(2, 1.0/6) {
		f = append(f, x)
	}
	return f
}

func impulse(e *EQ, n int) []float64 {
	x := make([]float64, n)
	x[0] = 1
	e.Reset()
	e.Process([][]float64{x})
	return x
}

func dft(h []float64, f float64) complex128 {
	w := 2 * math.Pi * f / fs
	step := cmplx.Rect(1, -w)
	var sum, ph complex128
	for i, v := range h {
		if i%256 == 0 {
			ph = cmplx.Rect(1, -w*float64(i))
		}
		sum += complex(v, 0) * ph
		ph *= step
	}
	return sum
}

// TestResponseIsProductOfBands renders the whole example EQ and each of its
// bands alone, and checks that the measured response of the whole equals
// the product of the bands' measured responses and of their designs.
func TestResponseIsProductOfBands(t *testing.T) {
	p := example()
	const n = 1 << 16
	whole := impulse(prepared(p, 1, fs), n)
	singles := make([][]float64, len(p.Bands))
	for b := range p.Bands {
		singles[b] = impulse(prepared(Params{Bands: p.Bands[b : b+1]}, 1, fs), n)
	}
	e := prepared(p, 1, fs)
	var sec [MaxSections]biquad.Coeffs
	for _, f := range testFreqs() {
		designed, measured := complex(1, 0), complex(1, 0)
		for b, band := range p.Bands {
			k := Design(band, fs, sec[:])
			designed *= biquad.ResponseOf(sec[:k], f, fs)
			measured *= dft(singles[b], f)
		}
		got := dft(whole, f)
		if d := cmplx.Abs(got - designed); d > 1e-6 {
			t.Errorf("%.1f Hz: whole EQ measured %v, product of band designs %v", f, got, designed)
		}
		if d := cmplx.Abs(got - measured); d > 1e-6 {
			t.Errorf("%.1f Hz: whole EQ measured %v, product of measured bands %v", f, got, measured)
		}
		if d := cmplx.Abs(e.Response(f) - designed); d > 1e-12 {
			t.Errorf("%.1f Hz: EQ.Response %v, want %v", f, e.Response(f), designed)
		}
		if cmplx.Abs(designed) > 1e-4 {
			if d := math.Abs(20*math.Log10(cmplx.Abs(got)) - e.MagnitudeDB(f)); d > 0.01 {
				t.Errorf("%.1f Hz: measured and designed differ by %.4f dB", f, d)
			}
		}
	}
}

// TestBandGains checks each kind's defining point (RBJ Cookbook).
func TestBandGains(t *testing.T) {
	cases := []struct {
		band   Band
		f, dB  float64
		approx float64
	}{
		{Band{Kind: HighPass, FreqHz: 80}, 80, -3.0103, 1e-4},
		{Band{Kind: HighPass, FreqHz: 80, Slope: 24}, 80, -3.0103, 1e-4},
		{Band{Kind: HighPass, FreqHz: 80, Slope: 36, Q: 5}, 80, -3.0103, 1e-4}, // q ignored
		{Band{Kind: LowPass, FreqHz: 5000, Slope: 48}, 5000, -3.0103, 1e-4},
		{Band{Kind: LowPass, FreqHz: 5000, Q: 2}, 5000, 20 * math.Log10(2), 1e-9},
		{Band{Kind: LowShelf, FreqHz: 120, GainDB: 6}, 120, 3, 1e-9},
		{Band{Kind: LowShelf, FreqHz: 120, GainDB: 6}, 1, 6, 0.01},
		{Band{Kind: HighShelf, FreqHz: 10000, GainDB: -8}, 10000, -4, 1e-9},
		{Band{Kind: Bell, FreqHz: 400, GainDB: -3, Q: 1.4}, 400, -3, 1e-9},
		{Band{Kind: Bell, FreqHz: 400, GainDB: 40, Q: 1.4}, 400, 24, 1e-9}, // clamped to +24
		{Band{Kind: BandPass, FreqHz: 1000, Q: 1}, 1000, 0, 1e-9},
	}
	for _, c := range cases {
		e := prepared(Params{Bands: []Band{c.band}}, 1, fs)
		if g := e.MagnitudeDB(c.f); math.Abs(g-c.dB) > c.approx {
			t.Errorf("%+v at %g Hz: %g dB, want %g", c.band, c.f, g, c.dB)
		}
	}
	e := prepared(Params{Bands: []Band{{Kind: Notch, FreqHz: 60, Q: 10}}}, 1, fs)
	if g := e.MagnitudeDB(60); g > -200 {
		t.Errorf("notch depth %g dB", g)
	}
}

// TestSlopes: 12·k dB/octave asymptotes for the highpass and lowpass.
func TestSlopes(t *testing.T) {
	for _, s := range Slopes {
		e := prepared(Params{Bands: []Band{{Kind: HighPass, FreqHz: 1000, Slope: s}}}, 1, fs)
		got := e.MagnitudeDB(125) - e.MagnitudeDB(62.5)
		if math.Abs(got-6.0206*float64(s)/6) > 0.01*float64(s)/6 {
			t.Errorf("highpass slope %d: %g dB/octave", s, got)
		}
	}
}

// TestNyquistClamp: an 18 kHz lowpass at 32 kHz has its corner at
// 0.49·32 kHz = 15.68 kHz, and stays a stable filter.
func TestNyquistClamp(t *testing.T) {
	e := prepared(Params{Bands: []Band{{Kind: LowPass, FreqHz: 18000}, {Kind: Bell, FreqHz: 30000, GainDB: 6}}}, 1, 32000)
	var sec [MaxSections]biquad.Coeffs
	Design(Band{Kind: LowPass, FreqHz: 18000}, 32000, sec[:])
	if g := sec[0].MagnitudeDB(15680, 32000); math.Abs(g+3.0103) > 1e-4 {
		t.Errorf("clamped lowpass: %g dB at 15.68 kHz, want -3.01", g)
	}
	for k := range e.coeffs[:2*MaxSections] {
		if e.nsec[k/MaxSections] > k%MaxSections && !e.coeffs[k].Stable() {
			t.Errorf("section %d unstable: %+v", k, e.coeffs[k])
		}
	}
	x := make([]float64, 4096)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	e.Process([][]float64{x})
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 10 {
			t.Fatalf("clamped EQ output %g", v)
		}
	}
}

func signal(ch, n int) [][]float64 {
	buf := make([][]float64, ch)
	var r uint32 = 99
	for c := range buf {
		buf[c] = make([]float64, n)
		for i := range buf[c] {
			r = r*1664525 + 1013904223
			// Noise plus a triangle wave, with no math calls or fusable
			// products, so the golden input is the same on every machine.
			tri := float64(i%(400*(c+1)))/float64(200*(c+1)) - 1
			buf[c][i] = float64(float64(int32(r))/(1<<31)*0.5) + float64(0.4*tri)
		}
	}
	return buf
}

func clone(b [][]float64) [][]float64 {
	out := make([][]float64, len(b))
	for i := range b {
		out[i] = append([]float64(nil), b[i]...)
	}
	return out
}

// render processes in in blocks of bs frames, calling SetParams with the
// same parameters every 32 samples (as automation would).
func render(e *EQ, in [][]float64, bs int, p Params) [][]float64 {
	out := clone(in)
	n := len(in[0])
	blk := make([][]float64, len(in))
	for i := 0; i < n; i += bs {
		for c := range out {
			blk[c] = out[c][i:min(i+bs, n)]
		}
		e.Process(blk)
		if p.Bands != nil {
			e.SetParams(p)
		}
	}
	return out
}

func TestBlockInvarianceAndReset(t *testing.T) {
	in := signal(3, 20000)
	e := prepared(example(), 3, fs)
	ref := render(e, in, 4096, Params{})
	for _, bs := range []int{1, 7, 64, 4096, 20000} {
		e.Reset()
		got := render(e, in, bs, Params{})
		for c := range got {
			for i := range got[c] {
				if got[c][i] != ref[c][i] {
					t.Fatalf("block %d: ch %d sample %d = %v, want %v", bs, c, i, got[c][i], ref[c][i])
				}
			}
		}
	}
	// SetParams with unchanged values between blocks changes nothing: it
	// recomputes coefficients but keeps the memory.
	e.Reset()
	got := render(e, in, 32, example())
	for c := range got {
		for i := range got[c] {
			if got[c][i] != ref[c][i] {
				t.Fatalf("SetParams disturbed output at ch %d sample %d", c, i)
			}
		}
	}
}

// TestSlopeChangeKeepsMemory: switching a 12 dB/oct highpass to 48 dB/oct
// mid-stream keeps the first section's memory and starts the three new
// sections from zero.
func TestSlopeChangeKeepsMemory(t *testing.T) {
	in := signal(1, 3000)[0]
	p := Params{Bands: []Band{{Kind: HighPass, FreqHz: 200}}}
	e := prepared(p, 1, fs)
	got := append([]float64(nil), in...)
	e.Process([][]float64{got[:1000]})
	p.Bands[0].Slope = 48
	e.SetParams(p)
	e.Process([][]float64{got[1000:]})

	var st [MaxSections]biquad.State
	var sec [MaxSections]biquad.Coeffs
	want := append([]float64(nil), in...)
	Design(Band{Kind: HighPass, FreqHz: 200}, fs, sec[:])
	st[0].Process(&sec[0], want[:1000])
	Design(Band{Kind: HighPass, FreqHz: 200, Slope: 48}, fs, sec[:])
	for k := range sec {
		st[k].Process(&sec[k], want[1000:])
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestLatencyByImpulse: zero-gain bells are exact identities, so an
// impulse comes out at sample 0 unchanged; a real EQ answers at sample 0
// too (its first output sample is the product of the sections' B0).
func TestLatencyByImpulse(t *testing.T) {
	flat := prepared(Params{Bands: []Band{{Kind: Bell, FreqHz: 300}, {Kind: Bell, FreqHz: 3000, Q: 3}}}, 1, fs)
	h := impulse(flat, 64)
	if flat.Latency() != 0 || h[0] != 1 {
		t.Fatalf("latency %d, h[0] = %v", flat.Latency(), h[0])
	}
	for i, v := range h[1:] {
		if v != 0 {
			t.Fatalf("flat EQ: h[%d] = %v", i+1, v)
		}
	}
	e := prepared(example(), 1, fs)
	h = impulse(e, 4)
	want := 1.0
	for b, n := range e.nsec {
		for k := 0; k < n; k++ {
			want *= e.coeffs[b*MaxSections+k].B0
		}
	}
	if math.Abs(h[0]-want) > 1e-15 || h[0] == 0 {
		t.Errorf("h[0] = %v, want %v", h[0], want)
	}
}

func TestExtremeInput(t *testing.T) {
	e := prepared(example(), 1, fs)
	for _, x0 := range []float64{0, 1, 1e5} {
		x := make([]float64, 48000)
		for i := range x {
			x[i] = x0
			if x0 > 1 && (i/7)%2 == 0 {
				x[i] = -x0
			}
		}
		e.Reset()
		e.Process([][]float64{x})
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("input %g: sample %d is %v", x0, i, v)
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	e := prepared(example(), 2, fs)
	buf := signal(2, 512)
	if a := testing.AllocsPerRun(100, func() { e.Process(buf) }); a != 0 {
		t.Errorf("Process allocates %v times", a)
	}
	p := example()
	q := example()
	q.Bands[0].Slope = 48
	q.Bands[3].Kind = HighShelf
	if a := testing.AllocsPerRun(100, func() { e.SetParams(p); e.SetParams(q) }); a != 0 {
		t.Errorf("SetParams allocates %v times", a)
	}
}

// TestSetParamsCopies: the EQ keeps its own copy of the bands.
func TestSetParamsCopies(t *testing.T) {
	p := example()
	e := prepared(p, 1, fs)
	before := e.Response(400)
	p.Bands[3].GainDB = 12
	if e.Response(400) != before {
		t.Error("EQ aliases the caller's band slice")
	}
	// Growing the band list after Prepare keeps working.
	p = example()
	p.Bands = append(p.Bands, Band{Kind: Bell, FreqHz: 2000, GainDB: 4})
	e.SetParams(p)
	if g := e.MagnitudeDB(2000); math.IsNaN(g) {
		t.Fatal("NaN response after growing")
	}
	x := signal(1, 100)
	e.Process(x)
}

func TestTables(t *testing.T) {
	for i, ki := range Kinds {
		if ki.Kind != Kind(i) {
			t.Errorf("Kinds[%d] is %v", i, ki.Kind)
		}
		if k, ok := ParseKind(ki.Name); !ok || k != ki.Kind || k.String() != ki.Name {
			t.Errorf("ParseKind(%q) = %v, %v", ki.Name, k, ok)
		}
		b := NewBand(ki.Kind)
		names := map[string]bool{}
		for _, p := range ki.Params {
			if names[p.Name] {
				t.Errorf("%s: duplicate parameter %s", ki.Name, p.Name)
			}
			names[p.Name] = true
			if p.Default < p.Min || p.Default > p.Max || p.Doc == "" {
				t.Errorf("%s.%s: bad entry %+v", ki.Name, p.Name, p)
			}
		}
		if !names["freq"] || !names["q"] || b.FreqHz == 0 || b.Q == 0 {
			t.Errorf("%s: needs freq and q with defaults: %+v", ki.Name, b)
		}
		if b.SetParam("nonsense", 1) {
			t.Errorf("%s accepts an unknown parameter", ki.Name)
		}
	}
	if _, ok := ParseKind("peak"); ok {
		t.Error("ParseKind accepts unknown name")
	}
}

// BenchmarkEQ4 is a typical 4-band EQ (24 dB/oct highpass, low shelf,
// bell, high shelf: 5 sections) on stereo; ns/sample is per sample per
// channel.
func BenchmarkEQ4(b *testing.B) {
	e := prepared(Params{Bands: []Band{
		{Kind: HighPass, FreqHz: 30, Slope: 24},
		{Kind: LowShelf, FreqHz: 120, GainDB: 2},
		{Kind: Bell, FreqHz: 400, GainDB: -3, Q: 1.4},
		{Kind: HighShelf, FreqHz: 10000, GainDB: 1.5},
	}}, 2, fs)
	buf := signal(2, 1024)
	b.ResetTimer()
	for b.Loop() {
		e.Process(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024/2, "ns/sample")
}

// TestGolden pins the exact output bits of the example EQ on noise. It
// fails if another CPU, architecture or GOAMD64 level computes a single
// different bit (a determinism bug: check math package calls and unfused
// products), or when the design is changed on purpose (then update it).
func TestGolden(t *testing.T) {
	e := prepared(example(), 2, fs)
	buf := signal(2, 8192)
	e.Process(buf)
	h := uint64(14695981039346656037)
	for _, ch := range buf {
		for _, v := range ch {
			h ^= math.Float64bits(v)
			h *= 1099511628211
		}
	}
	const want = 0xf358ca7ebd2c8c84
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}
