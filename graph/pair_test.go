package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// TestPairsSameBits: tracks shaped alike run their chains in pairs, and
// the master is the same, bit for bit, as with every chain run alone, for
// several block sizes and worker counts. The mix has pairs with different
// settings, a track left over, a mono track, a track whose EQ has another
// number of sections (a pair whose EQs cannot run together) and program-
// like sources loud enough to compress.
func TestPairsSameBits(t *testing.T) {
	dir := t.TempDir()
	const n = 24000
	rng := rand.New(rand.NewPCG(11, 12))
	source := func() []float64 {
		x := make([]float64, n)
		f, env := 50+rng.Float64()*2000, 0.0
		for i := range x {
			if i%2400 == 0 {
				env = rng.Float64() * 1.5
			}
			env *= 0.9995
			x[i] = env * (math.Sin(2*math.Pi*f*float64(i)/48000) + 0.3*(rng.Float64()*2-1))
		}
		return x
	}
	for i := range 7 {
		chans := [][]float64{source(), source()}
		if i == 5 {
			chans = chans[:1] // mono
		}
		writeWAV(t, filepath.Join(dir, fmt.Sprintf("s%d.wav", i)), 48000, chans...)
	}
	// mix is the mix text with the 3 kHz bell of the tracks in boost
	// raised by 1 dB.
	mix := func(boost ...int) string {
		var sb strings.Builder
		sb.WriteString("mix {\n  sample_rate = 48000\n  tail = 0.1\n}\noutput \"main\" { file = \"out/main.wav\" }\n")
		for i := range 7 {
			writeTrack(&sb, i, slices.Contains(boost, i))
		}
		return sb.String()
	}
	g := mustBuild(t, dir, mix())

	e, err := NewEngine(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, n := range e.nodes {
		if n.partner != nil {
			pairs++
		}
	}
	// t0-t4 and t6 are stereo with the same effects: three pairs (the
	// EQs of the pair with t6 refuse to run together, so that pair's EQs
	// run each alone); mono t5 is left over. Without the pair kernels (no
	// AVX, other architectures, -tags purego) nothing pairs.
	want3 := 3
	if !e.nodes[0].procs[1].(dsp.PairProcessor).Pairs(e.nodes[1].procs[1]) {
		want3 = 0
	}
	e.Close()
	if pairs != want3 {
		t.Fatalf("%d pairs, want %d", pairs, want3)
	}

	want := renderMaster(t, g, Options{noPairs: true})
	for _, opts := range []Options{{}, {BlockSize: 64}, {BlockSize: 1000, Workers: 1}, {BlockSize: 333, Workers: 3}} {
		got := renderMaster(t, g, opts)
		for ch := range want {
			if len(got[ch]) != len(want[ch]) {
				t.Fatalf("%+v: %d frames, want %d", opts, len(got[ch]), len(want[ch]))
			}
			for i := range want[ch] {
				if math.Float64bits(got[ch][i]) != math.Float64bits(want[ch][i]) {
					t.Fatalf("%+v: ch %d frame %d: %v, want %v", opts, ch, i, got[ch][i], want[ch][i])
				}
			}
		}
	}

	// With the render cache: a first render records every pair's chains
	// as they run; edits then leave one track live beside cached ones (it
	// runs alone), or two live tracks that pair again. Each render writes
	// the bytes of a render without pairs or cache.
	cache := NewCache(1 << 30)
	for _, boost := range [][]int{nil, {2}, {0, 1}, {0, 1, 3, 4}} {
		src := mix(boost...)
		sameFiles(t, fmt.Sprintf("boost %v", boost), renderFiles(t, dir, src, Options{Cache: cache, BlockSize: 1000}), renderFiles(t, dir, src, Options{noPairs: true}))
	}
}

// writeTrack writes track i of TestPairsSameBits' mix: a 4-band EQ (five
// for track 6) and a compressor, each track with its own settings.
func writeTrack(sb *strings.Builder, i int, boost bool) {
	boostDB := 0
	if boost {
		boostDB = 1
	}
	name := fmt.Sprintf("s%d.wav", i)
	bands := fmt.Sprintf(`
    highpass  { freq = %d }
    bell      { freq = %d, gain = -3, q = 1 }
    bell      { freq = 3000, gain = %d, q = 1.%d }
    highshelf { freq = 10000, gain = 1.5 }`, 30+10*i, 200+50*i, 1+i+boostDB, i)
	if i == 6 {
		bands += "\n    lowpass { freq = 15000 }"
	}
	fmt.Fprintf(sb, `
track "t%d" {
  source = %q
  gain   = -%d
  pan    = %g
  eq {%s
  }
  compressor {
    threshold = -%d
    ratio     = %d
    attack    = %d
    release   = 100
  }
}
`, i, name, i, float64(i-3)/4, bands, 14+i, 2+i%3, 5+i)
}
