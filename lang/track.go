package lang

import (
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

var trackBlockSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "solo"},
	}, stripAttributes...),
	Blocks: stripBlocks,
}

func decodeTrackBlock(block *hcl.Block, s *scope, dir string) (*Track, hcl.Diagnostics) {
	diags := checkName(block, "track")
	content, d := block.Body.Content(trackBlockSchema)
	diags = append(diags, d...)
	st, d := decodeStrip(block, content, s)
	diags = append(diags, d...)
	t := &Track{Strip: st}
	if attr, ok := content.Attributes["source"]; ok {
		t.SourceRange = attr.Expr.Range()
		src, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			t.Source, t.SourcePath = src, resolvePath(dir, src)
			diags = append(diags, s.confine(t.SourceRange, src, t.SourcePath)...)
		}
	}
	if attr, ok := content.Attributes["solo"]; ok {
		t.Solo, diags = appendBool(diags, s, attr)
	}
	return t, diags
}

// resolvePath resolves a path written in the mix against the mix's folder.
func resolvePath(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, filepath.FromSlash(p))
}
