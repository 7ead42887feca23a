package graph

import (
	"fmt"
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/delay"
	"github.com/mixdown/mixdown/dsp/dynamics"
	"github.com/mixdown/mixdown/dsp/eq"
	"github.com/mixdown/mixdown/dsp/reverb"
	"github.com/mixdown/mixdown/dsp/saturation"
	"github.com/mixdown/mixdown/dsp/stereo"
	"github.com/mixdown/mixdown/lang"
)

// Automation in the engine.
//
// Every lane is an envelope over the song's timeline (frames at the mix
// rate). A node renders raw frames; the audio a processor of the node
// sees at raw frame r left the sources at timeline frame r - L, L being
// the latency of everything before it (the node's compensated input
// latency plus the chain's processors ahead of it). Each lane is read at
// its own L, so a change lands on the audio it was written against
// however much lookahead sits upstream.
//
// Gain, pan and send levels are evaluated for every sample, through a
// short smoother at instant jumps (step curves, equal-time points).
// Effect parameters are set at most every ControlPeriod frames, counted
// on the timeline, and at every point's frame exactly; the block is cut
// there, so the output does not depend on the block size.

// ControlPeriod is the control rate of effect parameters: the frames
// between two updates of a ramping parameter, counted on the timeline
// from its frame 0.
const ControlPeriod = 32

// SmootherMS is the length of the ramp that replaces an instant jump of
// gain, pan or a send level (a smoothstep, see envelope.smoothed).
const SmootherMS = 5

// Curves.
const (
	curveStep = iota
	curveLinear
	curveSmooth
)

// envelope is a compiled lane: the distinct point times with the value
// arriving at each (from the left) and leaving it. A point time where
// they differ is a jump.
type envelope struct {
	frames  []int64
	in, out []float64
	curve   int
	smooth  int64 // smoother length in frames; 0: jumps are instant
	k       int   // cursor: the last index with frames[k] <= t, or -1
}

func newEnvelope(a *lang.Automation) *envelope {
	e := &envelope{k: -1}
	switch a.Curve {
	case "step":
		e.curve = curveStep
	case "smooth":
		e.curve = curveSmooth
	default:
		e.curve = curveLinear
	}
	for _, p := range a.Points {
		if n := len(e.frames); n > 0 && e.frames[n-1] == p.Frame {
			e.out[n-1] = p.Value // a jump: the last point at a time leaves it
			continue
		}
		in := p.Value
		if e.curve == curveStep && len(e.out) > 0 {
			in = e.out[len(e.out)-1] // a step holds the last value up to the point
		}
		e.frames = append(e.frames, p.Frame)
		e.in = append(e.in, in)
		e.out = append(e.out, p.Value)
	}
	return e
}

// seek moves the cursor to the last point at or before t.
func (e *envelope) seek(t int64) {
	for e.k+1 < len(e.frames) && e.frames[e.k+1] <= t {
		e.k++
	}
	for e.k >= 0 && e.frames[e.k] > t {
		e.k--
	}
}

// at is the curve's value at timeline frame t, before smoothing:
//
//	before the first point:  the first point's value
//	step:    the value of the last point at or before t
//	linear:  v0 + (v1-v0)·x
//	smooth:  v0 + (v1-v0)·x²(3-2x)   (smoothstep: flat at both points)
//
// with x = (t-t0)/(t1-t0) between the points (t0, v0) and (t1, v1);
// after the last point, its value.
func (e *envelope) at(t int64) float64 {
	e.seek(t)
	k := e.k
	if k < 0 {
		return e.in[0]
	}
	if k == len(e.frames)-1 || e.curve == curveStep {
		return e.out[k]
	}
	x := float64(t-e.frames[k]) / float64(e.frames[k+1]-e.frames[k])
	if e.curve == curveSmooth {
		x = smoothstep(x)
	}
	v0 := e.out[k]
	return v0 + float64((e.in[k+1]-v0)*x)
}

func smoothstep(x float64) float64 { return float64(x*x) * (3 - float64(2*x)) }

// smoothed is at(t) with the jumps ramped: for L = min(smooth, time to
// the next point) frames from a jump at t0 from a to the curve c,
//
//	a + (c(t) - a)·w((t-t0)/L),  w the smoothstep,
//
// so the ramp starts at the jump's frame and ends on the curve before
// the next point.
func (e *envelope) smoothed(t int64) float64 {
	v := e.at(t)
	k := e.k
	if e.smooth == 0 || k < 0 || e.in[k] == e.out[k] {
		return v
	}
	l := e.smooth
	if k+1 < len(e.frames) {
		l = min(l, e.frames[k+1]-e.frames[k])
	}
	d := t - e.frames[k]
	if d >= l {
		return v
	}
	a := e.in[k]
	return a + float64((v-a)*smoothstep(float64(d)/float64(l)))
}

// flatUntil returns the first frame after t at which the smoothed value
// may differ from its value at t: t+1 while it moves, else the next
// point's frame (math.MaxInt64 after the last).
func (e *envelope) flatUntil(t int64) int64 {
	e.seek(t)
	k := e.k
	if k+1 < len(e.frames) && k >= 0 && e.curve != curveStep {
		return t + 1 // ramping between two points
	}
	if k >= 0 && e.smooth > 0 && e.in[k] != e.out[k] && t-e.frames[k] < e.smooth {
		return t + 1 // in a jump's ramp
	}
	if k+1 < len(e.frames) {
		return e.frames[k+1]
	}
	return math.MaxInt64
}

// control returns the value an effect parameter holds at t, and the
// first frame after t at which it may change: the next multiple of
// ControlPeriod while the curve ramps, or the next point. A parameter
// changes only at those frames, so where a block is cut does not matter.
func (e *envelope) control(t int64) (float64, int64) {
	e.seek(t)
	k := e.k
	next := int64(math.MaxInt64)
	if k+1 < len(e.frames) {
		next = e.frames[k+1]
	}
	if k < 0 || k+1 >= len(e.frames) || e.curve == curveStep {
		return e.at(t), next
	}
	// Ramping: the value at the latest control frame, or at the point if
	// it is later.
	tick := t - mod(t, ControlPeriod)
	from := max(tick, e.frames[k])
	return e.at(from), min(tick+ControlPeriod, next)
}

func mod(t, m int64) int64 {
	r := t % m
	if r < 0 {
		r += m
	}
	return r
}

// fill writes the smoothed values of timeline frames t0, t0+1, ... to dst.
func (e *envelope) fill(dst []float64, t0 int64) {
	for i := 0; i < len(dst); {
		t := t0 + int64(i)
		v := e.smoothed(t)
		end := len(dst)
		if f := e.flatUntil(t); f-t0 < int64(end) {
			end = int(f - t0)
		}
		for ; i < end; i++ {
			dst[i] = v
		}
	}
}

// nodeAuto is a node's automation: its fader (gain, pan), its sends and
// its effects. A node without automation has none and renders as before.
type nodeAuto struct {
	pos int64 // raw frame of the block being rendered

	gain, pan     *envelope // nil when not automated
	gainDB, panAt float64   // their fixed values otherwise
	stereo        bool      // the pan law: balance (stereo) or constant power (mono)
	master        bool      // gain only, on the master's channels
	fader         int64     // latency at the fader: timeline = raw - fader
	gl, gr        []float64 // per-frame side gains of the block
	vals          []float64 // per-frame values, scratch
	lastDB, lastG float64   // gain cache: dB → factor
	lastPan       float64   // pan cache
	lastPL        float64
	lastPR        float64

	sends   []*sendAuto // by the strip's send index; nil when not automated
	effects []*effectAuto
	sub     [][]float64 // sub-block views of the chain's buffer
	keyView [][]float64 // sub-block views of a sidechain key
}

// sendAuto is an automated send: the node writes its signal, scaled per
// frame, to out, and the send's contribution takes out at unity.
type sendAuto struct {
	env *envelope
	pre bool
	out [][]float64 // 2 x block
	g   []float64
}

// effectAuto drives one processor's automated parameters.
type effectAuto struct {
	at     int   // index in the node's procs
	offset int64 // latency ahead of the processor: timeline = raw - offset
	lanes  []paramLane
	ctl    *control
}

type paramLane struct {
	env   *envelope
	field *float64 // in the parameters the effect holds
}

// newNodeAuto prepares st's gain, pan and send automation for a node of
// chans channels and blocks of bs frames; nil when st has none. Effects
// are bound once the node's processors exist (bindAutomation).
func newNodeAuto(st *Strip, chans, bs int) *nodeAuto {
	if len(st.Automation) == 0 {
		return nil
	}
	a := &nodeAuto{gainDB: st.GainDB, panAt: st.Pan, stereo: chans == 2, lastDB: math.NaN(), lastPan: math.NaN()}
	a.sub = make([][]float64, chans)
	a.keyView = make([][]float64, 2)
	for _, l := range st.Automation {
		switch l.Kind {
		case lang.AutoGain:
			a.gain = newEnvelope(l)
		case lang.AutoPan:
			a.pan = newEnvelope(l)
		case lang.AutoSend:
			for k, s := range st.Sends {
				if s.Bus == l.Send {
					if a.sends == nil {
						a.sends = make([]*sendAuto, len(st.Sends))
					}
					a.sends[k] = &sendAuto{env: newEnvelope(l), pre: s.PreFader, out: alloc(2, bs), g: make([]float64, bs)}
				}
			}
		}
	}
	if a.gain != nil || a.pan != nil {
		a.gl, a.gr, a.vals = make([]float64, bs), make([]float64, bs), make([]float64, bs)
	}
	return a
}

// send returns the source and gain of the strip's send k: an automated
// send's own buffer at unity, else src and gain unchanged.
func (a *nodeAuto) send(k int, src [][]float64, gain float64) ([][]float64, float64) {
	if a == nil || k >= len(a.sends) || a.sends[k] == nil {
		return src, gain
	}
	return a.sends[k].out, 1
}

// buffers lists the signals the node writes besides out and pre, for
// latency compensation: they have the node's latency.
func (a *nodeAuto) buffers() [][][]float64 {
	if a == nil {
		return nil
	}
	var out [][][]float64
	for _, s := range a.sends {
		if s != nil {
			out = append(out, s.out)
		}
	}
	return out
}

// bindAutomation binds every automated node to its processors and
// latencies, once the graph's latencies are known.
func (e *Engine) bindAutomation() error {
	rate := float64(e.g.SampleRate)
	chainLatency := func(n *nodeState) int64 {
		var l int64
		for _, p := range n.procs {
			l += int64(p.Latency())
		}
		return l
	}
	for i, n := range e.nodes {
		if n.auto == nil {
			continue
		}
		st := &e.g.Tracks[min(i, len(e.g.Tracks)-1)].Strip
		if i >= len(e.g.Tracks) {
			st = &e.g.Buses[i-len(e.g.Tracks)].Strip
		}
		if err := n.auto.bind(n, st.Automation, n.latency-chainLatency(n), rate); err != nil {
			return err
		}
	}
	if e.master.auto != nil {
		e.master.auto.master = true
		if err := e.master.auto.bind(e.master, e.g.Master.Automation, e.master.latency-chainLatency(e.master), rate); err != nil {
			return err
		}
	}
	for _, st := range e.stems {
		if a := st.node.auto; a != nil {
			a.master = true
			in := st.src.latency
			if st.delay != nil {
				in += int64(len(st.delay.ring[0]))
			}
			if err := a.bind(st.node, e.g.Master.Automation, in, rate); err != nil {
				return err
			}
		}
	}
	return nil
}

// bind sets the lanes' latencies and smoothers, and builds the effect
// controls. in is the latency of the node's input.
func (a *nodeAuto) bind(n *nodeState, lanes []*lang.Automation, in int64, rate float64) error {
	smooth := int64(math.Round(SmootherMS * rate / 1000))
	offsets := make([]int64, len(n.procs)+1)
	offsets[0] = in
	for i, p := range n.procs {
		offsets[i+1] = offsets[i] + int64(p.Latency())
	}
	a.fader = offsets[len(n.procs)]
	for _, env := range []*envelope{a.gain, a.pan} {
		if env != nil {
			env.smooth = smooth
		}
	}
	for _, s := range a.sends {
		if s != nil {
			s.env.smooth = smooth
		}
	}
	byProc := map[int]*effectAuto{}
	for _, l := range lanes {
		if l.Kind != lang.AutoEffect {
			continue
		}
		if l.Effect >= len(n.procs) {
			return fmt.Errorf("%s: automation of %s: no such effect", n.address, l.Lane)
		}
		ea := byProc[l.Effect]
		if ea == nil {
			ea = &effectAuto{at: l.Effect, offset: offsets[l.Effect], ctl: newControl(n.procs[l.Effect])}
			if ea.ctl == nil {
				return fmt.Errorf("%s: automation of %s: this processor cannot be automated", n.address, l.Lane)
			}
			byProc[l.Effect] = ea
			a.effects = append(a.effects, ea)
		}
		f := ea.ctl.field(l.Param, l.Band)
		if f == nil {
			return fmt.Errorf("%s: automation of %s: the processor has no such parameter", n.address, l.Lane)
		}
		ea.lanes = append(ea.lanes, paramLane{env: newEnvelope(l), field: f})
	}
	// In chain order, so processChainAuto walks them with the procs.
	for i := 1; i < len(a.effects); i++ {
		for j := i; j > 0 && a.effects[j].at < a.effects[j-1].at; j-- {
			a.effects[j], a.effects[j-1] = a.effects[j-1], a.effects[j]
		}
	}
	return nil
}

// control holds a processor's parameters for automation to change: field
// points at one of them (by its language name, and band for an eq), and
// apply hands them all to the processor's SetParams, which neither
// allocates nor resets.
type control struct {
	apply func()
	field func(name string, band int) *float64
}

// newControl returns the control of p, its parameters copied from it, or
// nil for a processor that cannot be automated.
func newControl(p dsp.Processor) *control {
	switch x := p.(type) {
	case *eq.EQ:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, band int) *float64 {
			if band < 0 || band >= len(h.Bands) {
				return nil
			}
			b := &h.Bands[band]
			return pick(name, "freq", &b.FreqHz, "gain", &b.GainDB, "q", &b.Q)
		}}
	case *dynamics.Compressor:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "threshold", &h.ThresholdDB, "ratio", &h.Ratio, "knee", &h.KneeDB,
				"attack", &h.AttackMS, "release", &h.ReleaseMS, "makeup", &h.MakeupDB, "mix", &h.Mix,
				"sidechain_highpass", &h.SidechainHighpassHz)
		}}
	case *dynamics.Gate:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "threshold", &h.ThresholdDB, "range", &h.RangeDB, "attack", &h.AttackMS,
				"hold", &h.HoldMS, "release", &h.ReleaseMS)
		}}
	case *dynamics.Limiter:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "ceiling", &h.CeilingDB, "release", &h.ReleaseMS)
		}}
	case *dynamics.Deesser:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "freq", &h.FreqHz, "threshold", &h.ThresholdDB, "range", &h.RangeDB)
		}}
	case *delay.Delay:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "time", &h.TimeMs, "feedback", &h.Feedback, "mix", &h.Mix,
				"highcut", &h.HighCutHz, "lowcut", &h.LowCutHz)
		}}
	case *reverb.FDN:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "decay", &h.DecaySec, "predelay", &h.PredelayMs, "size", &h.Size,
				"damping", &h.Damping, "width", &h.Width, "mix", &h.Mix)
		}}
	case *reverb.Convolver:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "mix", &h.Mix)
		}}
	case *saturation.Saturation:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "drive", &h.DriveDB, "mix", &h.Mix)
		}}
	case *stereo.Stereo:
		h := x.Params()
		return &control{func() { x.SetParams(h) }, func(name string, _ int) *float64 {
			return pick(name, "width", &h.Width, "mono_below", &h.MonoBelowHz)
		}}
	}
	return nil
}

// pick returns the field paired with name in pairs (name, *float64, ...).
func pick(name string, pairs ...any) *float64 {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i].(string) == name {
			return pairs[i+1].(*float64)
		}
	}
	return nil
}

// processChainAuto is processChain for a node with automated effects:
// polarity, then each processor over the block, an automated one in
// pieces cut wherever one of its parameters changes.
func (n *nodeState) processChainAuto(frames int) {
	a := n.auto
	in := n.chainInput(frames)
	k, next := 0, 0
	for i, p := range n.procs {
		var kp *keyedProc
		if k < len(n.keys) && n.keys[k].at == i {
			kp = &n.keys[k]
			k++
		}
		if next < len(a.effects) && a.effects[next].at == i {
			a.runEffect(a.effects[next], p, kp, in, frames)
			next++
			continue
		}
		if kp != nil {
			kp.view[0], kp.view[1] = kp.key[0][:frames], kp.key[1][:frames]
			kp.p.ProcessKeyed(in, kp.view)
			continue
		}
		p.Process(in)
	}
}

// runEffect processes one automated effect over the block, cut at every
// frame where a parameter may change, setting the parameters at each.
func (a *nodeAuto) runEffect(ea *effectAuto, p dsp.Processor, kp *keyedProc, in [][]float64, frames int) {
	t0 := a.pos - ea.offset
	for s := 0; s < frames; {
		t := t0 + int64(s)
		end := int64(frames)
		changed := false
		for _, l := range ea.lanes {
			v, until := l.env.control(t)
			if *l.field != v {
				*l.field = v
				changed = true
			}
			end = min(end, until-t0)
		}
		if changed {
			ea.ctl.apply()
		}
		e := int(end)
		for ch := range in {
			a.sub[ch] = in[ch][s:e]
		}
		if kp != nil {
			a.keyView[0], a.keyView[1] = kp.key[0][s:e], kp.key[1][s:e]
			kp.p.ProcessKeyed(a.sub, a.keyView)
		} else {
			p.Process(a.sub)
		}
		s = e
	}
}

// place writes the node's out (fader and pan, per frame when automated)
// and its automated sends, then moves the node's clock on.
func (a *nodeAuto) place(n *nodeState, frames int) {
	a.placeFader(n, n.out, n.view, frames)
	a.placeSends(n, frames)
	a.pos += int64(frames)
}

// placeFader is placeStereo with the node's fader and pan, per frame
// when automated. (A tap calls it too, for the same block.)
func (a *nodeAuto) placeFader(n *nodeState, dst, in [][]float64, frames int) {
	if a.gain == nil && a.pan == nil {
		placeStereo(dst, in, n.gainL, n.gainR, frames)
		return
	}
	a.faderGains(frames)
	l, r := in[0], in[0]
	if len(in) == 2 {
		r = in[1]
	}
	dl, dr := dst[0][:frames], dst[1][:frames]
	gl, gr := a.gl[:frames], a.gr[:frames]
	for i := range dl {
		dl[i] = l[i] * gl[i]
		dr[i] = r[i] * gr[i]
	}
}

// faderGains fills gl and gr with each frame's fader times pan.
func (a *nodeAuto) faderGains(frames int) {
	t0 := a.pos - a.fader
	gl, gr := a.gl[:frames], a.gr[:frames]
	fader := dsp.DBToGain(a.gainDB)
	if a.gain != nil {
		a.gain.fill(gl, t0)
		for i, db := range gl {
			if db != a.lastDB {
				a.lastDB, a.lastG = db, dsp.DBToGain(db)
			}
			gl[i] = a.lastG
		}
	} else {
		for i := range gl {
			gl[i] = fader
		}
	}
	if a.master {
		copy(gr, gl) // the master is stereo, at centre: unity both sides
		return
	}
	if a.pan == nil {
		pl, pr := PanGains(a.panAt, a.stereo)
		for i, g := range gl {
			gl[i], gr[i] = g*pl, g*pr
		}
		return
	}
	vals := a.vals[:frames]
	a.pan.fill(vals, t0)
	for i, p := range vals {
		if p != a.lastPan {
			a.lastPan = p
			a.lastPL, a.lastPR = PanGains(p, a.stereo)
		}
		g := gl[i]
		gl[i], gr[i] = g*a.lastPL, g*a.lastPR
	}
}

// placeSends writes each automated send's signal: the node's out (or
// pre) times the send level, per frame.
func (a *nodeAuto) placeSends(n *nodeState, frames int) {
	t0 := a.pos - a.fader
	for _, s := range a.sends {
		if s == nil {
			continue
		}
		g := s.g[:frames]
		s.env.fill(g, t0)
		last, lastG := math.NaN(), 0.0
		for i, db := range g {
			if db != last {
				last, lastG = db, dsp.DBToGain(db)
			}
			g[i] = lastG
		}
		src := n.out
		if s.pre {
			src = n.pre
		}
		for ch := range s.out {
			x, y := src[ch][:frames], s.out[ch][:frames]
			for i := range y {
				y[i] = x[i] * g[i]
			}
		}
	}
}

// placeMaster is the master's fader with automation: out from buf, per
// frame, checked for non-finite samples as the plain fader is.
func (e *Engine) placeMaster(frames int) error {
	m := e.master
	a := m.auto
	if a.gain == nil {
		for ch := range m.out {
			copy(m.out[ch][:frames], m.view[min(ch, m.chans-1)][:frames])
		}
		mulGain(m.out, m.gainL, m.gainR, frames)
	} else {
		a.faderGains(frames)
		for ch := range m.out {
			src, dst, g := m.view[min(ch, m.chans-1)][:frames], m.out[ch][:frames], a.gl[:frames]
			for i, x := range src {
				dst[i] = x * g[i]
			}
		}
	}
	a.pos += int64(frames)
	if i := firstNonFinite(m.out, frames); i >= 0 {
		t := float64(e.raw-e.latency+int64(i)) / float64(e.g.SampleRate)
		return &NonFiniteError{Address: "master", Seconds: max(t, 0)}
	}
	return nil
}

func mulGain(buf [][]float64, gl, gr float64, frames int) {
	for ch, x := range buf {
		g := gl
		if ch == 1 {
			g = gr
		}
		for i := range x[:frames] {
			x[i] *= g
		}
	}
}

// automatedGapMS is gapMS for automated parameters: the longest delay
// time or predelay a lane of st reaches, so a tail is not cut between
// two echoes an automated time spaced further apart.
func automatedGapMS(st *Strip) float64 {
	gap := 0.0
	for _, l := range st.Automation {
		if l.Kind != lang.AutoEffect || l.Effect >= len(st.Effects) {
			continue
		}
		e := st.Effects[l.Effect].Model
		if e.Kind == "delay" && l.Param == "time" || e.Kind == "reverb" && l.Param == "predelay" {
			for _, p := range l.Points {
				gap = max(gap, p.Value)
			}
		}
	}
	return gap
}
