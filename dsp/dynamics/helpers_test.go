package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

const testFS = 48000

// keyed is what the keyed processors here share.
type keyed interface {
	dsp.Processor
	ProcessKeyed(buf, key [][]float64)
}

// procFunc processes one block; key is nil for an unkeyed render.
type procFunc func(buf, key [][]float64)

func unkeyed(p dsp.Processor) procFunc {
	return func(buf, _ [][]float64) { p.Process(buf) }
}

func withKey(p keyed) procFunc {
	return func(buf, key [][]float64) { p.ProcessKeyed(buf, key) }
}

// render copies in and processes it in blocks whose lengths cycle through
// sizes (the last block may be shorter). key, if not nil, is cut the same
// way.
func render(f procFunc, in, key [][]float64, sizes []int) [][]float64 {
	out := clone(in)
	n := len(in[0])
	buf := make([][]float64, len(in))
	var kb [][]float64
	if key != nil {
		kb = make([][]float64, len(key))
	}
	for pos, b := 0, 0; pos < n; b++ {
		size := min(sizes[b%len(sizes)], n-pos)
		for ch := range out {
			buf[ch] = out[ch][pos : pos+size]
		}
		for ch := range kb {
			kb[ch] = key[ch][pos : pos+size]
		}
		f(buf, kb)
		pos += size
	}
	return out
}

func clone(in [][]float64) [][]float64 {
	out := make([][]float64, len(in))
	for ch := range in {
		out[ch] = append([]float64(nil), in[ch]...)
	}
	return out
}

func zeros(channels, n int) [][]float64 {
	out := make([][]float64, channels)
	for ch := range out {
		out[ch] = make([]float64, n)
	}
	return out
}

func spec(channels int) dsp.Spec {
	return dsp.Spec{SampleRate: testFS, MaxBlock: 4096, Channels: channels}
}

// testSignal is a deterministic stereo program: noise bursts and tones at
// levels from -70 to +12 dBFS with abrupt and ramped edges, silence, a
// DC stretch and single-sample spikes, so every detector path switches.
func testSignal(channels, n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x6d69786477))
	out := zeros(channels, n)
	for pos := 0; pos < n; {
		length := min(1+rng.IntN(6000), n-pos)
		level := dsp.DBToGain(-70 + 82*rng.Float64())
		kind := rng.IntN(5)
		f := 50 + 12000*rng.Float64()
		for i := pos; i < pos+length; i++ {
			for ch := range out {
				var v float64
				switch kind {
				case 0: // silence
				case 1:
					v = level * (2*rng.Float64() - 1)
				case 2:
					v = level * math.Sin(2*math.Pi*f*float64(i)/testFS+float64(ch))
				case 3:
					v = level // DC
				case 4:
					if rng.IntN(200) == 0 {
						v = level * 4
					}
				}
				out[ch][i] = v
			}
		}
		pos += length
	}
	return out
}

var blockPlans = [][]int{{1}, {7}, {64}, {4096}, {3, 1, 250, 17, 4096, 64, 999}}

// checkBlockInvariance renders sig with every block plan (block size 1 is
// the sample-by-sample render) and requires identical output, then checks
// Reset + re-render gives the same again.
func checkBlockInvariance(t *testing.T, p dsp.Processor, f procFunc, sig, key [][]float64) {
	t.Helper()
	p.Reset()
	ref := render(f, sig, key, []int{4096})
	for _, plan := range blockPlans {
		p.Reset()
		got := render(f, sig, key, plan)
		for ch := range ref {
			for i := range ref[ch] {
				if got[ch][i] != ref[ch][i] {
					t.Fatalf("blocks %v: ch %d sample %d = %v, want %v (block 4096)", plan, ch, i, got[ch][i], ref[ch][i])
				}
			}
		}
	}
	// Reset after a different signal, then the same render again.
	p.Reset()
	render(f, testSignal(len(sig), 20000, 99), key, []int{64})
	p.Reset()
	again := render(f, sig, key, []int{64})
	for ch := range ref {
		for i := range ref[ch] {
			if again[ch][i] != ref[ch][i] {
				t.Fatalf("after Reset: ch %d sample %d = %v, want %v", ch, i, again[ch][i], ref[ch][i])
			}
		}
	}
}

// checkAllocs requires Process (via f) to allocate nothing.
func checkAllocs(t *testing.T, f procFunc, channels int, key [][]float64) {
	t.Helper()
	sig := testSignal(channels, 4096, 5)
	buf := clone(sig)
	allocs := testing.AllocsPerRun(20, func() {
		for ch := range buf {
			copy(buf[ch], sig[ch])
		}
		f(buf, key)
	})
	if allocs != 0 {
		t.Errorf("Process allocates %v times per block", allocs)
	}
}

// checkFinite feeds silence, a +100 dB noise/DC signal and DC, and requires
// finite output.
func checkFinite(t *testing.T, p dsp.Processor, f procFunc, channels int) {
	t.Helper()
	n := 30000
	hot := zeros(channels, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for ch := range hot {
		for i := range hot[ch] {
			if i < n/2 {
				hot[ch][i] = 1e5 * (2*rng.Float64() - 1)
			} else {
				hot[ch][i] = 1e5
			}
		}
	}
	dc := zeros(channels, n)
	for ch := range dc {
		for i := range dc[ch] {
			dc[ch][i] = 0.7
		}
	}
	for _, tc := range []struct {
		name string
		sig  [][]float64
	}{{"silence", zeros(channels, n)}, {"+100 dB", hot}, {"DC", dc}} {
		name, sig := tc.name, tc.sig
		p.Reset()
		out := render(f, sig, nil, []int{512})
		for ch := range out {
			for i, v := range out[ch] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: ch %d sample %d is %v", name, ch, i, v)
				}
			}
		}
	}
}

// checkLatencyImpulse sends a unit-ish impulse (amplitude a) at sample 100
// and requires that nothing comes out before 100+Latency, that something
// does at 100+Latency and, with peakThere, that the output's largest
// magnitude is there (not so for a dispersive allpass response).
func checkLatencyImpulse(t *testing.T, p dsp.Processor, f procFunc, channels int, a float64, peakThere bool) {
	t.Helper()
	n := 2000
	sig := zeros(channels, n)
	for ch := range sig {
		sig[ch][100] = a
	}
	p.Reset()
	out := render(f, sig, nil, []int{64})
	lat := p.Latency()
	for ch := range out {
		best := 0
		for i, v := range out[ch] {
			if i < 100+lat && v != 0 {
				t.Fatalf("ch %d: output %v at %d before the latency (%d)", ch, v, i, lat)
			}
			if math.Abs(v) > math.Abs(out[ch][best]) {
				best = i
			}
		}
		if out[ch][100+lat] == 0 {
			t.Errorf("ch %d: nothing at 100+Latency (%d)", ch, lat)
		}
		if peakThere && best != 100+lat {
			t.Errorf("ch %d: impulse peak at %d, want %d (Latency %d)", ch, best, 100+lat, lat)
		}
	}
}

func dc(channels, n int, v float64) [][]float64 {
	out := zeros(channels, n)
	for ch := range out {
		for i := range out[ch] {
			out[ch][i] = v
		}
	}
	return out
}

func sine(channels, n int, amp, hz float64) [][]float64 {
	out := zeros(channels, n)
	for ch := range out {
		for i := range out[ch] {
			out[ch][i] = amp * math.Sin(2*math.Pi*hz*float64(i)/testFS)
		}
	}
	return out
}

func rms(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

func peakAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}
