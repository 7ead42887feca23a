package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var outputBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "file", Required: true},
		{Name: "bit_depth"},
	},
}

// DefaultBitDepth is an output's bit depth when bit_depth is not set.
const DefaultBitDepth = 24

func decodeOutputBlock(block *hcl.Block, s *scope, dir string) (*Output, hcl.Diagnostics) {
	diags := checkName(block, "output")
	content, d := block.Body.Content(outputBlockSchema)
	diags = append(diags, d...)
	o := &Output{
		Name:          block.Labels[0],
		NameRange:     block.LabelRanges[0],
		DeclRange:     block.DefRange,
		BitDepth:      DefaultBitDepth,
		BitDepthRange: block.DefRange,
	}
	if attr, ok := content.Attributes["file"]; ok {
		o.FileRange = attr.Expr.Range()
		f, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			o.File, o.FilePath = f, resolvePath(dir, f)
		}
	}
	if attr, ok := content.Attributes["bit_depth"]; ok {
		o.BitDepthRange = attr.Expr.Range()
		d := decodeBitDepth(attr, s, o)
		diags = append(diags, d...)
	}
	return o, diags
}

// decodeBitDepth accepts 16, 24 or 32 (integer PCM) or "float" (32-bit
// IEEE float).
func decodeBitDepth(attr *hcl.Attribute, s *scope, o *Output) hcl.Diagnostics {
	v, diags := s.value(attr.Expr, cty.DynamicPseudoType, `"bit_depth"`)
	if diags.HasErrors() {
		return diags
	}
	rng := attr.Expr.Range()
	bad := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid bit depth",
		Subject:  &rng,
	}
	switch v.Type() {
	case cty.String:
		if v.AsString() == "float" {
			o.BitDepth, o.Float = 32, true
			return diags
		}
		bad.Detail = fmt.Sprintf("bit_depth must be 16, 24, 32 or \"float\"; this is %q.%s",
			v.AsString(), didYouMean(v.AsString(), []string{"float"}))
	case cty.Number:
		f, _ := v.AsBigFloat().Float64()
		switch f {
		case 16, 24, 32:
			o.BitDepth = int(f)
			return diags
		}
		bad.Detail = fmt.Sprintf("bit_depth must be 16, 24, 32 or \"float\"; this is %g.", f)
	default:
		bad.Detail = fmt.Sprintf("bit_depth must be 16, 24, 32 or \"float\"; this is a %s.", v.Type().FriendlyName())
	}
	return append(diags, bad)
}
