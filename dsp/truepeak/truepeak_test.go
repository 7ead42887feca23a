package truepeak

import (
	"fmt"
	"math"
	"testing"
)

// The Annex 2 prototype is symmetric: phase 3 is phase 0 reversed and phase
// 2 is phase 1 reversed. A swapped or mistyped column breaks this.
func TestCoefficientsSymmetric(t *testing.T) {
	for k := range Taps {
		if Coefficients[0][k] != Coefficients[3][Taps-1-k] || Coefficients[1][k] != Coefficients[2][Taps-1-k] {
			t.Fatalf("tap %d breaks the prototype's symmetry", k)
		}
	}
}

// Each phase is a fractional-delay interpolator whose DC gain should be 1.
// The Annex coefficients do not quite deliver that: phases 0 and 3 sum to
// 1.001587, but phases 1 and 2 sum to 0.973022 (-0.24 dB). This
// test pins those published properties, so a mistyped tap shows up.
func TestPhaseDCGain(t *testing.T) {
	want := [Phases]float64{1, 0.973022, 0.973022, 1}
	tol := [Phases]float64{2e-3, 1e-6, 1e-6, 2e-3}
	for p := range Phases {
		var s float64
		for _, h := range Coefficients[p] {
			s += h
		}
		if math.Abs(s-want[p]) > tol[p] {
			t.Errorf("phase %d DC gain %.6f, want %.6f +-%g", p, s, want[p], tol[p])
		}
	}
}

// Pushing a unit impulse must play back the 48-tap prototype, interleaved
// phase by phase: y[4n+p] = h[4n+p].
func TestImpulseIsPrototype(t *testing.T) {
	ip := NewInterpolator()
	for n := range Taps + 2 {
		x := 0.0
		if n == 0 {
			x = 1
		}
		y := ip.Next(x)
		for p := range Phases {
			want := 0.0
			if n < Taps {
				want = Coefficients[p][n]
			}
			if y[p] != want {
				t.Fatalf("n=%d phase %d: got %v want %v", n, p, y[p], want)
			}
		}
	}
}

// The outputs for input n must sit at times n-6+(2p+1)/8. Fit each phase's
// output for a 997 Hz input to a*sin(w*t_p) + b*cos(w*t_p) and read its time
// error atan2(b, a)/w. The Annex phases are not exact fractional delays:
// their individual errors are +0.044, -0.062, +0.062, -0.044 samples (the
// price of a 12-tap minimax design), but they are antisymmetric, so their
// mean is the stream's true delay and must be 0 to 1e-3 samples. A latency
// off by 1/8 sample moves that mean by 0.125.
func TestTimeAlignment(t *testing.T) {
	const fs, f = 48000.0, 997.0
	w := 2 * math.Pi * f / fs
	ip := NewInterpolator()
	var ss, sc, cc, ys, yc [Phases]float64
	for n := range 4800 {
		y := ip.Next(math.Sin(w * float64(n)))
		if n < 2*Taps {
			continue
		}
		for p := range Phases {
			tt := float64(n-LatencySamples) + float64(2*p+1)/8
			s, c := math.Sin(w*tt), math.Cos(w*tt)
			ss[p] += s * s
			sc[p] += s * c
			cc[p] += c * c
			ys[p] += y[p] * s
			yc[p] += y[p] * c
		}
	}
	var mean float64
	for p := range Phases {
		det := ss[p]*cc[p] - sc[p]*sc[p]
		a := (ys[p]*cc[p] - yc[p]*sc[p]) / det
		b := (yc[p]*ss[p] - ys[p]*sc[p]) / det
		dt := math.Atan2(b, a) / w
		gain := math.Hypot(a, b)
		t.Logf("phase %d: time error %+.4f samples, gain %+.3f dB", p, dt, 20*math.Log10(gain))
		if math.Abs(dt) > 0.07 || math.Abs(20*math.Log10(gain)) > 0.25 {
			t.Errorf("phase %d: time error %.4f samples or gain %.4f out of the Annex's range", p, dt, gain)
		}
		mean += dt / Phases
	}
	if math.Abs(mean) > 1e-3 {
		t.Errorf("mean time error %.4f samples, want 0 +-1e-3", mean)
	}
	if ip.Latency() != LatencySamples {
		t.Fatal("Latency disagrees with LatencySamples")
	}
}

// PeakAbs includes x[n-6] exactly: a lone impulse of height 1 reads exactly
// 1 six pushes later (the interpolated phases around it are smaller).
func TestPeakAbsIncludesDelayedSample(t *testing.T) {
	ip := NewInterpolator()
	var got []float64
	for n := range 12 {
		x := 0.0
		if n == 0 {
			x = -1
		}
		got = append(got, ip.PeakAbs(x))
	}
	if got[LatencySamples] != 1 {
		t.Fatalf("PeakAbs at n=6 is %v, want exactly 1 (|x[n-6]|)", got[LatencySamples])
	}
	for n, v := range got {
		if v > 1 {
			t.Fatalf("PeakAbs at n=%d is %v > 1", n, v)
		}
	}
}

// fade applies a linear fade-in and fade-out of n samples.
func fade(x []float64, n int) {
	for i := 0; i < n && i < len(x); i++ {
		g := float64(i) / float64(n)
		x[i] *= g
		x[len(x)-1-i] *= g
	}
}

// sineCase is Tech 3341 cases 15-19: a sine at fs/div of amplitude amp
// starting at phaseDeg, 1 s at 48 kHz, tapered with a 10 ms fade-in and
// fade-out as the Tech asks (an untapered start at a non-zero phase is a
// step, whose ringing is a real inter-sample peak the case does not intend).
func sineCase(div, amp, phaseDeg float64) []float64 {
	const fs = 48000
	x := make([]float64, fs)
	ph := phaseDeg * math.Pi / 180
	for n := range x {
		x[n] = amp * math.Sin(2*math.Pi*float64(n)/div+ph)
	}
	fade(x, fs/100)
	return x
}

// singlePeriodCases is Tech 3341 cases 20-23: a sine at fs/6 of amplitude
// 0.5 containing a single period of a sine at fs/4 of amplitude 1.0, phase
// continuous at both ends, synthesized at 4*fs, low-pass filtered and
// downsampled to fs with an offset of 0..3 samples (at 4*fs), short fades
// at both ends. The Tech does not give the low-pass; a 23.5 kHz Kaiser
// windowed sinc reproduces the samples of the EBU's files around the burst
// to 4 digits (0.1118 0.9851 0.0000 -0.9851 -0.1118 at offset 0). It also
// returns the peak of the filtered 4*fs signal.
func singlePeriodCases() (x [4][]float64, peak4x float64) {
	const up = 4
	const n4 = 4 * 12000 // 0.25 s at 4*fs
	s := make([]float64, n4)
	// fs/6 is 24 samples per period at 4*fs, fs/4 is 16. The burst starts
	// at a rising zero crossing of the fs/6 sine, so both joins are at phase
	// zero with the phase continuous.
	start := 24 * (n4 / 24 / 2)
	for i := range s {
		switch {
		case i < start:
			s[i] = 0.5 * math.Sin(2*math.Pi*float64(i)/24)
		case i < start+16:
			s[i] = math.Sin(2 * math.Pi * float64(i-start) / 16)
		default:
			s[i] = 0.5 * math.Sin(2*math.Pi*float64(i-start-16)/24)
		}
	}
	fade(s, n4/100) // 10 ms
	const taps, beta = 1023, 8.0
	fc := 23500.0 / (up * 48000)
	h := make([]float64, taps)
	var sum float64
	for i := range h {
		m := float64(i - taps/2)
		sinc := 2 * fc
		if m != 0 {
			sinc = math.Sin(2*math.Pi*fc*m) / (math.Pi * m)
		}
		r := m / float64(taps/2+1)
		h[i] = sinc * bessel0(beta*math.Sqrt(1-r*r)) / bessel0(beta)
		sum += h[i]
	}
	for i := range n4 {
		var acc float64
		for k, hk := range h {
			if j := i + taps/2 - k; j >= 0 && j < n4 { // zero-phase
				acc += hk / sum * s[j]
			}
		}
		x[i%up] = append(x[i%up], acc)
		peak4x = max(peak4x, math.Abs(acc))
	}
	return x, peak4x
}

func bessel0(x float64) float64 {
	s, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / 2) / float64(k)
		s += term * term
	}
	return s
}

// EBU Tech 3341 (2016/2023) Table 1, cases 15-23: max true-peak level
// within +0.2/-0.4 dB of the expected value.
func TestEBUTech3341TruePeak(t *testing.T) {
	type tc struct {
		name   string
		x      []float64
		wantDB float64
	}
	cases := []tc{
		{"15 fs/4 0.50 FFS 0deg", sineCase(4, 0.5, 0), -6.0},
		{"16 fs/4 0.50 FFS 45deg", sineCase(4, 0.5, 45), -6.0},
		{"17 fs/6 0.50 FFS 60deg", sineCase(6, 0.5, 60), -6.0},
		{"18 fs/8 0.50 FFS 67.5deg", sineCase(8, 0.5, 67.5), -6.0},
		{"19 fs/4 1.41 FFS 45deg", sineCase(4, 1.41, 45), +3.0},
	}
	single, peak4x := singlePeriodCases()
	t.Logf("cases 20-23: peak of the synthesized 4*fs signal %.3f dB", 20*math.Log10(peak4x))
	for off, x := range single {
		cases = append(cases, tc{fmt.Sprintf("%d single fs/4 period, offset %d", 20+off, off), x, 0})
	}
	for _, c := range cases {
		m := NewMeter(2)
		m.Process([][]float64{c.x, c.x})
		got := 20 * math.Log10(m.TruePeak())
		sp := 20 * math.Log10(m.SamplePeak())
		t.Logf("case %-32s true peak %+.3f dBTP (sample peak %+.3f dBFS), want %+.1f +0.2/-0.4", c.name, got, sp, c.wantDB)
		if got > c.wantDB+0.2 || got < c.wantDB-0.4 {
			t.Errorf("case %s: %.3f dBTP outside %+.1f +0.2/-0.4", c.name, got, c.wantDB)
		}
	}
}

func testSignal(n int) []float64 {
	x := make([]float64, n)
	var r uint64 = 0x9E3779B97F4A7C15
	for i := range x {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		x[i] = 0.9*math.Sin(2*math.Pi*float64(i)*11025/48000) + 0.3*(float64(r>>11)/(1<<53)-0.5)
	}
	return x
}

// Any cut of the signal into blocks gives identical peaks (==), and Reset
// then re-running gives identical peaks too.
func TestBlockSizeInvariance(t *testing.T) {
	a, b := testSignal(20000), testSignal(20000)
	for i := range b {
		b[i] *= -0.7
	}
	run := func(m *Meter, block int) (float64, float64, float64) {
		for i := 0; i < len(a); i += block {
			j := min(i+block, len(a))
			m.Process([][]float64{a[i:j], b[i:j]})
		}
		return m.TruePeak(), m.SamplePeak(), m.TruePeakChannel(1)
	}
	ref := NewMeter(2)
	t0, s0, c0 := run(ref, 1)
	for _, bs := range []int{7, 64, 4096, len(a)} {
		tp, sp, cp := run(NewMeter(2), bs)
		if tp != t0 || sp != s0 || cp != c0 {
			t.Fatalf("block %d: (%v %v %v) != (%v %v %v)", bs, tp, sp, cp, t0, s0, c0)
		}
	}
	ref.Reset()
	if ref.TruePeak() != 0 || ref.SamplePeak() != 0 {
		t.Fatal("Reset left peaks")
	}
	if tp, sp, cp := run(ref, 64); tp != t0 || sp != s0 || cp != c0 {
		t.Fatal("Reset then re-run differs")
	}
	// The interpolator itself: sample by sample after Reset equals fresh.
	ip, fresh := NewInterpolator(), NewInterpolator()
	for _, v := range a[:100] {
		ip.Next(v)
	}
	ip.Reset()
	for i, v := range a {
		if ip.Next(v) != fresh.Next(v) {
			t.Fatalf("Reset interpolator differs at %d", i)
		}
	}
}

// MaxPeakAbs over a block equals folding PeakAbs sample by sample.
func TestMaxPeakAbsEqualsPeakAbs(t *testing.T) {
	x := testSignal(5000)
	a, b := NewInterpolator(), NewInterpolator()
	var want float64
	got := 0.0
	for i := 0; i < len(x); i += 97 {
		j := min(i+97, len(x))
		for _, v := range x[i:j] {
			want = max(want, a.PeakAbs(v))
		}
		got = b.MaxPeakAbs(x[i:j], got)
		if got != want {
			t.Fatalf("after %d samples: MaxPeakAbs %v, PeakAbs %v", j, got, want)
		}
	}
	if *a != *b {
		t.Fatal("histories differ")
	}
}

func TestTruePeakNotBelowSamplePeak(t *testing.T) {
	// A full-scale step at the very end: only the last sample is loud, and
	// the interpolated stream has not reached it yet.
	x := make([]float64, 100)
	x[99] = 0.8
	m := NewMeter(1)
	m.Process([][]float64{x})
	if m.TruePeak() < m.SamplePeak() || m.SamplePeak() != 0.8 {
		t.Fatalf("true peak %v, sample peak %v", m.TruePeak(), m.SamplePeak())
	}
}

func TestZeroAlloc(t *testing.T) {
	a := testSignal(4096)
	m := NewMeter(2)
	ip := NewInterpolator()
	buf := [][]float64{a, a}
	if n := testing.AllocsPerRun(20, func() { m.Process(buf) }); n != 0 {
		t.Fatalf("Process allocates %v", n)
	}
	if n := testing.AllocsPerRun(20, func() { ip.Next(0.5); ip.PeakAbs(0.25); ip.MaxPeakAbs(a[:5], 0) }); n != 0 {
		t.Fatalf("Next/PeakAbs allocate %v", n)
	}
}

// go test -bench . ./dsp/truepeak reports ns per sample per channel.
func BenchmarkMeterProcess(b *testing.B) {
	a := testSignal(4096)
	m := NewMeter(2)
	buf := [][]float64{a, a}
	b.ResetTimer()
	for b.Loop() {
		m.Process(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*len(a)), "ns/sample/ch")
}

// PeakAbsMax over blocks of any size equals the per-frame maximum of
// PeakAbs over the channels, and leaves the same history.
func TestPeakAbsMaxEqualsPeakAbs(t *testing.T) {
	x := [2][]float64{testSignal(3000), testSignal(3011)[11:]}
	for _, block := range []int{1, 5, 11, 12, 13, 97, 256, 257, 3000} {
		var a, b [2]Interpolator
		got := make([]float64, len(x[0]))
		for i := 0; i < len(got); i += block {
			j := min(i+block, len(got))
			for ch := range x {
				b[ch].PeakAbsMax(x[ch][i:j], got[i:j])
			}
		}
		for i := range got {
			var want float64
			for ch := range x {
				want = max(want, a[ch].PeakAbs(x[ch][i]))
			}
			if got[i] != want {
				t.Fatalf("block %d, frame %d: PeakAbsMax %v, PeakAbs %v", block, i, got[i], want)
			}
		}
		if a != b {
			t.Fatalf("block %d: histories differ", block)
		}
	}
}

// BenchmarkPeakAbs compares PeakAbs per sample with PeakAbsMax over a
// block (the limiter's detector), per sample.
func BenchmarkPeakAbs(b *testing.B) {
	x := testSignal(1024)
	dst := make([]float64, len(x))
	b.Run("PeakAbs", func(b *testing.B) {
		var ip Interpolator
		for b.Loop() {
			for i, v := range x {
				dst[i] = max(dst[i], ip.PeakAbs(v))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/sample")
	})
	b.Run("PeakAbsMax", func(b *testing.B) {
		var ip Interpolator
		for b.Loop() {
			ip.PeakAbsMax(x, dst)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/sample")
	})
}

// gainBound bounds every phase for the worst window (each input at the
// window's maximum with its coefficient's sign), as computed.
func TestGainBound(t *testing.T) {
	for ph := range Coefficients {
		var w [Taps]float64
		for k, c := range Coefficients[ph] {
			// Next's window is newest first; peakAt's is oldest first.
			w[Taps-1-k] = math.Copysign(1, c)
		}
		if got := peakAt(&w); got > gainBound {
			t.Errorf("phase %d: worst-case window reads %v, above the bound %v", ph, got, gainBound)
		}
		if got := peakAt(&w); got < gainBound*(1-1e-6) && (ph == 1 || ph == 2) {
			t.Errorf("phase %d: worst case %v, bound %v is not tight", ph, got, gainBound)
		}
	}
}

// quietLoud is a programme with long quiet stretches, loud bursts and a
// few isolated peaks, so the bound check both skips and does not.
func quietLoud(n int, seed uint64) []float64 {
	x := make([]float64, n)
	r := seed
	for i := range x {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		noise := float64(r>>11)/(1<<53) - 0.5
		level := 0.02
		if (i/3000)%4 == 1 {
			level = 0.9
		}
		x[i] = level * (math.Sin(2*math.Pi*float64(i)*15000/48000) + noise)
		if i%7919 == 0 {
			x[i] = 0.7 * math.Copysign(1, noise)
		}
	}
	return x
}

// With the bound check skipping most groups, MaxPeakAbs still equals
// folding PeakAbs exactly, at every block size, and NaN or Inf inputs
// reach the result as before.
func TestMaxPeakAbsSkipsExactly(t *testing.T) {
	x := quietLoud(40000, 7)
	for _, bad := range []float64{0, math.NaN(), math.Inf(1)} {
		if bad != 0 {
			x[30001] = bad
		}
		for _, block := range []int{1, 15, 16, 17, 256, 1000, len(x)} {
			var a, b Interpolator
			var want, got float64
			for i := 0; i < len(x); i += block {
				j := min(i+block, len(x))
				for _, v := range x[i:j] {
					want = max(want, a.PeakAbs(v))
				}
				got = b.MaxPeakAbs(x[i:j], got)
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("bad %v, block %d, after %d: MaxPeakAbs %v, PeakAbs %v", bad, block, j, got, want)
				}
			}
			if a != b {
				t.Fatalf("bad %v, block %d: histories differ", bad, block)
			}
		}
	}
}

// PeakAbsMaxAbove is exact above the floor and at or below it elsewhere,
// for the frame maximum over two channels.
func TestPeakAbsMaxAbove(t *testing.T) {
	x := [2][]float64{quietLoud(20000, 3), quietLoud(20000, 5)}
	for _, floor := range []float64{0, 0.01, 0.3, 0.7, 0.89, 2} {
		for _, block := range []int{1, 16, 100, 512} {
			var a, b [2]Interpolator
			got := make([]float64, len(x[0]))
			for i := 0; i < len(got); i += block {
				j := min(i+block, len(got))
				for ch := range x {
					b[ch].PeakAbsMaxAbove(x[ch][i:j], got[i:j], floor)
				}
			}
			for i := range got {
				var want float64
				for ch := range x {
					want = max(want, a[ch].PeakAbs(x[ch][i]))
				}
				if want > floor && got[i] != want || want <= floor && got[i] > floor {
					t.Fatalf("floor %v, block %d, frame %d: got %v, exact %v", floor, block, i, got[i], want)
				}
			}
			if a != b {
				t.Fatalf("floor %v, block %d: histories differ", floor, block)
			}
		}
	}
}

// BenchmarkMeterProgramme is the meter on material with quiet and loud
// stretches, where the bound check skips most of the interpolation.
func BenchmarkMeterProgramme(b *testing.B) {
	a := quietLoud(1<<16, 9)
	m := NewMeter(2)
	pos := 0
	for b.Loop() {
		m.Process([][]float64{a[pos : pos+4096], a[pos : pos+4096]})
		pos = (pos + 4096) % (len(a) - 4096)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*4096), "ns/sample/ch")
}
