package loudness

// slidingSum gives, after each push, the sum of the last w values pushed
// (values before the first push count as 0), without subtraction.
//
// It is the van Herk / Gil-Werman scheme: values are grouped in blocks of
// w. A window ending inside the current block is the prefix of that block
// plus a suffix of the previous one; suffixes are summed once per block.
// That costs about three additions per push whatever w is, and because
// nothing is ever subtracted, a window of zeros sums to exactly 0 and no
// rounding error carries from one window to the next. The summation order
// depends only on the push count, so results are reproducible.
type slidingSum struct {
	w      int
	i      int       // position in the current block
	raw    []float64 // current block's values
	prefix []float64 // prefix[j] = raw[0] + ... + raw[j]
	suffix []float64 // previous block: suffix[j] = v[j] + ... + v[w-1]; suffix[w] = 0
}

func newSlidingSum(w int) slidingSum {
	return slidingSum{w: w, raw: make([]float64, w), prefix: make([]float64, w), suffix: make([]float64, w+1)}
}

func (s *slidingSum) reset() {
	s.i = 0
	clear(s.raw)
	clear(s.prefix)
	clear(s.suffix)
}

// push adds v and returns the sum of the last w values.
func (s *slidingSum) push(v float64) float64 {
	p := v
	if s.i > 0 {
		p = s.prefix[s.i-1] + v
	}
	s.raw[s.i] = v
	s.prefix[s.i] = p
	s.i++
	if s.i < s.w {
		return s.suffix[s.i] + p
	}
	// The block is full: the window is exactly this block. Its suffix
	// sums serve the windows ending in the next block.
	s.i = 0
	s.suffix[s.w] = 0
	for j := s.w - 1; j >= 0; j-- {
		s.suffix[j] = s.raw[j] + s.suffix[j+1]
	}
	return p
}
