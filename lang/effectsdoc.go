package lang

import (
	"fmt"
	"strings"
)

// EffectsMarkdown renders the reference of every effect kind: one table
// per effect with each parameter's name, unit, range and default. It is
// the source of docs/effects.md, so the docs cannot drift from the
// checks the language makes.
func EffectsMarkdown() string {
	var b strings.Builder
	b.WriteString(`# Effects

<!-- Generated from the language's effect specs by
     go test ./lang -run TestEffectsDoc -update
     Do not edit by hand. -->

Effect blocks go inside ` + "`track`, `bus` and `master`" + ` bodies and run in source
order, between the strip's input and its fader. A kind may appear more than
once. Every effect also takes ` + "`name`" + `: a name unique in its chain, used in
the effect's address (` + "`track.vocals.compressor`" + `, or ` + "`track.vocals.NAME`" + `
when named; an unnamed kind that appears twice is ` + "`eq[0]`, `eq[1]`" + `).

Values outside a parameter's range are an error at the attribute. Units:
dB for gain, threshold, makeup, ceiling and range; Hz for frequencies; ms for
attack, release, hold, lookahead, predelay and delay time; seconds for
reverb decay; 0..1 for mix (wet/dry) and other proportions.

Every effect reports its latency (lookahead, oversampling filters); the
graph delays parallel paths so all inputs of a bus line up to the sample,
and the output lines up with the sources. After the last source ends, tails
(reverb, echoes) are rendered until the master falls below -100 dBFS, up to
` + "`mix.tail`" + ` seconds.

`)
	for _, s := range effectSpecs {
		fmt.Fprintf(&b, "## `%s`\n\n%s\n\n", s.Kind, s.Doc)
		if len(s.Attrs) > 0 {
			writeAttrTable(&b, s.Attrs)
		}
		for _, band := range s.Bands {
			fmt.Fprintf(&b, "### `%s { }` band\n\n", band.Kind)
			writeAttrTable(&b, band.Attrs)
		}
	}
	return b.String()
}

func writeAttrTable(b *strings.Builder, attrs []AttrSpec) {
	b.WriteString("| parameter | unit | range | default | what it does |\n|---|---|---|---|---|\n")
	for _, a := range attrs {
		unit, rng, def, doc := "", "", "", a.Doc
		switch a.Type {
		case TypeNumber:
			unit = a.Param.Unit
			rng = fmt.Sprintf("%s – %s", fmtNum(a.Param.Min), fmtNum(a.Param.Max))
			if len(a.Whole) > 0 {
				var w []string
				for _, x := range a.Whole {
					w = append(w, fmtNum(x))
				}
				rng = strings.Join(w, ", ")
			}
			def = fmtDefault(a.Param.Default)
			doc = a.Param.Doc
			if a.Auto {
				rng += `, or "auto"`
			}
			if a.Time {
				rng += `, or a note value ("1/4", "1/8d", "1/8t")`
				doc += " A note value needs `mix.tempo`."
			}
		case TypeText:
			if len(a.Choices) > 0 {
				rng = quoteList(a.Choices)
				def = fmt.Sprintf("%q", a.Choices[0])
			} else if a.Path {
				unit = "path"
			}
		case TypeBool:
			unit = "bool"
			def = fmt.Sprint(a.BoolValue)
		case TypeRef:
			unit = "reference"
			rng = refKindsText(a.RefKinds)
		}
		if a.Optional {
			def = "none"
		}
		if unit == "" {
			unit = "—"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", a.Name, unit, rng, def, doc)
	}
	b.WriteString("\n")
}

func fmtDefault(x float64) string {
	s := fmtNum(x)
	if len(s) > 8 {
		s = fmt.Sprintf("%.4g", x)
	}
	return s
}
