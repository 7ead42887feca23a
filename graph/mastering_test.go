package graph

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp/biquad"
	"github.com/mixdown/mixdown/dsp/loudness"
	"github.com/mixdown/mixdown/dsp/resample"
)

// musicLike is a deterministic test programme: a chord with a beat (decaying
// bursts of noise, band-limited to 16 kHz as recorded music is), loud
// enough that reaching -14 LUFS needs a limiter.
func musicLike(n, rate int, seed uint64) []float64 {
	x := noise(n, seed, 1)
	lp := biquad.LowPass(16000, math.Sqrt2/2, float64(rate))
	var s1, s2 biquad.State
	s1.Process(&lp, x)
	s2.Process(&lp, x)
	out := make([]float64, n)
	beat := rate / 2
	for i := range out {
		t := float64(i) / float64(rate)
		chord := 0.12*math.Sin(2*math.Pi*220*t) + 0.08*math.Sin(2*math.Pi*277.2*t) + 0.06*math.Sin(2*math.Pi*329.6*t)
		env := math.Exp(-float64(i%beat) / float64(rate) * 12)
		out[i] = chord + 0.5*env*x[i]
	}
	return out
}

// meterWAV measures a written file independently of the render's meter.
func meterWAV(t *testing.T, path string) loudness.Result {
	t.Helper()
	x := readWAV(t, path)
	m := loudness.NewMeter(float64(wavRate(t, path)), len(x))
	m.Process(x)
	return m.Result()
}

// TestTargetEndToEnd: the written files meet their targets, measured on
// the files themselves.
func TestTargetEndToEnd(t *testing.T) {
	dir := t.TempDir()
	const rate = 48000
	writeWAV(t, filepath.Join(dir, "a.wav"), rate, musicLike(rate*12, rate, 1))
	writeWAV(t, filepath.Join(dir, "b.wav"), rate, musicLike(rate*12, rate, 2), musicLike(rate*12, rate, 3))
	g := mustBuild(t, dir, `
track "a" {
  source = "a.wav"
  pan    = -0.3
}
track "b" {
  source = "b.wav"
  gain   = -4
}
master {
  target {
    loudness  = -14
    true_peak = -1
  }
}
output "stream" {
  file      = "out/stream.wav"
  bit_depth = 24
}
output "quiet" {
  file = "out/quiet.wav"
  target { preset = "ebu-r128" }
}
output "float" {
  file      = "out/float.wav"
  bit_depth = "float"
  target {
    loudness  = -9
    true_peak = -0.5
  }
}
output "peak" {
  file = "out/peak.wav"
  target { true_peak = -3 }
}
output "cd44" {
  file        = "out/cd44.wav"
  sample_rate = 44100
  bit_depth   = 16
  target {
    loudness  = -16
    true_peak = -1
  }
}
output "shaped16" {
  file      = "out/shaped16.wav"
  bit_depth = 16
  dither    = "shaped"
  target {
    loudness  = -16
    true_peak = -1
  }
}
`)
	res, err := Render(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file     string
		lufs, tp float64
		peakOnly bool
	}{
		{"stream.wav", -14, -1, false},
		{"quiet.wav", -23, -1, false},
		{"float.wav", -9, -0.5, false},
		{"peak.wav", 0, -3, true},
		{"cd44.wav", -16, -1, false},
		{"shaped16.wav", -16, -1, false},
	}
	for i, c := range cases {
		m := meterWAV(t, filepath.Join(dir, "out", c.file))
		if !c.peakOnly && math.Abs(m.IntegratedLUFS-c.lufs) > 0.1 {
			t.Errorf("%s: %.3f LUFS, want %.1f ±0.1", c.file, m.IntegratedLUFS, c.lufs)
		}
		if m.TruePeakDBTP > c.tp {
			t.Errorf("%s: true peak %.4f dBTP over the %.1f ceiling", c.file, m.TruePeakDBTP, c.tp)
		}
		// A third reading, by the band-limited resampler (a different
		// filter from both the meter's and the stage's reference), agrees
		// within 0.05 dB.
		if tp := resampledPeakDB(t, filepath.Join(dir, "out", c.file)); tp > c.tp+0.05 {
			t.Errorf("%s: true peak by 4x resampling %.3f dBTP, over the %.1f ceiling", c.file, tp, c.tp)
		}
		if top := math.Max(m.TruePeakDBTP, res[i].Target.RefTruePeakDBTP); c.peakOnly && top < c.tp-peakOnlyWindowDB {
			t.Errorf("%s: true peak %.3f dBTP, want within %.2f dB under %.1f", c.file, top, peakOnlyWindowDB, c.tp)
		}
		if r := res[i]; r.Target == nil || math.Abs(r.Loudness.IntegratedLUFS-m.IntegratedLUFS) > 1e-9 {
			t.Errorf("%s: the render's own report %+v disagrees with the file", c.file, r.Loudness.IntegratedLUFS)
		}
		t.Logf("%s: %.3f LUFS, %.3f dBTP, gain %+.2f dB, limiting %.2f dB, %d passes",
			c.file, m.IntegratedLUFS, m.TruePeakDBTP, res[i].Target.GainDB, res[i].Target.LimitingDB, res[i].Target.Passes)
	}
	if res[2].Target.LimitingDB <= 0 {
		t.Errorf("the -9 LUFS target should need limiting")
	}
	if len(res[2].Warnings) == 0 || !strings.Contains(res[2].Warnings[0], "output.float") {
		t.Errorf("heavy limiting should warn naming the output; warnings %v (limiting %.1f dB)", res[2].Warnings, res[2].Target.LimitingDB)
	}
}

// TestSilentTargetWarns: a target on silence warns instead of failing.
func TestSilentTargetWarns(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, make([]float64, 48000))
	g := mustBuild(t, dir, `
track "a" { source = "a.wav" }
master {
  target { preset = "spotify" }
}
output "o" { file = "o.wav" }
`)
	res, err := Render(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res[0].Warnings) != 1 || !strings.Contains(res[0].Warnings[0], "silent") {
		t.Errorf("warnings %v, want one about silence", res[0].Warnings)
	}
}

// TestResampledSourceAndOutput: a 44.1 kHz source in a 48 kHz mix is
// resampled onto the mix's timeline, and a 44.1 kHz output is converted
// back: a sine keeps its frequency and level, and lengths follow the
// rates exactly.
func TestResampledSourceAndOutput(t *testing.T) {
	dir := t.TempDir()
	const n = 44100
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.5 * math.Sin(2*math.Pi*1000*float64(i)/44100)
	}
	writeWAV(t, filepath.Join(dir, "a.wav"), 44100, x)
	g := mustBuild(t, dir, `
mix { sample_rate = 48000 }
track "a" {
  source = "a.wav"
  pan    = -1
}
output "mix" {
  file      = "mix.wav"
  bit_depth = "float"
}
output "back" {
  file        = "back.wav"
  sample_rate = 44100
  bit_depth   = "float"
}
`)
	if g.Frames != 48000 {
		t.Fatalf("timeline length %d, want 48000", g.Frames)
	}
	if _, err := Render(context.Background(), g, Options{BlockSize: 500}); err != nil {
		t.Fatal(err)
	}
	mix := readWAV(t, filepath.Join(dir, "mix.wav"))
	back := readWAV(t, filepath.Join(dir, "back.wav"))
	if len(mix[0]) != 48000 || len(back[0]) != 44100 {
		t.Fatalf("lengths %d and %d, want 48000 and 44100", len(mix[0]), len(back[0]))
	}
	// Away from the edges (the filters' reach), the sine is where it should be.
	for i := 2000; i < 46000; i += 997 {
		want := 0.5 * math.Sin(2*math.Pi*1000*float64(i)/48000)
		if math.Abs(mix[0][i]-want) > 1e-5 {
			t.Fatalf("48 kHz frame %d = %v, want %v", i, mix[0][i], want)
		}
	}
	for i := 2000; i < 42000; i += 997 {
		if math.Abs(back[0][i]-x[i]) > 1e-5 {
			t.Fatalf("round trip frame %d = %v, want %v", i, back[0][i], x[i])
		}
	}
}

// resampledPeakDB reads a file's true peak by resampling it to 4x its rate.
func resampledPeakDB(t *testing.T, path string) float64 {
	t.Helper()
	rate := wavRate(t, path)
	up, err := resample.Convert(readWAV(t, path), rate, 4*rate)
	if err != nil {
		t.Fatal(err)
	}
	peak := 0.0
	for _, ch := range up {
		for _, v := range ch {
			peak = math.Max(peak, math.Abs(v))
		}
	}
	return 20 * math.Log10(peak)
}

// TestStageTailError: a writer that fails part-way fails the pass with its
// error, the stage's tail goroutine is gone afterwards, and the stage runs
// again cleanly.
func TestStageTailError(t *testing.T) {
	sp, err := newSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	block := 256
	x := musicLike(48000, 48000, 7)
	for off := 0; off < len(x); off += block {
		b := [][]float64{x[off:min(off+block, len(x))], x[off:min(off+block, len(x))]}
		if err := sp.write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.finish(); err != nil {
		t.Fatal(err)
	}
	st, err := newStage(48000, 48000, block, nil)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	calls := 0
	err = st.run(context.Background(), sp, block, func([][]float64) error {
		if calls++; calls == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if st.tail.on {
		t.Fatal("the tail goroutine is still running")
	}
	frames := 0
	if err := st.run(context.Background(), sp, block, func(b [][]float64) error {
		frames += len(b[0])
		return nil
	}); err != nil || frames != len(x) {
		t.Fatalf("second run: %d frames, %v; want %d", frames, err, len(x))
	}
}
