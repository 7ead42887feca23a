package biquad

// Fused series kernels.
//
// One section's recursion is a chain of dependent operations per sample
// (y needs s1, the next s1 needs y), so a loop over one section waits on
// floating-point latency most of the time. Running several sections (and
// channels) in the same loop gives the CPU independent chains to overlap:
// section k+1 works on sample i while section k starts sample i+1. Every
// section still performs exactly the operations of State.Process, in the
// same order, on the same values, so the output is bit-identical to running
// the sections one after another.

// ProcessSeries filters x in place through the sections c[k] in order, each
// with its memory s[k]: the same result, bit for bit, as calling
// s[k].Process(&c[k], x) for k = 0, 1, ..., in one pass over x per four
// sections. len(s) must be at least len(c).
//
// The fused kernels run between flush checkpoints (see FlushInterval). When
// the states are at the same point between checkpoints, as states reset
// together and run together always are, one run ends at the same sample for
// all of them; otherwise the sections run one after another.
func ProcessSeries(c []Coeffs, s []State, x []float64) {
	s = s[:len(c)]
	if len(c) == 0 {
		return
	}
	n := s[0].n
	for k := range s {
		if s[k].n != n {
			for k := range c {
				s[k].Process(&c[k], x)
			}
			return
		}
	}
	for len(x) > 0 {
		m := min(len(x), FlushInterval-n)
		seriesRun(c, s, x[:m])
		if n += m; n == FlushInterval {
			flushAll(s)
			n = 0
		}
		x = x[m:]
	}
	for k := range s {
		s[k].n = n
	}
}

// seriesRun is ProcessSeries over x without flushing or counting.
func seriesRun(c []Coeffs, s []State, x []float64) {
	for len(c) > 0 {
		switch {
		case len(c) >= 4:
			series4((*[4]Coeffs)(c), (*[4]State)(s), x)
			c, s = c[4:], s[4:]
		case len(c) >= 2:
			series2((*[2]Coeffs)(c), (*[2]State)(s), x)
			c, s = c[2:], s[2:]
		default:
			s[0].run(&c[0], x)
			c, s = c[1:], s[1:]
		}
	}
}

func flushAll(s []State) {
	for k := range s {
		s[k].flush()
	}
}

// ProcessSeries2 is ProcessSeries for two channels that share the
// sections: x0 with memory s0 and x1 with memory s1, in one pass. x1 must
// be as long as x0.
func ProcessSeries2(c []Coeffs, s0, s1 []State, x0, x1 []float64) {
	s0, s1 = s0[:len(c)], s1[:len(c)]
	x1 = x1[:len(x0)]
	if len(c) == 0 {
		return
	}
	n := s0[0].n
	for k := range s0 {
		if s0[k].n != n || s1[k].n != n {
			ProcessSeries(c, s0, x0)
			ProcessSeries(c, s1, x1)
			return
		}
	}
	if len(c) == 4 { // the common EQ: one kernel call per block
		n = series4x2Flushing((*[4]Coeffs)(c), (*[4]State)(s0), (*[4]State)(s1), x0, x1, n)
	} else {
		for len(x0) > 0 {
			m := min(len(x0), FlushInterval-n)
			series2Run(c, s0, s1, x0[:m], x1[:m])
			if n += m; n == FlushInterval {
				flushAll(s0)
				flushAll(s1)
				n = 0
			}
			x0, x1 = x0[m:], x1[m:]
		}
	}
	for k := range s0 {
		s0[k].n, s1[k].n = n, n
	}
}

// PairKernel reports whether ProcessSeries2Pair runs pairs on this
// machine (amd64 with AVX, without -tags purego).
func PairKernel() bool { return pairKernel }

// ProcessSeries2Pair is ProcessSeries2 for two stereo signals at once: a
// (sections ca, memories sa0 and sa1, channels xa0 and xa1) and b, each
// with its own sections and memories, in one pass where a kernel can run
// them together (four sections each, AVX on amd64). Two independent
// recursions then share one pass's latency. Each signal gets exactly
// ProcessSeries2's bits. It reports false, having changed nothing, when no
// kernel runs this pair: call ProcessSeries2 for each. All four channels
// must be as long as xa0.
func ProcessSeries2Pair(ca []Coeffs, sa0, sa1 []State, xa0, xa1 []float64, cb []Coeffs, sb0, sb1 []State, xb0, xb1 []float64) bool {
	if !pairKernel || len(ca) != 4 || len(cb) != 4 || len(sa0) < 4 || len(sa1) < 4 || len(sb0) < 4 || len(sb1) < 4 {
		return false
	}
	n := sa0[0].n
	for k := range 4 {
		if sa0[k].n != n || sa1[k].n != n || sb0[k].n != n || sb1[k].n != n {
			return false
		}
	}
	n = series4x2x2Flushing((*[4]Coeffs)(ca), (*[4]Coeffs)(cb), (*[4]State)(sa0), (*[4]State)(sa1), (*[4]State)(sb0), (*[4]State)(sb1), xa0, xa1, xb0, xb1, n)
	for k := range 4 {
		sa0[k].n, sa1[k].n, sb0[k].n, sb1[k].n = n, n, n, n
	}
	return true
}

// series2Run is ProcessSeries2 over x0, x1 without flushing or counting.
func series2Run(c []Coeffs, s0, s1 []State, x0, x1 []float64) {
	for len(c) > 0 {
		switch {
		case len(c) >= 4:
			series4x2((*[4]Coeffs)(c), (*[4]State)(s0), (*[4]State)(s1), x0, x1)
			c, s0, s1 = c[4:], s0[4:], s1[4:]
		case len(c) >= 2:
			series2x2((*[2]Coeffs)(c), (*[2]State)(s0), (*[2]State)(s1), x0, x1)
			c, s0, s1 = c[2:], s0[2:], s1[2:]
		default:
			series1x2(&c[0], &s0[0], &s1[0], x0, x1)
			c, s0, s1 = c[1:], s0[1:], s1[1:]
		}
	}
}

// The kernels below run the recursion of State.run, fused, without
// flushing or counting: their callers split blocks at the checkpoints.

func series2(c *[2]Coeffs, s *[2]State, x []float64) {
	c0, c1 := &c[0], &c[1]
	a1, a2 := s[0].s1, s[0].s2
	b1, b2 := s[1].s1, s[1].s2
	for i, in := range x {
		y0 := float64(c0.B0*in) + a1
		a1 = float64(c0.B1*in) - float64(c0.A1*y0) + a2
		a2 = float64(c0.B2*in) - float64(c0.A2*y0)
		y1 := float64(c1.B0*y0) + b1
		b1 = float64(c1.B1*y0) - float64(c1.A1*y1) + b2
		b2 = float64(c1.B2*y0) - float64(c1.A2*y1)
		x[i] = y1
	}
	s[0].s1, s[0].s2 = a1, a2
	s[1].s1, s[1].s2 = b1, b2
}

func series4(c *[4]Coeffs, s *[4]State, x []float64) {
	c0, c1, c2, c3 := &c[0], &c[1], &c[2], &c[3]
	a1, a2 := s[0].s1, s[0].s2
	b1, b2 := s[1].s1, s[1].s2
	d1, d2 := s[2].s1, s[2].s2
	e1, e2 := s[3].s1, s[3].s2
	for i, in := range x {
		y0 := float64(c0.B0*in) + a1
		a1 = float64(c0.B1*in) - float64(c0.A1*y0) + a2
		a2 = float64(c0.B2*in) - float64(c0.A2*y0)
		y1 := float64(c1.B0*y0) + b1
		b1 = float64(c1.B1*y0) - float64(c1.A1*y1) + b2
		b2 = float64(c1.B2*y0) - float64(c1.A2*y1)
		y2 := float64(c2.B0*y1) + d1
		d1 = float64(c2.B1*y1) - float64(c2.A1*y2) + d2
		d2 = float64(c2.B2*y1) - float64(c2.A2*y2)
		y3 := float64(c3.B0*y2) + e1
		e1 = float64(c3.B1*y2) - float64(c3.A1*y3) + e2
		e2 = float64(c3.B2*y2) - float64(c3.A2*y3)
		x[i] = y3
	}
	s[0].s1, s[0].s2 = a1, a2
	s[1].s1, s[1].s2 = b1, b2
	s[2].s1, s[2].s2 = d1, d2
	s[3].s1, s[3].s2 = e1, e2
}

func series1x2(c *Coeffs, s0, s1 *State, x0, x1 []float64) {
	b0, b1, b2, a1, a2 := c.B0, c.B1, c.B2, c.A1, c.A2
	p1, p2 := s0.s1, s0.s2
	q1, q2 := s1.s1, s1.s2
	x1 = x1[:len(x0)]
	for i, in := range x0 {
		jn := x1[i]
		y := float64(b0*in) + p1
		z := float64(b0*jn) + q1
		p1 = float64(b1*in) - float64(a1*y) + p2
		q1 = float64(b1*jn) - float64(a1*z) + q2
		p2 = float64(b2*in) - float64(a2*y)
		q2 = float64(b2*jn) - float64(a2*z)
		x0[i] = y
		x1[i] = z
	}
	s0.s1, s0.s2 = p1, p2
	s1.s1, s1.s2 = q1, q2
}

func series2x2(c *[2]Coeffs, s0, s1 *[2]State, x0, x1 []float64) {
	c0, c1 := &c[0], &c[1]
	a1, a2 := s0[0].s1, s0[0].s2
	b1, b2 := s0[1].s1, s0[1].s2
	p1, p2 := s1[0].s1, s1[0].s2
	q1, q2 := s1[1].s1, s1[1].s2
	x1 = x1[:len(x0)]
	for i, in := range x0 {
		jn := x1[i]
		y0 := float64(c0.B0*in) + a1
		z0 := float64(c0.B0*jn) + p1
		a1 = float64(c0.B1*in) - float64(c0.A1*y0) + a2
		p1 = float64(c0.B1*jn) - float64(c0.A1*z0) + p2
		a2 = float64(c0.B2*in) - float64(c0.A2*y0)
		p2 = float64(c0.B2*jn) - float64(c0.A2*z0)
		y1 := float64(c1.B0*y0) + b1
		z1 := float64(c1.B0*z0) + q1
		b1 = float64(c1.B1*y0) - float64(c1.A1*y1) + b2
		q1 = float64(c1.B1*z0) - float64(c1.A1*z1) + q2
		b2 = float64(c1.B2*y0) - float64(c1.A2*y1)
		q2 = float64(c1.B2*z0) - float64(c1.A2*z1)
		x0[i] = y1
		x1[i] = z1
	}
	s0[0].s1, s0[0].s2 = a1, a2
	s0[1].s1, s0[1].s2 = b1, b2
	s1[0].s1, s1[0].s2 = p1, p2
	s1[1].s1, s1[1].s2 = q1, q2
}
