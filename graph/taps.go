package graph

import (
	"fmt"

	"github.com/mixdown/mixdown/dsp"
)

// Tap has f called with the output of the track or bus at address, as
// the engine renders it: post-fader and panned, in stereo, the signal the
// strip sends on to its destination (post-fader sends carry it too).
//
// f is called once per internal block of the raw render, with at, the
// position on the output's timeline of the block's first frame. The
// engine renders ahead of the timeline by each node's latency, so the
// first blocks start before 0 (their frames there are the latency's
// pre-roll, not part of the song), and it renders past the end of the
// output while it listens for the tail's end: frames at or beyond the
// output's length are not part of it either. f runs on the engine's
// worker goroutines, at the same time as other nodes' taps, so it must
// touch only its own state, and it must not keep block.
//
// Call Tap before the first Next. A node that is not rendered (muted, or
// silenced by a solo, or read from the render cache) cannot be tapped.
func (e *Engine) Tap(address string, f func(block [][]float64, at int64)) error {
	for i, n := range e.nodes {
		if n.address != address {
			continue
		}
		active := false
		if i < len(e.g.Tracks) {
			active = e.g.Tracks[i].Active
		} else {
			active = e.g.Buses[i-len(e.g.Tracks)].Active
		}
		if !active {
			return fmt.Errorf("%s is not rendered (muted, or silenced by a solo)", address)
		}
		if n.hit != nil || n.skip {
			// Its chain does not run: it comes from the render cache.
			return fmt.Errorf("%s is taken from the render cache and cannot be tapped; tap an engine without Options.Cache", address)
		}
		// The tap runs last in the node's chain, so it sees the chain's
		// output and applies the fader and pan itself, as the engine
		// does next. It adds no latency and keys nothing, so appending it
		// changes no other processor's place.
		t := &tap{node: n, out: alloc(2, e.blockSize), view: make([][]float64, 2), f: f, at: -n.latency}
		n.procs = append(n.procs, t)
		return nil
	}
	return fmt.Errorf("no track or bus %s in this graph", address)
}

// tap is the processor Tap appends to a chain.
type tap struct {
	node *nodeState
	out  [][]float64
	view [][]float64
	f    func([][]float64, int64)
	at   int64 // timeline position of the next block
}

var _ dsp.Processor = (*tap)(nil)

func (t *tap) Prepare(dsp.Spec) {}
func (t *tap) Reset()           {}

// Latency is 0: the tap passes the chain's signal on untouched.
func (t *tap) Latency() int { return 0 }

func (t *tap) Process(buf [][]float64) {
	n := len(buf[0])
	if a := t.node.auto; a != nil {
		a.placeFader(t.node, t.out, buf, n) // automated fader and pan
	} else {
		placeStereo(t.out, buf, t.node.gainL, t.node.gainR, n)
	}
	t.view[0], t.view[1] = t.out[0][:n], t.out[1][:n]
	t.f(t.view, t.at)
	t.at += int64(n)
}
