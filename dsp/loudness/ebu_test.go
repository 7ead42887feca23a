package loudness

import (
	"fmt"
	"math"
	"testing"
)

// Conformance with EBU Tech 3341 (loudness meters, v4 2023 Table 1) and
// EBU Tech 3342 (loudness range, Table 1), signals generated as the Techs
// describe them. Run: go test -run TestEBU -v ./dsp/loudness
//
// Tolerances are the Techs': +-0.1 LU for M, S, I; +0.2/-0.4 dB for true
// peak; +-1 LU for LRA.

const fs48 = 48000.0

// check logs one conformance line and fails if got is outside
// [want-below, want+above].
func check(t *testing.T, name, measure string, got, want, below, above float64) {
	t.Helper()
	ok := got >= want-below && got <= want+above
	mark := "pass"
	if !ok {
		mark = "FAIL"
	}
	tol := fmt.Sprintf("+-%g", above)
	if below != above {
		tol = fmt.Sprintf("+%g/-%g", above, below)
	}
	t.Logf("| %-12s | %-8s | %+7.1f %-8s | %+8.3f | %s |", name, measure, want, tol, got, mark)
	if !ok {
		t.Errorf("%s %s = %.3f, want %.1f %s", name, measure, got, want, tol)
	}
}

// measure runs a signal through a fresh meter in blocks of block frames.
// True peak is not metered: the loudness cases use long 1 kHz tones whose
// true peak says nothing, and it would triple the test's run time.
func measure(sig tone, weights []float64, block int) (*Meter, Result) {
	m := NewMeterOptions(sig.fs, len(weights), Options{Weights: weights, NoTruePeak: true})
	sig.feed(block, m.Process)
	return m, m.Result()
}

// live runs a signal through a meter 1 ms at a time and calls fn after
// each tick with the time (s) at the end of the tick and the meter, as a
// live meter's display would read it.
func live(sig tone, weights []float64, fn func(t float64, m *Meter)) *Meter {
	m := NewMeterOptions(sig.fs, len(weights), Options{Weights: weights, NoTruePeak: true})
	tick := 0
	sig.feed(int(sig.fs/1000), func(buf [][]float64) {
		m.Process(buf)
		tick++
		fn(float64(tick)/1000, m)
	})
	return m
}

// worst returns the reading furthest from want.
func worst(vals []float64, want float64) float64 {
	w := want
	for _, v := range vals {
		if math.Abs(v-want) > math.Abs(w-want) {
			w = v
		}
	}
	return w
}

func TestEBU3341Cases1To6(t *testing.T) {
	type tc struct {
		name    string
		sig     tone
		weights []float64
		want    float64
		ms      bool // also M and S, constant once the window is full
	}
	cases := []tc{
		{"3341-1", stereo1k(fs48, seg{20, -23}), nil, -23, true},
		{"3341-2", stereo1k(fs48, seg{20, -33}), nil, -33, true},
		{"3341-3", stereo1k(fs48, seg{10, -36}, seg{60, -23}, seg{10, -36}), nil, -23, false},
		{"3341-4", stereo1k(fs48, seg{10, -72}, seg{10, -36}, seg{60, -23}, seg{10, -36}, seg{10, -72}), nil, -23, false},
		{"3341-5", stereo1k(fs48, seg{20, -26}, seg{20.1, -20}, seg{20, -26}), nil, -23, false},
		// 5.0: L, R at -28, C at -24, Ls, Rs at -30 dBFS.
		{"3341-6 (5.0)", tone{fs48, 1000, []seg{{20, 0}}, []float64{-28, -28, -24, -30, -30}}, DefaultWeights(5), -23, false},
		// The same with a silent LFE in 5.1 order.
		{"3341-6 (5.1)", tone{fs48, 1000, []seg{{20, 0}}, []float64{-28, -28, -24, math.Inf(-1), -30, -30}}, DefaultWeights(6), -23, false},
	}
	for _, c := range cases {
		w := c.weights
		if w == nil {
			w = DefaultWeights(2)
		}
		if !c.ms {
			_, r := measure(c.sig, w, 4096)
			check(t, c.name, "I", r.IntegratedLUFS, c.want, 0.1, 0.1)
			continue
		}
		var ms, ss []float64
		m := live(c.sig, w, func(tt float64, m *Meter) {
			if tt >= 0.4 {
				ms = append(ms, m.Momentary())
			}
			if tt >= 3 {
				ss = append(ss, m.ShortTerm())
			}
		})
		check(t, c.name, "M", worst(ms, c.want), c.want, 0.1, 0.1)
		check(t, c.name, "S", worst(ss, c.want), c.want, 0.1, 0.1)
		check(t, c.name, "I", m.Integrated(), c.want, 0.1, 0.1)
	}
}

// Case 9: S = -23.0 constant after 3 s; case 12: M = -23.0 constant after
// 1 s. Every 1 ms reading counts.
func TestEBU3341Cases9And12(t *testing.T) {
	var ss []float64
	live(stereo1k(fs48, repeat(5, seg{1.34, -20}, seg{1.66, -30})...), DefaultWeights(2), func(tt float64, m *Meter) {
		if tt >= 3 {
			ss = append(ss, m.ShortTerm())
		}
	})
	check(t, "3341-9", "S", worst(ss, -23), -23, 0.1, 0.1)

	var ms []float64
	live(stereo1k(fs48, repeat(25, seg{0.18, -20}, seg{0.22, -30})...), DefaultWeights(2), func(tt float64, m *Meter) {
		if tt >= 1 {
			ms = append(ms, m.Momentary())
		}
	})
	check(t, "3341-12", "M", worst(ms, -23), -23, 0.1, 0.1)
}

// Cases 10 and 13 are file-based: 20 signals each, (i*0.15 s silence, 3 s
// at -23 dBFS, 1 s silence) and (i*20 ms silence, 400 ms at -23 dBFS, 1 s
// silence) for i = 0..19; Max S (10) and Max M (13) must read -23.0 for
// every one.
func TestEBU3341Cases10And13(t *testing.T) {
	var worstS, worstM []float64
	for i := range 20 {
		_, r := measure(stereo1k(fs48, silence(float64(i)*0.15), seg{3, -23}, silence(1)), DefaultWeights(2), 4096)
		worstS = append(worstS, r.MaxShortTermLUFS)
		_, r = measure(stereo1k(fs48, silence(float64(i)*0.02), seg{0.4, -23}, silence(1)), DefaultWeights(2), 4096)
		worstM = append(worstM, r.MaxMomentaryLUFS)
	}
	check(t, "3341-10 (x20)", "max S", worst(worstS, -23), -23, 0.1, 0.1)
	check(t, "3341-13 (x20)", "max M", worst(worstM, -23), -23, 0.1, 0.1)
}

// Cases 11 and 14 are the live counterparts: one signal of 20 segments,
// (i*0.15 s silence, 3 s at -38+i dBFS, 3-i*0.15 s silence) and (i*20 ms
// silence, 400 ms at -38+i dBFS, 400-i*20 ms silence); the max of S (11)
// and M (14) over each segment must read -38, -37, ..., -19.
func TestEBU3341Cases11And14(t *testing.T) {
	run := func(name, measureName string, segLen, step, toneLen float64, read func(*Meter) float64) {
		var segs []seg
		for i := range 20 {
			segs = append(segs, silence(float64(i)*step), seg{toneLen, -38 + float64(i)}, silence(toneLen-float64(i)*step))
		}
		maxima := make([]float64, 20)
		for i := range maxima {
			maxima[i] = math.Inf(-1)
		}
		live(stereo1k(fs48, segs...), DefaultWeights(2), func(tt float64, m *Meter) {
			// The reading at the end of a tick belongs to the segment
			// the tick lies in.
			i := min(int(math.Floor((tt-0.0005)/segLen)), 19)
			maxima[i] = max(maxima[i], read(m))
		})
		var dev []float64
		for i, v := range maxima {
			dev = append(dev, v-(-38+float64(i)))
		}
		check(t, name+" (x20)", measureName+" - want", worst(dev, 0), 0, 0.1, 0.1)
	}
	run("3341-11", "max S", 6, 0.15, 3, (*Meter).ShortTerm)
	run("3341-14", "max M", 0.8, 0.02, 0.4, (*Meter).Momentary)
}

// Cases 15-23: max true-peak level.
func TestEBU3341TruePeak(t *testing.T) {
	type tc struct {
		name string
		x    []float64
		want float64
	}
	cases := []tc{
		{"3341-15", truePeakSine(4, 0.5, 0), -6},
		{"3341-16", truePeakSine(4, 0.5, 45), -6},
		{"3341-17", truePeakSine(6, 0.5, 60), -6},
		{"3341-18", truePeakSine(8, 0.5, 67.5), -6},
		{"3341-19", truePeakSine(4, 1.41, 45), 3},
	}
	for i, x := range truePeakSinglePeriod() {
		cases = append(cases, tc{fmt.Sprintf("3341-%d", 20+i), x, 0})
	}
	for _, c := range cases {
		m := NewMeter(fs48, 2)
		m.Process([][]float64{c.x, c.x})
		check(t, c.name, "TP dBTP", m.Result().TruePeakDBTP, c.want, 0.4, 0.2)
	}
}

// EBU Tech 3342 cases 1-4: stereo 1 kHz tone segments of 20 s each.
func TestEBU3342(t *testing.T) {
	cases := []struct {
		name   string
		levels []float64
		want   float64
	}{
		{"3342-1", []float64{-20, -30}, 10},
		{"3342-2", []float64{-20, -15}, 5},
		{"3342-3", []float64{-40, -20}, 20},
		{"3342-4", []float64{-50, -35, -20, -35, -50}, 15},
	}
	for _, c := range cases {
		var segs []seg
		for _, l := range c.levels {
			segs = append(segs, seg{20, l})
		}
		_, r := measure(stereo1k(fs48, segs...), DefaultWeights(2), 4096)
		check(t, c.name, "LRA", r.LoudnessRangeLU, c.want, 1, 1)
	}
}

// The same tones at other sample rates: the meter is rate independent.
// (Shortened to keep the test fast; the full-length cases run at 48 kHz.)
func TestEBUSampleRates(t *testing.T) {
	for _, fs := range []float64{32000, 44100, 88200, 96000, 192000} {
		name := fmt.Sprintf("%g kHz", fs/1000)
		_, r := measure(stereo1k(fs, seg{5, -23}), DefaultWeights(2), 4096)
		check(t, "3341-1 5s "+name, "I", r.IntegratedLUFS, -23, 0.1, 0.1)
		check(t, "3341-1 5s "+name, "max M", r.MaxMomentaryLUFS, -23, 0.1, 0.1)
		check(t, "3341-1 5s "+name, "max S", r.MaxShortTermLUFS, -23, 0.1, 0.1)
	}
	_, r := measure(stereo1k(44100, seg{20, -26}, seg{20.1, -20}, seg{20, -26}), DefaultWeights(2), 4096)
	check(t, "3341-5 44.1k", "I", r.IntegratedLUFS, -23, 0.1, 0.1)
	_, r = measure(stereo1k(44100, seg{20, -20}, seg{20, -30}), DefaultWeights(2), 4096)
	check(t, "3342-1 44.1k", "LRA", r.LoudnessRangeLU, 10, 1, 1)
}
