//go:build sweep

package resample

import (
	"fmt"
	"math"
	"testing"
)

// TestSweep is the full quality measurement behind docs/quality.md
// ("Resampler"): for each ratio, 200 full-scale tones spread over the
// whole input band (plus 20 Hz, 20 kHz and the band edges), each measured
// over 8192 steady-state output frames, and the prototype on a dense FFT
// grid. Run it with
//
//	go test -tags sweep -run Sweep -v ./dsp/resample
//
// It prints a Markdown table and fails if any ratio misses the contract:
// pass band within ±0.01 dB up to PassEdge·min(inRate, outRate), images
// and aliases at least 120 dB below full scale everywhere.
func TestSweep(t *testing.T) {
	pairs := [][2]int{
		{44100, 48000}, {48000, 44100},
		{48000, 96000}, {96000, 48000},
		{44100, 96000}, {96000, 44100},
		{44100, 192000}, {192000, 44100},
		{88200, 48000}, {48000, 88200},
		{22050, 48000}, {32000, 44100},
		{8000, 48000}, {48000, 8000},
		{44100, 88200}, {176400, 48000},
	}
	const tones = 200
	rows := []string{
		"| in → out (Hz) | L/M | taps | taps/phase | prototype ripple (dB) | prototype stop band (dB) | tone ripple 0..pass edge (dB) | worst images+aliases (dB) | at (Hz) |",
		"|---|---|---|---|---|---|---|---|---|",
	}
	for _, r := range pairs {
		in, out := float64(r[0]), float64(r[1])
		fmin := math.Min(in, out)
		l, m, err := ratio(r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		b := getBank(l, m)
		pRip, pStop := measurePrototype(b)

		freqs := []float64{20, PassEdge * fmin, fmin / 2 * 0.9999, fmin/2*1.0001 + 1, in/2 - 1}
		if PassEdge*fmin > 20000 {
			freqs = append(freqs, 20000)
		}
		for i := 0; i < tones; i++ {
			freqs = append(freqs, (float64(i)+0.5)/tones*in/2)
		}
		ripple, worst, worstF := 0.0, math.Inf(-1), 0.0
		for _, f := range freqs {
			if f >= in/2 {
				continue
			}
			res := measureTone(t, r[0], r[1], f, 8192)
			if f <= PassEdge*fmin*(1+1e-12) {
				ripple = math.Max(ripple, math.Abs(res.gainDB))
			}
			if res.otherDB > worst {
				worst, worstF = res.otherDB, f
			}
		}
		rows = append(rows, fmt.Sprintf("| %d → %d | %d/%d | %d | %d | %.1e | %.1f | %.1e | %.1f | %.0f |",
			r[0], r[1], l, m, b.Taps, b.TapsPerPhase, pRip, pStop, ripple, worst, worstF))
		if ripple > 0.01 || worst > -120 {
			t.Errorf("%d -> %d misses the contract: ripple %g dB, images/aliases %g dB at %g Hz", r[0], r[1], ripple, worst, worstF)
		}
	}
	for _, row := range rows {
		t.Log(row)
	}
}
