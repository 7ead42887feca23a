package lang

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/delay"
)

// FuzzTimeValue feeds a time attribute (a delay's time) anything: a
// number, a note value at any tempo, an expression. Nothing may panic;
// every error names its place in the file; an accepted time is a finite
// number of milliseconds within the delay's range, so no request can size
// a buffer past delay.MaxTimeMs.
func FuzzTimeValue(f *testing.F) {
	f.Add(`"1/4"`, 120.0)
	f.Add("250", 0.0)
	f.Fuzz(func(t *testing.T, expr string, tempo float64) {
		src := ""
		if tempo != 0 {
			src = fmt.Sprintf("mix { tempo = %s }\n", strconv.FormatFloat(tempo, 'g', -1, 64))
		}
		src += "locals { t = 250 }\ntrack \"a\" {\n  source = \"a.wav\"\n  delay {\n    time = " + expr + "\n  }\n}\n"
		m, diags := NewParser().LoadMixSource("time.mix.hcl", []byte(src), Options{})
		for _, d := range diags {
			if d.Severity == hcl.DiagError && (d.Subject == nil || d.Subject.Filename != "time.mix.hcl") {
				t.Fatalf("error without a place in the file: %#v", d)
			}
		}
		if m == nil || diags.HasErrors() {
			return
		}
		for _, tr := range m.Tracks {
			for _, e := range tr.Effects {
				if e.Kind != "delay" {
					continue
				}
				ms := e.Num("time")
				if math.IsNaN(ms) || ms < delay.MinTimeMs || ms > delay.MaxTimeMs {
					t.Fatalf("time %q at tempo %v accepted as %v ms", expr, tempo, ms)
				}
			}
		}
	})
}
