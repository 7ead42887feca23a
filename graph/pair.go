package graph

import (
	"reflect"

	"github.com/mixdown/mixdown/dsp"
)

// Chains in pairs.
//
// Most of a track's chain is recursions (the EQ's sections, the
// compressor's ballistics) whose speed is bound by the latency of each
// step, not by the arithmetic: one track leaves most of the CPU's vector
// units idle. Two tracks whose chains are shaped alike (the same effects,
// in the same order, each able to run as a pair: dsp.PairProcessor) run
// their chains together in one item of a step, so each pair processor
// does both tracks' work in one pass, in the lanes of one register. Every
// lane performs its own track's operations in their order, so each track
// gets exactly the bits it gets alone (TestPairsSameBits), and pairing
// depends only on the graph, never on timing: the output is the same with
// pairs or without, for any block size and worker count.

// pairNodes pairs the live tracks of each level whose chains can run
// together, each with the first later one in its level that fits.
func (e *Engine) pairNodes() {
	for _, level := range e.levels {
		for i, a := range level {
			if a.partner != nil || a.follows || !pairable(a) {
				continue
			}
			for _, b := range level[i+1:] {
				if !b.follows && b.partner == nil && pairable(b) && samePairShape(a, b) {
					a.partner, b.follows = b, true
					break
				}
			}
		}
	}
}

// pairable reports whether a node's chain may run in a pair: a track
// rendered live (not read from the cache) with a plain chain (no
// sidechain key, no automated effect).
func pairable(n *nodeState) bool {
	return n.track != nil && n.hit == nil && len(n.keys) == 0 && (n.auto == nil || len(n.auto.effects) == 0)
}

// samePairShape reports whether a's and b's chains have the same effects
// in the same order, and the same channel count, and at least one of
// their effects can run them as a pair (dsp.PairProcessor.Pairs: not so
// on a machine without the kernels, where a pair would only make a
// coarser item of a step).
func samePairShape(a, b *nodeState) bool {
	if a.chans != b.chans || len(a.procs) != len(b.procs) {
		return false
	}
	pairs := false
	for k, p := range a.procs {
		if reflect.TypeOf(p) != reflect.TypeOf(b.procs[k]) {
			return false
		}
		if pp, ok := p.(dsp.PairProcessor); ok && pp.Pairs(b.procs[k]) {
			pairs = true
		}
	}
	return pairs
}

// run processes the node's block, with its partner's when it has one.
func (n *nodeState) run(frames int) {
	switch {
	case n.partner != nil:
		processPair(n, n.partner, frames)
	case !n.follows:
		n.process(frames)
	}
}

// processPair is process for a and b, with their chains run together.
func processPair(a, b *nodeState, frames int) {
	if a.err != nil || b.err != nil || a.hit != nil || b.hit != nil {
		a.process(frames)
		b.process(frames)
		return
	}
	for _, n := range [2]*nodeState{a, b} {
		n.errBlock = n.block
		n.block++
		n.frames += int64(frames)
	}
	sa, errA := a.chainIn(frames)
	sb, errB := b.chainIn(frames)
	switch {
	case errA == nil && errB == nil:
		pairChains(a, b, frames)
	case errA == nil:
		a.processChain(frames)
	case errB == nil:
		b.processChain(frames)
	}
	if err := a.chainOut(frames, sa, errA); err != nil {
		a.err = err
	} else {
		a.place(frames)
	}
	if err := b.chainOut(frames, sb, errB); err != nil {
		b.err = err
	} else {
		b.place(frames)
	}
}

// pairChains is processChain for a and b: each effect runs as a pair
// where it can, else on each in turn.
func pairChains(a, b *nodeState, frames int) {
	x, y := a.chainInput(frames), b.chainInput(frames)
	for k, p := range a.procs {
		if pp, ok := p.(dsp.PairProcessor); ok && pp.ProcessPair(x, b.procs[k], y) {
			continue
		}
		p.Process(x)
		b.procs[k].Process(y)
	}
}
