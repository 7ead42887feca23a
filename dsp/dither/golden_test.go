package dither

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
)

// goldenSignal is built from integer-seeded noise and exact powers of two
// only (no math.Sin, whose last bits may differ between machines), so it
// is the same everywhere. It covers silence, quiet and loud noise, DC,
// overload and the non-finite values.
func goldenSignal(channels, n int) [][]float64 {
	rng := rand.New(rand.NewPCG(2025, 12))
	out := make([][]float64, channels)
	for c := range out {
		out[c] = make([]float64, n)
	}
	for pos := 0; pos < n; {
		length := min(1+rng.IntN(3000), n-pos)
		scale := math.Ldexp(1, 1-rng.IntN(24)) // +6 .. -132 dBFS
		kind := rng.IntN(4)
		for i := pos; i < pos+length; i++ {
			for c := range out {
				switch kind {
				case 0: // silence
				case 1, 2:
					out[c][i] = scale * (2*rng.Float64() - 1)
				case 3:
					out[c][i] = scale // DC
				}
			}
		}
		pos += length
	}
	out[0][n/2], out[1][n/3], out[2][n/4] = math.NaN(), math.Inf(1), math.Inf(-1)
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

// TestGoldenOutput pins the exact output bits of every kind at every depth
// on a machine-independent input and seed. The arithmetic is integer
// (generator), exact (scaling by powers of two, rounding) or explicitly
// rounded (the shaping filter), so the hashes must be the same on amd64
// (any GOAMD64 level) and arm64. A mismatch after an intentional change
// means: check the change, then update the hash printed in the failure. A
// mismatch on one architecture only is a determinism bug.
func TestGoldenOutput(t *testing.T) {
	in := goldenSignal(3, 30000)
	want := map[string]uint64{}
	for _, kind := range allKinds {
		for _, bits := range allDepths {
			name := fmt.Sprintf("%v/%d", kind, bits)
			got := outputHash(quantize(kind, bits, goldenSeed, in...))
			if w, ok := goldenHashes[name]; !ok || got != w {
				t.Errorf("%s: output hash %#x, want %#x", name, got, w)
			}
			want[name] = got
		}
	}
	if t.Failed() {
		for _, kind := range allKinds {
			for _, bits := range allDepths {
				name := fmt.Sprintf("%v/%d", kind, bits)
				t.Logf("%q: %#x,", name, want[name])
			}
		}
	}
}

// goldenSeed is the golden test's seed: graph.Seed("output.cd"), FNV-1a of the
// address, written out so this package does not import graph.
const goldenSeed = 0x191d7e54c5fc5d9

var goldenHashes = map[string]uint64{
	"none/8":    0x5e06b01fb5ac6bdb,
	"none/16":   0x26e5d3ee8dde32f0,
	"none/24":   0x17ace121505f9865,
	"none/32":   0x770e552308f31924,
	"tpdf/8":    0x5b48b324427b7f6b,
	"tpdf/16":   0x6bf31fcf146546e9,
	"tpdf/24":   0xc3d9714bbf7645a1,
	"tpdf/32":   0x5adac229de35e402,
	"shaped/8":  0x17ca8c0e34abfafa,
	"shaped/16": 0xf2f7776a80b3a9d4,
	"shaped/24": 0x4a9cf306150caa9b,
	"shaped/32": 0xda691bad232836e6,
}
