package report

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

func writeWAV(t *testing.T, path string, rate int, chans ...[]float64) {
	t.Helper()
	w, err := audiofile.Create(path, rate, len(chans), audiofile.Encoding{BitDepth: 32, Float: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(chans); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func measureMix(t *testing.T, dir, src string) *Measurement {
	t.Helper()
	file := filepath.Join(dir, "song.mix.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, diags := lang.NewParser().LoadMix(file, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	g, diags := graph.Build(m)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out := t.TempDir()
	meas, err := Measure(context.Background(), g, out, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range g.Outputs {
		if filepath.Dir(o.Path) != out {
			t.Errorf("%s written to %s, not into %s", o.Address, o.Path, out)
		}
	}
	return meas
}

const measureMixSrc = `
track "tone" {
  source = "tone.wav"
  output = bus.band
}
track "quiet" {
  source = "tone.wav"
  mute   = true
  output = bus.muted
}
bus "band" {
  gain = 0
}
bus "muted" {
  mute = true
}
output "main" {
  file      = "out/main.wav"
  bit_depth = "float"
}
`

// A 1 kHz sine at -6.02 dBFS on both channels reads -6.02 LUFS within
// the K-weighting's +0.69 dB at 1 kHz against the -0.691 constant
// (BS.1770-4; two channels add 3.01 dB to a single one's -9.03), on the
// output and on the bus that carries it; all its energy is in the 1 kHz
// band. Turning the bus down 3 dB moves both by -3 LU.
func TestMeasure(t *testing.T) {
	dir := t.TempDir()
	const rate = 48000
	tone := sine(rate*5, rate, 1000, 0.5)
	writeWAV(t, filepath.Join(dir, "tone.wav"), rate, tone, tone)

	old := measureMix(t, dir, measureMixSrc)
	new := measureMix(t, dir, strings.Replace(measureMixSrc, "gain = 0", "gain = -3", 1))

	if len(old.Outputs) != 1 || len(old.Buses) != 2 {
		t.Fatalf("%d outputs, %d buses", len(old.Outputs), len(old.Buses))
	}
	o := old.Outputs[0]
	if l := o.Loudness.IntegratedLUFS; math.Abs(l-(-6.02)) > 0.05 {
		t.Errorf("output: %.3f LUFS, want -6.02 within 0.05", l)
	}
	if b := o.Bands[5]; math.Abs(b) > 0.01 {
		t.Errorf("output: 1 kHz band %.3f dB re total, want 0", b)
	}
	band := old.Buses[0]
	if band.Address != "bus.band" || !band.Rendered {
		t.Fatalf("bus 0: %+v", band)
	}
	// Within float32 rounding of the output file.
	if l := band.Loudness.IntegratedLUFS; math.Abs(l-o.Loudness.IntegratedLUFS) > 0.0001 {
		t.Errorf("bus.band %.3f LUFS, output %.3f: the bus is all the output hears", l, o.Loudness.IntegratedLUFS)
	}
	if m := old.Buses[1]; m.Address != "bus.muted" || m.Rendered {
		t.Errorf("bus 1: %+v, want bus.muted not rendered", m)
	}

	rows := Compare(old, new)
	var text bytes.Buffer
	WriteText(&text, rows)
	for _, want := range []string{
		"output.main.loudness: -6.01 LUFS → -9.01 LUFS (-3.00 LU)\n",
		"output.main.spectrum.1kHz: 0.0 dB → 0.0 dB (+0.0 dB)\n",
		"bus.band.loudness: -6.01 LUFS → -9.01 LUFS (-3.00 LU)\n",
		"bus.muted.loudness: (none) → (none)\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("comparison lacks %q:\n%s", want, text.String())
		}
	}
	var md bytes.Buffer
	WriteMarkdown(&md, rows)
	for _, want := range []string{
		"**Outputs**\n\n| node | measure | old | new | change |\n|---|---|---|---|---|\n| `output.main` | loudness | -6.01 LUFS | -9.01 LUFS | -3.00 LU |\n",
		"**Spectral balance** (energy per octave band, dB relative to the whole)\n\n" +
			"| node | | 31.5 Hz | 63 Hz | 125 Hz | 250 Hz | 500 Hz | 1 kHz | 2 kHz | 4 kHz | 8 kHz | 16 kHz |\n" +
			"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
			"| `output.main` | old | -152.9 | -149.6 | -145.5 | -138.5 | -120.0 | 0.0 | -127.5 |",
		"|  | new | -152.9 |",
		"|  | change | +0.0 | +0.0 | +0.0 | +0.0 | +0.0 | +0.0 | +0.0 |",
		"**Buses**\n\n| node | measure | old | new | change |\n|---|---|---|---|---|\n| `bus.band` | loudness | -6.01 LUFS | -9.01 LUFS | -3.00 LU |\n",
		"| `bus.muted` | loudness | (none) | (none) |  |\n",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks\n%s\nin\n%s", want, md.String())
		}
	}
}

// The lag meter passes on exactly the timeline frames 0 .. end-1, in
// order, whatever the blocks and however far the stream overshoots.
func TestLagMeter(t *testing.T) {
	for _, c := range []struct {
		preroll, end, over, block, size int
	}{
		{0, 1000, 0, 64, 256}, {37, 1000, 100, 7, 256}, {300, 5000, 128, 100, 256}, {5, 10, 3, 1, 8}, {0, 0, 50, 16, 128},
	} {
		var got []float64
		l := newLagMeter(func(b [][]float64) {
			if len(b[0]) == 0 {
				t.Errorf("%+v: empty block", c)
			}
			for i := range b[0] {
				if b[0][i] != b[1][i] {
					t.Fatalf("%+v: channels differ", c)
				}
			}
			got = append(got, b[0]...)
		}, c.size)
		at := int64(-c.preroll)
		for at < int64(c.end+c.over) {
			n := min(c.block, c.end+c.over-int(at))
			b := [][]float64{make([]float64, n), make([]float64, n)}
			for i := range n {
				b[0][i], b[1][i] = float64(at)+float64(i), float64(at)+float64(i)
			}
			l.push(b, at)
			at += int64(n)
		}
		if err := l.finish(int64(c.end)); err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		if len(got) != c.end {
			t.Errorf("%+v: %d frames, want %d", c, len(got), c.end)
			continue
		}
		for i, v := range got {
			if v != float64(i) {
				t.Fatalf("%+v: frame %d is %v", c, i, v)
			}
		}
	}
	// A stream that overshoots by more than half the ring is reported.
	l := newLagMeter(func([][]float64) {}, 8)
	l.push([][]float64{make([]float64, 20), make([]float64, 20)}, 0)
	if err := l.finish(5); err == nil {
		t.Error("overshoot past the lag: no error")
	}
}
