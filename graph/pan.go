package graph

import (
	"math"

	"github.com/mixdown/mixdown/dsp/detmath"
)

// PanGains returns the left and right gains for pan position p in [-1, 1].
//
// A mono signal uses the constant-power (-3 dB) sine/cosine law:
//
//	L = cos((1+p)·π/4), R = cos((1-p)·π/4)
//
// so centre gives 0.70710678 (-3.01 dB) on each side and the power sum is 1
// everywhere.
//
// A stereo signal (a stereo source, or any bus) is balanced instead: at
// centre both sides stay at unity; towards +1 the left side follows
// cos(p·π/2) down to silence while the right stays at unity, and the other
// way towards -1. Half right (p = 0.5) is -3.01 dB on the left.
//
// Both formulas are symmetric by construction, so p and -p give mirrored
// gains to the last bit.
func PanGains(p float64, stereo bool) (l, r float64) {
	if stereo {
		l, r = 1, 1
		switch {
		case p > 0:
			l = snap(detmath.Cos(p * math.Pi / 2))
		case p < 0:
			r = snap(detmath.Cos(-p * math.Pi / 2))
		}
		return l, r
	}
	return snap(detmath.Cos((1 + p) * math.Pi / 4)), snap(detmath.Cos((1 - p) * math.Pi / 4))
}

// snap turns cos(π/2)'s 6e-17 into the exact silence a hard pan means.
func snap(g float64) float64 {
	if g < 1e-15 {
		return 0
	}
	return g
}
