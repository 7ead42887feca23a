package dynamics

import (
	"math"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

func newGate(p GateParams, channels int) *Gate {
	g := NewGate(p)
	g.Prepare(spec(channels))
	return g
}

// levels builds a mono signal of DC segments (so the gate's gain is
// out/in at every sample).
func levels(segs ...[2]float64) [][]float64 {
	var x []float64
	for _, s := range segs {
		for range int(s[1]) {
			x = append(x, s[0])
		}
	}
	return [][]float64{x}
}

func TestGateTiming(t *testing.T) {
	p := GateParams{ThresholdDB: -50, RangeDB: -80, AttackMS: 0.5, HoldMS: 20, ReleaseMS: 100}
	g := newGate(p, 1)
	const loud, quiet = 0.5, 1e-4 // -6 dBFS, and -80 dBFS (below the -53 dB close level)
	const open, end = 1000, 1000 + 24000
	in := levels([2]float64{quiet, open}, [2]float64{loud, end - open}, [2]float64{quiet, 72 * 4800})
	out := render(unkeyed(g), in, nil, []int{97})
	gain := func(i int) float64 { return out[0][i] / in[0][i] }
	rg := dsp.DBToGain(-80)
	attack, release := 0.5*testFS/1000.0, float64(100*testFS/1000)
	hold := 960 // 20 ms

	// Closed before the key reaches the threshold (range gain exactly).
	if out[0][open-1] != quiet*rg {
		t.Errorf("gain before opening %v, want range %v", gain(open-1), rg)
	}
	// Opening: one-pole toward 1 with the attack time constant.
	k := int(attack)
	want := 1 - (1-rg)*math.Exp(-float64(k+1)/attack)
	if got := gain(open + k); math.Abs(got-want) > 1e-12 {
		t.Errorf("opening: gain after %d samples %v, want %v", k+1, got, want)
	}
	// Held fully open for exactly hold samples after the last loud sample,
	// then falling with the release time constant.
	if got := gain(end + hold - 1); got != 1 {
		t.Errorf("gain at end+hold-1 = %v, want exactly 1", got)
	}
	if got := gain(end + hold); got >= 1 {
		t.Errorf("gain at end+hold = %v, want < 1 (release started)", got)
	}
	k = int(release)
	want = rg + (1-rg)*math.Exp(-float64(k+1)/release)
	if got := gain(end + hold + k); math.Abs(got-want) > 1e-12 {
		t.Errorf("closing: gain after %d samples %v, want %v", k+1, got, want)
	}
	// Find the 63% point of the release in samples, as a measurement.
	for i := end + hold; i < len(in[0]); i++ {
		if 1-gain(i) >= (1-rg)*(1-1/math.E) {
			t.Logf("release 63%% after %d samples (tau*fs = %v); attack time constant %v samples; hold %d samples", i-(end+hold)+1, release, attack, hold)
			if math.Abs(float64(i-(end+hold)+1)-release) > 1 {
				t.Errorf("release 63%% after %d samples, want %v", i-(end+hold)+1, release)
			}
			break
		}
	}
	// Fully closed eventually (the deviation flushed after ~69 time
	// constants): exactly the range gain again.
	if out[0][len(in[0])-1] != quiet*rg {
		t.Errorf("settled closed gain %v, want %v", gain(len(in[0])-1), rg)
	}

	// hold = 0: the release starts on the first quiet sample.
	p.HoldMS = 0
	g.SetParams(p)
	g.Reset()
	out = render(unkeyed(g), in, nil, []int{97})
	if gain(end-1) != 1 || gain(end) >= 1 {
		t.Errorf("hold 0: gains %v, %v around the end, want 1 then < 1", gain(end-1), gain(end))
	}
}

// Between the close level (threshold - 3 dB) and the threshold, the gate
// keeps whatever state it is in.
func TestGateHysteresis(t *testing.T) {
	p := GateParams{ThresholdDB: -30, RangeDB: -60, AttackMS: 0.1, HoldMS: 0, ReleaseMS: 10}
	g := newGate(p, 1)
	between := dsp.DBToGain(-31.5)
	in := levels([2]float64{between, 5000}, [2]float64{dsp.DBToGain(-20), 5000}, [2]float64{between, 20000})
	out := render(unkeyed(g), in, nil, []int{64})
	if got := out[0][4999] / in[0][4999]; got != dsp.DBToGain(-60) {
		t.Errorf("level between close and open levels opened a closed gate: gain %v", got)
	}
	for i := 10000; i < 30000; i++ {
		if out[0][i] != in[0][i] {
			t.Fatalf("level between close and open levels closed an open gate at %d", i)
		}
	}
	// Just below the close level closes it.
	in2 := levels([2]float64{dsp.DBToGain(-20), 5000}, [2]float64{dsp.DBToGain(-33.1), 5000})
	g.Reset()
	out = render(unkeyed(g), in2, nil, []int{64})
	if out[0][5000] >= in2[0][5000] {
		t.Errorf("level below the close level did not close the gate")
	}
}

func TestGateKeyed(t *testing.T) {
	p := DefaultGateParams()
	g := newGate(p, 2)
	n := 60000
	in := sine(2, n, 0.5, 300)
	key := zeros(1, n)
	for i := 5000; i < 10000; i++ {
		key[0][i] = 0.1
	}
	out := render(withKey(g), in, key, []int{128})
	rg := dsp.DBToGain(p.RangeDB)
	if got := peakAbs(out[0][:5000]); got > 0.5*rg*1.0000001 {
		t.Errorf("gate open before the key: peak %v", got)
	}
	if got := rms(out[1][7000:10000]) / rms(in[1][7000:10000]); got != 1 {
		t.Errorf("keyed open gain %v, want exactly 1", got)
	}
	if got := peakAbs(out[0][n-1000:]); got > 0.5*1.5*rg { // 10 release time constants later
		t.Errorf("gate still open long after the key: peak %v", got)
	}
}

func TestGateInvariants(t *testing.T) {
	p := GateParams{ThresholdDB: -40, RangeDB: -60, AttackMS: 1, HoldMS: 5, ReleaseMS: 50}
	g := newGate(p, 2)
	sig := testSignal(2, 40000, 21)
	checkBlockInvariance(t, g, unkeyed(g), sig, nil)
	checkBlockInvariance(t, g, withKey(g), sig, testSignal(3, 40000, 22))
	checkAllocs(t, unkeyed(g), 2, nil)
	checkFinite(t, g, unkeyed(g), 2)
	checkLatencyImpulse(t, g, unkeyed(g), 2, 0.5, true)
	if a := testing.AllocsPerRun(10, func() { g.SetParams(p) }); a != 0 {
		t.Errorf("SetParams allocates %v times", a)
	}
}

func BenchmarkGate(b *testing.B) {
	benchProcess(b, newGate(DefaultGateParams(), 2), 2, testSignal(2, 1<<16, 1))
}
