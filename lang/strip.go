package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Ranges of the strip's controls, shared by tracks, buses and sends.
var (
	gainRange = numRange{-120, 24, "dB"}
	panRange  = numRange{-1, 1, ""}
)

var stripAttributes = []hcl.AttributeSchema{
	{Name: "gain"},
	{Name: "pan"},
	{Name: "mute"},
	{Name: "polarity"},
	{Name: "output"},
}

// stripBlocks are the blocks a track or bus body takes: sends, every
// effect kind and uses of chains.
var stripBlocks = append([]hcl.BlockHeaderSchema{{Type: "send"}, useBlock, automateBlock}, effectBlocks()...)

// useBlock runs a shared chain in an effect chain (chain.go).
var useBlock = hcl.BlockHeaderSchema{Type: "use", LabelNames: []string{"chain"}}

func effectBlocks() []hcl.BlockHeaderSchema {
	var out []hcl.BlockHeaderSchema
	for _, k := range EffectKinds() {
		out = append(out, hcl.BlockHeaderSchema{Type: k})
	}
	return out
}

// decodeEffects decodes the effect blocks among blocks, and expands the
// uses of chains, in source order.
func decodeEffects(blocks hcl.Blocks, s *scope) ([]*Effect, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var effects, own []*Effect
	var uses []*use
	for _, b := range blocks {
		if b.Type == "use" {
			if len(effects) > MaxEffects {
				continue // checkCounts reports the chain; expanding costs
			}
			u, d := s.expandUse(b)
			diags = append(diags, d...)
			if u != nil {
				uses = append(uses, u)
				effects = append(effects, u.effects...)
			}
			continue
		}
		spec := LookupEffect(b.Type)
		if spec == nil {
			continue
		}
		e, d := decodeEffectBlock(b, spec, s)
		diags = append(diags, d...)
		effects = append(effects, e)
		own = append(own, e)
	}
	diags = append(diags, assignEffectIDs(own)...)
	// A use's part names its effects, as an effect's ID names it.
	seen := map[string]hcl.Range{}
	for _, e := range own {
		seen[e.ID] = e.DeclRange
	}
	for _, u := range uses {
		if prev, dup := seen[u.part]; dup {
			rng := u.partRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate effect name",
				Detail: fmt.Sprintf("Another effect or use in this chain is already called %q (at %s). Give the use a unique name: use %q { name = \"...\" }.",
					u.part, pos(prev), u.part),
				Subject: &rng,
			})
			continue
		}
		seen[u.part] = u.partRange
	}
	return effects, diags
}

// decodeStrip reads the controls tracks and buses share from content.
func decodeStrip(block *hcl.Block, content *hcl.BodyContent, s *scope) (Strip, hcl.Diagnostics) {
	st := Strip{
		Name:      block.Labels[0],
		NameRange: block.LabelRanges[0],
		DeclRange: block.DefRange,
		Output:    Ref{Kind: RefMaster, Range: block.DefRange},
	}
	var diags hcl.Diagnostics
	if attr, ok := content.Attributes["gain"]; ok {
		st.GainDB, diags = appendNum(diags, s, attr, gainRange)
	}
	if attr, ok := content.Attributes["pan"]; ok {
		st.Pan, diags = appendNum(diags, s, attr, panRange)
	}
	if attr, ok := content.Attributes["mute"]; ok {
		st.Mute, diags = appendBool(diags, s, attr)
	}
	if attr, ok := content.Attributes["polarity"]; ok {
		st.Polarity, diags = appendBool(diags, s, attr)
	}
	if attr, ok := content.Attributes["output"]; ok {
		r, d := ref(attr, RefBus, RefMaster)
		diags = append(diags, d...)
		if !d.HasErrors() {
			st.Output = r
		}
	}
	effects, d := decodeEffects(content.Blocks, s)
	diags = append(diags, d...)
	st.Effects = effects
	for _, b := range content.Blocks {
		if b.Type != "send" {
			continue
		}
		send, d := decodeSendBlock(b, s)
		diags = append(diags, d...)
		if send != nil {
			st.Sends = append(st.Sends, send)
		}
	}
	auto, d := decodeAutomation(content.Blocks, autoTargets{owner: block.Type, pan: true, sends: st.Sends, effects: st.Effects, s: s}, s)
	st.Automation = auto
	return st, append(diags, d...)
}

func appendNum(diags hcl.Diagnostics, s *scope, attr *hcl.Attribute, r numRange) (float64, hcl.Diagnostics) {
	v, d := s.number(attr, r)
	return v, append(diags, d...)
}

func appendBool(diags hcl.Diagnostics, s *scope, attr *hcl.Attribute) (bool, hcl.Diagnostics) {
	v, d := s.boolean(attr)
	return v, append(diags, d...)
}

var sendBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "to", Required: true},
		{Name: "level"},
		{Name: "pre_fader"},
	},
}

func decodeSendBlock(block *hcl.Block, s *scope) (*Send, hcl.Diagnostics) {
	content, diags := block.Body.Content(sendBlockSchema)
	send := &Send{DeclRange: block.DefRange}
	attr, ok := content.Attributes["to"]
	if !ok {
		return nil, diags
	}
	r, d := ref(attr, RefBus)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	send.To = r
	if attr, ok := content.Attributes["level"]; ok {
		send.LevelDB, diags = appendNum(diags, s, attr, gainRange)
	}
	if attr, ok := content.Attributes["pre_fader"]; ok {
		send.PreFader, diags = appendBool(diags, s, attr)
	}
	return send, diags
}
