package lang

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Automation: a numeric parameter of a strip that changes over time.
//
//	automate "gain" {
//	  points = [[0, -60], [2, 0]]  # [time, value]; seconds or "bar:beat"
//	  curve  = "linear"            # "step", "linear" (default), "smooth"
//	}
//
// The label names the target in the strip: gain, pan, send.BUS.level, or
// an effect's parameter EFFECT.PARAM, where EFFECT is the effect's
// address part (its ID: "compressor", a name, "compressor[1]", or
// "vocal.compressor" for an effect a use of a chain brought) or its kind
// when the strip has one effect of that kind. An eq's band parameters are
// EFFECT.BAND.PARAM, BAND being the band kind ("bell") when the eq has one
// band of that kind, else kind[i], the i-th of that kind from 0.
//
// Targets are resolved while the strip is decoded, so the model holds
// them resolved (Automation.Kind, Effect, Band, Param) and the graph
// never parses a label.

// Automation is one automate block of a strip, resolved.
type Automation struct {
	// Target is the label as written; TargetRange is the label.
	Target      string
	TargetRange hcl.Range
	DeclRange   hcl.Range

	Kind AutoKind
	// Send is the bus of an AutoSend lane.
	Send string
	// Effect is the index of an AutoEffect lane's effect in the strip's
	// Effects, EffectID its ID ("vocal.compressor"), Band the index of an
	// eq band in its Bands (-1 for an effect's own parameter), and Param
	// the parameter's name ("threshold", "gain").
	Effect   int
	EffectID string
	Band     int
	Param    string
	// Lane is the canonical target: "gain", "pan", "send.verb.level",
	// "vocal.compressor.threshold", "eq.bell[1].gain". With the owner's
	// address and ".automation" it is the lane's address in diffs.
	Lane string
	Unit string // the parameter's unit ("dB", "ms", "" ...)

	Curve      string // "step", "linear" or "smooth"
	CurveRange hcl.Range

	// Points are in time order (equal times make an instant jump).
	Points      []AutoPoint
	PointsRange hcl.Range
}

// Address is the lane's address under its strip's: track.vox.gain.automation.
func (a *Automation) Address(owner string) string { return owner + "." + a.Lane + ".automation" }

// AutoKind is what an automation lane drives.
type AutoKind int

const (
	AutoGain   AutoKind = iota // the strip's fader, dB
	AutoPan                    // the strip's pan, -1..1
	AutoSend                   // a send's level, dB
	AutoEffect                 // an effect's (or eq band's) numeric parameter
)

// AutoPoint is one point of a lane.
type AutoPoint struct {
	// Frame is the point's time on the mix's timeline, in frames at the
	// mix's sample rate (sample-exact).
	Frame int64
	// At is the time as written when it is a position such as "17:3",
	// else "" (seconds, given by Frame).
	At    string
	Value float64

	TimeRange  hcl.Range
	ValueRange hcl.Range
}

// Curve names, in documentation order; the default is linear.
var curves = []string{"step", "linear", "smooth"}

// DefaultCurve is a lane's curve when none is set.
const DefaultCurve = "linear"

var automateBlock = hcl.BlockHeaderSchema{Type: "automate", LabelNames: []string{"target"}}

var automateSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "points", Required: true},
		{Name: "curve"},
	},
}

// autoTargets is what a strip offers automation.
type autoTargets struct {
	owner   string // "track", "bus" or "master", for messages
	pan     bool   // the master has no pan
	sends   []*Send
	effects []*Effect
	s       *scope // for the suggestion budget
}

// decodeAutomation decodes the automate blocks among blocks.
func decodeAutomation(blocks hcl.Blocks, tg autoTargets, s *scope) ([]*Automation, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*Automation
	seen := map[string]*Automation{}
	for _, b := range blocks {
		if b.Type != "automate" {
			continue
		}
		a, d := decodeAutomateBlock(b, tg, s)
		diags = append(diags, d...)
		if a == nil {
			continue
		}
		if prev := seen[a.Lane]; prev != nil {
			rng := a.TargetRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate automation",
				Detail:   fmt.Sprintf("%s is already automated (at %s). Put every point of a parameter in one automate block.", a.Lane, pos(prev.TargetRange)),
				Subject:  &rng,
			})
			continue
		}
		seen[a.Lane] = a
		out = append(out, a)
	}
	return out, diags
}

func decodeAutomateBlock(block *hcl.Block, tg autoTargets, s *scope) (*Automation, hcl.Diagnostics) {
	a := &Automation{
		Target:      block.Labels[0],
		TargetRange: block.LabelRanges[0],
		DeclRange:   block.DefRange,
		Curve:       DefaultCurve,
		CurveRange:  block.DefRange,
		Band:        -1,
	}
	content, diags := block.Body.Content(automateSchema)
	spec, d := tg.resolve(a)
	diags = append(diags, d...)
	if attr, ok := content.Attributes["curve"]; ok {
		a.CurveRange = attr.Expr.Range()
		c, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if !contains(curves, c) {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid value",
					Detail:   fmt.Sprintf("\"curve\" must be one of %s; this is %q.%s", quoteList(curves), c, didYouMean(c, curves)),
					Subject:  &rng,
				})
			} else {
				a.Curve = c
			}
		}
	}
	attr, ok := content.Attributes["points"]
	if !ok {
		return nil, diags // hcl reported the missing attribute
	}
	a.PointsRange = attr.Expr.Range()
	points, d := s.points(attr, spec)
	diags = append(diags, d...)
	a.Points = points
	if spec == nil || diags.HasErrors() {
		return nil, diags
	}
	return a, diags
}

// valueSpec is what a lane's values must be.
type valueSpec struct {
	name string // for messages: "gain", "threshold"
	r    numRange
}

// resolve finds a's target among the strip's, filling a's target fields,
// and returns the range its values must keep to; nil when the target is
// not valid (reported).
func (tg autoTargets) resolve(a *Automation) (*valueSpec, hcl.Diagnostics) {
	rng := a.TargetRange
	fail := func(summary, detail string) (*valueSpec, hcl.Diagnostics) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	t := a.Target
	switch {
	case t == "gain":
		a.Kind, a.Lane, a.Unit = AutoGain, t, gainRange.unit
		return &valueSpec{"gain", gainRange}, nil
	case t == "pan" && tg.pan:
		a.Kind, a.Lane, a.Unit = AutoPan, t, panRange.unit
		return &valueSpec{"pan", panRange}, nil
	case strings.HasPrefix(t, "send."):
		bus, ok := strings.CutSuffix(strings.TrimPrefix(t, "send."), ".level")
		if !ok || bus == "" || strings.Contains(bus, ".") {
			return fail("Unknown automation target", fmt.Sprintf("A send's level is automated as send.BUS.level; this is %q.", t))
		}
		var known []string
		for _, s := range tg.sends {
			if s.To.Name == bus {
				a.Kind, a.Send, a.Lane, a.Unit = AutoSend, bus, t, gainRange.unit
				return &valueSpec{"level", gainRange}, nil
			}
			known = append(known, s.To.Name)
		}
		if len(known) == 0 {
			return fail("Unknown automation target", fmt.Sprintf("This %s has no sends, so there is no %q to automate.", tg.owner, t))
		}
		return fail("Unknown automation target", fmt.Sprintf("This %s has no send to bus %q; it sends to %s.%s",
			tg.owner, bus, strings.ReplaceAll(quoteList(known), " or ", " and "), didYouMean(bus, known)))
	}
	return tg.resolveEffect(a)
}

// resolveEffect resolves an effect parameter target: EFFECT.PARAM or
// EFFECT.BAND.PARAM.
func (tg autoTargets) resolveEffect(a *Automation) (*valueSpec, hcl.Diagnostics) {
	rng := a.TargetRange
	fail := func(summary, detail string) (*valueSpec, hcl.Diagnostics) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	segs := strings.Split(a.Target, ".")
	// The effect part is the longest prefix that names an effect: an ID
	// may hold dots ("vocal.compressor").
	var e *Effect
	idx, k := -1, 0
	for k = len(segs) - 1; k >= 1 && e == nil; k-- {
		prefix := strings.Join(segs[:k], ".")
		i, d := tg.findEffect(prefix, rng)
		if d != nil {
			return nil, d
		}
		if i >= 0 {
			e, idx = tg.effects[i], i
			break
		}
	}
	if e == nil {
		return fail("Unknown automation target", fmt.Sprintf("This %s has no %q to automate. %s%s",
			tg.owner, a.Target, tg.targetsText(), tg.didYouMean(a.Target)))
	}
	rest := segs[k:]
	spec := LookupEffect(e.Kind)
	a.Kind, a.Effect, a.EffectID = AutoEffect, idx, e.ID
	var attrs []AttrSpec
	lane := e.ID
	if len(spec.Bands) > 0 {
		if len(rest) != 2 {
			return fail("Unknown automation target", fmt.Sprintf("An eq's parameters are its bands': automate %s.BAND.PARAM, such as %s.bell.gain.%s",
				e.ID, e.ID, tg.didYouMean(a.Target)))
		}
		b, d := findBand(e, rest[0], rng)
		if d != nil {
			return nil, d
		}
		a.Band = b
		band := e.Bands[b]
		rest[0] = bandName(e.Bands, b) // canonical: bell, or bell[i] when there are several
		for i := range spec.Bands {
			if spec.Bands[i].Kind == band.Kind {
				attrs = spec.Bands[i].Attrs
			}
		}
		lane += "." + rest[0]
		rest = rest[1:]
	} else if len(rest) != 1 {
		return fail("Unknown automation target", fmt.Sprintf("%s's parameters are automated as %s.PARAM.%s",
			e.ID, e.ID, tg.didYouMean(a.Target)))
	}
	param := rest[0]
	if len(spec.Bands) == 0 {
		attrs = spec.Attrs
	}
	var as *AttrSpec
	var names []string // the ones that can be automated, for the message
	for i := range attrs {
		if attrs[i].Name == param {
			as = &attrs[i]
		}
		if attrs[i].Type == TypeNumber && notAutomatable(e, &attrs[i]) == "" {
			names = append(names, attrs[i].Name)
		}
	}
	if as == nil {
		what := lane
		if e.ID != e.Kind {
			what += " (" + e.Kind + ")"
		}
		return fail("Unknown parameter", fmt.Sprintf("%s has no parameter %q; it can automate %s.%s",
			what, param, strings.ReplaceAll(quoteList(names), " or ", " and "), didYouMean(param, names)))
	}
	if e.Kind == "reverb" && e.Get("ir") != nil && param != "mix" {
		return fail("Parameter does not apply", fmt.Sprintf("%q shapes the algorithmic reverb; a reverb with an impulse response (ir) takes only \"mix\".", param))
	}
	if why := notAutomatable(e, as); why != "" {
		return fail("Parameter cannot be automated", fmt.Sprintf("%s.%s cannot change over time: %s", lane, param, why))
	}
	a.Param, a.Lane, a.Unit = param, lane+"."+param, as.Param.Unit
	return &valueSpec{param, numRange{as.Param.Min, as.Param.Max, as.Param.Unit}}, nil
}

// notAutomatable says why a parameter cannot be automated, or "".
func notAutomatable(e *Effect, a *AttrSpec) string {
	switch {
	case a.Type != TypeNumber:
		return "only numeric parameters can be automated."
	case a.Name == "lookahead":
		return "it sets the effect's latency, which the mix compensates once for the whole song."
	case len(a.Whole) > 0:
		return "it takes only whole steps (" + a.Name + " switches filter sections)."
	case a.Auto && e.Text(a.Name) == "auto":
		return fmt.Sprintf("it is \"auto\" on this %s. Give %s a number in the effect block to automate it.", e.Kind, a.Name)
	}
	return ""
}

// findEffect returns the index of the effect that name designates (an
// ID, or a kind the strip has once), or -1; an ambiguous kind is an
// error.
func (tg autoTargets) findEffect(name string, rng hcl.Range) (int, hcl.Diagnostics) {
	for i, e := range tg.effects {
		if e.ID == name {
			return i, nil
		}
	}
	found := -1
	var ids []string
	for i, e := range tg.effects {
		if e.Kind == name {
			found = i
			ids = append(ids, e.ID)
		}
	}
	if len(ids) > 1 {
		return -1, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Ambiguous automation target",
			Detail: fmt.Sprintf("This %s has %d %s effects (%s), so %q does not say which. Give the one to automate a name (name = \"...\") and automate NAME.PARAM, or use its address part.",
				tg.owner, len(ids), name, strings.ReplaceAll(quoteList(ids), " or ", " and "), name),
			Subject: &rng,
		}}
	}
	return found, nil
}

// findBand returns the index of the band that name designates: a kind
// the eq has once, or kind[i].
func findBand(e *Effect, name string, rng hcl.Range) (int, hcl.Diagnostics) {
	kind, index := name, -1
	if open := strings.IndexByte(name, '['); open > 0 && strings.HasSuffix(name, "]") {
		n, err := strconv.Atoi(name[open+1 : len(name)-1])
		if err == nil && n >= 0 {
			kind, index = name[:open], n
		}
	}
	var of []int
	var kinds []string
	for i, b := range e.Bands {
		if b.Kind == kind {
			of = append(of, i)
		}
		if !contains(kinds, b.Kind) {
			kinds = append(kinds, b.Kind)
		}
	}
	diag := func(summary, detail string) (int, hcl.Diagnostics) {
		return -1, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	switch {
	case len(of) == 0:
		if len(kinds) == 0 {
			return diag("Unknown automation target", fmt.Sprintf("%s has no bands.", e.ID))
		}
		return diag("Unknown automation target", fmt.Sprintf("%s has no %s band; its bands are %s.%s",
			e.ID, kind, strings.ReplaceAll(quoteList(kinds), " or ", " and "), didYouMean(kind, kinds)))
	case index >= len(of):
		return diag("Unknown automation target", fmt.Sprintf("%s has %d %s band(s), counted from 0, so there is no %s.", e.ID, len(of), kind, name))
	case index >= 0:
		return of[index], nil
	case len(of) > 1:
		return diag("Ambiguous automation target", fmt.Sprintf("%s has %d %s bands; say which as %s[0] to %s[%d], counted from 0 in source order.",
			e.ID, len(of), kind, kind, kind, len(of)-1))
	}
	return of[0], nil
}

// targetsText lists the kinds of targets a strip offers.
func (tg autoTargets) targetsText() string {
	t := "gain, pan"
	if !tg.pan {
		t = "gain"
	}
	if len(tg.sends) > 0 {
		t += ", send.BUS.level"
	}
	if len(tg.effects) > 0 {
		t += " and EFFECT.PARAM (EFFECT.BAND.PARAM for an eq)"
	}
	return "It can automate " + t + "."
}

// didYouMean suggests the strip's target closest to given. Comparing
// with every target of a long chain costs a millisecond, so a mix gets
// suggestions for its first maxTargetSuggestions unknown targets only: a
// hostile file of thousands of them still loads in a moment.
func (tg autoTargets) didYouMean(given string) string {
	if tg.s == nil || tg.s.suggestLeft <= 0 {
		return ""
	}
	tg.s.suggestLeft--
	return didYouMean(given, tg.candidates())
}

// maxTargetSuggestions bounds the unknown targets of a mix that get a
// suggestion (didYouMean).
const maxTargetSuggestions = 100

// candidates lists every target of the strip, for "did you mean".
func (tg autoTargets) candidates() []string {
	out := []string{"gain"}
	if tg.pan {
		out = append(out, "pan")
	}
	for _, s := range tg.sends {
		out = append(out, "send."+s.To.Name+".level")
	}
	for _, e := range tg.effects {
		spec := LookupEffect(e.Kind)
		for i := range spec.Attrs {
			if notAutomatable(e, &spec.Attrs[i]) == "" {
				out = append(out, e.ID+"."+spec.Attrs[i].Name)
			}
		}
		for _, b := range e.Bands {
			for _, bs := range spec.Bands {
				if bs.Kind != b.Kind {
					continue
				}
				for i := range bs.Attrs {
					if notAutomatable(e, &bs.Attrs[i]) == "" {
						out = append(out, e.ID+"."+b.Kind+"."+bs.Attrs[i].Name)
					}
				}
			}
		}
	}
	return out
}

// points decodes a lane's points: a list of [time, value] pairs, times in
// order. Each problem is reported at the point's own expression when the
// list is written out, else at the attribute.
func (s *scope) points(attr *hcl.Attribute, spec *valueSpec) ([]AutoPoint, hcl.Diagnostics) {
	v, diags := s.value(attr.Expr, cty.DynamicPseudoType, `"points"`)
	if diags.HasErrors() {
		return nil, diags
	}
	whole := attr.Expr.Range()
	bad := func(rng hcl.Range, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid automation points", Detail: detail, Subject: &rng})
	}
	ty := v.Type()
	if !ty.IsListType() && !ty.IsTupleType() {
		bad(whole, "\"points\" must be a list of [time, value] pairs, such as [[0, -60], [2, 0]].")
		return nil, diags
	}
	n := v.LengthInt()
	if n == 0 {
		bad(whole, "An automation lane needs at least one point: [[time, value], ...].")
		return nil, diags
	}
	// Point expressions, when the list is written out.
	var exprs []hclsyntax.Expression
	if tc, ok := attr.Expr.(*hclsyntax.TupleConsExpr); ok && len(tc.Exprs) == n {
		exprs = tc.Exprs
	}
	pointRanges := func(i int) (all, time, value hcl.Range) {
		if exprs == nil {
			return whole, whole, whole
		}
		all = exprs[i].Range()
		if tc, ok := exprs[i].(*hclsyntax.TupleConsExpr); ok && len(tc.Exprs) == 2 {
			return all, tc.Exprs[0].Range(), tc.Exprs[1].Range()
		}
		return all, all, all
	}
	out := make([]AutoPoint, 0, min(n, s.autoLeft+1))
	var last *AutoPoint
	i := 0
	for it := v.ElementIterator(); it.Next(); i++ {
		all, trng, vrng := pointRanges(i)
		if s.autoLeft <= 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Too many automation points",
				Detail: fmt.Sprintf("This mix has more than %d automation points; this is the first past the limit. The -max-automation-points option raises it.",
					s.autoLimit),
				Subject: &all,
			})
			return nil, diags
		}
		s.autoLeft--
		_, pv := it.Element()
		pt := pv.Type()
		if pv.IsNull() || !pt.IsListType() && !pt.IsTupleType() || pv.LengthInt() != 2 {
			bad(all, "Each point is a [time, value] pair: time in seconds (or a \"bar:beat\" position), then the value.")
			continue
		}
		tv, vv := pv.Index(cty.NumberIntVal(0)), pv.Index(cty.NumberIntVal(1))
		p := AutoPoint{TimeRange: trng, ValueRange: vrng}
		frame, td := s.timeline.Position(tv, trng)
		diags = append(diags, td...)
		p.Frame = frame
		if tv.Type() == cty.String {
			p.At = tv.AsString()
		}
		val, d := pointValue(vv, vrng, spec)
		diags = append(diags, d...)
		p.Value = val
		if td.HasErrors() {
			continue
		}
		if last != nil && frame < last.Frame {
			rng := trng
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Automation points out of order",
				Detail: fmt.Sprintf("This point comes before the one above it (at %s). List points in time order; two points at the same time make an instant jump.",
					pos(last.TimeRange)),
				Subject: &rng,
			})
		}
		out = append(out, p)
		last = &out[len(out)-1]
	}
	return out, diags
}

// pointValue checks a point's value against the target's range.
func pointValue(v cty.Value, rng hcl.Range, spec *valueSpec) (float64, hcl.Diagnostics) {
	diag := func(summary, detail string) (float64, hcl.Diagnostics) {
		return 0, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return diag("Invalid automation points", "A point's value must be a number.")
	}
	f, _ := v.AsBigFloat().Float64()
	if spec == nil {
		return f, nil // the target was reported
	}
	if math.IsNaN(f) || f < spec.r.min || f > spec.r.max {
		u := ""
		if spec.r.unit != "" {
			u = " " + spec.r.unit
		}
		return diag("Value out of range", fmt.Sprintf("%q must be %s; this point is %s%s.", spec.name, spec.r, fmtNum(f), u))
	}
	return f, nil
}

// setAutomationLimits readies s for points: the mix may have
// l.MaxAutomationPoints of them.
func (s *scope) setAutomationLimits(l Limits) {
	s.autoLeft, s.autoLimit = l.MaxAutomationPoints, l.MaxAutomationPoints
	s.suggestLeft = maxTargetSuggestions
}

// bandName names band i of bands as lanes and diffs do: its kind, or
// kind[n] (the n-th of that kind, from 0) when the kind appears more
// than once.
func bandName(bands []*Band, i int) string {
	n, count := 0, 0
	for j, b := range bands {
		if b.Kind == bands[i].Kind {
			if j < i {
				n++
			}
			count++
		}
	}
	if count == 1 {
		return bands[i].Kind
	}
	return fmt.Sprintf("%s[%d]", bands[i].Kind, n)
}
