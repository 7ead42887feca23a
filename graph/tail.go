package graph

// tailBuffer holds the master's output after the last source has ended,
// until it is known whether more sound follows. Effects ring on (reverb
// decays, delay echoes); the tail ends at the last sample above -100 dBFS
// once TailHoldFrames of silence have followed it, or at the cap.
// Decisions are made per sample, so where the tail ends does not depend
// on the block size.
type tailBuffer struct {
	start    int64 // timeline frame where the tail begins (Graph.Frames)
	hold     int64
	cap      int64
	lastLoud int64 // timeline frame of the last sample above the threshold

	buf       [][]float64 // stereo, frames since the last hand-out
	n         int         // frames buffered
	readyN    int         // frames that may be handed out
	handedOut int         // frames handed out by the last ready call
	view      [][]float64
}

// newTailBuffer holds chans channels: the master's two first, which alone
// decide where the tail ends, then the stems', cut at the same frame.
func newTailBuffer(g *Graph, block, chans int) *tailBuffer {
	size := int(g.TailHoldFrames) + 2*block + 1
	return &tailBuffer{
		start:    g.Frames,
		hold:     g.TailHoldFrames,
		cap:      g.TailCapFrames,
		lastLoud: g.Frames - 1,
		buf:      alloc(chans, size),
		view:     make([][]float64, chans),
	}
}

// push buffers frames [from, to) of the master block m, whose first frame
// is timeline frame t0. It reports whether the tail has ended.
func (tb *tailBuffer) push(m [][]float64, from, to int, t0 int64) bool {
	for i := from; i < to; i++ {
		t := t0 + int64(i)
		if t >= tb.start+tb.cap || t-tb.lastLoud > tb.hold {
			return true
		}
		l, r := m[0][i], m[1][i]
		for ch := range tb.buf {
			tb.buf[ch][tb.n] = m[ch][i]
		}
		tb.n++
		if l >= silenceThreshold || l <= -silenceThreshold || r >= silenceThreshold || r <= -silenceThreshold {
			tb.lastLoud = t
			tb.readyN = tb.n
		}
	}
	return false
}

// ready returns the buffered frames up to the last loud one, if any, and
// forgets what it returned the time before.
func (tb *tailBuffer) ready() [][]float64 {
	if tb.handedOut > 0 {
		for ch := range tb.buf {
			copy(tb.buf[ch], tb.buf[ch][tb.handedOut:tb.n])
		}
		tb.n -= tb.handedOut
		tb.readyN -= tb.handedOut
		tb.handedOut = 0
	}
	if tb.readyN == 0 {
		return nil
	}
	tb.handedOut = tb.readyN
	for ch := range tb.buf {
		tb.view[ch] = tb.buf[ch][:tb.readyN]
	}
	return tb.view
}
