package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
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
	var sb strings.Builder
	sb.WriteString("mix {\n  sample_rate = 48000\n  tail = 0.1\n}\n")
	for i := range 7 {
		name := fmt.Sprintf("s%d.wav", i)
		chans := [][]float64{source(), source()}
		if i == 5 {
			chans = chans[:1] // mono
		}
		writeWAV(t, filepath.Join(dir, name), 48000, chans...)
		bands := fmt.Sprintf(`
    highpass  { freq = %d }
    bell      { freq = %d, gain = -3, q = 1 }
    bell      { freq = 3000, gain = %d, q = 1.%d }
    highshelf { freq = 10000, gain = 1.5 }`, 30+10*i, 200+50*i, 1+i, i)
		if i == 6 {
			bands += "\n    lowpass { freq = 15000 }"
		}
		fmt.Fprintf(&sb, `
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
	g := mustBuild(t, dir, sb.String())

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
	e.Close()
	// t0-t4 and t6 are stereo with the same effects: three pairs (the
	// EQs of the pair with t6 refuse to run together, so that pair's EQs
	// run each alone); mono t5 is left over.
	if pairs != 3 {
		t.Fatalf("%d pairs, want 3", pairs)
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
}
