package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp"
)

// curveParams are the constants of the compressor's per-frame loop for one
// block, laid out for the assembly kernel (curve_amd64.s reads them by
// offset: keep the order).
type curveParams struct {
	dbPerUnit float64 // dB per unit of the level's Log2
	kneeLo    float64 // gainComputer.kneeLo
	kneeHi    float64 // gainComputer.kneeHi
	kneeBits  uint64  // gainComputer.kneeBits
	invTwoW   float64 // gainComputer.invTwoW
	slope     float64 // gainComputer.slope
	start     float64 // the level at or below which the reduction is 0
	attack    float64 // ballistics.attack
	release   float64 // ballistics.release
	makeupDB  float64
	// Constants, here so that the kernel loads them like the rest.
	octavesPerDB   float64
	releaseFloorDB float64
	flush          float64 // dsp.DenormalThreshold
	negFlush       float64 // -dsp.DenormalThreshold
	// attackAbove is 1 when attack > release: the kernel then picks the
	// attack product with a min instead of a max (see curve_amd64.s).
	attackAbove uint64
}

// withConstants returns k with its constant fields filled in.
func (k curveParams) withConstants() curveParams {
	k.octavesPerDB, k.releaseFloorDB = octavesPerDB, releaseFloorDB
	k.flush, k.negFlush = dsp.DenormalThreshold, -dsp.DenormalThreshold
	k.attackAbove = 0
	if k.attack > k.release {
		k.attackAbove = 1
	}
	return k
}

// curveBallisticsGo is the compressor's per-frame loop: for each frame the
// static gain reduction (gainComputer.reduction, written out on k's
// fields) of the level whose Log2 is lg[i], exactly 0 where the linear
// level lv[i] is not above k.start, then the ballistics (the only
// recursion), then the gain's exponent in octaves, (makeup - y)/6.02,
// into g[i]. lv and g may be the same slice (each level is read before
// its frame is written). It returns the ballistics state after the
// block.
//
// The curve of later frames overlaps the recursion's latency. On amd64
// curveBallistics runs this loop as an assembly kernel with the same
// operations, in the same order, on the same bits.
func curveBallisticsGo(lg, g []float64, k *curveParams, y float64) float64 {
	kneeLo, kneeHi, kneeBits := k.kneeLo, k.kneeHi, k.kneeBits
	invTwoW, slope, start, dbPerUnit := k.invTwoW, k.slope, k.start, k.dbPerUnit
	bal := ballistics{attack: k.attack, release: k.release}
	makeupDB := k.makeupDB
	lg = lg[:len(g)]
	for i, v := range g {
		// The static gain reduction in dB for the level l·dbPerUnit,
		// exactly 0 where the level is at or below the knee start (and for
		// NaN): a conditional move, not a branch.
		xdB := float64(lg[i] * dbPerUnit)
		t := math.Float64frombits(min(reluBits(xdB-kneeLo), kneeBits))
		r := math.Float64bits(float64(slope * (float64(float64(t*t)*invTwoW) + math.Float64frombits(reluBits(xdB-kneeHi)))))
		if !(v > start) {
			r = 0
		}
		y = bal.step(y, math.Float64frombits(r))
		g[i] = float64((makeupDB - y) * octavesPerDB)
	}
	return y
}
