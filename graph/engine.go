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
	"github.com/mixdown/mixdown/dsp/audiofile"
)

// DefaultBlockSize is the internal block size, in frames. The output does
// not depend on it; tests drive other sizes through Options.
const DefaultBlockSize = 1024

// Options tune a render without changing its output.
type Options struct {
	BlockSize int // frames per internal block; 0 means DefaultBlockSize
	Workers   int // goroutines for tracks; 0 means GOMAXPROCS
}

// Engine renders a graph block by block. It owns every buffer the render
// needs, sized once in NewEngine: memory does not grow with the song.
type Engine struct {
	g         *Graph
	blockSize int
	pos       int64 // frames rendered so far

	tracks []*trackState
	buses  []*busState
	// inputs[d] lists what is summed into destination d, in a fixed order;
	// the master is the last destination.
	inputs     [][]contribution
	master     [][]float64 // 2 x blockSize
	masterView [][]float64 // the valid part of master, returned by Next

	pool *pool
}

// contribution is one signal summed into a bus or the master.
type contribution struct {
	src  [][]float64 // a strip's out or pre buffer
	gain float64     // linear; 1 for a main output
}

// stripState is the running state shared by tracks and buses.
type stripState struct {
	chans      int
	buf        [][]float64 // chans x block: input, then through the chain
	pre        [][]float64 // 2 x block: pre-fader, for pre-fader sends
	out        [][]float64 // 2 x block: post-fader and pan
	gainL      float64     // fader times pan, per side
	gainR      float64
	preL, preR float64 // mono placed at centre for pre-fader sends
	polarity   bool
	needPre    bool
	procs      []dsp.Processor
	view       [][]float64 // chans: reused sub-block views, so no block allocates
}

type trackState struct {
	stripState
	t      *Track
	r      *audiofile.Reader
	frames int64 // source length
	err    error
}

type busState struct {
	stripState
	b *Bus
}

// NewEngine opens every active source and allocates the render's buffers.
func NewEngine(g *Graph, opts Options) (*Engine, error) {
	bs := opts.BlockSize
	if bs <= 0 {
		bs = DefaultBlockSize
	}
	e := &Engine{g: g, blockSize: bs, master: alloc(2, bs), masterView: make([][]float64, 2)}
	e.inputs = make([][]contribution, len(g.Buses)+1)

	for _, t := range g.Tracks {
		if !t.Active {
			continue
		}
		ts := &trackState{t: t, frames: t.Source.Frames}
		ts.init(t.Channels(), bs, &t.Strip)
		r, err := audiofile.Open(t.Model.SourcePath)
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("%s: %w", t.Address, err)
		}
		ts.r = r
		e.tracks = append(e.tracks, ts)
		e.route(&ts.stripState, &t.Strip)
	}
	for _, b := range g.Buses {
		bst := &busState{b: b}
		bst.init(2, bs, &b.Strip)
		e.buses = append(e.buses, bst)
	}
	for _, bst := range e.buses {
		if bst.b.Active {
			e.route(&bst.stripState, &bst.b.Strip)
		}
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(e.tracks))
	if workers > 1 {
		e.pool = newPool(workers, e.tracks)
	}
	return e, nil
}

func alloc(chans, n int) [][]float64 {
	buf := make([][]float64, chans)
	for i := range buf {
		buf[i] = make([]float64, n)
	}
	return buf
}

func (s *stripState) init(chans, bs int, st *Strip) {
	s.chans = chans
	s.buf = alloc(chans, bs)
	s.view = make([][]float64, chans)
	s.out = alloc(2, bs)
	s.polarity = st.Polarity
	fader := dsp.DBToGain(st.GainDB)
	pl, pr := PanGains(st.Pan, chans == 2)
	s.gainL, s.gainR = fader*pl, fader*pr
	s.preL, s.preR = 1, 1
	if chans == 1 {
		s.preL, s.preR = PanGains(0, false)
	}
	for _, send := range st.Sends {
		if send.PreFader {
			s.needPre = true
		}
	}
	if s.needPre {
		s.pre = alloc(2, bs)
	}
}

// route registers a strip's main output and sends with their destinations.
func (e *Engine) route(s *stripState, st *Strip) {
	dest := func(d int) int {
		if d == ToMaster {
			return len(e.g.Buses)
		}
		return d
	}
	e.inputs[dest(st.Dest)] = append(e.inputs[dest(st.Dest)], contribution{src: s.out, gain: 1})
	for _, send := range st.Sends {
		src := s.out
		if send.PreFader {
			src = s.pre
		}
		e.inputs[send.Dest] = append(e.inputs[send.Dest], contribution{src: src, gain: dsp.DBToGain(send.LevelDB)})
	}
}

// Frames is the render's length in frames.
func (e *Engine) Frames() int64 { return e.g.Frames }

// Next renders the next block of the master and returns it as planar
// stereo, valid until the next call. It returns io.EOF after the last block.
func (e *Engine) Next(ctx context.Context) ([][]float64, error) {
	if e.pos >= e.g.Frames {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := int(min(int64(e.blockSize), e.g.Frames-e.pos))

	if e.pool != nil {
		e.pool.run(n)
	} else {
		for _, ts := range e.tracks {
			ts.process(n)
		}
	}
	for _, ts := range e.tracks {
		if ts.err != nil {
			return nil, ts.err
		}
	}
	for i, bst := range e.buses {
		if !bst.b.Active {
			continue
		}
		sum(bst.buf, e.inputs[i], n)
		bst.processStrip(n)
	}
	master := e.master
	sum(master, e.inputs[len(e.g.Buses)], n)
	if g := dsp.DBToGain(e.g.Master.GainDB); g != 1 {
		for ch := range master {
			x := master[ch][:n]
			for i := range x {
				x[i] *= g
			}
		}
	}
	for ch := range master {
		for i, x := range master[ch][:n] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, &NonFiniteError{Address: e.g.Master.Address, Seconds: float64(e.pos+int64(i)) / float64(e.g.SampleRate)}
			}
		}
	}
	e.pos += int64(n)
	e.masterView[0], e.masterView[1] = master[0][:n], master[1][:n]
	return e.masterView, nil
}

// NonFiniteError reports a node that produced NaN or Inf.
type NonFiniteError struct {
	Address string
	Seconds float64
}

func (err *NonFiniteError) Error() string {
	return fmt.Sprintf("%s produced a non-finite sample (NaN or Inf) at %.6f s; nothing was written", err.Address, err.Seconds)
}

// sum adds the contributions into dst, in their fixed order.
func sum(dst [][]float64, in []contribution, n int) {
	for ch := range dst {
		d := dst[ch][:n]
		clear(d)
		for _, c := range in {
			s := c.src[ch][:n]
			if c.gain == 1 {
				for i := range d {
					d[i] += s[i]
				}
				continue
			}
			g := c.gain
			for i := range d {
				d[i] += float64(s[i] * g)
			}
		}
	}
}

// process renders one block of a track.
func (ts *trackState) process(n int) {
	if ts.err != nil {
		return
	}
	if err := ts.read(n); err != nil {
		ts.err = err
		return
	}
	ts.processStrip(n)
}

// read fills buf with the next n frames of the source, then silence.
func (ts *trackState) read(n int) error {
	got := 0
	for got < n && ts.r != nil {
		for ch := range ts.view {
			ts.view[ch] = ts.buf[ch][got:n]
		}
		k, err := ts.r.Read(ts.view)
		got += k
		if errors.Is(err, io.EOF) {
			ts.r.Close()
			ts.r = nil
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", ts.t.Address, err)
		}
		if k == 0 {
			return fmt.Errorf("%s: %s: read returned no data", ts.t.Address, ts.t.Model.Source)
		}
	}
	for ch := range ts.buf {
		clear(ts.buf[ch][got:n])
	}
	return nil
}

// processStrip runs the strip from the filled input buffer to out and pre.
func (s *stripState) processStrip(n int) {
	in := s.view
	for ch := range in {
		in[ch] = s.buf[ch][:n]
	}
	if s.polarity {
		for _, x := range in {
			for i := range x {
				x[i] = -x[i]
			}
		}
	}
	for _, p := range s.procs {
		p.Process(in)
	}
	if s.needPre {
		placeStereo(s.pre, in, s.preL, s.preR, n)
	}
	placeStereo(s.out, in, s.gainL, s.gainR, n)
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

// Close releases the engine's files and goroutines.
func (e *Engine) Close() {
	for _, ts := range e.tracks {
		if ts.r != nil {
			ts.r.Close()
			ts.r = nil
		}
	}
	if e.pool != nil {
		e.pool.close()
		e.pool = nil
	}
}

// pool runs the tracks of a block on a fixed set of goroutines. Which
// goroutine runs which track changes nothing: tracks share no state.
type pool struct {
	tracks []*trackState
	start  []chan int
	next   atomic.Int64
	wg     sync.WaitGroup
}

func newPool(workers int, tracks []*trackState) *pool {
	p := &pool{tracks: tracks}
	for w := 0; w < workers; w++ {
		ch := make(chan int)
		p.start = append(p.start, ch)
		go func() {
			for n := range ch {
				for {
					i := p.next.Add(1) - 1
					if i >= int64(len(p.tracks)) {
						break
					}
					p.tracks[i].process(n)
				}
				p.wg.Done()
			}
		}()
	}
	return p
}

func (p *pool) run(n int) {
	p.next.Store(0)
	p.wg.Add(len(p.start))
	for _, ch := range p.start {
		ch <- n
	}
	p.wg.Wait()
}

func (p *pool) close() {
	for _, ch := range p.start {
		close(ch)
	}
}
