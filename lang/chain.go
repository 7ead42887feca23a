package lang

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Shared chains. A chain block names an effect chain once, at the top
// level; any track, bus or the master runs it with a use block, which
// sits in the strip's effect order where it is written and may override
// the chain's parameters:
//
//	chain "vocal" {
//	  param "threshold" { default = -18 }
//	  compressor { threshold = param.threshold, ratio = 3 }
//	}
//	track "lead" {
//	  source = "lead.wav"
//	  use "vocal" { threshold = -22 }
//	}
//
// A use is expanded when its strip is decoded: the chain's effect blocks
// are decoded again with param.NAME bound to the use's values, so the
// model (and graph, diff and automation after it) sees ordinary effects,
// addressed owner.USE.ID (track.lead.vocal.compressor), where USE is the
// chain's name or the use's name attribute. An attribute that is exactly
// param.NAME takes the override's expression itself, so a bad override
// is reported where it is written.

// Chain is a named effect chain.
type Chain struct {
	Name      string
	NameRange hcl.Range
	DeclRange hcl.Range
	Params    []*ChainParam // in source order
	// EffectIDs lists the chain's effects, by their ID within the chain,
	// in order.
	EffectIDs []string
	// Uses lists the address of every strip that uses the chain, in
	// model order (tracks, buses, master), once per use.
	Uses []string
}

// chainDef is a chain as the loader keeps it for its uses: the model and
// the blocks each use decodes again.
type chainDef struct {
	*Chain
	effects hcl.Blocks       // the effect blocks, in source order
	defs    []hcl.Expression // each param's default, nil when it has none
}

// ChainParam is a parameter a chain exposes to its uses.
type ChainParam struct {
	Name      string
	NameRange hcl.Range
	DeclRange hcl.Range
	// Default is the param's default value; cty.NilVal when it has none,
	// and then every use must set it.
	Default cty.Value
}

// Param returns the chain's named parameter, or nil.
func (c *Chain) Param(name string) *ChainParam {
	for _, p := range c.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (c *Chain) paramNames() []string {
	out := make([]string, len(c.Params))
	for i, p := range c.Params {
		out[i] = p.Name
	}
	sort.Strings(out)
	return out
}

// Address is the chain's address, used by diffs: chain.NAME.
func (c *Chain) Address() string { return "chain." + c.Name }

var chainBlockSchema = &hcl.BodySchema{
	Blocks: append([]hcl.BlockHeaderSchema{{Type: "param", LabelNames: []string{"name"}}}, effectBlocks()...),
}

var paramBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "default"}, {Name: "description"}},
}

// useAttrName is the one attribute of a use block that is not a param.
const useAttrName = "name"

// decodeChainBlock reads a chain's parameters and keeps its effect blocks
// for its uses. The effects are decoded once here with the defaults, so
// mistakes in the chain itself are reported even when nothing uses it.
func decodeChainBlock(block *hcl.Block, s *scope) (*chainDef, hcl.Diagnostics) {
	diags := checkName(block, "chain")
	c := &chainDef{Chain: &Chain{Name: block.Labels[0], NameRange: block.LabelRanges[0], DeclRange: block.DefRange}}
	content, d := block.Body.Content(chainBlockSchema)
	diags = append(diags, d...)
	seen := map[string]*ChainParam{}
	for _, b := range content.Blocks {
		if b.Type != "param" {
			c.effects = append(c.effects, b)
			continue
		}
		p := &ChainParam{Name: b.Labels[0], NameRange: b.LabelRanges[0], DeclRange: b.DefRange}
		diags = append(diags, checkName(b, "param")...)
		if p.Name == useAttrName {
			rng := p.NameRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reserved parameter name",
				Detail:   fmt.Sprintf("%q is the use block's own attribute (the use's address part), so it cannot name a chain parameter. Choose another name.", useAttrName),
				Subject:  &rng,
			})
			continue
		}
		if prev, dup := seen[p.Name]; dup {
			diags = append(diags, duplicate("param", p.Name, prev.DeclRange, b))
			continue
		}
		seen[p.Name] = p
		pc, d := b.Body.Content(paramBlockSchema)
		diags = append(diags, d...)
		var def hcl.Expression
		if attr, ok := pc.Attributes["default"]; ok {
			def = attr.Expr
		}
		c.Params = append(c.Params, p)
		c.defs = append(c.defs, def)
	}
	if n := len(c.effects); n > MaxEffects {
		rng := c.effects[MaxEffects].DefRange
		return c, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Too many effects",
			Detail:   fmt.Sprintf("Chain %q has %d effects; a chain may have at most %d.", c.Name, n, MaxEffects),
			Subject:  &rng,
		})
	}
	// The chain as its defaults make it: a param without one fails
	// quietly here, and is reported at each use that does not set it.
	args := map[string]*paramArg{}
	for i, p := range c.Params {
		a := &paramArg{failed: true}
		if c.defs[i] != nil {
			a = s.paramValue(c, p.Name, c.defs[i])
			diags = append(diags, a.diags...)
			p.Default = a.value
		}
		args[p.Name] = a
	}
	effects, d := c.decodeEffects(s.withParams(c, args), c.Name)
	for _, e := range effects {
		c.EffectIDs = append(c.EffectIDs, e.ChainID)
	}
	return c, append(diags, d...)
}

// paramArg is one parameter's value in one use of a chain.
type paramArg struct {
	expr   hcl.Expression // the override's or the default's expression
	value  cty.Value
	failed bool // reported (or to be reported) already: uses fail quietly
	diags  hcl.Diagnostics
}

// paramValue evaluates a param's value, the override or the default, in
// the strip's scope (where param.* is not). Its errors are kept in diags
// when the chain only ever uses the param bare (attr = param.NAME): the
// expression is then decoded in place of the reference, and reported
// there with the attribute's own checks.
func (s *scope) paramValue(c *chainDef, name string, expr hcl.Expression) *paramArg {
	a := &paramArg{expr: expr}
	if d := s.checkRefs(expr); d.HasErrors() {
		a.failed, a.diags = true, d
		return a
	}
	v, d := s.value(expr, cty.DynamicPseudoType, fmt.Sprintf("Parameter %q", name))
	if d.HasErrors() {
		a.failed = true
		if !c.onlyBare(name) {
			a.diags = d
		}
		return a
	}
	a.value = v
	return a
}

// onlyBare reports whether every reference to the param in the chain's
// effects is a whole attribute (attr = param.NAME).
func (c *chainDef) onlyBare(name string) bool {
	only := true
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, attr := range b.Attributes {
			if n, ok := bareParam(attr.Expr); ok && n == name {
				continue
			}
			for _, tr := range attr.Expr.Variables() {
				if tr.RootName() == "param" && len(tr) > 1 {
					if ta, ok := tr[1].(hcl.TraverseAttr); ok && ta.Name == name {
						only = false
					}
				}
			}
		}
		for _, blk := range b.Blocks {
			walk(blk.Body)
		}
	}
	for _, e := range c.effects {
		if body, ok := e.Body.(*hclsyntax.Body); ok {
			walk(body)
		}
	}
	return only
}

// bareParam reports whether expr is exactly param.NAME, and NAME.
func bareParam(expr hcl.Expression) (string, bool) {
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 2 || st.Traversal.RootName() != "param" {
		return "", false
	}
	ta, ok := st.Traversal[1].(hcl.TraverseAttr)
	return ta.Name, ok
}

// usesParam reports whether expr refers to any chain parameter.
func usesParam(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() == "param" {
			return true
		}
	}
	return false
}

// withParams returns a scope for decoding one use of chain c: the
// strip's scope, with param.* bound to args.
func (s *scope) withParams(c *chainDef, args map[string]*paramArg) *scope {
	cs := *s
	cs.ctx = &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: s.ctx.Functions}
	for k, v := range s.ctx.Variables {
		cs.ctx.Variables[k] = v
	}
	cs.failed = make(map[string]bool, len(s.failed)+len(args))
	for k, v := range s.failed {
		cs.failed[k] = v
	}
	values := map[string]cty.Value{}
	for name, a := range args {
		if a.failed {
			values[name] = cty.DynamicVal
			cs.failed["param."+name] = true
			continue
		}
		values[name] = a.value
	}
	cs.ctx.Variables["param"] = cty.ObjectVal(values)
	cs.params = args
	cs.paramNames = c.paramNames()
	return &cs
}

// substParam returns attr with its expression replaced by the param's
// own when it is exactly param.NAME, so the value is decoded (and any
// error reported) where the override or default is written.
func (s *scope) substParam(attr *hcl.Attribute) *hcl.Attribute {
	if s.params == nil {
		return attr
	}
	name, ok := bareParam(attr.Expr)
	if !ok {
		return attr
	}
	a := s.params[name]
	if a == nil || a.expr == nil || a.failed && len(a.diags) > 0 {
		return attr
	}
	out := *attr
	out.Expr = a.expr
	return &out
}

// decodeEffects decodes the chain's effects in scope cs (a use's, see
// withParams) and addresses them under part: part.ID.
func (c *chainDef) decodeEffects(cs *scope, part string) ([]*Effect, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var effects []*Effect
	for _, b := range c.effects {
		spec := LookupEffect(b.Type)
		if spec == nil {
			continue
		}
		e, d := decodeEffectBlock(b, spec, cs)
		diags = append(diags, d...)
		effects = append(effects, e)
	}
	diags = append(diags, assignEffectIDs(effects)...)
	for _, e := range effects {
		e.Chain, e.Use, e.ChainID = c.Name, part, e.ID
		e.ID = part + "." + e.ID
	}
	return effects, diags
}

// use is one use block, expanded.
type use struct {
	part      string // its address part: the use's name, else the chain's
	partRange hcl.Range
	effects   []*Effect
}

// expandUse decodes a use block: its chain's effects with the use's
// parameter values.
func (s *scope) expandUse(block *hcl.Block) (*use, hcl.Diagnostics) {
	name := block.Labels[0]
	u := &use{part: name, partRange: block.LabelRanges[0]}
	attrs, diags := block.Body.JustAttributes()
	c := s.chains[name]
	if c == nil {
		rng := block.LabelRanges[0]
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown chain",
			Detail:   fmt.Sprintf("There is no chain named %q in this mix.%s", name, didYouMean(name, s.chainNames)),
			Subject:  &rng,
		})
	}
	args := map[string]*paramArg{}
	known := c.paramNames()
	for _, attr := range sortedAttrs(attrs) {
		if attr.Name == useAttrName {
			n, d := s.str(attr)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if !validName(n) {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid effect name",
					Detail:   fmt.Sprintf("%q cannot be used as a name: a name starts with a letter and contains only letters, digits, underscores and dashes.", n),
					Subject:  &rng,
				})
				continue
			}
			u.part, u.partRange = n, attr.Expr.Range()
			continue
		}
		if c.Param(attr.Name) == nil {
			rng := attr.NameRange
			list := "It has no parameters."
			if len(known) > 0 {
				list = "Its parameters are " + strings.ReplaceAll(quoteList(known), " or ", " and ") + "."
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown chain parameter",
				Detail:   fmt.Sprintf("Chain %q has no parameter %q. %s%s", c.Name, attr.Name, list, didYouMean(attr.Name, known)),
				Subject:  &rng,
			})
			continue
		}
		a := s.paramValue(c, attr.Name, attr.Expr)
		diags = append(diags, a.diags...)
		args[attr.Name] = a
	}
	for i, p := range c.Params {
		if args[p.Name] != nil {
			continue
		}
		if c.defs[i] != nil {
			a := s.paramValue(c, p.Name, c.defs[i])
			diags = append(diags, a.diags...)
			args[p.Name] = a
			continue
		}
		rng := block.LabelRanges[0]
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing chain parameter",
			Detail: fmt.Sprintf("Chain %q has no default for parameter %q (declared at %s), so every use must set it: %s = VALUE.",
				c.Name, p.Name, pos(p.DeclRange), p.Name),
			Subject: &rng,
		})
		args[p.Name] = &paramArg{failed: true}
	}
	effects, d := c.decodeEffects(s.withParams(c, args), u.part)
	u.effects = effects
	return u, append(diags, d...)
}

// checkParamRef reports a param.NAME reference outside a chain, or to a
// parameter the chain does not declare; s.checkRefs calls it.
func (s *scope) checkParamRef(tr hcl.Traversal) *hcl.Diagnostic {
	rng := tr.SourceRange()
	if s.params == nil {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Chain parameter outside a chain",
			Detail:   "param.NAME refers to a parameter of the chain being defined, so it can be used only in the effects of a chain block.",
			Subject:  &rng,
		}
	}
	if len(tr) < 2 {
		return nil // hcl reports a param without a name
	}
	attr, ok := tr[1].(hcl.TraverseAttr)
	if !ok || sortedHas(s.paramNames, attr.Name) {
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared chain parameter",
		Detail: fmt.Sprintf("This chain has no parameter %q. Declare it with a param block in the chain first.%s",
			attr.Name, didYouMean(attr.Name, s.paramNames)),
		Subject: &rng,
	}
}

// decodeChains decodes every chain block, reporting duplicates, and makes
// them known to s for the strips' uses.
func decodeChains(blocks hcl.Blocks, s *scope, m *Mix) hcl.Diagnostics {
	var diags hcl.Diagnostics
	s.chains = map[string]*chainDef{}
	for _, b := range blocks {
		if b.Type != "chain" {
			continue
		}
		c, d := decodeChainBlock(b, s)
		diags = append(diags, d...)
		if prev := s.chains[c.Name]; prev != nil {
			diags = append(diags, duplicate("chain", c.Name, prev.NameRange, b))
			continue
		}
		s.chains[c.Name] = c
		s.chainNames = append(s.chainNames, c.Name)
		m.Chains = append(m.Chains, c.Chain)
	}
	sort.Strings(s.chainNames)
	return diags
}

// recordUses fills every chain's Uses from the strips' effects.
func recordUses(m *Mix) {
	byName := map[string]*Chain{}
	for _, c := range m.Chains {
		byName[c.Name] = c
	}
	note := func(owner string, effects []*Effect) {
		last := ""
		for _, e := range effects {
			if e.Chain == "" || e.Use == last {
				continue
			}
			last = e.Use
			if c := byName[e.Chain]; c != nil {
				c.Uses = append(c.Uses, owner)
			}
		}
	}
	for _, t := range m.Tracks {
		note(t.Address(), t.Effects)
	}
	for _, b := range m.Buses {
		note(b.Address(), b.Effects)
	}
	if m.Master != nil {
		note("master", m.Master.Effects)
	}
}

// includeSchema takes every top-level block, so that a block other than
// chain in an included file gets a clear message rather than hcl's.
var includeSchema = &hcl.BodySchema{Blocks: fileSchema.Blocks}

// includes reads the files mix.include names: libraries of chains, shared
// by the mixes of an album. An included path obeys the confinement of
// every other path (confine.go); an included file holds only chain blocks.
func (p *Parser) includes(mixBlock *hcl.Block, s *scope, m *Mix) (hcl.Blocks, hcl.Diagnostics) {
	attrs, _ := mixBlock.Body.JustAttributes() // reported by decodeMixBlock
	attr, ok := attrs["include"]
	if !ok {
		return nil, nil
	}
	v, diags := s.value(attr.Expr, cty.List(cty.String), `"include"`)
	if diags.HasErrors() {
		return nil, diags
	}
	rng := attr.Expr.Range()
	if n := v.LengthInt(); n > MaxIncludes {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Too many includes",
			Detail:   fmt.Sprintf("This mix includes %d files; the most allowed is %d.", n, MaxIncludes),
			Subject:  &rng,
		})
	}
	var blocks hcl.Blocks
	seen := map[string]bool{}
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		written := ev.AsString()
		path := resolvePath(s.dir, written)
		if d := s.confine(rng, written, path); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		if _, err := os.Stat(path); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing included file",
				Detail:   fmt.Sprintf("Cannot read %q: %s. Paths are relative to the folder holding the mix.", written, err),
				Subject:  &rng,
			})
			continue
		}
		m.Includes = append(m.Includes, path)
		f, d := p.parseChecked(path)
		diags = append(diags, d...)
		if f == nil || d.HasErrors() {
			continue
		}
		content, d := f.Body.Content(includeSchema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			if b.Type == "chain" {
				blocks = append(blocks, b)
				continue
			}
			r := b.DefRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Only chains in an included file",
				Detail:   fmt.Sprintf("%s is included by the mix (at %s), so it may hold only chain blocks; this is a %s block. Move it into the mix.", written, pos(rng), b.Type),
				Subject:  &r,
			})
		}
	}
	return blocks, diags
}

// MaxIncludes bounds the files one mix includes.
const MaxIncludes = 64
