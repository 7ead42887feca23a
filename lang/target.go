package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Target is a mastering target: the integrated loudness and true-peak
// ceiling an output must meet, measured on the final file.
type Target struct {
	// Preset names the preset the target started from, or "".
	Preset string
	// LoudnessLUFS is the integrated loudness to reach; HasLoudness is
	// false for a peak-only target (such as "cd"), where a gain puts the
	// true peak at the ceiling with no limiting.
	LoudnessLUFS float64
	HasLoudness  bool
	TruePeakDBTP float64
	DeclRange    hcl.Range
}

// TargetPreset is a named delivery target.
type TargetPreset struct {
	Name         string
	LoudnessLUFS float64 // NaN-free: ignored when !HasLoudness
	HasLoudness  bool
	TruePeakDBTP float64
	Source       string // where the numbers come from
}

// TargetPresets lists the presets, in documentation order.
var TargetPresets = []TargetPreset{
	{"spotify", -14, true, -1, "Spotify for Artists, \"Loudness normalization\": playback normalised to -14 LUFS integrated; masters should keep true peaks at or below -1 dBTP."},
	{"apple", -16, true, -1, "Apple, \"Apple Digital Masters\" / Sound Check: -16 LUFS integrated, true peak at or below -1 dBTP."},
	{"youtube", -14, true, -1, "YouTube's loudness normalisation reference of -14 LUFS integrated, with -1 dBTP headroom."},
	{"ebu-r128", -23, true, -1, "EBU R 128 (2020): programme loudness -23 LUFS, maximum true peak -1 dBTP."},
	{"atsc-a85", -24, true, -2, "ATSC A/85 (2013): -24 LKFS integrated, true peak at or below -2 dBTP."},
	{"cd", 0, false, -0.3, "No loudness normalisation on CD: a gain puts the true peak at -0.3 dBTP, with no limiting."},
}

// DefaultTruePeakDBTP is a target's ceiling when it sets none.
const DefaultTruePeakDBTP = -1

var (
	loudnessRange = numRange{-70, -5, "LUFS"}
	truePeakRange = numRange{-20, 0, "dBTP"}
)

var targetBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "preset"},
		{Name: "loudness"},
		{Name: "true_peak"},
	},
}

func presetNames() []string {
	out := make([]string, len(TargetPresets))
	for i, p := range TargetPresets {
		out[i] = p.Name
	}
	return out
}

// decodeTargetBlock reads a target: an optional preset, then loudness and
// true_peak, each overriding the preset.
func decodeTargetBlock(block *hcl.Block, s *scope) (*Target, hcl.Diagnostics) {
	content, diags := block.Body.Content(targetBlockSchema)
	t := &Target{TruePeakDBTP: DefaultTruePeakDBTP, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["preset"]; ok {
		name, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			found := false
			for _, p := range TargetPresets {
				if p.Name == name {
					t.Preset, t.LoudnessLUFS, t.HasLoudness, t.TruePeakDBTP = p.Name, p.LoudnessLUFS, p.HasLoudness, p.TruePeakDBTP
					found = true
				}
			}
			if !found {
				rng := attr.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown target preset",
					Detail: fmt.Sprintf("There is no preset %q. The presets are %s.%s",
						name, quoteList(presetNames()), didYouMean(name, presetNames())),
					Subject: &rng,
				})
			}
		}
	}
	if attr, ok := content.Attributes["loudness"]; ok {
		t.LoudnessLUFS, diags = appendNum(diags, s, attr, loudnessRange)
		t.HasLoudness = true
	}
	if attr, ok := content.Attributes["true_peak"]; ok {
		t.TruePeakDBTP, diags = appendNum(diags, s, attr, truePeakRange)
	}
	if content.Attributes["preset"] == nil && content.Attributes["loudness"] == nil && content.Attributes["true_peak"] == nil {
		rng := block.DefRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty target",
			Detail:   "A target needs a preset, a loudness, or a true_peak ceiling.",
			Subject:  &rng,
		})
	}
	return t, diags
}

// decodeTargets decodes the one target block among blocks, if any.
func decodeTargets(blocks hcl.Blocks, s *scope) (*Target, hcl.Diagnostics) {
	var t *Target
	var diags hcl.Diagnostics
	for _, b := range blocks {
		if b.Type != "target" {
			continue
		}
		if t != nil {
			diags = append(diags, duplicate("target", "", t.DeclRange, b))
			continue
		}
		var d hcl.Diagnostics
		t, d = decodeTargetBlock(b, s)
		diags = append(diags, d...)
	}
	return t, diags
}
