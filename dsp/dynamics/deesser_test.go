package dynamics

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

func newDeesser(p DeesserParams, channels int) *Deesser {
	d := NewDeesser(p)
	d.Prepare(spec(channels))
	return d
}

// dftMag is |X(f)| of x by direct correlation; with an integer number of
// periods of f in x it is exact for that component.
func dftMag(x []float64, f float64) float64 {
	var s complex128
	for i, v := range x {
		s += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*f*float64(i)/testFS))
	}
	return cmplx.Abs(s) * 2 / float64(len(x))
}

// splitGainDB is the documented response of the split-band de-esser with
// its high band at gain g: (1 + g W^4)/(1 + W^4), W the bilinear-warped
// frequency ratio.
func splitGainDB(f, f0, gDB float64) float64 {
	w := math.Tan(math.Pi*f/testFS) / math.Tan(math.Pi*f0/testFS)
	w4 := w * w * w * w
	return dsp.GainToDB((1 + dsp.DBToGain(gDB)*w4) / (1 + w4))
}

// A loud sibilant burst is turned down by the range where the high band
// covers it, a 200 Hz tone under it is untouched, and the 200 Hz tone
// alone passes at exactly unity magnitude.
func TestDeesserSibilantBurst(t *testing.T) {
	const n, from, to = 48000, 12000, 36000
	for _, tc := range []struct{ freq, tone float64 }{
		{6500, 7000}, {6500, 12000}, {5000, 7000}, {3500, 7000},
	} {
		p := DeesserParams{FreqHz: tc.freq, ThresholdDB: -30, RangeDB: -8}
		d := newDeesser(p, 2)
		in := zeros(2, n)
		for ch := range in {
			for i := range in[ch] {
				in[ch][i] = 0.25 * math.Sin(2*math.Pi*200*float64(i)/testFS)
				if i >= from && i < to {
					in[ch][i] += 0.25 * math.Sin(2*math.Pi*tc.tone*float64(i)/testFS)
				}
			}
		}
		out := render(unkeyed(d), in, nil, []int{256})
		// 4800 samples, 24 ms into the burst: whole periods of 200 Hz and
		// of the tones (10 Hz bins).
		a, b := from+1200, from+1200+4800
		got := dsp.GainToDB(dftMag(out[0][a:b], tc.tone) / dftMag(in[0][a:b], tc.tone))
		want := splitGainDB(tc.tone, tc.freq, -8)
		if math.Abs(got-want) > 0.1 {
			t.Errorf("freq %v: %v Hz burst changed by %.3f dB, want %.3f", tc.freq, tc.tone, got, want)
		}
		low := dsp.GainToDB(dftMag(out[0][a:b], 200) / dftMag(in[0][a:b], 200))
		if math.Abs(low) > 0.01 {
			t.Errorf("freq %v: 200 Hz under the burst changed by %.4f dB", tc.freq, low)
		}
		t.Logf("freq %v Hz: %v Hz burst %.2f dB (split-band response at range: %.2f dB), 200 Hz %.5f dB", tc.freq, tc.tone, got, want, low)
	}

	// The 200 Hz tone alone never reaches the threshold: gain exactly 1, so
	// the output is the crossover's allpass sum at unit magnitude.
	d := newDeesser(DefaultDeesserParams(), 1)
	tone := sine(1, n, 0.9, 200)
	out := render(unkeyed(d), tone, nil, []int{256})
	if d.yL != 0 {
		t.Errorf("200 Hz alone engaged the de-esser: %v dB", d.yL)
	}
	if got := dsp.GainToDB(dftMag(out[0][24000:48000], 200) / dftMag(tone[0][24000:48000], 200)); math.Abs(got) > 1e-6 {
		t.Errorf("200 Hz alone: %.2e dB, want 0", got)
	}
}

// Below threshold nothing is reduced; far above it the reduction stops at
// range.
func TestDeesserThresholdAndRange(t *testing.T) {
	const n = 24000
	p := DeesserParams{FreqHz: 6500, ThresholdDB: -30, RangeDB: -8}
	d := newDeesser(p, 1)
	quiet := sine(1, n, dsp.DBToGain(-36), 16000) // high band just under -30 dBFS
	render(unkeyed(d), quiet, nil, []int{512})
	if d.yL != 0 {
		t.Errorf("below threshold: reduction %v dB, want 0", d.yL)
	}
	for _, r := range []float64{-3, -8, -20} {
		p.RangeDB = r
		d := newDeesser(p, 1)
		loud := sine(1, n, 1, 16000) // 30 dB over the threshold
		out := render(unkeyed(d), loud, nil, []int{512})
		if d.yL > -r+1e-9 {
			t.Errorf("range %v: reduction %v dB exceeds the range", r, d.yL)
		}
		got := dsp.GainToDB(dftMag(out[0][n-4800:], 16000) / dftMag(loud[0][n-4800:], 16000))
		if want := splitGainDB(16000, 6500, r); math.Abs(got-want) > 0.1 {
			t.Errorf("range %v: 16 kHz changed by %.3f dB, want %.3f", r, got, want)
		}
	}
}

func TestDeesserInvariants(t *testing.T) {
	p := DeesserParams{FreqHz: 5000, ThresholdDB: -40, RangeDB: -12}
	d := newDeesser(p, 2)
	checkBlockInvariance(t, d, unkeyed(d), testSignal(2, 40000, 51), nil)
	checkAllocs(t, unkeyed(d), 2, nil)
	checkFinite(t, d, unkeyed(d), 2)
	checkLatencyImpulse(t, d, unkeyed(d), 2, 0.5, false)
	if a := testing.AllocsPerRun(10, func() { d.SetParams(p) }); a != 0 {
		t.Errorf("SetParams allocates %v times", a)
	}
}

func BenchmarkDeesser(b *testing.B) {
	benchProcess(b, newDeesser(DefaultDeesserParams(), 2), 2, testSignal(2, 1<<16, 1))
}
