package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/mixdown/mixdown/dsp"
)

// DefaultBlockSize is the internal block size, in frames. The output does
// not depend on it; tests drive other sizes through Options.
const DefaultBlockSize = 4096

// silenceThreshold is -100 dBFS: a tail has ended once the master stays
// below it.
const silenceThreshold = 1e-5

// Options tune a render without changing its output.
type Options struct {
	BlockSize int // frames per internal block; 0 means DefaultBlockSize
	Workers   int // goroutines per level; 0 means GOMAXPROCS
	// Stats, when set, receives what the render did.
	Stats *Stats
	// Cache, when set, supplies the signals of nodes whose key has not
	// changed and keeps those rendered now (see Cache). The output is
	// bit-identical with or without it.
	Cache *Cache

	noCacheReads bool // record only: a retry after errCacheShort
	noPairs      bool // every chain runs alone (tests compare; see pair.go)
	keysOnly     bool // NewEngine stops once the nodes are keyed (Keys)
}

// Engine renders a graph block by block. It owns every buffer the render
// needs, sized once in NewEngine: memory does not grow with the song.
//
// Internally the engine runs "raw" blocks through the graph: every level
// of nodes in turn, each level's nodes in parallel, then the master. The
// master's raw stream is late by the graph's total latency (lookaheads,
// oversampling filters), so the engine drops that many frames at the start
// and renders as many more at the end: the output lines up with the
// sources to the sample. After the last source ends, the effect tails are
// rendered until the master falls silent (see Graph.TailHoldFrames).
type Engine struct {
	g         *Graph
	blockSize int

	nodes  []*nodeState   // tracks (source order), then buses (Graph.Buses order)
	levels [][]*nodeState // active nodes by level
	pool   *pool

	latency int64 // master output latency, frames
	raw     int64 // raw frames rendered

	stems []*stem
	cache *Cache

	// Levels run ahead of the master, each by its distance from it (see
	// renderRaw): what a level writes, later levels read through pipes.
	pipes     []*pipe
	steps     int64        // steps run; level k renders block steps-k
	order     []*nodeState // every level's nodes, the deepest first
	from      []int        // from[k]: where levels 0..k start in order
	ended     bool         // a short block was rendered: it must be the last
	master    *nodeState
	runMaster func() // e.masterBlock, bound once so no block allocates
	masterN   int    // frames for runMaster
	masterErr error  // what runMaster returned
	keys      []NodeKey
	bundle    [][]float64 // master then each stem, stereo: the raw block
	view      [][]float64 // the bundle's part handed out by the last Next

	// Output staging: blocks of the timeline ready to hand out.
	out     [][]float64 // 2 x blockSize view handed out by Next
	tail    *tailBuffer
	pending [][]float64 // the part of the last raw block still to hand out
	done    bool
}

// contribution is one signal summed into a bus or the master.
type contribution struct {
	from  *nodeState
	pre   bool        // from's pre buffer rather than its out
	src   [][]float64 // a node's out or pre buffer (stereo)
	gain  float64     // linear; 1 for a main output
	delay *delayLine  // latency compensation, or nil
}

// nodeState is the running state of a track, bus or the master.
type nodeState struct {
	address string
	track   *Track
	chans   int
	buf     [][]float64 // chans x block: input, then through the chain
	view    [][]float64 // reused sub-block views, so no block allocates
	pre     [][]float64 // 2 x block: post-effects, pre-fader (pre sends, sidechain keys)
	out     [][]float64 // 2 x block: post-fader and pan
	gainL   float64     // fader times pan, per side
	gainR   float64
	preL    float64 // a mono signal placed at centre, for pre
	preR    float64
	invert  bool
	needPre bool
	procs   []dsp.Processor
	keys    []keyedProc // processors that listen to another node
	inputs  []contribution
	latency int64 // of this node's out and pre, relative to the sources

	reader   source
	err      error
	errBlock int64 // the block err happened in
	block    int64 // blocks processed

	auto *nodeAuto // automation (automation.go); nil when the strip has none

	// The render cache (see planCache).
	key    Key         // the chain output's key
	outKey Key         // key of what the node hands on: chain, fader, pan, sends
	hit    cacheSource // the chain output comes from the cache
	rec    *recorder   // the chain output is recorded for the cache
	skip   bool        // nothing live needs this node: not processed
	frames int64       // frames processed (rendered or read from cache)
	cached int64       // of which read from the cache

	// Chains run in pairs (pair.go): partner's chain runs with this
	// node's, in this node's item; a node that follows another is run by
	// it, and its own item does nothing.
	partner *nodeState
	follows bool
}

type keyedProc struct {
	from *nodeState // the key node
	p    dsp.KeyedProcessor
	at   int         // index in procs
	key  [][]float64 // the key node's pre buffer
	view [][]float64 // its valid part, reused so no block allocates
}

// NewEngine opens every active source and allocates the render's buffers.
func NewEngine(g *Graph, opts Options) (*Engine, error) {
	bs := opts.BlockSize
	if bs <= 0 {
		bs = DefaultBlockSize
	}
	e := &Engine{g: g, blockSize: bs, out: make([][]float64, 2)}
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	rate := float64(g.SampleRate)

	// Nodes and their chains.
	for _, t := range g.Tracks {
		n := newNode(t.Address, t.Channels(), bs, &t.Strip)
		n.track = t
		e.nodes = append(e.nodes, n)
	}
	for _, b := range g.Buses {
		e.nodes = append(e.nodes, newNode(b.Address, 2, bs, &b.Strip))
	}
	e.master = newNode("master", 2, bs, &Strip{GainDB: g.Master.GainDB, Effects: g.Master.Effects, Automation: g.Master.Automation})
	keyNode := func(r *NodeRef) *nodeState {
		if r.Track >= 0 {
			return e.nodes[r.Track]
		}
		return e.nodes[len(g.Tracks)+r.Bus]
	}
	allEffects := func(i int) []*Effect {
		if i < len(g.Tracks) {
			return g.Tracks[i].Effects
		}
		return g.Buses[i-len(g.Tracks)].Effects
	}
	// A node that keys a sidechain is processed even when it is muted
	// (a muted trigger track is a common key); it just contributes nothing.
	isKey := make(map[*nodeState]bool)
	markKeys := func(effects []*Effect) {
		for _, fx := range effects {
			if fx.Key != nil {
				keyNode(fx.Key).needPre = true
				isKey[keyNode(fx.Key)] = true
			}
		}
	}
	for i := range e.nodes {
		markKeys(allEffects(i))
	}
	markKeys(g.Master.Effects)
	// Every key's pre buffer exists before any chain captures it: a
	// compressor may listen to a track declared after its own.
	for _, n := range e.nodes {
		if n.needPre {
			n.pre = alloc(2, bs)
		}
	}
	setup := func(n *nodeState, effects []*Effect) error {
		if n.needPre && n.pre == nil {
			n.pre = alloc(2, bs)
		}
		for _, fx := range effects {
			p, err := newProcessor(fx, dsp.Spec{SampleRate: rate, MaxBlock: bs, Channels: n.chans})
			if err != nil {
				return err
			}
			if fx.Key != nil {
				kp, isKeyed := p.(dsp.KeyedProcessor)
				if !isKeyed {
					return fmt.Errorf("%s: this effect cannot take a sidechain", fx.Address)
				}
				if c, ok := p.(interface{ PrepareKey(int) }); ok {
					c.PrepareKey(2)
				}
				n.keys = append(n.keys, keyedProc{from: keyNode(fx.Key), p: kp, at: len(n.procs), key: keyNode(fx.Key).pre, view: make([][]float64, 2)})
			}
			n.procs = append(n.procs, p)
		}
		return nil
	}
	for i, n := range e.nodes {
		if err := setup(n, allEffects(i)); err != nil {
			return nil, err
		}
	}
	if err := setup(e.master, g.Master.Effects); err != nil {
		return nil, err
	}

	// Routing, in the fixed summing order, with latency compensation.
	active := func(i int) bool {
		if i < len(g.Tracks) {
			return g.Tracks[i].Active
		}
		return g.Buses[i-len(g.Tracks)].Active
	}
	strips := func(i int) *Strip {
		if i < len(g.Tracks) {
			return &g.Tracks[i].Strip
		}
		return &g.Buses[i-len(g.Tracks)].Strip
	}
	dest := func(d int) *nodeState {
		if d == ToMaster {
			return e.master
		}
		return e.nodes[len(g.Tracks)+d]
	}
	for i, n := range e.nodes {
		if !active(i) {
			continue
		}
		st := strips(i)
		dest(st.Dest).inputs = append(dest(st.Dest).inputs, contribution{from: n, src: n.out, gain: 1})
		for k, s := range st.Sends {
			src := n.out
			if s.PreFader {
				src = n.pre
			}
			d := dest(s.Dest)
			src, gain := n.auto.send(k, src, dsp.DBToGain(s.LevelDB))
			d.inputs = append(d.inputs, contribution{from: n, pre: s.PreFader, src: src, gain: gain})
		}
	}
	// Latencies, in node order: every node's inputs come from nodes
	// earlier in their level order, so walk the levels.
	srcLatency := map[*[]float64]int64{}
	chain := func(n *nodeState) int64 {
		var l int64
		for _, p := range n.procs {
			l += int64(p.Latency())
		}
		return l
	}
	compensate := func(n *nodeState) {
		var in int64
		for _, c := range n.inputs {
			in = max(in, srcLatency[&c.src[0]])
		}
		for k := range n.inputs {
			c := &n.inputs[k]
			if d := in - srcLatency[&c.src[0]]; d > 0 {
				c.delay = newDelayLine(2, int(d), bs)
			}
		}
		n.latency = in + chain(n)
		srcLatency[&n.out[0]] = n.latency
		if n.pre != nil {
			srcLatency[&n.pre[0]] = n.latency
		}
		for _, b := range n.auto.buffers() {
			srcLatency[&b[0]] = n.latency
		}
	}
	for _, level := range g.Levels {
		var nodes []*nodeState
		for _, r := range level {
			i := r.Track
			if i < 0 {
				i = len(g.Tracks) + r.Bus
			}
			if !active(i) && !isKey[e.nodes[i]] {
				continue
			}
			compensate(e.nodes[i])
			nodes = append(nodes, e.nodes[i])
		}
		if len(nodes) > 0 {
			e.levels = append(e.levels, nodes)
		}
	}
	compensate(e.master)
	e.latency = e.master.latency
	masterIn := e.latency
	for _, p := range e.master.procs {
		masterIn -= int64(p.Latency())
	}

	// Stems: outputs that take a track or bus instead of the master. Each
	// is delayed to line up with the master's raw stream and, with
	// master_chain, run through its own copy of the master chain and
	// fader. They ride in the same bundle of channels as the master, so
	// they are cut, trimmed and tailed exactly as it is: one pass renders
	// the master and every stem.
	e.bundle = [][]float64{e.master.out[0], e.master.out[1]}
	for _, o := range g.Outputs {
		if o.From == nil {
			continue
		}
		src := keyNode(o.From)
		st := &stem{src: src}
		align := e.latency
		if o.Model.MasterChain {
			st.node = newNode(o.Address, 2, bs, &Strip{GainDB: g.Master.GainDB, Effects: g.Master.Effects, Automation: g.Master.Automation})
			if err := setup(st.node, g.Master.Effects); err != nil {
				return nil, err
			}
			align = masterIn
		} else {
			st.node = newNode(o.Address, 2, bs, &Strip{})
		}
		if d := align - src.latency; d > 0 {
			st.delay = newDelayLine(2, int(d), bs)
		}
		e.stems = append(e.stems, st)
		e.bundle = append(e.bundle, st.node.out[0], st.node.out[1])
	}
	e.view = make([][]float64, len(e.bundle))
	if err := e.bindAutomation(); err != nil {
		return nil, err
	}

	if opts.Cache != nil {
		if opts.keysOnly {
			if err := e.keyNodes(opts.Cache); err != nil {
				return nil, err
			}
			ok = true
			return e, nil // keys are all it is for: no source is opened
		}
		if err := e.planCache(opts.Cache, !opts.noCacheReads); err != nil {
			return nil, err
		}
	}

	// Sources last, so a failure above leaves no file open.
	for _, n := range e.nodes {
		if n.track == nil || !n.track.Active && !isKey[n] || n.skip || n.hit != nil {
			continue
		}
		r, err := openSource(n.track, g.SampleRate)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.address, err)
		}
		n.reader = r
	}

	e.tail = newTailBuffer(g, bs, len(e.bundle))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	e.setupPipes()
	if !opts.noPairs {
		e.pairNodes()
	}
	e.runMaster = func() { e.masterErr = e.masterBlock(e.masterN) }
	// A step runs every node and the master.
	if workers = min(workers, len(e.order)+1); workers > 1 {
		e.pool = newPool(workers)
	}
	ok = true
	return e, nil
}

func alloc(chans, n int) [][]float64 {
	buf := make([][]float64, chans)
	for i := range buf {
		buf[i] = make([]float64, n)
	}
	return buf
}

func newNode(address string, chans, bs int, st *Strip) *nodeState {
	n := &nodeState{address: address, chans: chans}
	n.buf = alloc(chans, bs)
	n.view = make([][]float64, chans)
	n.out = alloc(2, bs)
	n.invert = st.Polarity
	fader := dsp.DBToGain(st.GainDB)
	pl, pr := PanGains(st.Pan, chans == 2)
	n.gainL, n.gainR = fader*pl, fader*pr
	n.preL, n.preR = 1, 1
	if chans == 1 {
		n.preL, n.preR = PanGains(0, false)
	}
	for _, send := range st.Sends {
		n.needPre = n.needPre || send.PreFader
	}
	n.auto = newNodeAuto(st, chans, bs)
	return n
}

// allNodes is the tracks, the buses and the master.
func (e *Engine) allNodes() []*nodeState {
	all := e.nodes[:len(e.nodes):len(e.nodes)]
	if e.master != nil {
		all = append(all, e.master)
	}
	return all
}

// Latency is the graph's total latency, which the engine compensates.
func (e *Engine) Latency() int64 { return e.latency }

// Next returns the next block of the rendered master as planar stereo,
// valid until the next call, and io.EOF after the last one. The output
// starts at the sources' first sample and runs to the end of the tails.
func (e *Engine) Next(ctx context.Context) ([][]float64, error) {
	for {
		if len(e.pending) > 0 && len(e.pending[0]) > 0 {
			e.pending = nil
			e.out[0], e.out[1] = e.view[0], e.view[1]
			return e.out, nil
		}
		if blk := e.tail.ready(); blk != nil {
			copy(e.view, blk)
			e.out[0], e.out[1] = e.view[0], e.view[1]
			return e.out, nil
		}
		if e.done {
			return nil, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := e.blockSize
		if err := e.renderRaw(n); err != nil {
			return nil, err
		}
		m := e.bundle
		// Timeline position of the block's first frame.
		t0 := e.raw - e.latency
		e.raw += int64(n)
		from := 0
		if t0 < 0 {
			from = int(min(int64(n), -t0)) // latency pre-roll: not part of the song
		}
		// The song proper runs to Frames; beyond that is tail.
		to := n
		if end := e.g.Frames - t0; end < int64(n) {
			to = int(max(end, int64(from)))
		}
		if to > from {
			e.pending = e.pendingView(m, from, to)
		}
		if to < n {
			e.done = e.tail.push(m, max(to, from), n, t0)
		}
	}
}

func (e *Engine) pendingView(m [][]float64, from, to int) [][]float64 {
	for ch := range m {
		e.view[ch] = m[ch][from:to]
	}
	return e.view
}

// StemBlock returns stem i's part (in output order among the stems) of
// the block the last Next returned: the same frames of the timeline.
func (e *Engine) StemBlock(i int) [][]float64 { return e.view[2+2*i : 4+2*i] }

// Stats counts what a render did, for tests and reports.
type Stats struct {
	RawFrames int64 // frames run through the graph
	// NodeFrames counts frames of node signals (tracks, buses, master)
	// the render produced; CachedFrames those of them read from the cache.
	NodeFrames   int64
	CachedFrames int64
	// Keys are the content keys of every node and output, in graph order,
	// when the render used a cache.
	Keys []NodeKey
}

// Stats reports the engine's work so far.
func (e *Engine) Stats() Stats {
	s := Stats{RawFrames: e.raw, Keys: e.keys}
	for _, n := range e.allNodes() {
		s.NodeFrames += n.frames
		s.CachedFrames += n.cached
	}
	return s
}

// stem is an output that takes a track or bus instead of the master.
type stem struct {
	src    *nodeState
	srcOut [][]float64 // src.out, read through its pipe
	delay  *delayLine  // lines the source up with the master's raw stream
	node   *nodeState  // master-chain copy (or nothing) and fader; writes node.out
}

func (st *stem) process(n int) {
	src := st.srcOut
	if st.delay != nil {
		st.delay.process(src, n)
		src = st.delay.out
	}
	for ch := range st.node.buf {
		copy(st.node.buf[ch][:n], src[ch][:n])
	}
	st.node.processChain(n)
	if st.node.auto != nil {
		st.node.auto.place(st.node, n)
		return
	}
	placeStereo(st.node.out, st.node.view, st.node.gainL, st.node.gainR, n)
}

// renderRaw runs one block of n frames through the whole graph.
//
// The levels run ahead of the master: with L levels, level k renders
// block s+L-k while the master renders block s, all in one step on the
// same workers. The sources are read a few blocks early; every node still
// processes its own blocks in order with the same inputs, so the output
// is the same. What changes is that nothing waits: the tracks, a reverb
// bus fed by every track and the master's limiter all run at once, where
// each level used to wait for the one before it. A level's outputs reach
// their readers through pipes (setupPipes), a ring of blocks per signal.
//
// The levels always render whole blocks; only the master's last block may
// be shorter (finishRecording's end), and nothing may follow it.
func (e *Engine) renderRaw(n int) error {
	if e.ended {
		return errors.New("internal error: a block after a short one")
	}
	e.ended = n < e.blockSize
	L := int64(len(e.levels))
	for e.steps < L { // fill the pipeline: level k starts at step k
		e.step(e.order[e.from[e.steps]:], false)
	}
	// The master's block s (= steps - L) is due: every node's error in a
	// block up to s counts now; one in a block rendered ahead and never
	// used (past the end) does not, so a cache entry short only there is
	// long enough.
	s := e.steps - L
	for _, level := range e.levels {
		for _, node := range level {
			if node.err == nil || node.errBlock > s {
				continue
			}
			if nf, ok := node.err.(*NonFiniteError); ok && nf.Seconds == 0 {
				t := e.raw - node.latency + int64(nf.frame)
				nf.Seconds = max(float64(t)/float64(e.g.SampleRate), 0)
			}
			return node.err
		}
	}
	e.masterN = n
	e.step(e.order, true)
	return e.masterErr
}

// step renders the next block of nodes (each node's own next block) and,
// with master, the master's; the pipes turn first.
func (e *Engine) step(nodes []*nodeState, master bool) {
	for _, p := range e.pipes {
		p.turn(e.steps)
	}
	var fn func()
	if master {
		fn = e.runMaster
	}
	if e.pool != nil && len(nodes)+btoi(master) > 1 {
		e.pool.run(nodes, e.blockSize, fn)
	} else {
		if fn != nil {
			fn()
		}
		for _, node := range nodes {
			node.run(e.blockSize)
		}
	}
	e.steps++
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// masterBlock runs the master's chain and fader, then the stems, over
// block s.
func (e *Engine) masterBlock(n int) error {
	m := e.master
	if err := m.runChain(n); err != nil {
		return err
	}
	if m.auto != nil {
		if err := e.placeMaster(n); err != nil {
			return err
		}
	}
	for ch := range m.out {
		if m.auto != nil {
			break // placed by placeMaster
		}
		g := n
		src, dst := m.view[min(ch, m.chans-1)][:g], m.out[ch][:g]
		gain := m.gainL
		if ch == 1 {
			gain = m.gainR
		}
		for i, x := range src {
			y := x * gain
			if math.IsNaN(y) || math.IsInf(y, 0) {
				t := float64(e.raw-e.latency+int64(i)) / float64(e.g.SampleRate)
				return &NonFiniteError{Address: "master", Seconds: max(t, 0)}
			}
			dst[i] = y
		}
	}
	for _, st := range e.stems {
		st.process(n)
	}
	return nil
}

// pipe carries one signal a level writes (a node's out, pre, or an
// automated send) to its readers, which run behind it: a reader lag steps
// behind reads the block written lag steps ago. The blocks live in a ring
// of sets; before each step, turn points the writer's channel slices at
// the set it writes and each reader's at the set it reads, so no slice
// header anyone holds changes, and nothing is copied.
type pipe struct {
	prod  [][]float64   // the writer's buffer
	sets  [][][]float64 // the ring: the longest lag + 1
	views []pipeView
}

type pipeView struct {
	buf [][]float64 // what the reader holds
	lag int64
}

func (p *pipe) turn(step int64) {
	size := int64(len(p.sets))
	copy(p.prod, p.sets[step%size])
	for _, v := range p.views {
		copy(v.buf, p.sets[(step-v.lag+size*v.lag)%size])
	}
}

// setupPipes gives every signal a level hands on a ring of blocks and
// points each reader (later levels' and the master's inputs, sidechain
// keys, stems) at its lag in it: its distance in levels from the writer.
func (e *Engine) setupPipes() {
	level := map[*nodeState]int64{} // looked up, never iterated
	L := int64(len(e.levels))
	for k, l := range e.levels {
		for _, n := range l {
			level[n] = int64(k)
		}
	}
	for k := len(e.levels) - 1; k >= 0; k-- {
		e.order = append(e.order, e.levels[k]...)
	}
	e.from = make([]int, len(e.levels))
	for k := range e.levels {
		e.from[k] = len(e.order)
		for _, l := range e.levels[:k+1] {
			e.from[k] -= len(l)
		}
	}
	byBuf := map[*[]float64]*pipe{} // by the writer's first channel; never iterated
	for _, n := range e.order {
		for _, b := range append([][][]float64{n.out, n.pre}, n.auto.buffers()...) {
			if b != nil && byBuf[&b[0]] == nil {
				p := &pipe{prod: b, sets: [][][]float64{append([][]float64(nil), b...)}}
				byBuf[&b[0]] = p
				e.pipes = append(e.pipes, p)
			}
		}
	}
	// reader is what a reader at level at (L for the master) holds for b,
	// written by from.
	reader := func(b [][]float64, from *nodeState, at int64) [][]float64 {
		k, ok := level[from]
		if b == nil || !ok {
			return b
		}
		p := byBuf[&b[0]]
		if p == nil {
			return b
		}
		lag := at - k
		for _, v := range p.views {
			if v.lag == lag {
				return v.buf
			}
		}
		for int64(len(p.sets)) <= lag {
			p.sets = append(p.sets, alloc(len(b), len(b[0])))
		}
		v := pipeView{buf: make([][]float64, len(b)), lag: lag}
		p.views = append(p.views, v)
		return v.buf
	}
	readerLevel := func(n *nodeState) int64 {
		if k, ok := level[n]; ok {
			return k
		}
		return L // the master and the stems run with the master
	}
	nodes := e.allNodes() // a fresh slice: appending is safe
	for _, st := range e.stems {
		nodes = append(nodes, st.node)
		st.srcOut = reader(st.src.out, st.src, L)
	}
	for _, n := range nodes {
		at := readerLevel(n)
		for k := range n.inputs {
			c := &n.inputs[k]
			c.src = reader(c.src, c.from, at)
		}
		for k := range n.keys {
			n.keys[k].key = reader(n.keys[k].key, n.keys[k].from, at)
		}
	}
}

// NonFiniteError reports a node that produced NaN or Inf.
type NonFiniteError struct {
	Address string
	Seconds float64
	frame   int // index in the block, until renderRaw places it in time
}

func (err *NonFiniteError) Error() string {
	return fmt.Sprintf("%s produced a non-finite sample (NaN or Inf) at %.6f s; nothing was written", err.Address, err.Seconds)
}

// process renders one block of a track or bus.
func (n *nodeState) process(frames int) {
	if n.err != nil {
		return
	}
	n.errBlock = n.block
	n.block++
	if err := n.runChain(frames); err != nil {
		n.err = err
		return
	}
	n.place(frames)
}

// place applies the fader and pan (out) and the pre-fader placement (pre)
// to the chain's output in view, and checks what the node produced.
func (n *nodeState) place(frames int) {
	if n.needPre {
		placeStereo(n.pre, n.view, n.preL, n.preR, frames)
	}
	// out carries everything the node produced (0·NaN and 0·Inf are NaN),
	// so a bad sample is caught here, at the node that made it. A cache
	// hit's samples passed this check when they were rendered; the
	// master's check still guards what its fader makes of them. Without
	// automation the check rides along with the placement's pass, and
	// the search runs only when it fails.
	var finite bool
	if n.auto != nil {
		n.auto.place(n, frames) // checked below
	} else {
		finite = placeStereoFinite(n.out, n.view, n.gainL, n.gainR, frames)
	}
	if finite || n.hit != nil {
		return
	}
	if i := firstNonFinite(n.out, frames); i >= 0 {
		n.err = &NonFiniteError{Address: n.address, frame: i}
	}
}

// runChain leaves the node's chain output in buf and view: read from the
// cache, or rendered from its source or inputs (and recorded).
func (n *nodeState) runChain(frames int) error {
	n.frames += int64(frames)
	if n.hit != nil {
		n.cached += int64(frames)
		// Nothing writes a hit's chain output, so it is read where the
		// cache holds it when the block lies in one piece of it.
		if n.hit.view(n.view, frames) {
			return nil
		}
		for ch := range n.view {
			n.view[ch] = n.buf[ch][:frames]
		}
		return n.hit.read(n.buf, frames)
	}
	scratch, err := n.chainIn(frames)
	if err == nil {
		n.processChain(frames)
	}
	return n.chainOut(frames, scratch, err)
}

// chainIn reads the node's source, or sums its inputs, into buf: the
// chain's input. A recorded node renders straight into the cache's memory
// when the block fits in the chunk being filled, so nothing is copied;
// scratch is then the node's own buffer, for chainOut to put back.
func (n *nodeState) chainIn(frames int) (scratch [][]float64, err error) {
	if n.rec != nil {
		if slot := n.rec.slot(frames); slot != nil {
			scratch, n.buf = n.buf, slot
		}
	}
	if n.track != nil {
		err = n.read(frames)
	} else {
		n.sumInputs(frames)
	}
	return scratch, err
}

// chainOut records the chain's output (when the node is recorded) after
// chainIn and the chain, and returns err.
func (n *nodeState) chainOut(frames int, scratch [][]float64, err error) error {
	if scratch != nil {
		n.buf = scratch
		if err == nil {
			n.rec.filled(frames)
		}
	} else if n.rec != nil && err == nil {
		n.rec.add(n.buf, frames)
	}
	return err
}

// firstNonFinite returns the first frame of buf[:][:n] holding NaN or
// ±Inf, or -1. x·0 is ±0 for every finite x and NaN otherwise, so sums
// test the block; the search runs only when they fail. Four independent
// sums keep four additions in flight, where one would wait on the
// previous addition's latency at every sample.
func firstNonFinite(buf [][]float64, n int) int {
	var a0, a1, a2, a3 float64
	for _, ch := range buf {
		ch = ch[:n]
		i := 0
		for ; i+4 <= len(ch); i += 4 {
			q := (*[4]float64)(ch[i:])
			a0 += q[0] * 0
			a1 += q[1] * 0
			a2 += q[2] * 0
			a3 += q[3] * 0
		}
		for _, x := range ch[i:] {
			a0 += x * 0
		}
	}
	if (a0+a1)+(a2+a3) == 0 {
		return -1
	}
	for i := range n {
		for _, ch := range buf {
			if math.IsNaN(ch[i]) || math.IsInf(ch[i], 0) {
				return i
			}
		}
	}
	return -1
}

// read fills buf with the next frames of the source, then silence.
func (n *nodeState) read(frames int) error {
	got := 0
	for got < frames && n.reader != nil {
		for ch := range n.view {
			n.view[ch] = n.buf[ch][got:frames]
		}
		k, err := n.reader.Read(n.view)
		got += k
		if errors.Is(err, io.EOF) {
			n.reader.Close()
			n.reader = nil
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n.address, err)
		}
		if k == 0 {
			return fmt.Errorf("%s: read returned no data", n.address)
		}
	}
	for ch := range n.buf {
		clear(n.buf[ch][got:frames])
	}
	return nil
}

// sumInputs adds the node's inputs into buf, in their fixed order.
func (n *nodeState) sumInputs(frames int) {
	for k := range n.inputs {
		if c := &n.inputs[k]; c.delay != nil {
			c.delay.process(c.src, frames)
		}
	}
	for ch := range n.buf {
		d := n.buf[ch][:frames]
		clear(d)
		// Inputs are added four at a time, each frame's sum still in
		// input order: d[i] = (((d[i] + a[i]·ga) + b[i]·gb) + c[i]·gc) +
		// e[i]·ge is the very sequence of additions one input at a time
		// makes, so the bits are the same, with a quarter of the passes
		// over d. (A gain of 1 multiplies exactly.)
		k := 0
		for ; k+4 <= len(n.inputs); k += 4 {
			a, ga := n.inputs[k].block(ch, frames)
			b, gb := n.inputs[k+1].block(ch, frames)
			c, gc := n.inputs[k+2].block(ch, frames)
			e, ge := n.inputs[k+3].block(ch, frames)
			a, b, c, e = a[:len(d)], b[:len(d)], c[:len(d)], e[:len(d)]
			for i := range d {
				d[i] = d[i] + float64(a[i]*ga) + float64(b[i]*gb) + float64(c[i]*gc) + float64(e[i]*ge)
			}
		}
		for ; k+2 <= len(n.inputs); k += 2 {
			a, ga := n.inputs[k].block(ch, frames)
			b, gb := n.inputs[k+1].block(ch, frames)
			a, b = a[:len(d)], b[:len(d)]
			for i := range d {
				d[i] = d[i] + float64(a[i]*ga) + float64(b[i]*gb)
			}
		}
		if k < len(n.inputs) {
			a, ga := n.inputs[k].block(ch, frames)
			a = a[:len(d)]
			for i := range d {
				d[i] += float64(a[i] * ga)
			}
		}
	}
}

// block is the contribution's channel ch for this block, and its gain.
func (c *contribution) block(ch, frames int) ([]float64, float64) {
	src := c.src
	if c.delay != nil {
		src = c.delay.out
	}
	return src[ch][:frames], c.gain
}

// chainInput points view at the block in buf and applies the polarity:
// what the first effect gets.
func (n *nodeState) chainInput(frames int) [][]float64 {
	in := n.view
	for ch := range in {
		in[ch] = n.buf[ch][:frames]
	}
	if n.invert {
		for _, x := range in {
			for i := range x {
				x[i] = -x[i]
			}
		}
	}
	return in
}

// processChain runs polarity and the effects over buf, in place.
func (n *nodeState) processChain(frames int) {
	if n.auto != nil && len(n.auto.effects) > 0 {
		n.processChainAuto(frames)
		return
	}
	in := n.chainInput(frames)
	k := 0
	for i, p := range n.procs {
		if k < len(n.keys) && n.keys[k].at == i {
			kp := &n.keys[k]
			kp.view[0], kp.view[1] = kp.key[0][:frames], kp.key[1][:frames]
			kp.p.ProcessKeyed(in, kp.view)
			k++
			continue
		}
		p.Process(in)
	}
}

// placeStereo writes a mono or stereo signal to stereo dst with per-side
// gains.
func placeStereo(dst [][]float64, in [][]float64, gl, gr float64, n int) {
	l, r := in[0], in[0]
	if len(in) == 2 {
		r = in[1]
	}
	dl, dr := dst[0][:n], dst[1][:n]
	for i := range dl {
		dl[i] = l[i] * gl
		dr[i] = r[i] * gr
	}
}

// placeStereoFinite is placeStereo that also reports whether every sample
// it wrote is finite (x·0 is ±0 for finite x and NaN otherwise, so the
// sums are 0 exactly then; their order does not matter). Two frames per
// iteration keep four sums in flight.
func placeStereoFinite(dst [][]float64, in [][]float64, gl, gr float64, n int) bool {
	l, r := in[0], in[0]
	if len(in) == 2 {
		r = in[1]
	}
	dl, dr := dst[0][:n], dst[1][:n]
	l, r = l[:n], r[:n]
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+2 <= n; i += 2 {
		x0, x1 := l[i]*gl, l[i+1]*gl
		y0, y1 := r[i]*gr, r[i+1]*gr
		dl[i], dl[i+1] = x0, x1
		dr[i], dr[i+1] = y0, y1
		a0 += x0 * 0
		a1 += x1 * 0
		a2 += y0 * 0
		a3 += y1 * 0
	}
	for ; i < n; i++ {
		x, y := l[i]*gl, r[i]*gr
		dl[i], dr[i] = x, y
		a0 += x*0 + y*0
	}
	return (a0+a1)+(a2+a3) == 0
}

// Close releases the engine's files and goroutines.
func (e *Engine) Close() {
	for _, n := range e.allNodes() {
		if n.reader != nil {
			n.reader.Close()
			n.reader = nil
		}
		if n.hit != nil {
			n.hit.close()
		}
	}
	if e.pool != nil {
		e.pool.close()
		e.pool = nil
	}
}

// pool runs a step's work on a fixed set of goroutines: one function
// (the master's block), then the nodes, taken in that order by whichever
// goroutine is free. Which goroutine runs what changes nothing: the items
// share no state, and each writes only its own buffers.
//
// Between steps a worker spins for a while (yielding its P to any other
// goroutine at every turn) before it parks. Steps follow each other within
// microseconds, and a parked worker costs a step much more than that: the
// step's wake-up puts it on the stepping goroutine's own P, and an idle P
// has to be woken (on a VM, its vCPU) to steal it, while the other worker
// starts the step alone. With spinning, both workers start every step at
// once; measured in docs/performance.md.
type pool struct {
	fn      func()
	nodes   []*nodeState
	n       int
	workers int
	next    atomic.Int64  // the next item of the step
	gen     atomic.Uint64 // the step; workers start one when it moves
	left    atomic.Int64  // workers still in the step
	done    chan struct{} // the last worker out tells the stepper

	mu   sync.Mutex // guards quit; parked workers wait on cond
	cond *sync.Cond
	quit bool
}

// poolSpins is how many times an idle worker looks for the next step,
// yielding in between, before it parks: some tens of microseconds.
const poolSpins = 200

func newPool(workers int) *pool {
	p := &pool{workers: workers, done: make(chan struct{}, 1)}
	p.cond = sync.NewCond(&p.mu)
	for range workers {
		go p.work()
	}
	return p
}

func (p *pool) work() {
	var seen uint64
	for {
		g, ok := p.wait(seen)
		if !ok {
			return
		}
		seen = g
		for p.item(int(p.next.Add(1) - 1)) {
		}
		if p.left.Add(-1) == 0 {
			p.done <- struct{}{}
		}
	}
}

// wait returns the step after seen once it starts, or false when the pool
// closes.
func (p *pool) wait(seen uint64) (uint64, bool) {
	for range poolSpins {
		if g := p.gen.Load(); g != seen {
			return g, true
		}
		runtime.Gosched()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.gen.Load() == seen && !p.quit {
		p.cond.Wait()
	}
	return p.gen.Load(), !p.quit
}

// item runs item i of the step and reports whether there was one.
func (p *pool) item(i int) bool {
	if p.fn != nil {
		if i == 0 {
			p.fn()
			return true
		}
		i--
	}
	if i < len(p.nodes) {
		p.nodes[i].run(p.n)
		return true
	}
	return false
}

// run runs one step and returns when every item has run.
func (p *pool) run(nodes []*nodeState, n int, fn func()) {
	p.fn, p.nodes, p.n = fn, nodes, n
	p.next.Store(0)
	p.left.Store(int64(p.workers))
	p.mu.Lock()
	p.gen.Add(1) // publishes the fields above to the workers
	p.cond.Broadcast()
	p.mu.Unlock()
	<-p.done
}

func (p *pool) close() {
	p.mu.Lock()
	p.quit = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

// delayLine delays a stereo signal by a whole number of frames, to line
// up a contribution with the bus's latest input.
type delayLine struct {
	ring [][]float64
	pos  int
	out  [][]float64 // the delayed block
}

func newDelayLine(chans, delay, block int) *delayLine {
	return &delayLine{ring: alloc(chans, delay), out: alloc(chans, block)}
}

func (d *delayLine) process(src [][]float64, n int) {
	size := len(d.ring[0])
	for ch := range d.ring {
		ring, in, out := d.ring[ch], src[ch][:n], d.out[ch][:n]
		pos := d.pos
		for i, x := range in {
			out[i] = ring[pos]
			ring[pos] = x
			if pos++; pos == size {
				pos = 0
			}
		}
	}
	d.pos = (d.pos + n) % size
}
