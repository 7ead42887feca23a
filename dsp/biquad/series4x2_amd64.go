//go:build !purego

package biquad

import (
	"math"

	"golang.org/x/sys/cpu"

	"github.com/mixdown/mixdown/dsp"
)

// series4x2SSE2 is in series4x2_amd64.s.
//
//go:noescape
func series4x2SSE2(c *[44]float64, s *[16]float64, x0, x1 *float64, n, phase, every int) int

// series4x2 is series4 over x0 with memories s0 and over x1 with s1, with
// both channels in the two lanes of SSE2 registers: one recursion's latency
// serves both channels, where series4 waits on it once per channel. The
// result is series4's, bit for bit (see series4x2SSE2 and
// TestSeries4x2MatchesScalar). x1 must be as long as x0.
func series4x2(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64) {
	series4x2Every(c, s0, s1, x0, x1, 0, 0)
}

// series4x2Flushing is ProcessSeries2 for four sections: series4x2 over
// the whole of x0 and x1 with the checkpoints (flushAll every
// FlushInterval frames, counted from n) inside the kernel, so a block is
// one call rather than one per interval. It returns the count after the
// block.
func series4x2Flushing(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64, n int) int {
	return series4x2Every(c, s0, s1, x0, x1, n, FlushInterval)
}

func series4x2Every(c *[4]Coeffs, s0, s1 *[4]State, x0, x1 []float64, phase, every int) int {
	if len(x0) == 0 {
		return phase
	}
	x1 = x1[:len(x0)]
	var cc [44]float64
	var st [16]float64
	for k := range c {
		q := (*[10]float64)(cc[10*k:])
		q[0], q[1] = c[k].B0, c[k].B0
		q[2], q[3] = c[k].B1, c[k].B1
		q[4], q[5] = c[k].B2, c[k].B2
		q[6], q[7] = c[k].A1, c[k].A1
		q[8], q[9] = c[k].A2, c[k].A2
		m := (*[4]float64)(st[4*k:])
		m[0], m[1], m[2], m[3] = s0[k].s1, s1[k].s1, s0[k].s2, s1[k].s2
	}
	abs := math.Float64frombits(1<<63 - 1)
	cc[40], cc[41], cc[42], cc[43] = abs, abs, dsp.DenormalThreshold, dsp.DenormalThreshold
	phase = series4x2SSE2(&cc, &st, &x0[0], &x1[0], len(x0), phase, every)
	for k := range c {
		m := (*[4]float64)(st[4*k:])
		s0[k].s1, s1[k].s1, s0[k].s2, s1[k].s2 = m[0], m[1], m[2], m[3]
	}
	return phase
}

// series4x2x2AVX is in series4x2x2_amd64.s.
//
//go:noescape
func series4x2x2AVX(c *[88]float64, s *[32]float64, xa0, xa1, xb0, xb1 *float64, n, phase, every int) int

// pairKernel reports whether series4x2x2Flushing runs: it needs AVX.
var pairKernel = cpu.X86.HasAVX

// series4x2x2Flushing is series4x2Flushing for two stereo signals at once,
// a (sections ca, memories sa0 and sa1, channels xa0 and xa1) and b, in
// the four lanes of AVX registers, with the checkpoints counted from n for
// all of them; it returns the count after the block. Every channel gets
// series4x2Flushing's bits (see series4x2x2AVX and
// TestSeries4x2x2MatchesPairs). Only when pairKernel; all four channels
// as long as xa0.
func series4x2x2Flushing(ca, cb *[4]Coeffs, sa0, sa1, sb0, sb1 *[4]State, xa0, xa1, xb0, xb1 []float64, n int) int {
	if len(xa0) == 0 {
		return n
	}
	xa1, xb0, xb1 = xa1[:len(xa0)], xb0[:len(xa0)], xb1[:len(xa0)]
	var cc [88]float64
	var st [32]float64
	for k := range ca {
		for j, v := range [5][2]float64{
			{ca[k].B0, cb[k].B0}, {ca[k].B1, cb[k].B1}, {ca[k].B2, cb[k].B2},
			{ca[k].A1, cb[k].A1}, {ca[k].A2, cb[k].A2},
		} {
			q := (*[4]float64)(cc[4*(5*k+j):])
			q[0], q[1], q[2], q[3] = v[0], v[0], v[1], v[1]
		}
		m := (*[8]float64)(st[8*k:])
		m[0], m[1], m[2], m[3] = sa0[k].s1, sa1[k].s1, sb0[k].s1, sb1[k].s1
		m[4], m[5], m[6], m[7] = sa0[k].s2, sa1[k].s2, sb0[k].s2, sb1[k].s2
	}
	abs := math.Float64frombits(1<<63 - 1)
	for i := range 4 {
		cc[80+i], cc[84+i] = abs, dsp.DenormalThreshold
	}
	n = series4x2x2AVX(&cc, &st, &xa0[0], &xa1[0], &xb0[0], &xb1[0], len(xa0), n, FlushInterval)
	for k := range ca {
		m := (*[8]float64)(st[8*k:])
		sa0[k].s1, sa1[k].s1, sb0[k].s1, sb1[k].s1 = m[0], m[1], m[2], m[3]
		sa0[k].s2, sa1[k].s2, sb0[k].s2, sb1[k].s2 = m[4], m[5], m[6], m[7]
	}
	return n
}
