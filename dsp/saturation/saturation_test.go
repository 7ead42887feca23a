package saturation

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/fft"
)

const fs = 48000.0

func prepared(p Params, channels, maxBlock int) *Saturation {
	s := New(p)
	s.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: maxBlock, Channels: channels})
	return s
}

func sine(n int, hz, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*hz*float64(i)/fs)
	}
	return x
}

// render runs x (one channel) through s in blocks of bs.
func render(s *Saturation, x []float64, bs int) []float64 {
	y := append([]float64(nil), x...)
	for i := 0; i < len(y); i += bs {
		s.Process([][]float64{y[i:min(i+bs, len(y))]})
	}
	return y
}

// spectrum is the magnitude spectrum of x under a Kaiser window with
// β = 20, whose side lobes lie below -150 dB (checked by
// TestMeasurementFloor), so that -120 dB components can be seen next to
// a 0 dB tone that does not sit on a bin.
func spectrum(x []float64) []float64 {
	n := len(x)
	i0 := func(v float64) float64 {
		sum, term := 1.0, 1.0
		for k := 1; k < 200; k++ {
			term *= v / 2 / float64(k)
			sum += term * term
		}
		return sum
	}
	const beta = 20
	w := make([]float64, n)
	for i := range x {
		r := 2*float64(i)/float64(n-1) - 1
		w[i] = x[i] * i0(beta*math.Sqrt(1-r*r)) / i0(beta)
	}
	out := make([]complex128, n/2+1)
	fft.NewReal(n).Forward(out, w)
	mag := make([]float64, len(out))
	for k, v := range out {
		mag[k] = cmplx.Abs(v)
	}
	return mag
}

// aliasLevel returns the largest spectral component that is not within
// guard bins of DC or a harmonic of f0 (below Nyquist), in dB relative to
// the fundamental's peak.
func aliasLevel(mag []float64, f0 float64, n int) (db, atHz float64) {
	binHz := fs / float64(n)
	const guard = 12 // Kaiser β=20 main lobe is ±6.5 bins
	fund := 0.0
	k0 := int(math.Round(f0 / binHz))
	for k := k0 - guard; k <= k0+guard; k++ {
		fund = math.Max(fund, mag[k])
	}
	worst := 0.0
	for k := range mag {
		f := float64(k) * binHz
		h := math.Round(f / f0)
		if math.Abs(f-h*f0) <= guard*binHz {
			continue // DC or a harmonic
		}
		if mag[k] > worst {
			worst, atHz = mag[k], f
		}
	}
	return 20 * math.Log10(worst/fund), atHz
}

// measureAliasing renders a 5 kHz sine at amp through the saturator and
// measures a 65536-sample steady-state segment.
func measureAliasing(t *testing.T, typ Type, log2 int, amp float64) (float64, float64) {
	const n = 1 << 16
	s := New(Params{DriveDB: 12, Type: typ, Mix: 1})
	s.log2 = log2
	s.Prepare(dsp.Spec{SampleRate: fs, MaxBlock: 4096, Channels: 1})
	y := render(s, sine(n+8192, 5000, amp), 4096)
	return aliasLevel(spectrum(y[8192:]), 5000, n)
}

// TestMeasurementFloor: the analysis itself sees nothing above -150 dB
// on a clean 5 kHz sine, so it can resolve -80..-140 dB aliases.
func TestMeasurementFloor(t *testing.T) {
	const n = 1 << 16
	db, at := aliasLevel(spectrum(sine(n, 5000, 1)), 5000, n)
	t.Logf("analysis floor: %.1f dB at %.0f Hz", db, at)
	if db > -150 {
		t.Fatalf("analysis floor only %.1f dB", db)
	}
}

// TestAliasing is the required figure: a 5 kHz sine at 0 dBFS with +12 dB
// drive at 48 kHz; every component that is not a harmonic of 5 kHz below
// Nyquist must be below -80 dB relative to the fundamental. The shipped
// 16x meets it with a wide margin; 4x and 8x, and hotter input, are logged
// for comparison (see the package documentation for the figures).
func TestAliasing(t *testing.T) {
	for typ := range Types {
		db, at := measureAliasing(t, Type(typ), Oversampling, 1)
		t.Logf("%-4s 16x, 0 dBFS: worst non-harmonic %.1f dB (at %.0f Hz)", Types[typ], db, at)
		if db > -80 {
			t.Errorf("%s: aliasing at %.1f dB (%.0f Hz), limit -80 dB", Types[typ], db, at)
		}
		if testing.Short() {
			continue
		}
		for _, log2 := range []int{2, 3} {
			d, a := measureAliasing(t, Type(typ), log2, 1)
			t.Logf("%-4s %dx, 0 dBFS: worst non-harmonic %.1f dB (at %.0f Hz)", Types[typ], 1<<log2, d, a)
		}
		// +12 dBFS is +24 dB drive at 0 dBFS: the top of the drive range.
		d, a := measureAliasing(t, Type(typ), Oversampling, 4)
		t.Logf("%-4s 16x, +12 dBFS: worst non-harmonic %.1f dB (at %.0f Hz)", Types[typ], d, a)
		if d > -80 {
			t.Errorf("%s: aliasing at +12 dBFS %.1f dB (%.0f Hz)", Types[typ], d, a)
		}
	}
}

// fitTone returns the amplitude of the hz component of x by least squares.
func fitTone(x []float64, hz float64) float64 {
	var ss, sc, cc, xs, xc float64
	for i, v := range x {
		s, c := math.Sincos(2 * math.Pi * hz * float64(i) / fs)
		ss += s * s
		sc += s * c
		cc += c * c
		xs += v * s
		xc += v * c
	}
	det := ss*cc - sc*sc
	return math.Hypot((xs*cc-xc*sc)/det, (xc*ss-xs*sc)/det)
}

// TestSmallSignalUnity: the drive compensation gives unity gain for quiet
// material at any drive, for every curve, so wet and dry match.
func TestSmallSignalUnity(t *testing.T) {
	for typ := range Types {
		for _, drive := range []float64{0, 12, 24} {
			s := prepared(Params{DriveDB: drive, Type: Type(typ), Mix: 1}, 1, 4096)
			y := render(s, sine(16384, 1000, 1e-3), 4096)
			g := 20 * math.Log10(fitTone(y[8192:], 1000)/1e-3)
			if math.Abs(g) > 0.001 {
				t.Errorf("%s drive %g: small-signal gain %.4f dB", Types[typ], drive, g)
			}
		}
	}
}

// TestHarmonicSignature: symmetric curves make odd harmonics only; the
// tape curve's offset operating point adds a second harmonic, and its DC
// is blocked.
func TestHarmonicSignature(t *testing.T) {
	for typ := range Types {
		s := prepared(Params{DriveDB: 12, Type: Type(typ), Mix: 1}, 1, 4096)
		y := render(s, sine(48000, 1000, 0.5), 4096)[24000:]
		h1, h2, h3 := fitTone(y, 1000), fitTone(y, 2000), fitTone(y, 3000)
		var dc float64
		for _, v := range y {
			dc += v
		}
		dc /= float64(len(y))
		d2, d3 := 20*math.Log10(h2/h1), 20*math.Log10(h3/h1)
		t.Logf("%s: H2 %.1f dB, H3 %.1f dB, DC %.2g", Types[typ], d2, d3, dc)
		if d3 > -10 || d3 < -60 {
			t.Errorf("%s: third harmonic %.1f dB", Types[typ], d3)
		}
		if Type(typ) == Tape {
			if d2 < -40 {
				t.Errorf("tape: second harmonic only %.1f dB", d2)
			}
			if math.Abs(dc) > 1e-4 {
				t.Errorf("tape: DC %g not blocked", dc)
			}
		} else if d2 > -140 {
			t.Errorf("%s: second harmonic %.1f dB from a symmetric curve", Types[typ], d2)
		}
	}
}

// TestMixAndLatency: mix = 0 is exactly the input delayed by Latency;
// mix = 1 is exactly oversample + curve + oversample; a small impulse
// through the wet path peaks at Latency.
func TestMixAndLatency(t *testing.T) {
	x := sine(5000, 440, 0.9)
	for i := range x {
		x[i] += 0.3 * math.Sin(float64(i)*float64(i)*1e-5)
	}
	s := prepared(Params{DriveDB: 18, Type: Soft, Mix: 0}, 1, 4096)
	L := s.Latency()
	if L != 144 {
		t.Errorf("latency %d, documented 144", L)
	}
	y := render(s, x, 333)
	for i := range y {
		want := 0.0
		if i >= L {
			want = x[i-L]
		}
		if y[i] != want {
			t.Fatalf("mix 0: y[%d] = %v, want x[%d] = %v", i, y[i], i-L, want)
		}
	}
	for typ := range Types {
		s = prepared(Params{DriveDB: 18, Type: Type(typ), Mix: 1}, 1, 4096)
		y = render(s, x, 4096)
		// Independent composition.
		ref := append([]float64(nil), x...)
		s.os.Reset()
		g := dsp.DBToGain(18) // as the processor: portable, and then times 1/g
		ig := 1 / g
		f := []func(float64) float64{curveTanh, curveSoft, curveTape}[typ]
		for i := 0; i < len(ref); i += 4096 {
			blk := ref[i:min(i+4096, len(ref))]
			hi := s.os.Up(0, blk)
			for k := range hi {
				hi[k] = f(g*hi[k]) * ig
			}
			s.os.Down(0, hi, blk)
		}
		if Type(typ) == Tape {
			s.dc[0].Reset()
			s.dc[0].Process(&s.dcCoeffs, ref)
		}
		for i := range y {
			if math.Abs(y[i]-ref[i]) > 1e-12 {
				t.Fatalf("%s mix 1: y[%d] = %v, wet %v", Types[typ], i, y[i], ref[i])
			}
		}
	}
	for typ := range Types {
		s = prepared(Params{DriveDB: 0, Type: Type(typ), Mix: 1}, 1, 1024)
		imp := make([]float64, 1024)
		imp[10] = 1e-3
		s.Process([][]float64{imp})
		peak := 0
		for i := range imp {
			if math.Abs(imp[i]) > math.Abs(imp[peak]) {
				peak = i
			}
		}
		if peak != 10+L {
			t.Errorf("%s: impulse peak at %d, want %d", Types[typ], peak, 10+L)
		}
	}
}

func noise(ch, n int) [][]float64 {
	buf := make([][]float64, ch)
	var r uint32 = 5
	for c := range buf {
		buf[c] = make([]float64, n)
		for i := range buf[c] {
			r = r*1664525 + 1013904223
			buf[c][i] = 1.5 * float64(int32(r)) / (1 << 31)
		}
	}
	return buf
}

func renderN(s *Saturation, in [][]float64, bs int) [][]float64 {
	out := make([][]float64, len(in))
	for c := range in {
		out[c] = append([]float64(nil), in[c]...)
	}
	blk := make([][]float64, len(in))
	n := len(in[0])
	for i := 0; i < n; i += bs {
		for c := range out {
			blk[c] = out[c][i:min(i+bs, n)]
		}
		s.Process(blk)
	}
	return out
}

func TestBlockInvarianceAndReset(t *testing.T) {
	in := noise(2, 6000)
	for typ := range Types {
		s := prepared(Params{DriveDB: 9, Type: Type(typ), Mix: 0.6}, 2, 4096)
		ref := renderN(s, in, 4096)
		for _, bs := range []int{1, 7, 64, 4096} {
			s.Reset()
			got := renderN(s, in, bs)
			for c := range got {
				for i := range got[c] {
					if got[c][i] != ref[c][i] {
						t.Fatalf("%s block %d: ch %d sample %d = %v, want %v",
							Types[typ], bs, c, i, got[c][i], ref[c][i])
					}
				}
			}
		}
	}
}

func TestExtremeInput(t *testing.T) {
	for typ := range Types {
		s := prepared(Params{DriveDB: 24, Type: Type(typ), Mix: 0.5}, 1, 4096)
		dc := make([]float64, 4096)
		for i := range dc {
			dc[i] = 1
		}
		for _, x := range [][]float64{
			make([]float64, 4096), // silence
			dc,                    // DC at 0 dBFS
			sine(4096, 1000, 1e5), // +100 dB
			append(make([]float64, 2048), sine(2048, 12000, -1e5)...), // +100 dB burst
		} {
			s.Process([][]float64{x})
			for i, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: sample %d is %v", Types[typ], i, v)
				}
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	s := prepared(Params{DriveDB: 6, Type: Tape, Mix: 0.5}, 2, 512)
	buf := noise(2, 512)
	if a := testing.AllocsPerRun(20, func() {
		s.SetParams(Params{DriveDB: 7, Type: Tape, Mix: 0.4})
		s.Process(buf)
	}); a != 0 {
		t.Errorf("Process/SetParams allocate %v times", a)
	}
}

func TestParams(t *testing.T) {
	for i, n := range Types {
		if typ, ok := ParseType(n); !ok || int(typ) != i || typ.String() != n {
			t.Errorf("ParseType(%q) = %v, %v", n, typ, ok)
		}
	}
	if _, ok := ParseType("tube"); ok {
		t.Error("unknown type accepted")
	}
	for _, p := range ParamTable {
		if p.Default < p.Min || p.Default > p.Max || p.Doc == "" {
			t.Errorf("bad entry %+v", p)
		}
	}
	s := New(Params{DriveDB: 99, Mix: -1, Type: 7})
	if p := s.Params(); p.DriveDB != 24 || p.Mix != 0 || p.Type != Tanh {
		t.Errorf("clamping: %+v", p)
	}
	if g := s.gain; math.Abs(g-math.Pow(10, 24.0/20)) > 1e-14*g {
		t.Errorf("drive gain %v", g)
	}
}

// BenchmarkSaturation: 16x tape saturation, per sample per channel.
func BenchmarkSaturation(b *testing.B) {
	for typ := range Types {
		b.Run(Types[typ], func(b *testing.B) {
			s := prepared(Params{DriveDB: 12, Type: Type(typ), Mix: 1}, 1, 1024)
			buf := noise(1, 1024)
			for b.Loop() {
				s.Process(buf)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024, "ns/sample")
		})
	}
}

// TestGolden pins the exact output bits of every curve (see dsp/eq's
// TestGolden). This is what catches a math-package call sneaking into the
// per-sample path: math.Tanh differs between amd64 CPUs with and without
// FMA (try GODEBUG=cpu.fma=off).
func TestGolden(t *testing.T) {
	h := uint64(14695981039346656037)
	for typ := range Types {
		s := prepared(Params{DriveDB: 13, Type: Type(typ), Mix: 0.8}, 2, 4096)
		for _, ch := range renderN(s, noise(2, 6000), 4096) {
			for _, v := range ch {
				h ^= math.Float64bits(v)
				h *= 1099511628211
			}
		}
	}
	const want = 0xe31dcc247b641c89
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}
