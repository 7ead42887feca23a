//go:build !purego

package dynamics

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
