//go:build !amd64 || purego

package dynamics

func curveBallistics(lg, g []float64, k *curveParams, y float64) float64 {
	return curveBallisticsGo(lg, g, k, y)
}

// pairCurve is false: curveBallisticsPair has no kernel here.
const pairCurve = false

// curveBallisticsPair is curveBallistics over a, then over b.
func curveBallisticsPair(lga, ga []float64, ka *curveParams, ya float64, lgb, gb []float64, kb *curveParams, yb float64) (float64, float64) {
	return curveBallisticsGo(lga, ga, ka, ya), curveBallisticsGo(lgb, gb, kb, yb)
}
