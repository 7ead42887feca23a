package mixdiff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const autoBase = `
mix { tempo = 120 }
bus "verb" {}
track "vox" {
  source = "vox.wav"
  send { to = bus.verb }
  eq {
    bell { freq = 300 }
    bell { freq = 3000 }
  }
  automate "gain" {
    points = [[0, -60], ["2:1", 0], ["17:1", 0], ["17:1", 3]]
  }
  automate "eq.bell[1].gain" { points = [[0, 0], [12.5, 2]] }
}
master {
  automate "gain" { points = [[60, 0], [64, -120]] }
}
`

// TestDiffAutomation: lanes diff point by point, named by their times as
// written.
func TestDiffAutomation(t *testing.T) {
	old := load(t, autoBase)
	cases := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"change a point", `["2:1", 0]`, `["2:1", -3]`, []string{`track.vox.gain.automation.point["2:1"]: 0 dB → -3 dB`}},
		{"move a point", `[12.5, 2]`, `[13, 2]`, []string{
			`track.vox.eq.bell[1].gain.automation.point[12.5]: 2 dB → (unset)`,
			`track.vox.eq.bell[1].gain.automation.point[13]: (unset) → 2 dB`,
		}},
		{"the jump", `["17:1", 3]`, `["17:1", 4]`, []string{`track.vox.gain.automation.point["17:1"].jump: 3 dB → 4 dB`}},
		{"curve", `[[0, 0], [12.5, 2]] }`, `[[0, 0], [12.5, 2]], curve = "smooth" }`, []string{
			`track.vox.eq.bell[1].gain.automation.curve: "linear" → "smooth"`,
		}},
		{"add a lane", `  automate "gain" {`, "  automate \"send.verb.level\" { points = [[0, -20]] }\n  automate \"gain\" {", []string{
			`track.vox.send.verb.level.automation: added (curve "linear", point[0] -20 dB)`,
		}},
		{"remove a lane", `  automate "gain" { points = [[60, 0], [64, -120]] }`, "", []string{
			`master.gain.automation: removed (curve "linear", point[60] 0 dB, point[64] -120 dB)`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(autoBase, c.old) {
				t.Fatalf("%q not in the base", c.old)
			}
			changes := Diff(old, load(t, strings.Replace(autoBase, c.old, c.new, 1)))
			var got []string
			for _, ch := range changes {
				got = append(got, ch.String())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	var b bytes.Buffer
	WriteListing(&b, Flatten(old))
	for _, line := range []string{
		`track.vox.gain.automation.curve = "linear"`,
		`track.vox.gain.automation.point[0] = -60 dB`,
		`track.vox.gain.automation.point["17:1"].jump = 3 dB`,
		`master.gain.automation.point[64] = -120 dB`,
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("listing lacks %q:\n%s", line, b.String())
		}
	}
}
