package dynamics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp/detmath"
	"github.com/mixdown/mixdown/dsp/internal/bittest"
)

// TestCurveBallisticsMatchesGo checks curveBallistics (the assembly kernel
// on amd64) against curveBallisticsGo bit for bit: every output exponent
// and the state after each block, for hard and soft knees, attack faster
// and slower than release, zero time constants, makeup gain, and levels
// that dwell below the knee (the release floor and the flush), cross it
// every frame, sit exactly on the start, or are NaN, Inf, 0, subnormal or
// huge.
func TestCurveBallisticsMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for ci, cf := range curveConfigs {
		for _, rms := range []bool{false, true} {
			k := cf.params(rms)
			yAsm, yGo := 0.0, 0.0
			for block := range 60 {
				lv := curveLevels(rng, block, 1+rng.IntN(700), k.start, rms)
				lg := make([]float64, len(lv))
				detmath.Log2Slice(lg, lv)
				gAsm := append([]float64(nil), lv...)
				gGo := append([]float64(nil), lv...)
				yAsm = curveBallistics(lg, gAsm, &k, yAsm)
				yGo = curveBallisticsGo(lg, gGo, &k, yGo)
				for i := range gGo {
					if !bittest.Same(gAsm[i], gGo[i]) {
						t.Fatalf("config %d rms %v block %d frame %d (level %v, log %v): kernel %v (%#x), Go %v (%#x)",
							ci, rms, block, i, lv[i], lg[i], gAsm[i], math.Float64bits(gAsm[i]), gGo[i], math.Float64bits(gGo[i]))
					}
				}
				if !bittest.Same(yAsm, yGo) {
					t.Fatalf("config %d rms %v block %d: state %v, Go %v", ci, rms, block, yAsm, yGo)
				}
				if math.IsNaN(yGo) { // a NaN stays; start the next block clean
					yAsm, yGo = 0, 0
				}
			}
		}
	}
}

type curveConfig struct {
	threshold, ratio, knee, attack, release, makeup float64
}

// curveConfigs are the compressor settings the kernels are checked with.
var curveConfigs = []curveConfig{
	{-20, 3, 0, 10, 100, 0},  // the benchmark's
	{-20, 3, 6, 10, 100, 3},  // soft knee, makeup
	{-30, 8, 12, 200, 5, -2}, // attack slower than release
	{-10, 2, 0, 0, 50, 0},    // instant attack
	{-10, 20, 2, 5, 0, 1},    // instant release
	{-18, 4, 6, 30, 30, 0},   // equal constants
	{0, 1, 0, 10, 100, 0},    // ratio 1: slope 0
	{-60, 100, 24, 1, 1000, 12},
}

// params are the kernel's parameters for cf at 48 kHz, for a peak or an
// RMS detector.
func (cf curveConfig) params(rms bool) curveParams {
	gc := newGainComputer(cf.threshold, cf.ratio, cf.knee)
	bal := newBallistics(cf.attack, cf.release, 48000)
	start, dbPerUnit := gc.kneeStart, dbPerOctave
	if rms {
		start, dbPerUnit = start*start, dbPerOctave/2
	}
	return curveParams{
		dbPerUnit: dbPerUnit, kneeLo: gc.kneeLo, kneeHi: gc.kneeHi,
		kneeBits: gc.kneeBits, invTwoW: gc.invTwoW, slope: gc.slope,
		start: start, attack: bal.attack, release: bal.release,
		makeupDB: cf.makeup,
	}.withConstants()
}

// curveLevels returns n detector levels for test block number block:
// silence (the release toward the floor), exactly the knee start,
// program-like levels that cross the knee unpredictably, some with NaN,
// Inf, 0, subnormal, huge, negative and -0 levels among them, and (block
// 59) values from the whole float64 range.
func curveLevels(rng *rand.Rand, block, n int, start float64, rms bool) []float64 {
	specials := []float64{math.NaN(), math.Inf(1), 0, 5e-324, 1e-300, 1e300, -1, math.Copysign(0, -1)}
	lv := make([]float64, n)
	amp := math.Pow(10, -3*rng.Float64()) // 0 to -60 dB
	for i := range lv {
		switch mode := block % 6; {
		case mode == 0: // silence: the release toward the floor
			lv[i] = 0
		case mode == 1: // exactly at the start
			lv[i] = start
		case mode == 5 && rng.IntN(4) == 0:
			lv[i] = specials[rng.IntN(len(specials))]
		default: // program-like: crosses the knee unpredictably
			lv[i] = amp * math.Abs(rng.NormFloat64())
			if rms {
				lv[i] *= lv[i]
			}
		}
	}
	if block == 59 {
		for i := range lv {
			lv[i] = bittest.Value(rng, 1e300)
		}
	}
	return lv
}

// TestCurveBallisticsCoversBranches makes sure the inputs above reach the
// kernel's rare paths: the release floor, the flush, and both picks.
func TestCurveBallisticsCoversBranches(t *testing.T) {
	gc := newGainComputer(-20, 3, 0)
	bal := newBallistics(10, 100, 48000)
	k := curveParams{
		dbPerUnit: dbPerOctave, kneeLo: gc.kneeLo, kneeHi: gc.kneeHi, kneeBits: gc.kneeBits,
		invTwoW: gc.invTwoW, slope: gc.slope, start: gc.kneeStart,
		attack: bal.attack, release: bal.release,
	}.withConstants()
	// A burst, then silence: the reduction rises (attack), decays
	// (release) and reaches the floor, after which it is exactly 0.
	lv := make([]float64, 200000)
	for i := range 2000 {
		lv[i] = 1
	}
	lg := make([]float64, len(lv))
	detmath.Log2Slice(lg, lv)
	y := curveBallistics(lg, lv, &k, 0)
	if y != 0 {
		t.Fatalf("after 4 s of silence the reduction is %v, want exactly 0 (the release floor)", y)
	}
	if want := float64((0 - 0.0) * octavesPerDB); lv[len(lv)-1] != want {
		t.Fatalf("last exponent %v, want %v", lv[len(lv)-1], want)
	}
	if lv[1999] >= 0 {
		t.Fatalf("exponent during the burst %v, want a reduction (< 0)", lv[1999])
	}
}

// curveEdgeCase is a block of frames built to sit on a comparison's
// boundary.
type curveEdgeCase struct {
	name  string
	k     curveParams
	y     float64
	lg, g []float64 // g holds the levels on entry
}

// curveEdgeCases are TestCurveBallisticsEdges' blocks.
func curveEdgeCases() []curveEdgeCase {
	base := curveParams{dbPerUnit: 1, slope: 1, start: 0.5, attack: 0.5, release: 0.5}
	return []curveEdgeCase{
		// The level equals the start: no reduction, whatever the log says.
		{"level at start", base, 0, []float64{3, 3}, []float64{0.5, math.Nextafter(0.5, 1)}},
		// d = y - r = -1e-30 and +1e-30 with a coefficient of 1: not
		// flushed (the interval is open); r = xdB = lg.
		{"product at -flush", curveParams{dbPerUnit: 1, slope: 1, attack: 1, release: 1}, 0, []float64{1e-30}, []float64{1}},
		{"product at +flush", curveParams{dbPerUnit: 1, slope: 1, attack: 1, release: 1}, 2e-30, []float64{1e-30}, []float64{1}},
		{"product inside flush", curveParams{dbPerUnit: 1, slope: 1, attack: 1, release: 1}, 0, []float64{5e-31}, []float64{1}},
		// Released from 2e-6 by half with no input: exactly the floor,
		// which is kept; the next frame goes below it and ends at 0.
		{"release at floor", base, 2 * releaseFloorDB, []float64{0, 0}, []float64{0, 0}},
		// Released from 1.5e-6 by half: below the floor at once, so 0.
		{"release below floor", base, 1.5 * releaseFloorDB, []float64{0, 0}, []float64{0, 0}},
	}
}

// TestCurveBallisticsEdges runs both loops on constructed frames that sit
// exactly on each comparison's boundary: a level equal to the start with a
// curve that would reduce, a feedback product of exactly -flush and
// +flush, and a release landing exactly on the floor.
func TestCurveBallisticsEdges(t *testing.T) {
	cases := curveEdgeCases()
	for _, tc := range cases {
		k := tc.k.withConstants()
		gAsm := append([]float64(nil), tc.g...)
		gGo := append([]float64(nil), tc.g...)
		yAsm := curveBallistics(tc.lg, gAsm, &k, tc.y)
		yGo := curveBallisticsGo(tc.lg, gGo, &k, tc.y)
		if !bittest.Same(yAsm, yGo) {
			t.Errorf("%s: state %v, Go %v", tc.name, yAsm, yGo)
		}
		for i := range gGo {
			if !bittest.Same(gAsm[i], gGo[i]) {
				t.Errorf("%s: frame %d: %v, Go %v", tc.name, i, gAsm[i], gGo[i])
			}
		}
	}
	// The cases mean what they say on the Go loop itself.
	k := cases[0].k.withConstants()
	g := []float64{0.5}
	if curveBallisticsGo([]float64{3}, g, &k, 0) != 0 {
		t.Error("a level at the start reduced")
	}
	g = []float64{0}
	if y := curveBallisticsGo([]float64{0}, g, &k, 2*releaseFloorDB); y != releaseFloorDB {
		t.Errorf("release onto the floor: %v, want %v", y, releaseFloorDB)
	}
	k = curveParams{dbPerUnit: 1, slope: 1, attack: 1, release: 1}.withConstants()
	g = []float64{1}
	if y := curveBallisticsGo([]float64{1e-30}, g, &k, 0); y != 0 {
		t.Errorf("product at -flush: state %v, want 0 (-1e-30 kept, plus 1e-30)", y)
	}
	g = []float64{1}
	if y := curveBallisticsGo([]float64{5e-31}, g, &k, 0); y != 5e-31 {
		t.Errorf("product inside flush: state %v, want 5e-31 (flushed to 0, plus r)", y)
	}
}
