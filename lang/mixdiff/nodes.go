// Package mixdiff compares two mixes by meaning, node by node, so a mix
// change can be reviewed like a code change: "track.vocals.compressor.ratio:
// 3 → 4", not a text diff.
//
// Both mixes are first flattened (Flatten) into the same canonical form: a
// list of addressed nodes, each with its parameters as text, in a fixed
// order. Diff compares two such lists; Listing prints one, a line per
// parameter, for git's textconv. Comments, whitespace, attribute order,
// locals and expressions are gone by then: a value is compared as it
// resolved (var.level + 2 is compared as the number it gave).
//
// Node order: mix, variables, tracks, buses, master, outputs; tracks,
// buses, variables and outputs by name. Under a strip come its own
// parameters, its effects in chain order (an eq's bands under it), then its
// sends by destination; under the master or an output, its target.
// Parameters keep the language's order (docs/language.md, effects.md).
//
// Automation lanes are nodes too, after the strip's sends: a lane such as
// track.vocals.gain.automation has its curve and then its points as
// parameters, each named by its time as written (point["17:3"], or
// point[12.5] in seconds; the second of two points at one time, a jump,
// is point[12.5].jump), so an added, removed or moved point comes out as
// an added, removed or changed parameter with no change to Diff.
package mixdiff

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/mixdown/mixdown/lang"
)

// NodeKind is what a node is.
type NodeKind int

const (
	KindMix NodeKind = iota
	KindVariable
	KindChain
	KindTrack
	KindBus
	KindMaster
	KindOutput
	KindEffect
	KindBand
	KindSend
	KindTarget
	KindAutomation
	KindClip
)

// Node is one addressed part of a mix with its parameters.
type Node struct {
	Address string // e.g. track.vocals.compressor
	Kind    NodeKind
	// Type is the effect or band kind ("compressor", "bell"); a kind
	// change at one address is a removal and an addition.
	Type string
	// Parent is the address of the node this one belongs to, "" at the
	// top level.
	Parent string
	Params []Param
	// shared is, for an effect or band that a use of a chain brought, its
	// address in the chain (chain.vocal.compressor), and owner the strip
	// that uses it: a change the chain made shows once, there.
	shared, owner string
}

// Param is one parameter of a node, as text.
type Param struct {
	// Name is the parameter's name in the language; "" for a node that is
	// a single value (a variable).
	Name string
	// Value is the text shown, without the unit: numbers rounded to six
	// significant digits, strings quoted, references as addresses.
	Value string
	Unit  string
	// exact tells values apart that Value rounds together; Diff compares
	// it, and shows more digits when two values look alike.
	exact string
	// chain marks a strip's effect order, which Diff reports as a move
	// only when the effects both sides share change order.
	chain []string
	// shared and owner are the node's (see Node): set on the parameters
	// that are the same in every use of the chain.
	shared, owner string
}

// Text is the value with its unit, as shown in a diff line.
func (p Param) Text() string { return withUnit(p.Value, p.Unit) }

// withUnit appends unit to a numeric value ("-3 dB", "1/8d = 432.692 ms")
// but not to words such as "auto" or "true".
func withUnit(v, unit string) string {
	if unit == "" || v == "" {
		return v
	}
	if c := v[len(v)-1]; c < '0' || c > '9' {
		return v
	}
	return v + " " + unit
}

// Flatten returns the mix's nodes in canonical order.
func Flatten(m *lang.Mix) []*Node {
	var out []*Node
	add := func(n *Node) { out = append(out, n) }

	tempo := Param{Name: "tempo", Value: "none", Unit: "BPM", exact: "none"}
	if m.Tempo != 0 {
		tempo = num("tempo", m.Tempo, "BPM")
	}
	mixParams := []Param{
		num("sample_rate", float64(m.SampleRate), "Hz"),
		tempo,
		text("meter", m.Meter.String()),
		num("tail", m.TailSeconds, "s"),
	}
	// Tempo changes are named by position, so one that moves shows as
	// removed and added, and one that changes as its value.
	for _, c := range m.TempoMap {
		at := fmt.Sprintf("tempo_map[%q].", c.At)
		if c.Tempo != 0 {
			mixParams = append(mixParams, num(at+"tempo", c.Tempo, "BPM"))
		}
		if c.Meter.Beats != 0 {
			mixParams = append(mixParams, text(at+"meter", c.Meter.String()))
		}
	}
	add(&Node{Address: "mix", Kind: KindMix, Params: mixParams})

	vars := append([]*lang.Variable(nil), m.Variables...)
	sort.SliceStable(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	for _, v := range vars {
		add(&Node{Address: "var." + v.Name, Kind: KindVariable, Params: []Param{ctyParam("", v.Value)}})
	}

	chains := append([]*lang.Chain(nil), m.Chains...)
	sort.SliceStable(chains, func(i, j int) bool { return chains[i].Name < chains[j].Name })
	for _, c := range chains {
		var params []Param
		for _, p := range c.Params {
			if p.Default == cty.NilVal {
				params = append(params, Param{Name: "param." + p.Name, Value: "(no default)", exact: "(no default)"})
				continue
			}
			params = append(params, ctyParam("param."+p.Name, p.Default))
		}
		if len(c.EffectIDs) > 0 {
			v := strings.Join(c.EffectIDs, ", ")
			params = append(params, Param{Name: "effects", Value: v, exact: v, chain: c.EffectIDs})
		}
		add(&Node{Address: c.Address(), Kind: KindChain, Params: params})
	}

	tracks := append([]*lang.Track(nil), m.Tracks...)
	sort.SliceStable(tracks, func(i, j int) bool { return tracks[i].Name < tracks[j].Name })
	for _, t := range tracks {
		addr := t.Address()
		var params []Param
		if t.Source != "" {
			params = append(params, text("source", t.Source))
		}
		params = append(params, stripParams(&t.Strip, &t.Solo)...)
		add(&Node{Address: addr, Kind: KindTrack, Params: append(params, chainParam(t.Effects)...)})
		if t.Source == "" {
			out = append(out, clipNodes(addr, t.Clips)...)
		}
		out = append(out, effectNodes(addr, t.Effects)...)
		out = append(out, sendNodes(addr, t.Sends)...)
		out = append(out, automationNodes(addr, t.Automation, m.SampleRate)...)
	}

	buses := append([]*lang.Bus(nil), m.Buses...)
	sort.SliceStable(buses, func(i, j int) bool { return buses[i].Name < buses[j].Name })
	for _, b := range buses {
		addr := b.Address()
		params := stripParams(&b.Strip, nil)
		add(&Node{Address: addr, Kind: KindBus, Params: append(params, chainParam(b.Effects)...)})
		out = append(out, effectNodes(addr, b.Effects)...)
		out = append(out, sendNodes(addr, b.Sends)...)
		out = append(out, automationNodes(addr, b.Automation, m.SampleRate)...)
	}

	master := m.Master
	if master == nil {
		master = &lang.Master{}
	}
	add(&Node{Address: "master", Kind: KindMaster,
		Params: append([]Param{num("gain", master.GainDB, "dB")}, chainParam(master.Effects)...)})
	out = append(out, effectNodes("master", master.Effects)...)
	out = append(out, automationNodes("master", master.Automation, m.SampleRate)...)
	if master.Target != nil {
		add(targetNode("master", master.Target))
	}

	outputs := append([]*lang.Output(nil), m.Outputs...)
	sort.SliceStable(outputs, func(i, j int) bool { return outputs[i].Name < outputs[j].Name })
	for _, o := range outputs {
		addr := o.Address()
		depth := strconv.Itoa(o.BitDepth)
		if o.Float {
			depth = `"float"`
		}
		add(&Node{Address: addr, Kind: KindOutput, Params: []Param{
			text("file", o.File),
			{Name: "bit_depth", Value: depth, Unit: "bits", exact: depth},
			num("sample_rate", float64(o.SampleRate), "Hz"),
			text("dither", o.Dither),
		}})
		if o.Target != nil {
			add(targetNode(addr, o.Target))
		}
	}
	return out
}

func stripParams(s *lang.Strip, solo *bool) []Param {
	ps := []Param{
		num("gain", s.GainDB, "dB"),
		num("pan", s.Pan, ""),
		boolean("mute", s.Mute),
	}
	if solo != nil {
		ps = append(ps, boolean("solo", *solo))
	}
	return append(ps,
		boolean("polarity", s.Polarity),
		ref("output", s.Output),
	)
}

// chainParam lists a chain's effects in order, when it has any; a use of
// a shared chain is listed once, by its address part (the chain lists
// its own order).
func chainParam(effects []*lang.Effect) []Param {
	if len(effects) == 0 {
		return nil
	}
	var ids []string
	for i, e := range effects {
		switch {
		case e.Chain == "":
			ids = append(ids, e.ID)
		case i == 0 || effects[i-1].Use != e.Use:
			ids = append(ids, e.Use)
		}
	}
	v := strings.Join(ids, ", ")
	return []Param{{Name: "effects", Value: v, exact: v, chain: ids}}
}

func effectNodes(owner string, effects []*lang.Effect) []*Node {
	var out []*Node
	for _, e := range effects {
		addr := e.Address(owner)
		n := &Node{Address: addr, Kind: KindEffect, Type: e.Kind, Parent: owner}
		if e.ID != e.Kind && (e.Chain == "" || e.ChainID != e.Kind) {
			// A named or numbered effect: its address does not say what it is.
			n.Params = append(n.Params, Param{Name: "kind", Value: e.Kind, exact: e.Kind})
		}
		shared := ""
		if e.Chain != "" {
			shared = "chain." + e.Chain + "." + e.ChainID
			n.shared, n.owner = shared, owner
		}
		for _, v := range e.Values {
			n.Params = append(n.Params, sharedValue(v, shared, owner))
		}
		out = append(out, n)
		for i, b := range e.Bands {
			id := bandID(e.Bands, i)
			bn := &Node{Address: addr + "." + id, Kind: KindBand, Type: b.Kind, Parent: addr}
			if shared != "" {
				bn.shared, bn.owner = shared+"."+id, owner
			}
			for _, v := range b.Values {
				bn.Params = append(bn.Params, sharedValue(v, bn.shared, owner))
			}
			out = append(out, bn)
		}
	}
	return out
}

// bandID names an eq band as effects are named in a chain: by its kind,
// or kind[i] (the i-th of that kind, from 0) when the kind appears more
// than once. Cascaded bands commute, so their order is no change.
func bandID(bands []*lang.Band, at int) string {
	kind := bands[at].Kind
	count, index := 0, 0
	for i, b := range bands {
		if b.Kind == kind {
			if i < at {
				index++
			}
			count++
		}
	}
	if count == 1 {
		return kind
	}
	return fmt.Sprintf("%s[%d]", kind, index)
}

// sharedValue is value, marked as the chain's when it is the same in
// every use (it does not come from a param).
func sharedValue(v *lang.Value, shared, owner string) Param {
	p := value(v)
	if shared != "" && !v.FromParam {
		p.shared, p.owner = shared, owner
	}
	return p
}

func sendNodes(owner string, sends []*lang.Send) []*Node {
	sorted := append([]*lang.Send(nil), sends...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].To.Name < sorted[j].To.Name })
	var out []*Node
	for _, s := range sorted {
		out = append(out, &Node{Address: s.Address(owner), Kind: KindSend, Parent: owner, Params: []Param{
			num("level", s.LevelDB, "dB"),
			boolean("pre_fader", s.PreFader),
		}})
	}
	return out
}

func targetNode(owner string, t *lang.Target) *Node {
	preset := Param{Name: "preset", Value: "none", exact: "none"}
	if t.Preset != "" {
		preset = text("preset", t.Preset)
	}
	loud := Param{Name: "loudness", Value: "none", Unit: "LUFS", exact: "none"}
	if t.HasLoudness {
		loud = num("loudness", t.LoudnessLUFS, "LUFS")
	}
	return &Node{Address: owner + ".target", Kind: KindTarget, Parent: owner, Params: []Param{
		preset, loud, num("true_peak", t.TruePeakDBTP, "dBTP"),
	}}
}

// value turns an effect attribute into a parameter.
func value(v *lang.Value) Param {
	unit := v.Unit
	if unit == "ratio" {
		unit = "" // "ratio: 3 → 4" reads as it is written
	}
	switch v.Type {
	case lang.TypeBool:
		return boolean(v.Name, v.Bool)
	case lang.TypeRef:
		return ref(v.Name, v.Ref)
	case lang.TypeText:
		return text(v.Name, v.Text)
	}
	p := num(v.Name, v.Num, unit)
	switch {
	case v.Text == "auto":
		p.Value, p.exact = "auto", "auto"
	case v.Text != "":
		// A note value: both what was written and what it came to.
		p.Value = v.Text + " = " + p.Value
		p.exact = v.Text + " = " + p.exact
	}
	return p
}

func num(name string, x float64, unit string) Param {
	return Param{Name: name, Value: formatNum(x, 6), Unit: unit, exact: formatNum(x, -1)}
}

func text(name, s string) Param {
	q := strconv.Quote(s)
	return Param{Name: name, Value: q, exact: q}
}

func boolean(name string, b bool) Param {
	s := strconv.FormatBool(b)
	return Param{Name: name, Value: s, exact: s}
}

func ref(name string, r lang.Ref) Param {
	a := r.Address()
	return Param{Name: name, Value: a, exact: a}
}

// ctyParam shows a variable's value on one line, as HCL would write it.
func ctyParam(name string, v cty.Value) Param {
	if v == cty.NilVal {
		return Param{Name: name, Value: "(no value)", exact: "(no value)"}
	}
	if v.Type() == cty.Number && v.IsKnown() && !v.IsNull() {
		f, _ := v.AsBigFloat().Float64()
		return num(name, f, "")
	}
	return Param{Name: name, Value: ctyText(v, 6), exact: ctyText(v, -1)}
}

// ctyText writes a value in HCL syntax on one line: numbers with at most
// digits significant digits (all when digits < 0), collections with
// commas, object and map keys in cty's order (sorted).
func ctyText(v cty.Value, digits int) string {
	ty := v.Type()
	switch {
	case v.IsNull():
		return "null"
	case !v.IsKnown():
		return "(unknown)"
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return formatNum(f, digits)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var items []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			items = append(items, ctyText(e, digits))
		}
		return "[" + strings.Join(items, ", ") + "]"
	case ty.IsMapType() || ty.IsObjectType():
		var items []string
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			key := k.AsString()
			if !hclsyntax.ValidIdentifier(key) {
				key = strconv.Quote(key)
			}
			items = append(items, key+" = "+ctyText(e, digits))
		}
		if len(items) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(items, ", ") + " }"
	}
	// Strings and bools, as HCL writes them (with ${ escaped).
	return strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
}

// formatNum prints x with at most digits significant digits (all that are
// needed when digits < 0), never in exponent form for the values a mix
// holds, and without a trailing ".0".
func formatNum(x float64, digits int) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case math.IsNaN(x):
		return "nan"
	case x == 0:
		return "0" // also -0
	}
	if digits > 0 {
		x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	}
	if a := math.Abs(x); a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// automationNodes flattens a strip's lanes, by lane name.
func automationNodes(owner string, lanes []*lang.Automation, rate int) []*Node {
	sorted := append([]*lang.Automation(nil), lanes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Lane < sorted[j].Lane })
	var out []*Node
	for _, a := range sorted {
		unit := a.Unit
		if unit == "ratio" {
			unit = ""
		}
		n := &Node{Address: a.Address(owner), Kind: KindAutomation, Parent: owner, Params: []Param{text("curve", a.Curve)}}
		for i, p := range a.Points {
			name := "point[" + formatNum(float64(p.Frame)/float64(rate), -1) + "]"
			if p.At != "" {
				name = fmt.Sprintf("point[%q]", p.At)
			}
			if i > 0 && a.Points[i-1].Frame == p.Frame {
				name += ".jump"
			}
			n.Params = append(n.Params, num(name, p.Value, unit))
		}
		out = append(out, n)
	}
	return out
}

// clipNodes lists a track's clip blocks as nodes named by their place in
// the file (track.vocals.clip[0], as Terraform counts), each with every
// setting, defaults included, and its position as written.
func clipNodes(owner string, clips []*lang.Clip) []*Node {
	var out []*Node
	for i, c := range clips {
		length := Param{Name: "length", Value: "to the end", exact: "to the end"}
		if c.LengthSeconds > 0 {
			length = num("length", c.LengthSeconds, "s")
		}
		out = append(out, &Node{
			Address: fmt.Sprintf("%s.clip[%d]", owner, i),
			Kind:    KindClip,
			Parent:  owner,
			Params: []Param{
				text("source", c.Source),
				ctyParam("at", c.At),
				num("offset", c.OffsetSeconds, "s"),
				length,
				num("gain", c.GainDB, "dB"),
				num("fade_in", c.FadeInSeconds, "s"),
				num("fade_out", c.FadeOutSeconds, "s"),
				text("fade_curve", c.FadeCurve),
			},
		})
	}
	return out
}
