package dynamics

import (
	"math"

	"github.com/mixdown/mixdown/dsp/biquad"
)

// DefaultKeyChannels is how many sidechain key channels a Compressor can
// filter without PrepareKey (7.1 fits); Prepare sizes for at least
// max(spec.Channels, DefaultKeyChannels).
const DefaultKeyChannels = 8

// sidechainHighpass is the detector's key filter: one RBJ Butterworth
// highpass section (12 dB/octave) per key channel, before rectification.
type sidechainHighpass struct {
	c      biquad.Coeffs
	state  []biquad.State
	active bool
}

func (h *sidechainHighpass) prepare(channels int) {
	h.state = make([]biquad.State, channels)
}

func (h *sidechainHighpass) reset() {
	for i := range h.state {
		h.state[i].Reset()
	}
}

// design sets the cutoff; 0 (or anything not below Nyquist) turns the
// filter off. Turning it off and on again keeps the memory: it is cleared
// by Reset only, like every other state here.
func (h *sidechainHighpass) design(hz, fs float64) {
	h.active = hz > 0 && hz < 0.49*fs
	if h.active {
		h.c = biquad.HighPass(hz, math.Sqrt2/2, fs)
	}
}

// tick filters one sample of key channel ch. A key with more channels than
// were prepared for is a wiring error (see Compressor.PrepareKey).
func (h *sidechainHighpass) tick(ch int, x float64) float64 {
	return h.state[ch].Tick(&h.c, x)
}
