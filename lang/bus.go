package lang

import "github.com/hashicorp/hcl/v2"

var busBlockSchema = &hcl.BodySchema{
	Attributes: stripAttributes,
	Blocks:     stripBlocks,
}

func decodeBusBlock(block *hcl.Block, s *scope) (*Bus, hcl.Diagnostics) {
	diags := checkName(block, "bus")
	content, d := block.Body.Content(busBlockSchema)
	diags = append(diags, d...)
	st, d := decodeStrip(block, content, s)
	diags = append(diags, d...)
	return &Bus{Strip: st}, diags
}
