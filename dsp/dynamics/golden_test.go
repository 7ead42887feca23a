package dynamics

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
)

// goldenSignal is built from integer-seeded noise and exact powers of two
// only (no math.Sin or math.Pow, whose last bits may differ between
// machines), so it is the same everywhere.
func goldenSignal(n int) [][]float64 {
	rng := rand.New(rand.NewPCG(2024, 11))
	out := zeros(2, n)
	for pos := 0; pos < n; {
		length := min(1+rng.IntN(4000), n-pos)
		scale := math.Ldexp(1, 4-rng.IntN(16)) // +24 .. -66 dBFS
		kind := rng.IntN(4)
		for i := pos; i < pos+length; i++ {
			for ch := range out {
				switch kind {
				case 0: // silence
				case 1:
					out[ch][i] = scale * (2*rng.Float64() - 1)
				case 2:
					out[ch][i] = scale * float64(1-2*((i/(7+ch))&1)) // square
				case 3:
					out[ch][i] = scale // DC
				}
			}
		}
		pos += length
	}
	return out
}

func outputHash(out [][]float64) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, x := range out {
		for _, v := range x {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

// TestGoldenOutput pins the exact output bits of every processor on a
// machine-independent input. The processors do their per-sample and
// coefficient math with dsp/detmath and explicitly rounded products, so the
// hashes must be the same on amd64 (with or without FMA), arm64 and any
// GOAMD64 level. A mismatch after an intentional change to a processor
// means: check the change, then update the hash printed in the failure.
// A mismatch on another architecture only is a determinism bug.
func TestGoldenOutput(t *testing.T) {
	sig := goldenSignal(30000)
	comp := func(mut func(*CompressorParams)) *Compressor {
		p := CompressorParams{ThresholdDB: -30, Ratio: 5, KneeDB: 6, AttackMS: 2, ReleaseMS: 80, LookaheadMS: 2, Mix: 0.8, AutoMakeup: true}
		mut(&p)
		return newPrepared(p, 2)
	}
	limiter := func(tp bool) *Limiter {
		return newLimiter(LimiterParams{CeilingDB: -1, ReleaseMS: 40, LookaheadMS: 3, TruePeak: tp}, 2, testFS)
	}
	for _, tc := range []struct {
		name string
		p    interface{ Process([][]float64) }
		want uint64
	}{
		{"compressor peak", comp(func(*CompressorParams) {}), 0x769b8d6950c35827},
		{"compressor rms", comp(func(p *CompressorParams) { p.Detector = DetectorRMS }), 0x58e4e3ab89a08306},
		{"compressor highpass", comp(func(p *CompressorParams) { p.SidechainHighpassHz = 150 }), 0x8788ca395c08910},
		{"gate", newGate(GateParams{ThresholdDB: -40, RangeDB: -70, AttackMS: 0.3, HoldMS: 10, ReleaseMS: 60}, 2), 0x5ed91b19ac9d1588},
		{"limiter", limiter(false), 0x1ec888c0a57a248f},
		{"limiter true peak", limiter(true), 0x618a59797ba6940b},
		{"deesser", newDeesser(DeesserParams{FreqHz: 5000, ThresholdDB: -30, RangeDB: -10}, 2), 0x5e8c8522c5a1cb35},
	} {
		out := render(func(buf, _ [][]float64) { tc.p.Process(buf) }, sig, nil, []int{500})
		if got := outputHash(out); got != tc.want {
			t.Errorf("%s: output hash %#x, want %#x", tc.name, got, tc.want)
		}
	}
}
