package lang

import (
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/eq"
)

// Effect is one effect block in a chain. Chains run in source order; a
// kind may appear more than once.
type Effect struct {
	Kind string
	// Name is the effect's own name (the name attribute), or "".
	Name string
	// ID is the effect's part of its node address, unique in its chain:
	// the name if given, else the kind, else kind[i] (the i-th of that
	// kind, from 0) when the kind appears more than once unnamed.
	ID        string
	DeclRange hcl.Range
	// Chain names the chain the effect came from through a use block
	// ("" for an effect written in its strip); Use is that use's address
	// part (its name, else the chain's) and ChainID the effect's ID within
	// the chain, so that ID is Use + "." + ChainID ("vocal.compressor").
	Chain, Use, ChainID string
	// Values holds every attribute of the kind in schema order, set or
	// defaulted. Optional attributes that were not set are absent.
	Values []*Value
	// Bands holds an eq's bands in source order.
	Bands []*Band
}

// Address is the effect's stable node address under its strip.
func (e *Effect) Address(owner string) string { return owner + "." + e.ID }

// Get returns the named value, or nil when it is absent.
func (e *Effect) Get(name string) *Value { return getValue(e.Values, name) }

// Num returns a numeric value (0 when absent).
func (e *Effect) Num(name string) float64 {
	if v := e.Get(name); v != nil {
		return v.Num
	}
	return 0
}

// Text returns a text value ("" when absent).
func (e *Effect) Text(name string) string {
	if v := e.Get(name); v != nil {
		return v.Text
	}
	return ""
}

// Bool returns a boolean value (false when absent).
func (e *Effect) Bool(name string) bool {
	if v := e.Get(name); v != nil {
		return v.Bool
	}
	return false
}

func getValue(vs []*Value, name string) *Value {
	for _, v := range vs {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Band is one band of an eq.
type Band struct {
	Kind      string // highpass, lowpass, lowshelf, bell, highshelf, notch, bandpass
	DeclRange hcl.Range
	Values    []*Value
}

// Num returns a band's numeric value.
func (b *Band) Num(name string) float64 {
	if v := getValue(b.Values, name); v != nil {
		return v.Num
	}
	return 0
}

// ValueType is the type of an effect attribute.
type ValueType int

const (
	TypeNumber ValueType = iota
	TypeText
	TypeBool
	TypeRef
)

// Value is one attribute of an effect or band, resolved.
type Value struct {
	Name string
	Type ValueType
	Unit string
	Num  float64 // numbers; a time in ms; a path's attribute has none
	Text string  // text choices, paths, "auto", a note value as written
	Bool bool
	Ref  Ref
	Path string // a path attribute resolved against the mix folder
	Set  bool   // written in the file; otherwise the default
	// FromParam says the value depends on a chain parameter (param.NAME),
	// so it may differ between the uses of a chain; the others are the
	// same in every use.
	FromParam bool
	// Range is the attribute's expression when Set, else the block.
	Range hcl.Range
}

// AttrSpec describes one attribute of an effect kind: the language's
// contract for it, and its documentation.
type AttrSpec struct {
	Name  string
	Type  ValueType
	Param dsp.Param // numbers: unit, range, default and doc
	// Choices lists the accepted texts (TypeText), the first is the
	// default; empty for free text such as paths.
	Choices []string
	// Auto lets a number also be the text "auto".
	Auto bool
	// Time makes a number a duration in ms that may also be written as a
	// note value ("1/8d"), resolved against mix.tempo.
	Time bool
	// Path makes a text a file path, resolved against the mix folder.
	Path bool
	// Whole restricts a number to the listed values.
	Whole []float64
	// Optional attributes have no default and are absent unless set.
	Optional  bool
	BoolValue bool      // default for TypeBool
	RefKinds  []RefKind // TypeRef
	Doc       string    // for non-numbers (numbers use Param.Doc)
}

// EffectSpec describes one effect kind.
type EffectSpec struct {
	Kind  string
	Doc   string
	Attrs []AttrSpec
	// Bands lists an eq's band kinds.
	Bands []BandSpec
	// check runs kind-specific rules after decoding.
	check func(e *Effect) hcl.Diagnostics
}

// BandSpec describes an eq band kind.
type BandSpec struct {
	Kind  string
	Attrs []AttrSpec
}

// Attr returns the named attribute spec.
func (s *EffectSpec) Attr(name string) *AttrSpec {
	for i := range s.Attrs {
		if s.Attrs[i].Name == name {
			return &s.Attrs[i]
		}
	}
	return nil
}

// EffectKinds lists the effect block types a chain accepts.
func EffectKinds() []string {
	out := make([]string, len(effectSpecs))
	for i, s := range effectSpecs {
		out[i] = s.Kind
	}
	return out
}

// Effects returns the specs of every effect kind, in documentation order.
func Effects() []*EffectSpec { return effectSpecs }

// LookupEffect returns the spec of an effect kind, or nil.
func LookupEffect(kind string) *EffectSpec {
	for _, s := range effectSpecs {
		if s.Kind == kind {
			return s
		}
	}
	return nil
}

// numbers turns a dsp parameter table into attribute specs.
func numbers(table []dsp.Param) []AttrSpec {
	out := make([]AttrSpec, len(table))
	for i, p := range table {
		out[i] = AttrSpec{Name: p.Name, Type: TypeNumber, Param: p}
	}
	return out
}

// eqBands builds the band specs from the eq package's kinds.
func eqBands() []BandSpec {
	var out []BandSpec
	for _, k := range eq.Kinds {
		attrs := numbers(k.Params)
		for i := range attrs {
			if attrs[i].Name == "slope" {
				for _, s := range eq.Slopes {
					attrs[i].Whole = append(attrs[i].Whole, float64(s))
				}
			}
		}
		out = append(out, BandSpec{Kind: k.Name, Attrs: attrs})
	}
	return out
}

// nameAttr is the optional name every effect block accepts.
var nameAttr = AttrSpec{Name: "name", Type: TypeText, Optional: true,
	Doc: "A name for this effect, unique in its chain. It replaces the kind in the effect's address, so two effects of one kind can be told apart (e.g. in automation)."}

func effectSchema(spec *EffectSpec) *hcl.BodySchema {
	s := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: nameAttr.Name}}}
	for _, a := range spec.Attrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, b := range spec.Bands {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: b.Kind})
	}
	return s
}

// decodeEffectBlock decodes one effect block of a known kind.
func decodeEffectBlock(block *hcl.Block, spec *EffectSpec, s *scope) (*Effect, hcl.Diagnostics) {
	e := &Effect{Kind: spec.Kind, DeclRange: block.DefRange}
	content, diags := block.Body.Content(effectSchema(spec))
	if attr, ok := content.Attributes["name"]; ok {
		name, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if !validName(name) {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid effect name",
					Detail:   fmt.Sprintf("%q cannot be used as a name: a name starts with a letter and contains only letters, digits, underscores and dashes.", name),
					Subject:  &rng,
				})
			} else {
				e.Name = name
			}
		}
	}
	values, d := decodeValues(block, content.Attributes, spec.Attrs, s)
	diags = append(diags, d...)
	e.Values = values
	for _, b := range content.Blocks {
		for _, bs := range spec.Bands {
			if bs.Kind != b.Type {
				continue
			}
			bc, d := b.Body.Content(bandSchema(&bs))
			diags = append(diags, d...)
			vals, d := decodeValues(b, bc.Attributes, bs.Attrs, s)
			diags = append(diags, d...)
			e.Bands = append(e.Bands, &Band{Kind: bs.Kind, DeclRange: b.DefRange, Values: vals})
		}
	}
	if spec.check != nil && !diags.HasErrors() {
		diags = append(diags, spec.check(e)...)
	}
	return e, diags
}

func bandSchema(bs *BandSpec) *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, a := range bs.Attrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	return s
}

// decodeValues resolves every attribute of specs from attrs, filling
// defaults.
func decodeValues(block *hcl.Block, attrs hcl.Attributes, specs []AttrSpec, s *scope) ([]*Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*Value
	for i := range specs {
		a := &specs[i]
		attr, set := attrs[a.Name]
		if !set {
			if a.Optional {
				continue
			}
			out = append(out, defaultValue(a, block.DefRange))
			continue
		}
		fromParam := s.params != nil && usesParam(attr.Expr)
		v, d := decodeValue(s.substParam(attr), a, s)
		diags = append(diags, d...)
		if v != nil {
			v.FromParam = fromParam
			out = append(out, v)
		} else if !a.Optional {
			out = append(out, defaultValue(a, block.DefRange))
		}
	}
	return out, diags
}

func defaultValue(a *AttrSpec, rng hcl.Range) *Value {
	v := &Value{Name: a.Name, Type: a.Type, Unit: a.Param.Unit, Range: rng}
	switch a.Type {
	case TypeNumber:
		v.Num = a.Param.Default
	case TypeText:
		if len(a.Choices) > 0 {
			v.Text = a.Choices[0]
		}
	case TypeBool:
		v.Bool = a.BoolValue
	}
	return v
}

func decodeValue(attr *hcl.Attribute, a *AttrSpec, s *scope) (*Value, hcl.Diagnostics) {
	v := &Value{Name: a.Name, Type: a.Type, Unit: a.Param.Unit, Set: true, Range: attr.Expr.Range()}
	rng := attr.Expr.Range()
	switch a.Type {
	case TypeRef:
		r, d := ref(attr, a.RefKinds...)
		if d.HasErrors() {
			return nil, d
		}
		v.Ref = r
		return v, d
	case TypeBool:
		b, d := s.boolean(attr)
		if d.HasErrors() {
			return nil, d
		}
		v.Bool = b
		return v, d
	case TypeText:
		t, d := s.str(attr)
		if d.HasErrors() {
			return nil, d
		}
		v.Text = t
		if a.Path {
			v.Path = resolvePath(s.dir, t)
			if d2 := s.confine(rng, t, v.Path); d2.HasErrors() {
				return nil, append(d, d2...)
			}
		}
		if len(a.Choices) > 0 && !contains(a.Choices, t) {
			return nil, append(d, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value",
				Detail: fmt.Sprintf("%q must be one of %s; this is %q.%s",
					a.Name, quoteList(a.Choices), t, didYouMean(t, a.Choices)),
				Subject: &rng,
			})
		}
		return v, d
	}

	// Numbers, which may also be written as "auto" or a note value.
	if a.Auto || a.Time {
		raw, d := s.value(attr.Expr, cty.DynamicPseudoType, fmt.Sprintf("%q", a.Name))
		if d.HasErrors() {
			return nil, d
		}
		if raw.Type() == cty.String {
			text := raw.AsString()
			v.Text = text
			switch {
			case a.Auto && text == "auto":
				return v, d
			case a.Time:
				ms, d2 := noteMS(text, s.tempo, rng)
				if d2.HasErrors() {
					return nil, append(d, d2...)
				}
				v.Num = ms
				return v, append(d, checkRange(a, ms, rng)...)
			}
			return nil, append(d, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value",
				Detail:   fmt.Sprintf("%q must be a number of %s or \"auto\"; this is %q.", a.Name, a.Param.Unit, text),
				Subject:  &rng,
			})
		}
	}
	n, d := s.number(attr, numRange{a.Param.Min, a.Param.Max, a.Param.Unit})
	if d.HasErrors() {
		return nil, d
	}
	if len(a.Whole) > 0 {
		ok := false
		for _, w := range a.Whole {
			ok = ok || n == w
		}
		if !ok {
			var opts []string
			for _, w := range a.Whole {
				opts = append(opts, fmtNum(w))
			}
			return nil, append(d, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value",
				Detail:   fmt.Sprintf("%q must be one of %s; this is %s.", a.Name, strings.Join(opts, ", "), fmtNum(n)),
				Subject:  &rng,
			})
		}
	}
	v.Num = n
	return v, d
}

func checkRange(a *AttrSpec, x float64, rng hcl.Range) hcl.Diagnostics {
	if x >= a.Param.Min && x <= a.Param.Max && !math.IsNaN(x) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Value out of range",
		Detail: fmt.Sprintf("%q must be %s; this is %s %s.", a.Name,
			numRange{a.Param.Min, a.Param.Max, a.Param.Unit}, fmtNum(x), a.Param.Unit),
		Subject: &rng,
	}}
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// assignEffectIDs gives each effect of a chain its address part and
// reports names used twice.
func assignEffectIDs(effects []*Effect) hcl.Diagnostics {
	var diags hcl.Diagnostics
	count := map[string]int{}
	for _, e := range effects {
		if e.Name == "" {
			count[e.Kind]++
		}
	}
	seen := map[string]*Effect{}
	index := map[string]int{}
	for _, e := range effects {
		switch {
		case e.Name != "":
			e.ID = e.Name
		case count[e.Kind] == 1:
			e.ID = e.Kind
		default:
			e.ID = fmt.Sprintf("%s[%d]", e.Kind, index[e.Kind])
			index[e.Kind]++
		}
		if prev, dup := seen[e.ID]; dup {
			rng := e.DeclRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate effect name",
				Detail: fmt.Sprintf("Another effect in this chain is already called %q (at %s). Give each effect a unique name.",
					e.ID, pos(prev.DeclRange)),
				Subject: &rng,
			})
			continue
		}
		seen[e.ID] = e
	}
	return diags
}
