package reverb

import (
	"fmt"
	"math"
	"testing"
)

func subnormal(v float64) bool { return v != 0 && math.Abs(v) < 0x1p-1022 }

// scaled is in times g: a quiet input whose tail crosses the flush
// threshold soon, as every tail does in the end.
func scaled(in [][]float64, g float64) [][]float64 {
	for ch := range in {
		for i := range in[ch] {
			in[ch][i] *= g
		}
	}
	return in
}

// TestFDNTailBlockInvariance: with the tail crossing the flush
// threshold, blocks around the chunk length (63, 65, 127, irregular) give
// the same bits as sample by sample, and a Reset in the middle of a chunk
// starts again from time zero.
func TestFDNTailBlockInvariance(t *testing.T) {
	const fs = 48000.0
	for _, p := range []Params{
		{DecaySec: 0.3, Size: 0, Damping: 0.3, Mix: 0.7, Width: 1, PredelayMs: 3},
		{DecaySec: 5, Size: 0.8, Damping: 0.9, Mix: 1, Width: 0.5, Seed: 3},
	} {
		for _, channels := range []int{1, 2} {
			name := fmt.Sprintf("%+v, %d ch", p, channels)
			r := prepared(p, fs, channels)
			in := scaled(noiseBurst(5, channels, 30000, 2000), 1e-27)
			ref := render(r, in, 1)
			crossed := false
			for _, v := range ref[0] {
				crossed = crossed || v != 0 && math.Abs(v) < 1e-30
			}
			if !crossed {
				t.Fatalf("%s: the tail does not cross the flush threshold", name)
			}
			for _, sizes := range [][]int{{63}, {65}, {127}, {64}, {4096}, {3, 61, 1, 200, 64, 5, 129, 17}} {
				r.Reset()
				identical(t, fmt.Sprint(name, sizes), ref, render(r, in, sizes...))
			}
			r.Reset()
			render(r, noiseBurst(9, channels, 101, 101), 101) // 101 samples: mid-chunk
			r.Reset()
			identical(t, name+" reset mid-interval", ref, render(r, in, 65))
		}
	}
}

// TestFDNNoSubnormals runs an impulse or burst and then silence through the
// reverb one sample per Process call and inspects every feedback value as
// it is made (the absorption filters' memory after every sample, each
// delay-line and diffuser slot right after it is written, the output): none
// is ever subnormal. Settings: the defaults, the longest decay without and
// with full damping, the shortest decay, light damping (small absorption
// poles), at 48 and 8 kHz (short lines and diffusers). The short decays
// must also reach exact zero in every line, filter and ring within the
// samples their RT60 allows to fall from the peak to 1e-30 (3 decades per
// RT60), plus 25 % and the longest line (they take 11.3 RT60).
func TestFDNNoSubnormals(t *testing.T) {
	type tc struct {
		p      Params
		fs     float64
		gain   float64 // input scale: quiet inputs cross 1e-30 sooner
		n      int     // samples to run
		toZero bool
	}
	def := DefaultParams()
	def.Mix = 1
	cases := []tc{
		{def, 48000, 1e-25, 200000, false},
		{Params{DecaySec: 30, Size: 1, Mix: 1, Width: 1}, 48000, 1e-29, 100000, false},
		{Params{DecaySec: 30, Size: 1, Damping: 1, Mix: 1, Width: 1}, 48000, 1e-29, 100000, false},
		{Params{DecaySec: 0.1, Size: 0, Damping: 0.3, Mix: 1, Width: 1}, 48000, 1, 0, true},
		{Params{DecaySec: 0.5, Size: 0.4, Damping: 0.3, Mix: 1, Width: 1}, 48000, 1, 0, true},
		{Params{DecaySec: 0.2, Size: 0.5, Damping: 0.02, Mix: 1, Width: 1}, 48000, 1, 0, true},
		{Params{DecaySec: 0.2, Size: 0, Damping: 1, Mix: 1, Width: 1}, 8000, 1, 0, true},
		// Light damping on a short decay: absorption poles of 1e-4
		// and 7e-8.
		{Params{DecaySec: 0.5, Size: 0, Damping: 0.001, Mix: 1, Width: 1}, 48000, 1, 0, true},
		{Params{DecaySec: 0.5, Size: 0, Damping: 1e-6, Mix: 1, Width: 1}, 48000, 1, 0, true},
	}
	for _, k := range cases {
		for _, channels := range []int{1, 2} {
			name := fmt.Sprintf("%+v at %g Hz, %d ch", k.p, k.fs, channels)
			r := prepared(k.p, k.fs, channels)
			n := k.n
			if k.toZero {
				longest := 0
				for _, l := range r.Lengths() {
					longest = max(longest, l)
				}
				// Peak below 1: 30 decades to go, 3 per RT60.
				n = int(1.25*10*k.p.DecaySec*k.fs) + longest + 64
			}
			in := scaled(noiseBurst(3, channels, 1, 1), k.gain) // one-sample burst
			buf := make([][]float64, channels)
			for ch := range buf {
				buf[ch] = make([]float64, 1)
			}
			zeroAt := -1
			minB := 1.0
			for _, b := range r.pole {
				if b > 0 {
					minB = min(minB, b)
				}
			}
			for i := range n {
				for ch := range buf {
					buf[ch][0] = 0
					if i == 0 {
						buf[ch][0] = in[ch][0]
					}
				}
				r.Process(buf)
				if k.toZero && i%64 == 63 && zeroAt < 0 && r.quiet() {
					zeroAt = i
				}
				p := i
				for j := range r.line {
					if v := r.line[j][p&r.lineMask]; subnormal(v) {
						t.Fatalf("%s: sample %d: line %d written %g", name, i, j, v)
					}
					if subnormal(r.lp[j]) {
						t.Fatalf("%s: sample %d: absorption filter %d memory %g (pole %g)", name, i, j, r.lp[j], r.pole[j])
					}
				}
				for ch := range r.diff {
					for a := range r.diff[ch] {
						if v := r.diff[ch][a][p&r.diffMask]; subnormal(v) {
							t.Fatalf("%s: sample %d: diffuser %d written %g", name, i, a, v)
						}
					}
					if subnormal(buf[ch][0]) {
						t.Fatalf("%s: sample %d: output %g", name, i, buf[ch][0])
					}
				}
			}
			if !k.toZero {
				continue
			}
			if zeroAt < 0 {
				t.Errorf("%s: state not exactly zero after %d samples", name, n)
			}
			t.Logf("%s: smallest absorption pole %.3g; state zero at sample %d, bound %d", name, minB, zeroAt, n)
		}
	}
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

func (r *FDN) quiet() bool {
	for j := range r.line {
		if r.lp[j] != 0 || !allZero(r.line[j]) {
			return false
		}
	}
	for ch := range r.diff {
		for a := range r.diff[ch] {
			if !allZero(r.diff[ch][a]) {
				return false
			}
		}
	}
	return true
}
