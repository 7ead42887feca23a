package biquad

import (
	"fmt"
	"math"
	"testing"
)

// seriesSections is a mix of designs (steep and gentle, low and high), as
// an EQ strings them together.
func seriesSections(n int) []Coeffs {
	pool := []Coeffs{
		HighPass(40, math.Sqrt2/2, 48000),
		Peaking(300, 1, -3, 48000),
		Peaking(3000, 1, 2, 48000),
		HighShelf(10000, math.Sqrt2/2, 1.5, 48000),
		LowPass(80, 4, 48000),
		LowShelf(120, 0.7, 6, 48000),
		Notch(60, 10, 48000),
		BandPass(1000, 1, 48000),
		AllPass(5000, 0.5, 48000),
	}
	c := make([]Coeffs, n)
	for k := range c {
		c[k] = pool[k%len(pool)]
	}
	return c
}

// seriesSignal is testSignal with a stretch of silence, so the tails
// decay through the denormal flush, and a restart after it.
func seriesSignal(n, seed int) []float64 {
	x := testSignal(n + seed)[seed:]
	for i := n / 3; i < 2*n/3; i++ {
		x[i] = 0
	}
	x[n/3] = 1e-300 // a subnormal-range input on its way in
	return x
}

// TestSeriesMatchesSections: ProcessSeries and ProcessSeries2 give exactly
// (==) the output and memory of running the sections one after another,
// for every section count and with the signal cut into blocks of any size.
func TestSeriesMatchesSections(t *testing.T) {
	const n = 30000
	for nsec := 0; nsec <= 9; nsec++ {
		c := seriesSections(nsec)
		ref := [2][]float64{seriesSignal(n, 0), seriesSignal(n, 7)}
		refState := [2][]State{make([]State, nsec), make([]State, nsec)}
		for ch := range ref {
			for k := range c {
				refState[ch][k].Process(&c[k], ref[ch])
			}
		}
		for _, block := range []int{1, 7, 64, 1024, n} {
			name := fmt.Sprintf("sections=%d/block=%d", nsec, block)
			one := [2][]float64{seriesSignal(n, 0), seriesSignal(n, 7)}
			two := [2][]float64{seriesSignal(n, 0), seriesSignal(n, 7)}
			oneState := [2][]State{make([]State, nsec), make([]State, nsec)}
			twoState := [2][]State{make([]State, nsec), make([]State, nsec)}
			for i := 0; i < n; i += block {
				j := min(i+block, n)
				for ch := range one {
					ProcessSeries(c, oneState[ch], one[ch][i:j])
				}
				ProcessSeries2(c, twoState[0], twoState[1], two[0][i:j], two[1][i:j])
			}
			for ch := range ref {
				for i := range ref[ch] {
					if one[ch][i] != ref[ch][i] || two[ch][i] != ref[ch][i] {
						t.Fatalf("%s: channel %d sample %d: series %v, series2 %v, sections %v",
							name, ch, i, one[ch][i], two[ch][i], ref[ch][i])
					}
				}
				for k := range refState[ch] {
					if oneState[ch][k] != refState[ch][k] || twoState[ch][k] != refState[ch][k] {
						t.Fatalf("%s: channel %d section %d memory differs", name, ch, k)
					}
				}
			}
		}
	}
}

// TestSeriesFlushes: a decaying tail ends in exact zeros, as with
// State.Process, not in subnormals.
func TestSeriesFlushes(t *testing.T) {
	c := seriesSections(4)
	s0, s1 := make([]State, 4), make([]State, 4)
	x0, x1 := make([]float64, 200000), make([]float64, 200000)
	x0[0], x1[0] = 1, -1
	ProcessSeries2(c, s0, s1, x0, x1)
	for k := range s0 {
		if s0[k].s1 != 0 || s0[k].s2 != 0 || s1[k].s1 != 0 || s1[k].s2 != 0 {
			t.Errorf("section %d memory %v %v after a long silence, want zero", k, s0[k], s1[k])
		}
	}
}

func TestSeriesAllocs(t *testing.T) {
	c := seriesSections(7)
	s0, s1 := make([]State, 7), make([]State, 7)
	x0, x1 := testSignal(512), testSignal(512)
	if a := testing.AllocsPerRun(100, func() {
		ProcessSeries(c, s0, x0)
		ProcessSeries2(c, s0, s1, x0, x1)
	}); a != 0 {
		t.Errorf("allocates %v times", a)
	}
}

// BenchmarkSeries: the workload's 4-section EQ (highpass, two bells, high
// shelf) on a stereo block of 1024, per sample per channel: section by
// section (State.Process), ProcessSeries per channel, ProcessSeries2.
func BenchmarkSeries(b *testing.B) {
	for _, nsec := range []int{1, 2, 4} {
		for _, mode := range []string{"sections", "series", "series2"} {
			b.Run(fmt.Sprintf("n=%d/%s", nsec, mode), func(b *testing.B) { benchSeries(b, nsec, mode) })
		}
	}
}

func benchSeries(b *testing.B, nsec int, mode string) {
	c := seriesSections(nsec)
	src := [2][]float64{testSignal(1024), testSignal(1031)[7:]}
	{
		{
			x := [2][]float64{make([]float64, 1024), make([]float64, 1024)}
			s := [2][]State{make([]State, nsec), make([]State, nsec)}
			for b.Loop() {
				copy(x[0], src[0])
				copy(x[1], src[1])
				switch mode {
				case "sections":
					for ch := range x {
						for k := range c {
							s[ch][k].Process(&c[k], x[ch])
						}
					}
				case "series":
					ProcessSeries(c, s[0], x[0])
					ProcessSeries(c, s[1], x[1])
				case "series2":
					ProcessSeries2(c, s[0], s[1], x[0], x[1])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2048, "ns/sample/ch")
		}
	}
}
