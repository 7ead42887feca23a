package lang

import (
	"fmt"
	"math"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// scope evaluates expressions with var.* and local.* in scope and checks
// that every var and local an expression names exists, so a typo gets a
// "did you mean" at the reference instead of a generic message.
type scope struct {
	ctx    *hcl.EvalContext
	vars   []string // declared variable names, sorted
	locals []string // declared local names, sorted
	// failed holds "var.NAME" and "local.NAME" for values that could not
	// be computed. Their error is already reported, so expressions that
	// use them fail quietly instead of repeating it.
	failed map[string]bool

	dir   string  // the mix folder, for paths
	tempo float64 // mix.tempo in BPM, 0 when not set
	// timeline converts positions (clip starts, automation points) to
	// frames; built right after the mix block is decoded.
	timeline *Timeline

	// Automation (automation.go): the points the mix may still have, of
	// autoLimit.
	autoLeft    int
	autoLimit   int
	suggestLeft int // unknown targets that may still get a "did you mean"

	root   string      // the project folder, resolved; "" when paths may leave it
	budget *evalBudget // what expressions may still build (limits.go)

	chains     map[string]*chainDef // the mix's chains, for uses (chain.go)
	chainNames []string             // sorted
	// params holds the values of a chain's parameters while one of its
	// uses is decoded (nil outside a chain), and paramNames their names,
	// sorted.
	params     map[string]*paramArg
	paramNames []string
}

func newScope() *scope {
	s := &scope{failed: map[string]bool{}, budget: &evalBudget{left: MaxEvalBytes}, ctx: &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.EmptyObjectVal,
			"local": cty.EmptyObjectVal,
		},
		Functions: functions(),
	}}
	guardFunctions(s.ctx.Functions, s.budget)
	return s
}

// functions is the small standard library available in expressions: the
// numeric and string helpers a mix needs, named as in Terraform.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		"coalesce": stdlib.CoalesceFunc,
		"concat":   stdlib.ConcatFunc,
		"format":   stdlib.FormatFunc,
		"length":   stdlib.LengthFunc,
		"lookup":   stdlib.LookupFunc,
		"lower":    stdlib.LowerFunc,
		"upper":    stdlib.UpperFunc,
		"join":     stdlib.JoinFunc,
	}
}

func (s *scope) setVars(values map[string]cty.Value) {
	s.ctx.Variables["var"] = cty.ObjectVal(values)
	s.vars = sortedKeys(values)
}

func (s *scope) setLocals(values map[string]cty.Value) {
	s.ctx.Variables["local"] = cty.ObjectVal(values)
	s.locals = sortedKeys(values)
}

func sortedKeys(m map[string]cty.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkRefs reports references to undeclared variables and locals.
func (s *scope) checkRefs(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		if root == "param" {
			if d := s.checkParamRef(tr); d != nil {
				diags = append(diags, d)
			}
			continue
		}
		if root != "var" && root != "local" || len(tr) < 2 {
			continue
		}
		attr, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		known := s.vars
		kind, block := "input variable", "variable"
		if root == "local" {
			known, kind, block = s.locals, "local value", "locals"
		}
		if contains(known, attr.Name) {
			continue
		}
		rng := tr.SourceRange()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared " + kind,
			Detail: fmt.Sprintf("There is no %s named %q. Declare it in a %s block first.%s",
				kind, attr.Name, block, didYouMean(attr.Name, known)),
			Subject: &rng,
		})
	}
	return diags
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// usesFailed reports whether expr refers to a value that failed already.
func (s *scope) usesFailed(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if len(tr) < 2 {
			continue
		}
		if a, ok := tr[1].(hcl.TraverseAttr); ok && s.failed[tr.RootName()+"."+a.Name] {
			return true
		}
	}
	return false
}

// errQuiet marks a failure whose cause was reported elsewhere.
var errQuiet = &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "quiet"}

// value evaluates expr and converts it to ty. When expr uses a value that
// already failed, it returns diagnostics holding only errQuiet: callers
// see an error, and LoadMix drops it before anyone reads it.
func (s *scope) value(expr hcl.Expression, ty cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	if diags := s.checkRefs(expr); diags.HasErrors() {
		return cty.NilVal, diags
	}
	if s.usesFailed(expr) {
		return cty.NilVal, hcl.Diagnostics{errQuiet}
	}
	if diags := s.charge(expr); diags.HasErrors() {
		return cty.NilVal, diags
	}
	v, diags := expr.Value(s.ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	rng := expr.Range()
	if v.IsNull() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing value",
			Detail:   fmt.Sprintf("%s must not be null.", what),
			Subject:  &rng,
		})
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect value type",
			Detail:   fmt.Sprintf("%s must be a %s: %s.", what, ty.FriendlyName(), err),
			Subject:  &rng,
		})
	}
	if !cv.IsWhollyKnown() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown value",
			Detail:   fmt.Sprintf("%s must be known when the mix is loaded.", what),
			Subject:  &rng,
		})
	}
	return cv, diags
}

// numRange is an accepted range of a numeric attribute, with its unit.
type numRange struct {
	min, max float64
	unit     string // "dB", "Hz", "" ...
}

func (r numRange) String() string {
	u := ""
	if r.unit != "" {
		u = " " + r.unit
	}
	return fmt.Sprintf("between %s and %s%s", fmtNum(r.min), fmtNum(r.max), u)
}

func fmtNum(x float64) string { return fmt.Sprintf("%g", x) }

// number evaluates a numeric attribute and checks it against r.
func (s *scope) number(attr *hcl.Attribute, r numRange) (float64, hcl.Diagnostics) {
	v, diags := s.value(attr.Expr, cty.Number, fmt.Sprintf("%q", attr.Name))
	if diags.HasErrors() {
		return 0, diags
	}
	f, _ := v.AsBigFloat().Float64()
	if math.IsNaN(f) || f < r.min || f > r.max {
		rng := attr.Expr.Range()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value out of range",
			Detail:   fmt.Sprintf("%q must be %s; this is %s.", attr.Name, r, fmtNum(f)),
			Subject:  &rng,
		})
	}
	return f, diags
}

// integer evaluates a whole-number attribute and checks it against r.
func (s *scope) integer(attr *hcl.Attribute, r numRange) (int, hcl.Diagnostics) {
	f, diags := s.number(attr, r)
	if diags.HasErrors() {
		return 0, diags
	}
	if f != math.Trunc(f) {
		rng := attr.Expr.Range()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Whole number required",
			Detail:   fmt.Sprintf("%q must be a whole number; this is %s.", attr.Name, fmtNum(f)),
			Subject:  &rng,
		})
	}
	return int(f), diags
}

func (s *scope) boolean(attr *hcl.Attribute) (bool, hcl.Diagnostics) {
	v, diags := s.value(attr.Expr, cty.Bool, fmt.Sprintf("%q", attr.Name))
	if diags.HasErrors() {
		return false, diags
	}
	return v.True(), diags
}

func (s *scope) str(attr *hcl.Attribute) (string, hcl.Diagnostics) {
	v, diags := s.value(attr.Expr, cty.String, fmt.Sprintf("%q", attr.Name))
	if diags.HasErrors() {
		return "", diags
	}
	return v.AsString(), diags
}

// ref reads a node reference such as bus.drums from an attribute, as a
// traversal: it is never evaluated. allowed lists the kinds accepted.
func ref(attr *hcl.Attribute, allowed ...RefKind) (Ref, hcl.Diagnostics) {
	rng := attr.Expr.Range()
	want := refKindsText(allowed)
	bad := func(detail string) (Ref, hcl.Diagnostics) {
		return Ref{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   fmt.Sprintf("%q must be a reference to %s%s", attr.Name, want, detail),
			Subject:  &rng,
		}}
	}
	tr, diags := hcl.AbsTraversalForExpr(attr.Expr)
	if diags.HasErrors() {
		return bad(", written without quotes.")
	}
	r := Ref{Range: tr.SourceRange()}
	switch root := tr.RootName(); root {
	case "master":
		if len(tr) != 1 {
			return bad(`; "master" takes no name.`)
		}
		r.Kind = RefMaster
	case "bus", "track":
		if len(tr) != 2 {
			return bad(fmt.Sprintf(", such as %s.NAME.", root))
		}
		name, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			return bad(fmt.Sprintf(", such as %s.NAME.", root))
		}
		r.Kind, r.Name = RefBus, name.Name
		if root == "track" {
			r.Kind = RefTrack
		}
	default:
		return bad(fmt.Sprintf("; %q is not a kind of node.", root))
	}
	for _, k := range allowed {
		if k == r.Kind {
			return r, nil
		}
	}
	return bad(".")
}

func refKindsText(kinds []RefKind) string {
	var parts []string
	for _, k := range kinds {
		switch k {
		case RefMaster:
			parts = append(parts, "master")
		case RefBus:
			parts = append(parts, "a bus (bus.NAME)")
		case RefTrack:
			parts = append(parts, "a track (track.NAME)")
		}
	}
	switch len(parts) {
	case 0:
		return "a node"
	case 1:
		return parts[0]
	}
	out := parts[0]
	for i := 1; i < len(parts)-1; i++ {
		out += ", " + parts[i]
	}
	return out + " or " + parts[len(parts)-1]
}
