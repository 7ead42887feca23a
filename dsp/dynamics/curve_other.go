//go:build !amd64 || purego

package dynamics

func curveBallistics(lg, g []float64, k *curveParams, y float64) float64 {
	return curveBallisticsGo(lg, g, k, y)
}
