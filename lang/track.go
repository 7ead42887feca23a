package lang

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

var trackBlockSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{
		{Name: "source"},
		{Name: "solo"},
	}, stripAttributes...),
	Blocks: append([]hcl.BlockHeaderSchema{{Type: "clip"}}, stripBlocks...),
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
	for _, b := range content.Blocks {
		if b.Type != "clip" {
			continue
		}
		if len(t.Clips) == MaxClips {
			rng := b.DefRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Too many clips",
				Detail:   fmt.Sprintf("A track may have at most %d clips; this is clip %d. Split the track.", MaxClips, MaxClips+1),
				Subject:  &rng,
			})
			break
		}
		c, d := decodeClipBlock(b, s, dir)
		diags = append(diags, d...)
		t.Clips = append(t.Clips, c)
	}
	_, hasSource := content.Attributes["source"]
	switch {
	case hasSource && len(t.Clips) > 0:
		rng := t.SourceRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Source and clips",
			Detail:   fmt.Sprintf("Track %q has both a source and clip blocks. source = \"...\" is the shorthand for one clip at 0: write that clip as a clip block instead.", t.Name),
			Subject:  &rng,
		})
	case !hasSource && len(t.Clips) == 0:
		rng := block.DefRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Track without audio",
			Detail:   fmt.Sprintf("Track %q needs a source (source = \"vocals.wav\") or clip blocks (clip { source = \"take1.wav\", at = \"5:1\" }).", t.Name),
			Subject:  &rng,
		})
	case hasSource:
		t.Clips = []*Clip{shorthandClip(t)}
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
