package lang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var variableBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "default"},
		{Name: "type"},
		{Name: "description"},
	},
}

// VarArg is one -var or -var-file argument, kept in command-line order:
// as in Terraform, a later argument overrides an earlier one.
type VarArg struct {
	File  bool   // true for -var-file
	Value string // "NAME=VALUE" for -var, a path for -var-file
}

func decodeVariableBlock(block *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{
		Name:      block.Labels[0],
		Type:      cty.DynamicPseudoType,
		Default:   cty.NilVal,
		DeclRange: block.DefRange,
	}
	diags := checkName(block, "variable")
	content, moreDiags := block.Body.Content(variableBlockSchema)
	diags = append(diags, moreDiags...)

	if attr, ok := content.Attributes["type"]; ok {
		ty, tyDiags := typeexpr.TypeConstraint(attr.Expr)
		diags = append(diags, tyDiags...)
		if !tyDiags.HasErrors() {
			v.Type = ty
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		val, valDiags := attr.Expr.Value(nil)
		diags = append(diags, valDiags...)
		if !valDiags.HasErrors() && val.Type() == cty.String && !val.IsNull() {
			v.Description = val.AsString()
		}
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, valDiags := attr.Expr.Value(nil)
		diags = append(diags, valDiags...)
		v.Default = cty.DynamicVal // until it converts: reported, and quiet from here on
		if !valDiags.HasErrors() {
			cv, err := convert.Convert(val, v.Type)
			if err != nil {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("This default does not match the variable's type constraint: %s.", err),
					Subject:  &rng,
				})
			} else {
				v.Default = cv
			}
		}
	}
	return v, diags
}

// resolveVariables gives every variable its value: the default, overridden
// by -var and -var-file arguments in order.
func (p *Parser) resolveVariables(vars []*Variable, args []VarArg) hcl.Diagnostics {
	var diags hcl.Diagnostics
	byName := map[string]*Variable{}
	var names []string
	for _, v := range vars {
		byName[v.Name] = v
		names = append(names, v.Name)
		if v.Default != cty.NilVal {
			v.Value, v.Source = v.Default, "default"
		}
	}
	sort.Strings(names)

	set := func(v *Variable, val cty.Value, source string, rng *hcl.Range) {
		ty := v.Type
		if ty == cty.DynamicPseudoType && v.Default != cty.NilVal && !v.Default.IsNull() && v.Default.Type().IsPrimitiveType() {
			// An unconstrained variable takes the type of its default, so
			// "-var level=abc" fails at the flag, not somewhere later.
			ty = v.Default.Type()
		}
		cv, err := convert.Convert(val, ty)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for input variable",
				Detail:   fmt.Sprintf("The value given for variable %q by %s is not valid: %s.", v.Name, source, err),
				Subject:  rng,
			})
			return
		}
		v.Value, v.Source = cv, source
	}

	for _, arg := range args {
		if !arg.File {
			name, raw, ok := strings.Cut(arg.Value, "=")
			if !ok || name == "" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid -var option",
					Detail:   fmt.Sprintf("The -var option %q is not of the form NAME=VALUE.", arg.Value),
				})
				continue
			}
			v, ok := byName[name]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Value for undeclared variable",
					Detail: fmt.Sprintf("A -var option sets %q, but the mix declares no such variable.%s",
						name, didYouMean(name, names)),
				})
				continue
			}
			val, valDiags := parseVarFlagValue(v, raw)
			diags = append(diags, valDiags...)
			if !valDiags.HasErrors() {
				set(v, val, "-var", nil)
			}
			continue
		}

		f, fileDiags := p.parseVarFile(arg.Value)
		diags = append(diags, fileDiags...)
		if fileDiags.HasErrors() {
			continue
		}
		attrs, attrDiags := f.Body.JustAttributes()
		diags = append(diags, attrDiags...)
		for _, attr := range sortedAttrs(attrs) {
			v, ok := byName[attr.Name]
			if !ok {
				rng := attr.NameRange
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Value for undeclared variable",
					Detail: fmt.Sprintf("This file sets %q, but the mix declares no such variable.%s",
						attr.Name, didYouMean(attr.Name, names)),
					Subject: &rng,
				})
				continue
			}
			val, valDiags := attr.Expr.Value(nil)
			diags = append(diags, valDiags...)
			if !valDiags.HasErrors() {
				rng := attr.Expr.Range()
				set(v, val, arg.Value, &rng)
			}
		}
	}

	for _, v := range vars {
		if v.Value == cty.NilVal {
			rng := v.DeclRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail: fmt.Sprintf("Variable %q has no default, so it needs a value: -var %s=VALUE, or a -var-file.",
					v.Name, v.Name),
				Subject: &rng,
			})
		}
	}
	return diags
}

// parseVarFlagValue reads a -var value as Terraform does: a literal string
// for primitive types (converted to the type afterwards), an HCL expression
// for collections and objects.
func parseVarFlagValue(v *Variable, raw string) (cty.Value, hcl.Diagnostics) {
	if v.Type.IsPrimitiveType() || v.Type == cty.DynamicPseudoType {
		return cty.StringVal(raw), nil
	}
	name := "<value for var." + v.Name + ">"
	if diags := checkSource(name, []byte(raw)); diags.HasErrors() {
		return cty.NilVal, diags
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	val, valDiags := expr.Value(nil)
	return val, append(diags, valDiags...)
}

// sortedAttrs returns attributes in source order, so diagnostics and
// results never depend on map order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

// evalLocals evaluates every local value in dependency order and reports
// references between locals that form a cycle.
func evalLocals(attrs []*hcl.Attribute, s *scope) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	values := map[string]cty.Value{}
	pending := append([]*hcl.Attribute(nil), attrs...)
	declared := make([]string, 0, len(attrs))
	for _, a := range attrs {
		declared = append(declared, a.Name)
	}
	sort.Strings(declared)
	s.locals = declared // so checkRefs knows every name, evaluated or not

	for len(pending) > 0 {
		var next []*hcl.Attribute
		progressed := false
		for _, a := range pending {
			ready := true
			for _, tr := range a.Expr.Variables() {
				if tr.RootName() != "local" || len(tr) < 2 {
					continue
				}
				if ta, ok := tr[1].(hcl.TraverseAttr); ok && sortedHas(declared, ta.Name) {
					if _, done := values[ta.Name]; !done {
						ready = false
					}
				}
			}
			if !ready {
				next = append(next, a)
				continue
			}
			progressed = true
			s.ctx.Variables["local"] = cty.ObjectVal(values)
			if s.usesFailed(a.Expr) {
				s.failed["local."+a.Name] = true
				values[a.Name] = cty.DynamicVal
				continue
			}
			d := s.checkRefs(a.Expr)
			if !d.HasErrors() {
				d = s.charge(a.Expr)
			}
			if d.HasErrors() {
				diags = append(diags, d...)
				s.failed["local."+a.Name] = true
				values[a.Name] = cty.DynamicVal
				continue
			}
			v, d := a.Expr.Value(s.ctx)
			diags = append(diags, d...)
			if d.HasErrors() {
				s.failed["local."+a.Name] = true
				v = cty.DynamicVal
			}
			values[a.Name] = v
		}
		if !progressed {
			for _, a := range next {
				rng := a.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Cycle in local values",
					Detail:   fmt.Sprintf("local.%s depends, directly or through other locals, on itself.", a.Name),
					Subject:  &rng,
				})
				s.failed["local."+a.Name] = true
				values[a.Name] = cty.DynamicVal
			}
			break
		}
		pending = next
	}
	s.setLocals(values)
	return values, diags
}
