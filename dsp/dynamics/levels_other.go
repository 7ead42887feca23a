//go:build !amd64 || purego

package dynamics

func peakLevels2(lv, l, r []float64) uint64 { return peakLevels2Go(lv, l, r) }

func mulSlice(x, gain []float64) { mulSliceGo(x, gain) }
