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
		{Name: "sample_rate"},
		{Name: "dither"},
		{Name: "from"},
		{Name: "master_chain"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "target"}},
}

// DitherKinds are the accepted dither values.
var DitherKinds = []string{"none", "tpdf", "shaped"}

// DefaultBitDepth is an output's bit depth when bit_depth is not set.
const DefaultBitDepth = 24

func decodeOutputBlock(block *hcl.Block, s *scope, dir string, mixRate int) (*Output, hcl.Diagnostics) {
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
			diags = append(diags, s.confine(o.FileRange, f, o.FilePath)...)
		}
	}
	if attr, ok := content.Attributes["bit_depth"]; ok {
		o.BitDepthRange = attr.Expr.Range()
		d := decodeBitDepth(attr, s, o)
		diags = append(diags, d...)
	}
	o.SampleRate, o.SampleRateRange = mixRate, block.DefRange
	if attr, ok := content.Attributes["sample_rate"]; ok {
		o.SampleRateRange = attr.Expr.Range()
		rate, d := s.integer(attr, sampleRateRange)
		diags = append(diags, d...)
		if !d.HasErrors() {
			o.SampleRate = rate
		}
	}
	// Reducing to 16 bits is where dither matters; wider formats keep
	// their rounding error far below audibility.
	o.Dither, o.DitherRange = "none", block.DefRange
	if o.BitDepth == 16 && !o.Float {
		o.Dither = "tpdf"
	}
	if attr, ok := content.Attributes["dither"]; ok {
		o.DitherRange = attr.Expr.Range()
		d, dd := s.str(attr)
		diags = append(diags, dd...)
		if !dd.HasErrors() {
			if contains(DitherKinds, d) {
				o.Dither = d
			} else {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid dither",
					Detail:   fmt.Sprintf("dither must be %s; this is %q.%s", quoteList(DitherKinds), d, didYouMean(d, DitherKinds)),
					Subject:  &rng,
				})
			}
		}
		if o.Float && o.Dither != "none" {
			rng := attr.Expr.Range()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Dither on a float output",
				Detail:   "A 32-bit float output keeps every sample exactly; dither applies only to integer bit depths. Remove dither, or choose bit_depth 16 or 24.",
				Subject:  &rng,
			})
		}
	}
	if attr, ok := content.Attributes["from"]; ok {
		r, d := ref(attr, RefTrack, RefBus, RefMaster)
		diags = append(diags, d...)
		if !d.HasErrors() && r.Kind != RefMaster {
			o.From = &r
		}
	}
	if attr, ok := content.Attributes["master_chain"]; ok {
		o.MasterChain, diags = appendBool(diags, s, attr)
		if o.From == nil {
			rng := attr.Expr.Range()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "master_chain without from",
				Detail:   "master_chain applies to a stem output (one with from = track.NAME or bus.NAME); the master output always has the master chain.",
				Subject:  &rng,
			})
		}
	}
	t, d := decodeTargets(content.Blocks, s)
	o.Target = t
	diags = append(diags, d...)
	if o.From != nil && t != nil {
		rng := t.DeclRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Target on a stem",
			Detail:   "A stem output (from = ...) is delivered as it sums into the mix, so that stems add back up to the master; a mastering target applies to the master only. Remove the target, or master the stem as its own mix.",
			Subject:  &rng,
		})
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
