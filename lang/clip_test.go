package lang

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// TestClips: clip blocks decode with their defaults, times in frames at
// the mix rate; one-line clips with commas work.
func TestClips(t *testing.T) {
	src := `mix { tempo = 120, sample_rate = 48000 }

track "vocals" {
  clip {
    source     = "takes/verse.wav"
    at         = "5:1"
    offset     = 0.25
    length     = 30
    gain       = -1.5
    fade_in    = 0.01
    fade_out   = 0.5
    fade_curve = "log"
  }
  clip { source = "takes/chorus.wav", at = "21:1" }
  clip { source = "takes/outro.wav", at = 100.5, fade_curve = "linear" }
  gain = -3
}
`
	dir := t.TempDir()
	m, diags := NewParser().LoadMixSource(filepath.Join(dir, "m.mix.hcl"), []byte(src), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []*Clip{
		{
			Source: "takes/verse.wav", SourcePath: filepath.Join(dir, "takes", "verse.wav"),
			At: cty.StringVal("5:1"), AtFrame: 384000,
			OffsetSeconds: 0.25, OffsetFrames: 12000,
			LengthSeconds: 30, LengthFrames: 1440000,
			GainDB:        -1.5,
			FadeInSeconds: 0.01, FadeInFrames: 480,
			FadeOutSeconds: 0.5, FadeOutFrames: 24000,
			FadeCurve: "log",
		},
		{
			Source: "takes/chorus.wav", SourcePath: filepath.Join(dir, "takes", "chorus.wav"),
			At: cty.StringVal("21:1"), AtFrame: 20 * 4 * 24000, FadeCurve: "equal_power",
		},
		{
			Source: "takes/outro.wav", SourcePath: filepath.Join(dir, "takes", "outro.wav"),
			At: cty.NumberFloatVal(100.5), AtFrame: 4824000, FadeCurve: "linear",
		},
	}
	tr := m.Track("vocals")
	if diff := cmp.Diff(want, tr.Clips, cmpOpts); diff != "" {
		t.Errorf("clips differ (-want +got):\n%s", diff)
	}
	if tr.Source != "" || tr.GainDB != -3 {
		t.Errorf("track source %q, gain %g", tr.Source, tr.GainDB)
	}
	// Ranges point at the file as written, through the one-line rewrite.
	if r := tr.Clips[1].AtRange; r.Start.Line != 14 || r.Start.Column != 44 {
		t.Errorf("second clip's at is at %s, want line 14 column 44", r)
	}
}
