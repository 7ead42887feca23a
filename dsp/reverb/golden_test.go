package reverb

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// goldenNoise is integer-seeded noise scaled by powers of two only, so the
// input is the same bits on every machine: a 0.25 s burst, then silence.
func goldenNoise(seed uint64, channels, n int) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 0x72657662))
	in := make([][]float64, channels)
	for ch := range in {
		in[ch] = make([]float64, n)
		for i := range min(n, 12000) {
			in[ch][i] = float64(int32(r.Uint32())) * 0x1p-32
		}
	}
	return in
}

// TestGolden pins the exact output bits of the FDN (two settings, which
// exercise the absorption design, the seeded lengths and predelay) and of
// the convolver. It must pass unchanged on every CPU, GOAMD64 level and
// architecture (docs/determinism.md); a failure on one machine only is a
// determinism bug. Update the constant only for an intentional change.
func TestGolden(t *testing.T) {
	h := uint64(14695981039346656037)
	mix := func(out [][]float64) {
		for _, ch := range out {
			for _, v := range ch {
				h ^= math.Float64bits(v)
				h *= 1099511628211
			}
		}
	}
	for _, p := range []Params{
		{DecaySec: 1.8, PredelayMs: 20, Size: 0.7, Damping: 0.5, Width: 1, Mix: 0.3},
		{DecaySec: 0.4, PredelayMs: 3.3, Size: 0.15, Damping: 0.9, Width: 0.4, Mix: 1, Seed: 12345},
	} {
		mix(render(prepared(p, 48000, 2), goldenNoise(1, 2, 48000), 4096))
	}
	// An impulse response of decaying noise: halving every 1024 samples.
	ir := goldenNoise(2, 2, 20000)
	for ch := range ir {
		for i := range ir[ch] {
			ir[ch][i] = math.Ldexp(ir[ch][i], -i/1024)
		}
	}
	c, err := NewConvolver(ir, ConvParams{Mix: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	c.Prepare(dsp.Spec{SampleRate: 48000, MaxBlock: 4096, Channels: 2})
	mix(render(c, goldenNoise(3, 2, 30000), 4096))
	const want = 0x9255e9c179e9a302
	if h != want {
		t.Errorf("output hash %#x, want %#x", h, uint64(want))
	}
}
