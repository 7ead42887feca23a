package graph

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// poison is a processor that passes its input through and writes bad into
// every channel at sample at (counted since Reset): an effect gone wrong.
type poison struct {
	at, pos int
	bad     float64
}

func (p *poison) Prepare(dsp.Spec) { p.Reset() }
func (p *poison) Reset()           { p.pos = 0 }
func (p *poison) Latency() int     { return 0 }
func (p *poison) Process(buf [][]float64) {
	n := len(buf[0])
	if i := p.at - p.pos; i >= 0 && i < n {
		for _, ch := range buf {
			ch[i] = p.bad
		}
	}
	p.pos += n
}

// withPoison makes the effect at address produce bad at sample at, for
// the rest of the test.
func withPoison(t *testing.T, address string, at int, bad float64) {
	t.Helper()
	testProcessor = func(ce *Effect) dsp.Processor {
		if ce.Address == address {
			return &poison{at: at, bad: bad}
		}
		return nil
	}
	t.Cleanup(func() { testProcessor = nil })
}

const nonFiniteMix = `
track "a" {
  source = "a.wav"
  output = bus.grp
  saturation { drive = 0 }
}
track "b" {
  source = "b.wav"
  output = bus.grp
  limiter { lookahead = 5 }
}
bus "grp" {
  saturation { drive = 0 }
}
output "main" { file = "out/main.wav" }
`

// TestNonFiniteNamesTheNode: a NaN or Inf from any node stops the render
// with that node's address and the time in the song, whatever the block
// size, and nothing is written.
func TestNonFiniteNamesTheNode(t *testing.T) {
	dir := t.TempDir()
	const rate, n = 48000, 20000
	writeWAV(t, filepath.Join(dir, "a.wav"), rate, ramp(n, 0.5))
	writeWAV(t, filepath.Join(dir, "b.wav"), rate, ramp(n, 0.5), ramp(n, 0.25))

	cases := []struct {
		effect  string // the effect that goes wrong
		node    string // the node the error must name
		at      int    // raw sample at which it goes wrong
		bad     float64
		latency bool // the node's output lags the sources by the graph's latency
	}{
		{"track.a.saturation", "track.a", 12345, math.NaN(), false},
		{"track.a.saturation", "track.a", 0, math.Inf(1), false},
		{"track.a.saturation", "track.a", n - 1, math.Inf(-1), false},
		// The bus lines its inputs up with track b's lookahead, so its
		// sample 15000 is the song's 15000 - latency.
		{"bus.grp.saturation", "bus.grp", 15000, math.NaN(), true},
	}
	for _, c := range cases {
		for _, bs := range []int{64, 1000, 4096} {
			withPoison(t, c.effect, c.at, c.bad)
			g := mustBuild(t, dir, nonFiniteMix)
			e, err := NewEngine(g, Options{BlockSize: bs})
			if err != nil {
				t.Fatal(err)
			}
			latency := e.Latency()
			e.Close()
			if latency == 0 {
				t.Fatal("the limiter's lookahead should give the graph a latency")
			}
			want := float64(c.at) / rate
			if c.latency {
				want = float64(int64(c.at)-latency) / rate
			}

			_, err = Render(context.Background(), g, Options{BlockSize: bs})
			var nf *NonFiniteError
			if !errors.As(err, &nf) {
				t.Fatalf("%s at %d, block %d: err = %v, want a NonFiniteError", c.effect, c.at, bs, err)
			}
			if nf.Address != c.node || nf.Seconds != want {
				t.Errorf("%s at %d, block %d: error names %s at %v s, want %s at %v s",
					c.effect, c.at, bs, nf.Address, nf.Seconds, c.node, want)
			}
			if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 0 {
				t.Errorf("%s: out/ holds %d entries after a failed render, want none", c.effect, len(entries))
			}
		}
	}
}

// TestFirstNonFinite checks the block test against every position and
// kind of bad value, including the ones a sum could cancel.
func TestFirstNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, n := range []int{1, 7, 64} {
			for ch := range 2 {
				for i := range n {
					buf := [][]float64{ramp(n, 1), ramp(n, -1)}
					buf[ch][i] = bad
					if n > 1 {
						// +Inf and -Inf elsewhere must not hide each other.
						buf[1-ch][n-1-i] = -bad
					}
					want := min(i, n-1-i)
					if n == 1 {
						want = 0
					}
					if got := firstNonFinite(buf, n); got != want {
						t.Fatalf("bad %v in channel %d at %d of %d: got %d, want %d", bad, ch, i, n, got, want)
					}
				}
			}
		}
	}
	buf := [][]float64{{1e308, -1e308, math.SmallestNonzeroFloat64}, {0, math.Copysign(0, -1), 1}}
	if got := firstNonFinite(buf, 3); got != -1 {
		t.Errorf("finite extremes: got %d, want -1", got)
	}
	// Only the first n frames count.
	if got := firstNonFinite([][]float64{{0, math.NaN()}, {0, 0}}, 1); got != -1 {
		t.Errorf("a NaN past n: got %d, want -1", got)
	}
}

func BenchmarkFirstNonFinite(b *testing.B) {
	buf := [][]float64{ramp(1024, 1), ramp(1024, -1)}
	for range b.N {
		if firstNonFinite(buf, 1024) != -1 {
			b.Fatal("finite block reported")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2048, "ns/sample")
}

// TestPlaceStereoFinite checks the fused placement against placeStereo
// (the same bits) and its check against firstNonFinite, for every position
// of a bad value in stereo and mono input, odd and even lengths, and gains
// that overflow a finite sample or zero a bad one (0·NaN is NaN).
func TestPlaceStereoFinite(t *testing.T) {
	gains := [][2]float64{{0.5, 0.7}, {0, 1}, {1e308, 1}}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300} {
		for _, n := range []int{1, 2, 7, 64} {
			for _, mono := range []bool{false, true} {
				for ch := range 2 {
					for i := range n {
						for _, g := range gains {
							in := [][]float64{ramp(n, 1), ramp(n, -1)}
							if mono {
								in = in[:1]
							}
							in[ch%len(in)][i] = bad
							want := [][]float64{make([]float64, n), make([]float64, n)}
							got := [][]float64{make([]float64, n), make([]float64, n)}
							placeStereo(want, in, g[0], g[1], n)
							finite := placeStereoFinite(got, in, g[0], g[1], n)
							for c := range want {
								for k := range want[c] {
									if math.Float64bits(got[c][k]) != math.Float64bits(want[c][k]) && !(math.IsNaN(got[c][k]) && math.IsNaN(want[c][k])) {
										t.Fatalf("bad %v at %d/%d, gains %v: channel %d frame %d: %v, want %v", bad, i, n, g, c, k, got[c][k], want[c][k])
									}
								}
							}
							if wantFinite := firstNonFinite(want, n) < 0; finite != wantFinite {
								t.Fatalf("bad %v in channel %d at %d of %d (mono %v), gains %v: finite %v, want %v", bad, ch, i, n, mono, g, finite, wantFinite)
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkPlaceChecked is a track's placement and its non-finite check:
// separate passes (placeStereo, firstNonFinite) and one (placeStereoFinite).
func BenchmarkPlaceChecked(b *testing.B) {
	in := [][]float64{ramp(1024, 1), ramp(1024, -1)}
	out := [][]float64{make([]float64, 1024), make([]float64, 1024)}
	b.Run("two-passes", func(b *testing.B) {
		for range b.N {
			placeStereo(out, in, 0.5, 0.7, 1024)
			if firstNonFinite(out, 1024) != -1 {
				b.Fatal("finite block reported")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024, "ns/frame")
	})
	b.Run("fused", func(b *testing.B) {
		for range b.N {
			if !placeStereoFinite(out, in, 0.5, 0.7, 1024) {
				b.Fatal("finite block reported")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1024, "ns/frame")
	})
}
