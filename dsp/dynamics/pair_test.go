package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// TestCompressorProcessPair: two compressors with different settings
// (peak and RMS detectors, lookahead, parallel mix, soft knee, sidechain
// highpass) run as a pair over blocks of changing lengths give exactly
// what each gives alone, through loud passages and silences (where one of
// the two is idle and runs alone); pairs that cannot run together are
// refused with nothing changed; and a pair allocates nothing.
func TestCompressorProcessPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n = 30000
	signal := func(phase int) [][]float64 {
		x := [][]float64{make([]float64, n), make([]float64, n)}
		for i := range n {
			env := 0.0
			if (i+phase)%15000 < 5000 { // bursts, then silence
				env = 0.8 * math.Abs(math.Sin(float64(i+phase)/700))
			}
			for ch := range x {
				x[ch][i] = env * (rng.Float64()*2 - 1)
			}
		}
		return x
	}
	settings := []CompressorParams{
		{ThresholdDB: -20, Ratio: 3, AttackMS: 10, ReleaseMS: 100, Mix: 1},
		{ThresholdDB: -30, Ratio: 6, KneeDB: 6, AttackMS: 2, ReleaseMS: 250, Detector: DetectorRMS, Mix: 1, MakeupDB: 3},
		{ThresholdDB: -15, Ratio: 2, AttackMS: 5, ReleaseMS: 50, LookaheadMS: 3, Mix: 0.6, SidechainHighpassHz: 120},
		{ThresholdDB: -25, Ratio: 4, AttackMS: 50, ReleaseMS: 20, Mix: 1}, // attack slower than release
		{ThresholdDB: -28, Ratio: 8, AttackMS: 80, ReleaseMS: 30, Mix: 1, Detector: DetectorRMS},
		{ThresholdDB: -20, Ratio: 4, AttackMS: 1, ReleaseMS: 5, Mix: 1}, // idle within a silence
	}
	spec := dsp.Spec{SampleRate: 48000, MaxBlock: 4096, Channels: 2}
	newComp := func(p CompressorParams) *Compressor {
		c := NewCompressor(p)
		c.Prepare(spec)
		return c
	}
	for i, pa := range settings {
		for j, pb := range settings {
			if i == j {
				continue
			}
			inA, inB := signal(0), signal(3000*j)
			want := [2][][]float64{clone2(inA), clone2(inB)}
			ra, rb := newComp(pa), newComp(pb)
			for at := 0; at < n; at += 4096 {
				m := min(4096, n-at)
				ra.Process([][]float64{want[0][0][at : at+m], want[0][1][at : at+m]})
				rb.Process([][]float64{want[1][0][at : at+m], want[1][1][at : at+m]})
			}
			a, b := newComp(pa), newComp(pb)
			got := [2][][]float64{clone2(inA), clone2(inB)}
			paired := 0
			for at, bs := 0, 1; at < n; bs = bs*5 + 3 {
				m := min(bs%4096+1, n-at)
				x := [][]float64{got[0][0][at : at+m], got[0][1][at : at+m]}
				y := [][]float64{got[1][0][at : at+m], got[1][1][at : at+m]}
				if a.ProcessPair(x, b, y) {
					paired++
				} else {
					a.Process(x)
					b.Process(y)
				}
				at += m
			}
			alike := (a.bal.attack > a.bal.release) == (b.bal.attack > b.bal.release)
			if pairCurve && alike && paired == 0 {
				t.Fatalf("settings %d, %d: never paired", i, j)
			}
			if (!pairCurve || !alike) && paired > 0 {
				t.Fatalf("settings %d, %d: paired %d blocks (kernel %v, alike %v)", i, j, paired, pairCurve, alike)
			}
			for s := range got {
				for ch := range got[s] {
					for k := range got[s][ch] {
						if math.Float64bits(got[s][ch][k]) != math.Float64bits(want[s][ch][k]) {
							t.Fatalf("settings %d, %d: signal %d ch %d frame %d: %v, want %v", i, j, s, ch, k, got[s][ch][k], want[s][ch][k])
						}
					}
				}
			}
		}
	}
	a, b := newComp(settings[0]), newComp(settings[1])
	if pairCurve {
		x, y := signal(0), signal(1)
		x[0], x[1], y[0], y[1] = x[0][:4096], x[1][:4096], y[0][:4096], y[1][:4096]
		if n := testing.AllocsPerRun(50, func() { a.ProcessPair(x, b, y) }); n != 0 {
			t.Errorf("ProcessPair allocates %v times", n)
		}
	}
	refuse := func(name string, a *Compressor, other dsp.Processor, x, y [][]float64) {
		t.Helper()
		x0, yL := x[0][0], a.yL
		if a.ProcessPair(x, other, y) {
			t.Errorf("%s: paired", name)
		}
		if x[0][0] != x0 || a.yL != yL {
			t.Errorf("%s: refused but changed something", name)
		}
	}
	loud := func(m int) [][]float64 { s := signal(0); return [][]float64{s[0][:m], s[1][:m]} }
	refuse("lengths apart", a, b, loud(64), loud(65))
	refuse("itself", a, a, loud(64), loud(64))
	refuse("attack above release in one", a, newComp(settings[3]), loud(64), loud(64))
	refuse("another kind", a, NewLimiter(DefaultLimiterParams()), loud(64), loud(64))
}

func clone2(x [][]float64) [][]float64 {
	return [][]float64{append([]float64(nil), x[0]...), append([]float64(nil), x[1]...)}
}

// BenchmarkCompressorPair is BenchmarkCompressorPeak for two compressors
// on two signals, run as a pair (ProcessPair) and one after the other, in
// ns per sample per channel (four channels).
func BenchmarkCompressorPair(b *testing.B) {
	for _, mode := range []string{"pair", "alone"} {
		b.Run(mode, func(b *testing.B) {
			const block = 512
			p := DefaultCompressorParams()
			p.ThresholdDB = -40
			c, d := newPrepared(p, 2), newPrepared(p, 2)
			sa, sb := testSignal(2, 1<<16, 1), testSignal(2, 1<<16, 2)
			x, y := zeros(2, block), zeros(2, block)
			pos := 0
			for b.Loop() {
				for ch := range x {
					copy(x[ch], sa[ch][pos:pos+block])
					copy(y[ch], sb[ch][pos:pos+block])
				}
				if mode != "pair" || !c.ProcessPair(x, d, y) {
					c.Process(x)
					d.Process(y)
				}
				pos = (pos + block) % (len(sa[0]) - block)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*block*4), "ns/sample/ch")
		})
	}
}
