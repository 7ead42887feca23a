package loudness

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

// same compares results exactly (%v prints the shortest representation
// that round-trips) with NaN equal to NaN: TruePeakDBTP is NaN without
// true peak.
func same(a, b Result) bool { return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b) }

func subnormal(v float64) bool { return v != 0 && math.Abs(v) < 2.2250738585072014e-308 }

// TestKWeightingNoSubnormals feeds a burst and then silence through the
// meter one sample per Process call, on the one-channel (filter) and the
// stereo (filter2) paths, and inspects the K-weighting memory after every
// sample: no word is ever subnormal, and all are exactly zero within the
// samples the high pass's pole radius r needs to take the peak state to
// 1e-30, ln(1e-30/peak)/ln(r), plus 10 % and one tick.
func TestKWeightingNoSubnormals(t *testing.T) {
	for _, fs := range []float64{8000, 44100, 48000, 96000, 192000} {
		for _, channels := range []int{1, 2} {
			name := fmt.Sprintf("%g Hz, %d channels", fs, channels)
			m := NewMeterOptions(fs, channels, Options{NoTruePeak: true})
			_, hp := KWeighting(fs)
			r := math.Sqrt(hp.A2) // complex pair (TestKWeighting's design)
			buf := make([][]float64, channels)
			for ch := range buf {
				buf[ch] = make([]float64, 1)
			}
			rng := noise(7)
			burst := int(fs / 10)
			peak, zeroAt := 0.0, -1
			for i := 0; zeroAt < 0 && i < 40*int(fs); i++ {
				for ch := range buf {
					buf[ch][0] = 0
					if i < burst {
						buf[ch][0] = rng.next()
					}
				}
				m.Process(buf)
				all0 := true
				for ch := range m.state {
					s := m.state[ch]
					for _, v := range [...]float64{s.s1, s.s2, s.o1, s.o2} {
						if subnormal(v) {
							t.Fatalf("%s: sample %d: subnormal state %+v", name, i, s)
						}
						all0 = all0 && v == 0
						if i < burst+100 {
							peak = max(peak, math.Abs(v))
						}
					}
				}
				if all0 && i >= burst {
					zeroAt = i - burst
				}
			}
			bound := int(1.1*math.Log(1e-30/peak)/math.Log(r)) + int(fs/1000) + 1
			if zeroAt < 0 || zeroAt > bound {
				t.Errorf("%s: memory zero %d samples after the burst, want within %d", name, zeroAt, bound)
			}
		}
	}
}

// TestFlushBlockInvariance: the flush at tick ends gives identical results
// and memory for blocks that straddle ticks at every phase (ticks of 44 and
// 45 samples at 44.1 kHz) and for mono, stereo and 3-channel meters, and a
// Reset in the middle of a tick starts the tick grid again.
func TestFlushBlockInvariance(t *testing.T) {
	const fs = 44100
	x := programme(fs, 10.5) // the last 1.5 s are silent: tails reach the flush
	for _, channels := range []int{1, 2, 3} {
		in := make([][]float64, channels)
		for ch := range in {
			in[ch] = x[ch%2]
		}
		// The memory after every block is compared with the memory after
		// the same sample of the sample-by-sample run, over the stretch
		// where the tails cross the flush threshold.
		lo, hi := 9*fs, 10*fs+fs/2
		var refAt [][]kState // memory after sample lo+i of the reference
		run := func(m *Meter, blocks func(i int) int) (Result, []kState) {
			for i := 0; i < len(in[0]); {
				j := min(i+blocks(i), len(in[0]))
				b := make([][]float64, channels)
				for ch := range b {
					b[ch] = in[ch][i:j]
				}
				m.Process(b)
				if j > lo && j <= hi {
					if len(refAt) < hi-lo {
						refAt = append(refAt, append([]kState(nil), m.state...))
					} else if !reflect.DeepEqual(m.state, refAt[j-1-lo]) {
						t.Fatalf("%d channels: memory after sample %d differs from sample by sample", channels, j-1)
					}
				}
				i = j
			}
			return m.Result(), append([]kState(nil), m.state...)
		}
		opts := Options{NoTruePeak: true}
		ref, refState := run(NewMeterOptions(fs, channels, opts), func(int) int { return 1 })
		if refState[0].o1 != 0 {
			t.Fatalf("%d channels: memory not flushed at the end: %+v", channels, refState[0])
		}
		sizes := []int{43, 44, 45, 63, 65, 127, 4096}
		for _, bs := range sizes {
			got, st := run(NewMeterOptions(fs, channels, opts), func(int) int { return bs })
			if !same(got, ref) || !reflect.DeepEqual(st, refState) {
				t.Fatalf("%d channels, block %d: differs from sample by sample", channels, bs)
			}
		}
		k := 0
		irregular := func(int) int { k++; return []int{3, 61, 1, 200, 44, 5, 129, 17}[k%8] }
		got, st := run(NewMeterOptions(fs, channels, opts), irregular)
		if !same(got, ref) || !reflect.DeepEqual(st, refState) {
			t.Fatalf("%d channels, irregular blocks: differs from sample by sample", channels)
		}
		m := NewMeterOptions(fs, channels, opts)
		junk := make([][]float64, channels)
		for ch := range junk {
			junk[ch] = x[0][:1000+21] // ends 21 samples into a tick
		}
		m.Process(junk)
		m.Reset()
		got, st = run(m, func(int) int { return 65 })
		if !same(got, ref) || !reflect.DeepEqual(st, refState) {
			t.Fatalf("%d channels: Reset mid-tick then re-render differs", channels)
		}
	}
}
