package graph

import (
	"context"
	"errors"

	"github.com/mixdown/mixdown/graph/digest"
)

// NodeKey is a node's or output's content key, as a render computed it.
// Watch mode compares them between renders to say what an edit changed.
type NodeKey struct {
	Address string // track.x, bus.x, master, output.x
	Key     Key
}

// placementFields are the strip fields applied after the chain, live, on
// every render: a cached chain output does not depend on them.
var placementFields = []string{"GainDB", "Pan", "Mute", "Solo", "Output", "Sends"}

// planCache keys every node, decides which take their chain output from
// the cache, which are rendered (and recorded), and which nothing needs.
//
// A node's key covers its chain output: its address (seeds derive from
// it), the mix rate, its channel count, its model without the fader, pan
// and routing (they are applied after the chain, live), the content of
// every file it reads, and, for a bus or the master, each input in summing
// order (the input's full key, which buffer, the send gain and the
// latency-compensation delay), and the key of every sidechain. Because a
// cached chain output is the very samples the node rendered, and sums run
// in a fixed order over the same numbers, a render that takes nodes from
// the cache is bit-identical to one that renders everything.
func (e *Engine) planCache(c *Cache, reads bool) error {
	if err := e.keyNodes(c); err != nil {
		return err
	}
	return e.planHits(c, reads)
}

// Keys returns the content keys of every node and output of g, in graph
// order, as a render with a cache would compute them, without rendering or
// opening a source. Watch mode compares them with the last render's: when
// none changed, the outputs on disk are already this mix's.
func Keys(g *Graph, c *Cache) ([]NodeKey, error) {
	e, err := NewEngine(g, Options{Cache: c, keysOnly: true})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	return e.keys, nil
}

// keyNodes computes every node's and output's key (see planCache).
func (e *Engine) keyNodes(c *Cache) error {
	e.cache = c
	g := e.g
	rate := uint64(g.SampleRate)
	modelOf := func(n *nodeState) any {
		switch {
		case n == e.master:
			return g.Master
		case n.track != nil:
			return n.track.Model
		}
		for _, b := range g.Buses {
			if b.Address == n.address {
				return b.Model
			}
		}
		return nil
	}
	effectsOf := e.effectsOf
	nodeOf := e.nodeOf
	keyNode := func(n *nodeState) error {
		w := newKeyWriter(digest.Default())
		w.str(keyVersion)
		w.str(n.address)
		w.u64(rate)
		w.u64(uint64(n.chans))
		if n.track != nil {
			for _, f := range n.track.Files() {
				w.file(f)
			}
		}
		if n == e.master {
			w.model(g.Master, "GainDB", "Target")
		} else {
			w.model(modelOf(n), placementFields...)
		}
		for _, fx := range effectsOf(n) {
			for _, v := range fx.Model.Values {
				if v.Path != "" {
					w.file(v.Path)
				}
			}
			if fx.Key != nil {
				k := nodeOf(fx.Key)
				w.str("sidechain")
				w.key(k.key)
				w.f64(k.preL)
				w.f64(k.preR)
			}
		}
		for _, in := range n.inputs {
			w.str("input")
			w.key(in.from.outKey)
			if in.pre {
				w.u64(1)
			} else {
				w.u64(0)
			}
			w.f64(in.gain)
			d := 0
			if in.delay != nil {
				d = len(in.delay.ring[0])
			}
			w.u64(uint64(d))
		}
		k, err := w.sum()
		if err != nil {
			return err
		}
		n.key = k
		// The out key adds everything after the chain: what consumers and
		// change reports see.
		w = newKeyWriter(digest.Default())
		w.key(k)
		w.model(modelOf(n))
		w.f64(n.gainL)
		w.f64(n.gainR)
		n.outKey, _ = w.sum()
		return nil
	}

	// Key in level order: inputs and sidechains come from earlier levels.
	order := e.inOrder()
	for _, n := range order {
		if err := keyNode(n); err != nil {
			return err
		}
		e.keys = append(e.keys, NodeKey{Address: n.address, Key: n.outKey})
	}
	for _, o := range g.Outputs {
		w := newKeyWriter(digest.Default())
		w.str(o.Address)
		if o.From != nil {
			w.key(nodeOf(o.From).outKey)
			w.model(g.Master, "Target")
		} else {
			w.key(e.master.outKey)
		}
		w.model(o.Model)
		w.model(o.Model.EffectiveTarget(g.Mix))
		k, _ := w.sum()
		e.keys = append(e.keys, NodeKey{Address: o.Address, Key: k})
	}
	return nil
}

// planHits decides, from the keys, which nodes are read from the cache,
// which render and are recorded, and which nothing needs.
func (e *Engine) planHits(c *Cache, reads bool) error {
	g := e.g
	nodeOf := e.nodeOf
	effectsOf := e.effectsOf
	order := e.inOrder()

	// Hits.
	if reads {
		limit := g.Frames + e.latency + g.TailCapFrames
		for _, n := range order {
			n.hit = c.lookup(n.key, n.chans, limit)
		}
	}
	// What must run: the master, the stems' sources, and whatever a node
	// that renders live reads. A node taken from the cache needs nothing
	// upstream.
	needed := map[*nodeState]bool{e.master: true} // looked up, never iterated
	for _, st := range e.stems {
		needed[st.src] = true
	}
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if !needed[n] || n.hit != nil {
			continue
		}
		for _, in := range n.inputs {
			needed[in.from] = true
		}
		for _, fx := range effectsOf(n) {
			if fx.Key != nil {
				needed[nodeOf(fx.Key)] = true
			}
		}
	}
	for _, st := range e.stems {
		if st.node != nil {
			for _, fx := range g.Master.Effects {
				if fx.Key != nil {
					needed[nodeOf(fx.Key)] = true
				}
			}
		}
	}
	levels := e.levels[:0]
	for _, level := range e.levels {
		var keep []*nodeState
		for _, n := range level {
			if needed[n] {
				keep = append(keep, n)
			} else {
				n.skip = true
				if n.hit != nil {
					n.hit.close()
					n.hit = nil
				}
			}
		}
		if len(keep) > 0 {
			levels = append(levels, keep)
		}
	}
	e.levels = levels

	// Record what is rendered live, in order, while the budget lasts: the
	// longest a render can run is the song, the latency and the tail cap.
	frames := g.Frames + e.latency + g.TailCapFrames + int64(len(e.levels)+1)*int64(e.blockSize) // levels run ahead
	budget := c.budget()
	var need int64
	for _, n := range order {
		if n.skip || n.hit != nil {
			continue
		}
		size := int64(n.chans) * frames * 8
		if size > budget {
			continue
		}
		budget -= size
		need += size
		n.rec = newRecorder(c, n.address, n.key, n.chans)
	}
	if need > 0 {
		reading := map[Key]bool{} // looked up, never iterated
		for _, n := range order {
			if n.hit != nil {
				reading[n.key] = true
			}
		}
		c.makeRoom(need, reading)
	}
	return nil
}

// finishRecording renders on past the end of the output, to the tail cap,
// while anything is being recorded: a later render whose tail runs longer
// (a longer reverb, a louder send) then still finds every cached signal
// long enough. Only the nodes that render live pay for it.
func (e *Engine) finishRecording(ctx context.Context) error {
	if e.cache == nil {
		return nil
	}
	recording := false
	for _, n := range e.allNodes() {
		recording = recording || n.rec != nil
	}
	if !recording {
		return nil
	}
	limit := e.g.Frames + e.latency + e.g.TailCapFrames
	for e.raw < limit {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(int64(e.blockSize), limit-e.raw))
		if err := e.renderRaw(n); err != nil {
			if errors.Is(err, errCacheShort) {
				return nil // keep what was recorded: correct, if short
			}
			return err
		}
		e.raw += int64(n)
	}
	return nil
}

// commitCache stores what the render recorded. Call it only after a
// render that ran to the end.
func (e *Engine) commitCache() error {
	if e.cache == nil {
		return nil
	}
	var recs []*recorder
	for _, n := range e.allNodes() {
		if n.rec != nil {
			recs = append(recs, n.rec)
			n.rec = nil
		}
	}
	return e.cache.store(recs)
}

// inOrder is the nodes that run, level by level, then the master: inputs
// and sidechains come before the nodes that read them.
func (e *Engine) inOrder() []*nodeState {
	var order []*nodeState
	for _, level := range e.levels {
		order = append(order, level...)
	}
	return append(order, e.master)
}

// nodeOf is the node a track or bus reference points at.
func (e *Engine) nodeOf(r *NodeRef) *nodeState {
	if r.Track >= 0 {
		return e.nodes[r.Track]
	}
	return e.nodes[len(e.g.Tracks)+r.Bus]
}

// effectsOf is a node's insert chain.
func (e *Engine) effectsOf(n *nodeState) []*Effect {
	if n == e.master {
		return e.g.Master.Effects
	}
	if n.track != nil {
		return n.track.Effects
	}
	for _, b := range e.g.Buses {
		if b.Address == n.address {
			return b.Effects
		}
	}
	return nil
}
