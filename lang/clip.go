package lang

import (
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Clip is a stretch of a source file placed on a track's timeline:
//
//	clip { source = "takes/verse.wav", at = "5:1", offset = 0.25, length = 30 }
//
// Times are kept as written (seconds) and as frames at the mix rate,
// rounded once (timeline.go); graph.Build checks them against the source's
// header: the offset and length must lie in the source, the fades in the
// clip, and overlaps are crossfades (docs/language.md).
type Clip struct {
	// Source is the path as written; SourcePath is resolved against the
	// mix folder.
	Source      string
	SourcePath  string
	SourceRange hcl.Range

	// At is the position as written: seconds (a number) or "bar:beat"
	// (a string); AtFrame is where it falls on the timeline.
	At      cty.Value
	AtFrame int64
	AtRange hcl.Range

	OffsetSeconds float64 // into the source; 0 when not set
	OffsetFrames  int64
	OffsetRange   hcl.Range
	// LengthSeconds is how much of the source plays; 0 when not set: to
	// the end of the source.
	LengthSeconds float64
	LengthFrames  int64
	LengthRange   hcl.Range

	GainDB float64 // clip gain, before the track's chain

	FadeInSeconds  float64
	FadeInFrames   int64
	FadeInRange    hcl.Range
	FadeOutSeconds float64
	FadeOutFrames  int64
	FadeOutRange   hcl.Range
	// FadeCurve is "linear", "equal_power" or "log"; it shapes the clip's
	// fades and the crossfade into it from an overlapping clip.
	FadeCurve      string
	FadeCurveRange hcl.Range

	// DeclRange is the clip block's header, or the track's source
	// attribute for the shorthand.
	DeclRange hcl.Range
}

// FadeCurves are the fade shapes, the default first.
var FadeCurves = []string{"equal_power", "linear", "log"}

// DefaultFadeCurve shapes fades and crossfades when fade_curve is not set.
const DefaultFadeCurve = "equal_power"

var clipBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "at"},
		{Name: "offset"},
		{Name: "length"},
		{Name: "gain"},
		{Name: "fade_in"},
		{Name: "fade_out"},
		{Name: "fade_curve"},
	},
}

// secondsRange bounds a clip's offset, length and fades; graph.Build
// checks them against the source itself.
var secondsRange = numRange{0, 24 * 60 * 60, "s"}

func decodeClipBlock(block *hcl.Block, s *scope, dir string) (*Clip, hcl.Diagnostics) {
	content, diags := block.Body.Content(clipBlockSchema)
	c := &Clip{At: cty.Zero, FadeCurve: DefaultFadeCurve, DeclRange: block.DefRange}
	c.AtRange, c.SourceRange = block.DefRange, block.DefRange
	if attr, ok := content.Attributes["source"]; ok {
		c.SourceRange = attr.Expr.Range()
		src, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			c.Source, c.SourcePath = src, resolvePath(dir, src)
			diags = append(diags, s.confine(c.SourceRange, src, c.SourcePath)...)
		}
	}
	if attr, ok := content.Attributes["at"]; ok {
		c.AtRange = attr.Expr.Range()
		v, d := s.value(attr.Expr, cty.DynamicPseudoType, `"at"`)
		diags = append(diags, d...)
		if !d.HasErrors() {
			c.At = v
			c.AtFrame, d = s.timeline.Position(v, c.AtRange)
			diags = append(diags, d...)
		}
	}
	seconds := func(name string, secs *float64, frames *int64, rng *hcl.Range) bool {
		attr, ok := content.Attributes[name]
		if !ok {
			return false
		}
		*rng = attr.Expr.Range()
		var d hcl.Diagnostics
		*secs, d = s.number(attr, secondsRange)
		diags = append(diags, d...)
		if !d.HasErrors() {
			*frames = secondsToFrames(*secs, s.timeline.SampleRate())
		}
		return !d.HasErrors()
	}
	seconds("offset", &c.OffsetSeconds, &c.OffsetFrames, &c.OffsetRange)
	if seconds("length", &c.LengthSeconds, &c.LengthFrames, &c.LengthRange) && c.LengthFrames == 0 {
		rng := c.LengthRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value out of range",
			Detail:   fmt.Sprintf(`"length" must be at least one frame (1/%d s); leave it out to play to the end of the source.`, s.timeline.SampleRate()),
			Subject:  &rng,
		})
	}
	seconds("fade_in", &c.FadeInSeconds, &c.FadeInFrames, &c.FadeInRange)
	seconds("fade_out", &c.FadeOutSeconds, &c.FadeOutFrames, &c.FadeOutRange)
	if attr, ok := content.Attributes["gain"]; ok {
		c.GainDB, diags = appendNum(diags, s, attr, gainRange)
	}
	if attr, ok := content.Attributes["fade_curve"]; ok {
		c.FadeCurveRange = attr.Expr.Range()
		curve, d := s.str(attr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if contains(FadeCurves, curve) {
				c.FadeCurve = curve
			} else {
				rng := c.FadeCurveRange
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown fade curve",
					Detail:   fmt.Sprintf("%q is not a fade curve: use \"equal_power\", \"linear\" or \"log\".%s", curve, didYouMean(curve, FadeCurves)),
					Subject:  &rng,
				})
			}
		}
	}
	return c, diags
}

// shorthandClip is the clip a track's source attribute stands for: the
// whole file from 0, at unity gain.
func shorthandClip(t *Track) *Clip {
	return &Clip{
		Source: t.Source, SourcePath: t.SourcePath, SourceRange: t.SourceRange,
		At: cty.Zero, AtRange: t.SourceRange,
		FadeCurve: DefaultFadeCurve,
		DeclRange: t.SourceRange,
	}
}

// secondsToFrames converts a time in seconds (finite, >= 0) to frames at
// rate, exactly, rounded to the nearest frame once.
func secondsToFrames(sec float64, rate int) int64 {
	if math.IsNaN(sec) || math.IsInf(sec, 0) || sec <= 0 {
		return 0
	}
	return roundFrames(new(big.Rat).SetFloat64(sec), int64(rate))
}
