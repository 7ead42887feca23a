package lang

import "github.com/hashicorp/hcl/v2"

var masterBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "gain"},
	},
	Blocks: append(effectBlocks(), hcl.BlockHeaderSchema{Type: "target"}, useBlock, automateBlock),
}

func decodeMasterBlock(block *hcl.Block, s *scope) (*Master, hcl.Diagnostics) {
	content, diags := block.Body.Content(masterBlockSchema)
	m := &Master{DeclRange: block.DefRange}
	if attr, ok := content.Attributes["gain"]; ok {
		m.GainDB, diags = appendNum(diags, s, attr, gainRange)
	}
	effects, d := decodeEffects(content.Blocks, s)
	m.Effects = effects
	diags = append(diags, d...)
	auto, d := decodeAutomation(content.Blocks, autoTargets{owner: "master", effects: m.Effects, s: s}, s)
	m.Automation = auto
	diags = append(diags, d...)
	t, d := decodeTargets(content.Blocks, s)
	m.Target = t
	return m, append(diags, d...)
}
