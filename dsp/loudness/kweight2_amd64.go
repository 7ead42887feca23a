//go:build !purego

package loudness

// kweight2SSE2 is in kweight2_amd64.s.
//
//go:noescape
func kweight2SSE2(c *[20]float64, st *[14]float64, x, y *float64, n int)

// filter2 is filter on two channels in one loop (x with st and acc, y
// with su and bcc). On amd64 the channels run in the two lanes of SSE2
// registers (kweight2SSE2: filter2Go's operations in its order per lane,
// so the same bits; TestFilter2MatchesScalar). y must be as long as x.
func (m *Meter) filter2(st, su *kState, x, y []float64, acc, bcc float64) (float64, float64) {
	if len(x) == 0 {
		return acc, bcc
	}
	y = y[:len(x)]
	var c [20]float64
	for k, q := range [2]*Biquad{&m.k1, &m.k2} {
		d := (*[10]float64)(c[10*k:])
		d[0], d[1] = q.B0, q.B0
		d[2], d[3] = q.B1, q.B1
		d[4], d[5] = q.B2, q.B2
		d[6], d[7] = q.A1, q.A1
		d[8], d[9] = q.A2, q.A2
	}
	s := [14]float64{st.x1, su.x1, st.x2, su.x2, st.s1, su.s1, st.s2, su.s2, st.o1, su.o1, st.o2, su.o2, acc, bcc}
	kweight2SSE2(&c, &s, &x[0], &y[0], len(x))
	st.x1, su.x1, st.x2, su.x2, st.s1, su.s1 = s[0], s[1], s[2], s[3], s[4], s[5]
	st.s2, su.s2, st.o1, su.o1, st.o2, su.o2 = s[6], s[7], s[8], s[9], s[10], s[11]
	return s[12], s[13]
}
