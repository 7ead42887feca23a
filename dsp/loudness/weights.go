package loudness

// Channel weights G_i of ITU-R BS.1770-4 (Table 3 and, for other layouts,
// Table 4: 1.41 for loudspeakers at 60-120 degrees azimuth below 30 degrees
// elevation, 1.0 elsewhere). The LFE channel is not measured (weight 0).
const (
	WeightFront    = 1.0
	WeightSurround = 1.41
	WeightLFE      = 0.0
	// WeightDualMono is the weight of a mono signal that will be played on
	// two loudspeakers (left and right): it counts twice, +3.01 dB. Not a
	// BS.1770 weight; the convention of ffmpeg's ebur128 dualmono option
	// and libebur128's EBUR128_DUAL_MONO.
	WeightDualMono = 2.0
)

// DefaultWeights returns the BS.1770-4 weights for the usual layout of a
// channel count, in WAVE channel order:
//
//	1: mono (C)                          1.0
//	2: L R                               1.0 1.0
//	5: L R C Ls Rs (5.0)                 1.0 1.0 1.0 1.41 1.41
//	6: L R C LFE Ls Rs (5.1)             1.0 1.0 1.0 0 1.41 1.41
//	8: L R C LFE Lb Rb Ls Rs (7.1)       1.0 1.0 1.0 0 1.0 1.0 1.41 1.41
//
// Mono is one channel of weight 1, as BS.1770 and ffmpeg's ebur128 (by
// default) measure it: a -23 dBFS 1 kHz mono sine reads -26 LUFS. For a
// mono file meant for two loudspeakers use NewMeterWeights with
// WeightDualMono (it then reads like the same signal on L and R: -23 LUFS).
// Any other count gets weight 1.0 on every channel; layouts with LFE or
// surrounds must pass their weights to NewMeterWeights.
func DefaultWeights(channels int) []float64 {
	switch channels {
	case 5:
		return []float64{1, 1, 1, WeightSurround, WeightSurround}
	case 6:
		return []float64{1, 1, 1, WeightLFE, WeightSurround, WeightSurround}
	case 8:
		return []float64{1, 1, 1, WeightLFE, 1, 1, WeightSurround, WeightSurround}
	}
	w := make([]float64, max(channels, 0))
	for i := range w {
		w[i] = WeightFront
	}
	return w
}
