package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

var cmdGraph = &Command{
	Name:      "graph",
	UsageLine: "graph FILE [-format dot|mermaid] [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "print a mix's signal graph (Graphviz or Mermaid)",
	Long: `
Graph compiles the mix FILE and prints its signal graph, in Graphviz DOT
(the default) or, with -format mermaid, as a Mermaid flowchart:

	mixdown graph song.mix.hcl | dot -Tsvg > song.svg

Every track, bus, effect, the master and every output is a node, named by
its address (track.vocals, track.vocals.compressor, bus.verb, master,
output.main). Each strip's effects follow it in chain order; the strip's
main output leaves its last effect, labelled with the fader and pan.

Solid edges carry the main signal, dashed edges are sends (labelled with
the level and pre- or post-fader) and dotted edges are sidechain keys
(labelled "key"). Muted tracks and buses, and tracks silenced by another
track's solo, are drawn dashed and grey.

Each effect shows its own latency, and each track, bus and the master the
latency of its output: the most that any of its inputs brings (paths with
less are delayed to match, so everything lines up), plus its own chain. In
samples at the mix's rate, and in milliseconds. The master's is the latency
the render compensates.

Graph reads source and impulse-response files (their headers, and impulse
responses whole, to build their processors) but renders no audio. The
output is the same for the same mix, line for line.
`,
}

var graphFlags struct {
	vars   varFlags
	format string
}

func init() {
	register(cmdGraph)
	cmdGraph.Flags = func(fs *flag.FlagSet) {
		registerSafetyFlags(fs)
		graphFlags.vars = varFlags{}
		graphFlags.vars.register(fs)
		graphFlags.format = "dot"
		fs.StringVar(&graphFlags.format, "format", "dot", "output `format`: dot or mermaid")
	}
	cmdGraph.Run = runGraph
}

func runGraph(env *Env, args []string) int {
	file, ok := oneFile(env, cmdGraph, args)
	if !ok {
		return exitUsage
	}
	var write func(io.Writer, *signalGraph)
	switch graphFlags.format {
	case "dot":
		write = writeDOT
	case "mermaid":
		write = writeMermaid
	default:
		fmt.Fprintf(env.Stderr, "mixdown graph: unknown -format %q: use dot or mermaid\n", graphFlags.format)
		return exitUsage
	}
	g := loadGraph(env, file, graphFlags.vars.args)
	if g == nil {
		return exitFail
	}
	sg, err := buildSignalGraph(g)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return exitFail
	}
	write(env.Stdout, sg)
	return exitOK
}

// signalGraph is the drawing: nodes and edges in a fixed order.
type signalGraph struct {
	nodes []*drawNode
	edges []*drawEdge
	// masterLatency is the latency of the master's output, in samples.
	masterLatency int64
}

type nodeKind uint8

const (
	nodeStrip nodeKind = iota
	nodeEffect
	nodeOutput
)

type drawNode struct {
	id     string   // the address
	lines  []string // the label, one line each
	kind   nodeKind
	silent bool // muted, or silenced by a solo
}

type edgeStyle uint8

const (
	edgeMain edgeStyle = iota
	edgeSend
	edgeKey
)

type drawEdge struct {
	from, to string
	label    string
	style    edgeStyle
	silent   bool // from a muted or silenced strip: carries nothing
}

// buildSignalGraph lays out g, measuring every effect's latency.
func buildSignalGraph(g *graph.Graph) (*signalGraph, error) {
	sg := &signalGraph{}
	rate := g.SampleRate
	latency := func(samples int64) string {
		return fmt.Sprintf("latency %d samples (%.2f ms)", samples, float64(samples)*1000/float64(rate))
	}

	// Chains first: each effect's latency, and each strip's chain end.
	type strip struct {
		addr    string
		st      *graph.Strip
		active  bool
		chain   int64  // the chain's latency
		end     string // the node its outputs leave from
		latency int64  // of its output
	}
	chainOf := func(owner string, effects []*graph.Effect, silent bool) (end string, total int64, err error) {
		end = owner
		for _, fx := range effects {
			l, err := effectLatency(g, fx)
			if err != nil {
				return "", 0, err
			}
			total += l
			sg.nodes = append(sg.nodes, &drawNode{id: fx.Address, kind: nodeEffect, silent: silent,
				lines: []string{fx.Address, effectTitle(fx.Model), latency(l)}})
			sg.edges = append(sg.edges, &drawEdge{from: end, to: fx.Address, style: edgeMain, silent: silent})
			end = fx.Address
		}
		return end, total, nil
	}
	var strips []*strip // tracks, then buses, as graph.Bus indices follow
	for _, t := range g.Tracks {
		strips = append(strips, &strip{addr: t.Address, st: &t.Strip, active: t.Active})
	}
	for _, b := range g.Buses {
		strips = append(strips, &strip{addr: b.Address, st: &b.Strip, active: b.Active})
	}
	busStrip := func(i int) *strip { return strips[len(g.Tracks)+i] }
	stripNodes := make([]*drawNode, len(strips))
	for i, s := range strips {
		n := &drawNode{id: s.addr, kind: nodeStrip, silent: !s.active}
		stripNodes[i] = n
		sg.nodes = append(sg.nodes, n)
		var err error
		if s.end, s.chain, err = chainOf(s.addr, s.st.Effects, !s.active); err != nil {
			return nil, err
		}
	}
	masterNode := &drawNode{id: "master", kind: nodeStrip}
	sg.nodes = append(sg.nodes, masterNode)
	masterEnd, masterChain, err := chainOf("master", g.Master.Effects, false)
	if err != nil {
		return nil, err
	}

	// Latencies, as the engine compensates them: a strip's output is as
	// late as its latest active input plus its chain. Buses come in
	// processing order, so every input is known before it is needed.
	inLatency := make([]int64, len(g.Buses))
	var masterIn int64
	feed := func(dest int, l int64) {
		if dest == graph.ToMaster {
			masterIn = max(masterIn, l)
		} else {
			inLatency[dest] = max(inLatency[dest], l)
		}
	}
	for i, s := range strips {
		if i >= len(g.Tracks) {
			s.latency = inLatency[i-len(g.Tracks)]
		}
		s.latency += s.chain
		if !s.active {
			continue
		}
		feed(s.st.Dest, s.latency)
		for _, send := range s.st.Sends {
			feed(send.Dest, s.latency)
		}
	}
	sg.masterLatency = masterIn + masterChain

	// Labels and routing edges.
	destAddr := func(d int) string {
		if d == graph.ToMaster {
			return "master"
		}
		return g.Buses[d].Address
	}
	for i, s := range strips {
		n := stripNodes[i]
		n.lines = append(n.lines, s.addr)
		if i < len(g.Tracks) {
			t := g.Tracks[i]
			if t.Model.Source != "" {
				n.lines = append(n.lines, fmt.Sprintf("%s (%s, %d Hz)", t.Model.Source, channelsName(t.Source.Channels), t.Source.SampleRate))
			} else {
				clips := fmt.Sprintf("%d clips", len(t.Model.Clips))
				if len(t.Model.Clips) == 1 {
					clips = "1 clip"
				}
				n.lines = append(n.lines, fmt.Sprintf("%s (%s)", clips, channelsName(t.Channels())))
			}
			switch {
			case t.Model.Mute:
				n.lines = append(n.lines, "muted")
			case !t.Active:
				n.lines = append(n.lines, "silent: another track is soloed")
			case t.Model.Solo:
				n.lines = append(n.lines, "solo")
			}
		} else if !s.active {
			n.lines = append(n.lines, "muted")
		}
		if s.st.Polarity {
			n.lines = append(n.lines, "polarity inverted")
		}
		n.lines = append(n.lines, latency(s.latency))
		fader := signed(s.st.GainDB) + " dB"
		if s.st.Pan != 0 {
			fader += ", pan " + signed(s.st.Pan)
		}
		sg.edges = append(sg.edges, &drawEdge{from: s.end, to: destAddr(s.st.Dest), style: edgeMain, label: fader, silent: !s.active})
		for _, send := range s.st.Sends {
			when := "post"
			if send.PreFader {
				when = "pre"
			}
			sg.edges = append(sg.edges, &drawEdge{from: s.end, to: destAddr(send.Dest), style: edgeSend, silent: !s.active,
				label: fmt.Sprintf("send %s dB %s", signed(send.LevelDB), when)})
		}
	}
	// Sidechain keys: the key strip's post-chain, pre-fader signal.
	keys := func(effects []*graph.Effect) {
		for _, fx := range effects {
			if fx.Key == nil {
				continue
			}
			from := ""
			if fx.Key.Track >= 0 {
				from = strips[fx.Key.Track].end
			} else {
				from = busStrip(fx.Key.Bus).end
			}
			sg.edges = append(sg.edges, &drawEdge{from: from, to: fx.Address, style: edgeKey, label: "key"})
		}
	}
	for _, s := range strips {
		keys(s.st.Effects)
	}
	keys(g.Master.Effects)

	masterNode.lines = []string{"master", fmt.Sprintf("%s dB", signed(g.Master.GainDB)), latency(sg.masterLatency)}
	for _, o := range g.Outputs {
		sg.nodes = append(sg.nodes, &drawNode{id: o.Address, kind: nodeOutput, lines: outputLines(g, o)})
		sg.edges = append(sg.edges, &drawEdge{from: masterEnd, to: o.Address, style: edgeMain})
	}
	return sg, nil
}

// effectLatency is an effect of g's latency in samples, from its
// processor as the render builds it: a graph of the effect alone on the
// master. (graph exports no per-effect latency; this asks the engine.)
func effectLatency(g *graph.Graph, fx *graph.Effect) (int64, error) {
	one := *fx
	one.Key = nil // where the key comes from does not change the latency
	alone := &graph.Graph{Mix: g.Mix, SampleRate: g.SampleRate,
		Master: &graph.Master{Address: "master", Effects: []*graph.Effect{&one}}}
	e, err := graph.NewEngine(alone, graph.Options{BlockSize: 64, Workers: 1})
	if err != nil {
		return 0, err
	}
	defer e.Close()
	return e.Latency(), nil
}

func effectTitle(e *lang.Effect) string {
	if e.Name != "" {
		return fmt.Sprintf("%s %q", e.Kind, e.Name)
	}
	return e.Kind
}

func outputLines(g *graph.Graph, o *graph.Output) []string {
	m := o.Model
	lines := []string{o.Address, m.File}
	format := fmt.Sprintf("%d-bit", m.BitDepth)
	if m.Float {
		format = "32-bit float"
	}
	format += fmt.Sprintf(", %d Hz", m.SampleRate)
	if !m.Float && m.Dither != "" && m.Dither != "none" {
		format += ", dither " + m.Dither
	}
	lines = append(lines, format)
	if t := m.EffectiveTarget(g.Mix); t != nil {
		target := "target"
		if t.Preset != "" {
			target += " " + t.Preset
		}
		if t.HasLoudness {
			target += fmt.Sprintf(": %g LUFS, %g dBTP", t.LoudnessLUFS, t.TruePeakDBTP)
		} else {
			target += fmt.Sprintf(": %g dBTP", t.TruePeakDBTP)
		}
		lines = append(lines, target)
	}
	return lines
}

func channelsName(n int) string {
	switch n {
	case 1:
		return "mono"
	case 2:
		return "stereo"
	}
	return fmt.Sprintf("%d channels", n)
}

// signed prints a number with its sign and at most two decimals.
func signed(v float64) string {
	if v == 0 {
		return "0"
	}
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%+.2f", v), "0"), ".")
	return s
}

// writeDOT prints the graph in Graphviz's DOT language.
func writeDOT(w io.Writer, sg *signalGraph) {
	q := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
	}
	fmt.Fprintf(w, "digraph mix {\n")
	fmt.Fprintf(w, "  rankdir=LR\n")
	fmt.Fprintf(w, "  node [shape=box, fontname=\"Helvetica\", fontsize=10]\n")
	fmt.Fprintf(w, "  edge [fontname=\"Helvetica\", fontsize=9]\n\n")
	for _, n := range sg.nodes {
		attrs := []string{"label=" + q(strings.Join(n.lines, "\n"))}
		style := "rounded"
		switch n.kind {
		case nodeStrip:
			style += ",bold"
		case nodeOutput:
			attrs = append(attrs, "shape=note")
			style = ""
		}
		if n.silent {
			style = "rounded,dashed"
			attrs = append(attrs, "color=gray50", "fontcolor=gray50")
		}
		if style != "" {
			attrs = append(attrs, "style="+q(style))
		}
		fmt.Fprintf(w, "  %s [%s]\n", q(n.id), strings.Join(attrs, ", "))
	}
	fmt.Fprintln(w)
	for _, e := range sg.edges {
		var attrs []string
		if e.label != "" {
			attrs = append(attrs, "label="+q(e.label))
		}
		switch e.style {
		case edgeSend:
			attrs = append(attrs, "style=dashed")
		case edgeKey:
			attrs = append(attrs, "style=dotted", "arrowhead=empty")
		}
		if e.silent {
			attrs = append(attrs, "color=gray50", "fontcolor=gray50")
		}
		fmt.Fprintf(w, "  %s -> %s", q(e.from), q(e.to))
		if len(attrs) > 0 {
			fmt.Fprintf(w, " [%s]", strings.Join(attrs, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "}\n")
}

// writeMermaid prints the graph as a Mermaid flowchart. Mermaid ids are
// the addresses with every character other than a letter, digit or
// underscore replaced by "_" (numbered on a clash); the labels carry the
// addresses as written.
func writeMermaid(w io.Writer, sg *signalGraph) {
	ids := map[string]string{}
	used := map[string]bool{}
	for _, n := range sg.nodes {
		id := mermaidID(n.id)
		for k := 2; used[id]; k++ {
			id = fmt.Sprintf("%s_%d", mermaidID(n.id), k)
		}
		used[id] = true
		ids[n.id] = id
	}
	esc := strings.NewReplacer(`&`, "#amp;", `"`, "#quot;", `<`, "#lt;", `>`, "#gt;", `#`, "#35;")
	fmt.Fprintf(w, "flowchart LR\n")
	for _, n := range sg.nodes {
		lines := make([]string, len(n.lines))
		for i, l := range n.lines {
			lines[i] = esc.Replace(l)
		}
		label := strings.Join(lines, "<br/>")
		open, close := "[", "]"
		switch n.kind {
		case nodeStrip:
			open, close = "([", "])"
		case nodeOutput:
			open, close = "[/", "/]"
		}
		fmt.Fprintf(w, "  %s%s\"%s\"%s\n", ids[n.id], open, label, close)
	}
	var sends, keys, silentEdges []int
	for i, e := range sg.edges {
		if e.silent {
			silentEdges = append(silentEdges, i)
		}
		arrow := "-->"
		if e.style != edgeMain {
			arrow = "-.->"
		}
		switch e.style {
		case edgeSend:
			sends = append(sends, i)
		case edgeKey:
			keys = append(keys, i)
		}
		if e.label != "" {
			fmt.Fprintf(w, "  %s %s|\"%s\"| %s\n", ids[e.from], arrow, esc.Replace(e.label), ids[e.to])
		} else {
			fmt.Fprintf(w, "  %s %s %s\n", ids[e.from], arrow, ids[e.to])
		}
	}
	var silent []string
	for _, n := range sg.nodes {
		if n.silent {
			silent = append(silent, ids[n.id])
		}
	}
	if len(silent) > 0 {
		fmt.Fprintf(w, "  classDef silent stroke-dasharray:4 3,color:#808080,stroke:#808080\n")
		fmt.Fprintf(w, "  class %s silent\n", strings.Join(silent, ","))
	}
	if len(sends) > 0 {
		fmt.Fprintf(w, "  linkStyle %s stroke-dasharray:6 3\n", joinInts(sends))
	}
	if len(keys) > 0 {
		fmt.Fprintf(w, "  linkStyle %s stroke-dasharray:2 2\n", joinInts(keys))
	}
	if len(silentEdges) > 0 {
		fmt.Fprintf(w, "  linkStyle %s stroke:#808080,color:#808080\n", joinInts(silentEdges))
	}
}

func mermaidID(addr string) string {
	b := []byte(addr)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
