package mixdiff

import (
	"strings"
	"testing"
)

const chainMix = `
chain "vocal" {
  param "threshold" { default = -18 }
  eq         { highpass { freq = 90 } }
  compressor { threshold = param.threshold, ratio = 3 }
}
track "lead" {
  source = "lead.wav"
  use "vocal" { threshold = -22 }
}
track "double" {
  source = "double.wav"
  use "vocal" {}
}
`

// TestDiffChains: a change inside a chain is reported once, at the chain,
// naming its uses; a change of one use's override at that use.
func TestDiffChains(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"chain value", "ratio = 3", "ratio = 4", []string{
			"chain.vocal.compressor.ratio: 3 → 4 (used by track.double, track.lead)",
		}},
		{"band value", "freq = 90", "freq = 100", []string{
			"chain.vocal.eq.highpass.freq: 90 Hz → 100 Hz (used by track.double, track.lead)",
		}},
		{"chain order", "  eq         { highpass { freq = 90 } }\n  compressor { threshold = param.threshold, ratio = 3 }",
			"  compressor { threshold = param.threshold, ratio = 3 }\n  eq         { highpass { freq = 90 } }", []string{
				"chain.vocal.effects: eq, compressor → compressor, eq",
			}},
		{"override", "threshold = -22", "threshold = -20", []string{
			"track.lead.vocal.compressor.threshold: -22 dB → -20 dB",
		}},
		{"default", "default = -18", "default = -16", []string{
			"chain.vocal.param.threshold: -18 → -16",
			"track.double.vocal.compressor.threshold: -18 dB → -16 dB",
		}},
		{"effect added to the chain", "  compressor {", "  deesser {}\n  compressor {", []string{
			"chain.vocal.deesser: added (freq 5500 Hz, threshold -30 dB, range -8 dB) (used by track.double, track.lead)",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(chainMix, c.old) {
				t.Fatalf("mix lacks %q", c.old)
			}
			changes := Diff(load(t, chainMix), load(t, strings.Replace(chainMix, c.old, c.new, 1)))
			var got []string
			for _, ch := range changes {
				got = append(got, ch.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestDiffUseAdded: a strip that starts using a chain shows its new
// effects at the strip, not as a change of the chain.
func TestDiffUseAdded(t *testing.T) {
	newMix := strings.Replace(chainMix, `source = "double.wav"`, `source = "double.wav"
  use "vocal" { name = "again" }`, 1)
	for _, ch := range Diff(load(t, chainMix), load(t, newMix)) {
		if strings.HasPrefix(ch.Node, "chain.") || len(ch.UsedBy) > 0 {
			t.Errorf("a new use reported as a chain change: %s", ch)
		}
	}
}
