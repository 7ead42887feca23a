package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The whole-graph benchmarks render the reference workload of
// docs/performance.md on generated stems: benchTracks stereo tracks of
// benchSeconds at 48 kHz, each through
//
//	eq (highpass 40 Hz, bell 300 Hz -3 dB, bell 3 kHz +2 dB, highshelf
//	10 kHz +1.5 dB) -> compressor (-20 dB, 3:1, 10/100 ms) -> fader -2 dB
//
// summed to the master and limited at -1 dB. The "full" variant adds a
// reverb send, a delay send and a loudness target. Run with
//
//	go test ./graph -run '^$' -bench 'Render|EngineBlock' -benchtime 5x
//
// Metrics: ns/sample/ch is the wall time per sample of every track channel
// (benchTracks x 2 per frame); x-realtime is seconds of song rendered per
// second of wall time; cpu-ms/op is the process's CPU time (user + system,
// all threads; Linux only) per render, which other work on a shared machine
// disturbs less than the wall time.
const (
	benchTracks  = 10
	benchSeconds = 20
	benchRate    = 48000
)

// benchStems writes benchTracks stereo stems of seconds seconds and
// returns their folder. The material is note-like (decaying harmonic
// tones on a beat grid, plus noise hits) and peaks around -6 dBFS, so the
// compressors spend a realistic share of the time above their knee: their
// cost depends on it.
func benchStems(b testing.TB, seconds int) string {
	b.Helper()
	dir := b.TempDir()
	n := seconds * benchRate
	var table [4096]float64
	for i := range table {
		table[i] = math.Sin(2 * math.Pi * float64(i) / float64(len(table)))
	}
	for k := range benchTracks {
		rng := rand.New(rand.NewPCG(uint64(k), 0x6d6978646f776e))
		l, r := make([]float64, n), make([]float64, n)
		beat := benchRate * 60 / 120 / (1 + k%2) // quarter or eighth notes at 120 BPM
		var phase, freq, amp, decay, noise float64
		for i := range n {
			if i%beat == 0 {
				freq = 55 * math.Pow(2, float64(k%5)+float64(rng.IntN(24))/12)
				amp = 0.15 + 0.2*rng.Float64()
				decay = math.Exp(-1 / (0.05 + 0.3*rng.Float64()) / benchRate)
				noise = 0
				if k%4 == 3 {
					noise = 0.3
				}
			}
			var s float64
			for h := 1; h <= 4; h++ {
				s += table[int(phase*float64(h)*float64(len(table)))%len(table)] / float64(h)
			}
			phase += freq / benchRate
			phase -= math.Floor(phase)
			nz := noise * (rng.Float64()*2 - 1)
			l[i] = amp*s + nz
			r[i] = amp*s*0.9 - nz*0.5
			amp *= decay
			noise *= 0.9995
		}
		writeWAV(b, filepath.Join(dir, fmt.Sprintf("t%02d.wav", k)), benchRate, l, r)
	}
	return dir
}

// benchMix is the workload's mix file for the stems in benchStems; full
// adds the reverb and delay sends and a loudness target.
func benchMix(full bool) string {
	var sb strings.Builder
	sb.WriteString("mix {\n  sample_rate = 48000\n}\n")
	for k := range benchTracks {
		fmt.Fprintf(&sb, `
track "t%02d" {
  source = "t%02d.wav"
  gain   = -2
  eq {
    highpass  { freq = 40 }
    bell      { freq = 300, gain = -3, q = 1 }
    bell      { freq = 3000, gain = 2, q = 1 }
    highshelf { freq = 10000, gain = 1.5 }
  }
  compressor {
    threshold = -20
    ratio     = 3
    attack    = 10
    release   = 100
  }
`, k, k)
		if full {
			sb.WriteString("  send {\n    to    = bus.verb\n    level = -14\n  }\n")
			sb.WriteString("  send {\n    to    = bus.echo\n    level = -18\n  }\n")
		}
		sb.WriteString("}\n")
	}
	if full {
		sb.WriteString(`
bus "verb" {
  reverb {
    decay = 1.8
    mix   = 1
  }
}

bus "echo" {
  delay {
    time     = 375
    feedback = 0.3
    mix      = 1
    pingpong = true
    highcut  = 5000
  }
}
`)
	}
	limiter := "  limiter {\n    ceiling   = -1\n    true_peak = false\n  }\n"
	if full {
		limiter = "  limiter {\n    ceiling = -1\n  }\n  target {\n    loudness  = -14\n    true_peak = -1\n  }\n"
	}
	sb.WriteString("\nmaster {\n" + limiter + "}\n")
	sb.WriteString("\noutput \"main\" {\n  file      = \"out/bench.wav\"\n  bit_depth = 24\n}\n")
	return sb.String()
}

// reportRate reports ns/sample/ch, x-realtime and, given the CPU time at
// the start of the loop (cpuSeconds), cpu-ms/op for a loop that rendered
// frames frames of benchTracks stereo tracks per iteration.
func reportRate(b *testing.B, frames int64, cpu0 float64) {
	b.Helper()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/float64(frames*benchTracks*2), "ns/sample/ch")
	b.ReportMetric(float64(frames)/benchRate/(perOp/1e9), "x-realtime")
	if cpu1 := cpuSeconds(); cpu0 >= 0 && cpu1 >= 0 {
		b.ReportMetric((cpu1-cpu0)*1000/float64(b.N), "cpu-ms/op")
	}
}

// cpuSeconds is the process's user + system CPU time from /proc/self/stat,
// or -1 where there is none. (syscall.Getrusage would not build on every
// platform.) The kernel counts in clock ticks, usually 10 ms.
func cpuSeconds() float64 {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(stat), ')')
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

// BenchmarkRender is a whole render as `mixdown render` does it: sources
// read, graph, master, output stage and a 24-bit file written.
func BenchmarkRender(b *testing.B) {
	dir := benchStems(b, benchSeconds)
	for _, full := range []bool{false, true} {
		name := "chain"
		if full {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			g := mustBuild(b, dir, benchMix(full))
			cpu0 := cpuSeconds()
			for b.Loop() {
				if _, err := Render(context.Background(), g, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, g.Frames, cpu0)
		})
	}
}

// BenchmarkEngineBlock is the cost of one Engine.Next: one master block
// through the graph, without the output stage. Sub-benchmarks vary the
// block size (the output does not depend on it).
func BenchmarkEngineBlock(b *testing.B) {
	dir := benchStems(b, benchSeconds)
	g := mustBuild(b, dir, benchMix(false))
	for _, bs := range []int{256, DefaultBlockSize, 4096} {
		b.Run(fmt.Sprintf("block=%d", bs), func(b *testing.B) {
			open := func() *Engine {
				e, err := NewEngine(g, Options{BlockSize: bs})
				if err != nil {
					b.Fatal(err)
				}
				return e
			}
			e := open()
			var frames int64
			for b.Loop() {
				blk, err := e.Next(context.Background())
				if errors.Is(err, io.EOF) {
					// Start the song again; opening is not what is measured.
					b.StopTimer()
					e.Close()
					e = open()
					b.StartTimer()
					if blk, err = e.Next(context.Background()); err != nil {
						b.Fatal(err)
					}
				} else if err != nil {
					b.Fatal(err)
				}
				frames += int64(len(blk[0]))
			}
			e.Close()
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			perFrame := perOp * float64(b.N) / float64(frames)
			b.ReportMetric(perFrame/(benchTracks*2), "ns/sample/ch")
			b.ReportMetric(1e9/benchRate/perFrame, "x-realtime")
		})
	}
}

// BenchmarkRerender is watch mode's case: the full workload (benchMix(true):
// EQ and compressor on every track, reverb and delay sends, a loudness
// target) at 3 minutes, rendered in full ("full", no cache), then re-rendered
// after changing one track's EQ gain ("eq-edit", every op a new value, the
// cache holding the render before). ratio is eq-edit's time over full's: the
// issue's goal is at most 0.2. Run with
//
//	go test ./graph -run '^$' -bench Rerender -benchtime 3x -timeout 30m
//
// (MIXDOWN_BENCH_SECONDS sets another song length; bench/watch.sh runs it.)
func BenchmarkRerender(b *testing.B) {
	secs := 180
	if s, err := strconv.Atoi(os.Getenv("MIXDOWN_BENCH_SECONDS")); err == nil && s > 0 {
		secs = s
	}
	dir := benchStems(b, secs)
	base := benchMix(true)
	edit := func(gain float64) string {
		at := strings.Index(base, `track "t03"`)
		rest := strings.Replace(base[at:], "bell      { freq = 3000, gain = 2, q = 1 }",
			fmt.Sprintf("bell      { freq = 3000, gain = %.3f, q = 1 }", gain), 1)
		return base[:at] + rest
	}
	var full float64
	b.Run("full", func(b *testing.B) {
		g := mustBuild(b, dir, base)
		cpu0 := cpuSeconds()
		for b.Loop() {
			if _, err := Render(context.Background(), g, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, g.Frames, cpu0)
		full = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("eq-edit", func(b *testing.B) {
		cache := NewCache(DefaultCacheBytes)
		if _, err := Render(context.Background(), mustBuild(b, dir, base), Options{Cache: cache}); err != nil {
			b.Fatal(err)
		}
		cpu0 := cpuSeconds()
		var st Stats
		var frames int64
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			g := mustBuild(b, dir, edit(2+float64(i)/100)) // loading is watch's work too, but tiny
			b.StartTimer()
			if _, err := Render(context.Background(), g, Options{Cache: cache, Stats: &st}); err != nil {
				b.Fatal(err)
			}
			frames = g.Frames
		}
		reportRate(b, frames, cpu0)
		if st.NodeFrames > 0 {
			b.ReportMetric(100*float64(st.CachedFrames)/float64(st.NodeFrames), "%cached")
		}
		if full > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/full, "ratio")
		}
	})
}
