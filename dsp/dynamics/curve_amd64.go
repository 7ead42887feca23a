//go:build !purego

package dynamics

import (
	"math"

	"golang.org/x/sys/cpu"
)

// curveBallisticsSSE2 is in curve_amd64.s.
//
//go:noescape
func curveBallisticsSSE2(lg, out *float64, n int, k *curveParams, y float64) float64

// curveBallistics is curveBallisticsGo as an assembly kernel: the same
// operations in the same order per frame, so the same bits
// (TestCurveBallisticsMatchesGo), with the recursion's attack/release
// choice made without a branch. On program material the reduction crosses
// the smoothed one unpredictably from frame to frame, and the branch the
// compiler emits for ballistics.step mispredicts there; the kernel
// computes both products, att·(y-x) and rel·(y-x), and keeps the larger
// (both have the sign of y-x, so the larger is the attack product exactly
// when x > y, given att <= rel; the smaller when att > rel).
func curveBallistics(lg, g []float64, k *curveParams, y float64) float64 {
	if len(g) == 0 {
		return y
	}
	lg = lg[:len(g)]
	return curveBallisticsSSE2(&lg[0], &g[0], len(g), k, y)
}

// curveBallistics2AVX is in curve2_amd64.s.
//
//go:noescape
func curveBallistics2AVX(lga, ga, lgb, gb *float64, n int, k *curvePair, y *[2]float64)

// pairCurve reports whether curveBallisticsPair runs a kernel: it needs
// AVX.
var pairCurve = cpu.X86.HasAVX

// curvePair is curveParams for two compressors, every field a lane pair
// (a, b), laid out for curve2_amd64.s (which reads them by offset: keep
// the order).
type curvePair struct {
	dbPerUnit, kneeLo, kneeHi, knee, invTwoW, slope, start  [2]float64
	attack, release, makeupDB, octavesPerDB, releaseFloorDB [2]float64
	flush, abs                                              [2]float64
	attackAbove                                             uint64
}

// curveBallisticsPair is curveBallistics over a (lga, ga, ka, ya) and b,
// both in one pass of the kernel's lanes; it returns each one's state
// after the block. Each gets curveBallisticsGo's bits (NaN payloads
// aside; TestCurveBallisticsPairMatchesGo). Only when pairCurve, with
// ka.attackAbove == kb.attackAbove, and gb as long as ga.
func curveBallisticsPair(lga, ga []float64, ka *curveParams, ya float64, lgb, gb []float64, kb *curveParams, yb float64) (float64, float64) {
	if len(ga) == 0 {
		return ya, yb
	}
	lga, lgb, gb = lga[:len(ga)], lgb[:len(ga)], gb[:len(ga)]
	abs := math.Float64frombits(1<<63 - 1)
	k := curvePair{
		dbPerUnit:      [2]float64{ka.dbPerUnit, kb.dbPerUnit},
		kneeLo:         [2]float64{ka.kneeLo, kb.kneeLo},
		kneeHi:         [2]float64{ka.kneeHi, kb.kneeHi},
		knee:           [2]float64{math.Float64frombits(ka.kneeBits), math.Float64frombits(kb.kneeBits)},
		invTwoW:        [2]float64{ka.invTwoW, kb.invTwoW},
		slope:          [2]float64{ka.slope, kb.slope},
		start:          [2]float64{ka.start, kb.start},
		attack:         [2]float64{ka.attack, kb.attack},
		release:        [2]float64{ka.release, kb.release},
		makeupDB:       [2]float64{ka.makeupDB, kb.makeupDB},
		octavesPerDB:   [2]float64{ka.octavesPerDB, kb.octavesPerDB},
		releaseFloorDB: [2]float64{ka.releaseFloorDB, kb.releaseFloorDB},
		flush:          [2]float64{ka.flush, kb.flush},
		abs:            [2]float64{abs, abs},
		attackAbove:    ka.attackAbove,
	}
	y := [2]float64{ya, yb}
	curveBallistics2AVX(&lga[0], &ga[0], &lgb[0], &gb[0], len(ga), &k, &y)
	return y[0], y[1]
}
