package report

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mixdown/mixdown/dsp/loudness"
)

func TestFont(t *testing.T) {
	for r := rune(0x20); r < 0x7f; r++ {
		rows, ok := font5x7[r]
		if !ok {
			t.Errorf("no glyph for %q", r)
			continue
		}
		for _, row := range rows {
			if len(row) != glyphW || len([]rune(row)) != glyphW {
				t.Errorf("%q: row %q is not %d wide", r, row, glyphW)
			}
			for _, c := range row {
				if c != '#' && c != '.' {
					t.Errorf("%q: row %q has %q", r, row, c)
				}
			}
		}
		if r != ' ' && glyphs[r] == [glyphH]uint8{} {
			t.Errorf("%q has no ink", r)
		}
	}
	if len(font5x7) != 0x7f-0x20 {
		t.Errorf("%d glyphs, want the %d printable ASCII characters", len(font5x7), 0x7f-0x20)
	}
	// Characters that read alike must not be drawn alike.
	for _, pair := range []string{"0O", "1l", "1I", "5S", "8B", "2Z", "-_", ".,", ":;"} {
		a, b := []rune(pair)[0], []rune(pair)[1]
		if glyphs[a] == glyphs[b] {
			t.Errorf("%q and %q share a glyph", a, b)
		}
	}
}

func testMeasurements() (old, new *Measurement) {
	const rate = 48000
	x := noise(rate*4, 3, 0.05)
	y := slices.Clone(x)
	for i, s := range sine(len(y), rate, 2000, 0.1) {
		y[i] += s
	}
	st := func(offset float64) []float64 {
		v := make([]float64, 120)
		for i := range v {
			v[i] = -18 + 4*math.Sin(float64(i)/10) + offset
		}
		v[0] = math.Inf(-1)
		return v
	}
	so, sn := analyze(rate, 4096, x, x), analyze(rate, 4096, y, y)
	old = &Measurement{Outputs: []OutputMeasure{{Address: "output.main", Spectrum: so, Bands: so.Bands(),
		Loudness: loudness.Result{IntegratedLUFS: -18, TruePeakDBTP: -3, LoudnessRangeLU: 4, ShortTerm: st(0)}}}}
	new = &Measurement{Outputs: []OutputMeasure{{Address: "output.main", Spectrum: sn, Bands: sn.Bands(),
		Loudness: loudness.Result{IntegratedLUFS: -17.5, TruePeakDBTP: -2.5, LoudnessRangeLU: 4.2, ShortTerm: st(0.5)}}}}
	return old, new
}

// The plots are PNGs of the stated size, with both curves and the legend
// in their colours. Set MIXDOWN_PLOTS=DIR to keep them for a look.
func TestWritePlots(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("MIXDOWN_PLOTS"); d != "" {
		dir = d
	}
	old, new := testMeasurements()
	paths, err := WritePlots(dir, old, new)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "main-spectrum.png"), filepath.Join(dir, "main-loudness.png")}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %v, want %v", paths, want)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if b := img.Bounds(); b.Dx() != PlotWidth || b.Dy() != PlotHeight {
			t.Errorf("%s: %v, want %dx%d", p, b, PlotWidth, PlotHeight)
		}
		for _, c := range []color.RGBA{BeforeColor, AfterColor} {
			// The later curve covers most of the earlier one where they
			// coincide; its border still shows.
			if n := count(img, c); n < 300 {
				t.Errorf("%s: %d pixels of %v, want a curve's worth", p, n, c)
			}
		}
	}
}

func count(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bb>>8) == c.B {
				n++
			}
		}
	}
	return n
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ span, want float64 }{{1, 0.1}, {9, 1}, {23, 5}, {100, 10}, {150, 15}, {600, 60}, {3000, 300}} {
		if got := niceStep(c.span, 10); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.span, got, c.want)
		}
	}
	if clock(125) != "2:05" || clock(20) != "20" || clock(0.5) != "0.5" {
		t.Errorf("clock: %q %q %q", clock(125), clock(20), clock(0.5))
	}
}
