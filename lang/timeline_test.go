package lang

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// loadTimeline loads a mix made of the given mix block body and returns
// its timeline.
func loadTimeline(t *testing.T, mixBody string) *Timeline {
	t.Helper()
	src := "mix {\n" + mixBody + "\n}\n"
	m, diags := NewParser().LoadMixSource(filepath.Join(t.TempDir(), "t.mix.hcl"), []byte(src), Options{})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", mixBody, diags)
	}
	return m.Timeline()
}

// TestTimelinePositions: positions convert to the exact frame, computed
// here by hand from the tempo, meter and tempo map.
func TestTimelinePositions(t *testing.T) {
	cases := []struct {
		mix  string
		pos  cty.Value
		want int64
	}{
		// The case: "5:1" at 120 BPM in 4/4 is 16 quarters = 8 s.
		{`tempo = 120`, cty.StringVal("5:1"), 384000},
		{`tempo = 120, meter = "4/4"`, cty.StringVal("5:1"), 384000},
		{`tempo = 120`, cty.NumberFloatVal(8), 384000},
		{`tempo = 120`, cty.StringVal("1:1"), 0},
		{``, cty.NumberIntVal(0), 0},
		{``, cty.NumberFloatVal(1.5), 72000},
		// 16 bars + 1.5 beats = 65.5 quarters at 0.5 s.
		{`tempo = 120`, cty.StringVal("17:2.5"), 1572000},
		{`tempo = 120, sample_rate = 44100`, cty.StringVal("5:1"), 352800},
		// 3/4: a bar is 3 quarters, 1.5 s at 120.
		{`tempo = 120, meter = "3/4"`, cty.StringVal("5:1"), 288000},
		{`tempo = 120, meter = "3/4"`, cty.StringVal("2:3"), 120000}, // 5 quarters
		// 6/8: a beat is an eighth (0.25 s at 120 quarters per minute),
		// a bar 1.5 s. "3:4": 2 bars + 3 eighths = 3.75 s.
		{`tempo = 120, meter = "6/8"`, cty.StringVal("3:4"), 180000},
		{`tempo = 120, meter = "6/8"`, cty.StringVal("2:6.5"), 72000 + 66000},
		// 96 BPM: a quarter is 0.625 s.
		{`tempo = 96`, cty.StringVal("2:1"), 120000},
		// 97 BPM at 44.1 kHz: 240/97 s = 109113.402... frames, rounded once.
		{`tempo = 97, sample_rate = 44100`, cty.StringVal("2:1"), 109113},
		// 100 bars at 97 BPM: 400*60/97*44100 = 10911340.206...
		{`tempo = 97, sample_rate = 44100`, cty.StringVal("101:1"), 10911340},
		// A tempo that is not a whole number: 4*60/97.3 s * 48000 =
		// 118396.71..., rounded up.
		{`tempo = 97.3`, cty.StringVal("2:1"), 118397},
		// Tempo map: 120 in 4/4 to bar 3 (4 s), then 60 BPM; from bar 5
		// (4 + 8 = 12 s) 3/4.
		{`tempo = 120
		  tempo_map = [
		    { at = "3:1", tempo = 60 },
		    { at = "5:1", meter = "3/4" },
		  ]`, cty.StringVal("6:2"), 48000 * 16},
		{`tempo = 120
		  tempo_map = [{ at = "3:1", tempo = 60 }, { at = "5:1", meter = "3/4" }]`, cty.StringVal("5:1"), 48000 * 12},
		{`tempo = 120
		  tempo_map = [{ at = "3:1", tempo = 60 }]`, cty.StringVal("2:4"), 48000 * 7 / 2},
		// Seconds are not affected by the tempo map.
		{`tempo = 120
		  tempo_map = [{ at = "3:1", tempo = 60 }]`, cty.NumberFloatVal(10), 480000},
		// A change inside a bar: 240 BPM from beat 3 of bar 2 (3 s);
		// bar 3 is 2 quarters later, 0.5 s.
		{`tempo = 120
		  tempo_map = [{ at = "2:3", tempo = 240 }]`, cty.StringVal("3:1"), 48000 * 7 / 2},
		// Meter and tempo together: bar 2 at 2 s, then 6/8 at 60: bar 3
		// is 3 quarters (3 s) later, and its beat 2 an eighth (0.5 s) on.
		{`tempo = 120, meter = "4/4"
		  tempo_map = [{ at = "2:1", tempo = 60, meter = "6/8" }]`, cty.StringVal("3:2"), 48000 * 11 / 2},
	}
	for _, c := range cases {
		tl := loadTimeline(t, c.mix)
		got, diags := tl.Position(c.pos, hcl.Range{})
		if diags.HasErrors() {
			t.Errorf("%s: %#v: %s", c.mix, c.pos, diags)
			continue
		}
		if got != c.want {
			t.Errorf("%s: %#v = frame %d, want %d", c.mix, c.pos, got, c.want)
		}
	}
	tl := loadTimeline(t, `tempo = 120`)
	if s := tl.Seconds(384000); s != 8 {
		t.Errorf("Seconds(384000) = %g, want 8", s)
	}
	if tl.SampleRate() != 48000 || !tl.HasTempo() {
		t.Errorf("SampleRate %d, HasTempo %v", tl.SampleRate(), tl.HasTempo())
	}
}

// TestTimelineErrors: bad positions get a diagnostic on the expression.
func TestTimelineErrors(t *testing.T) {
	rng := hcl.Range{Filename: "x.mix.hcl", Start: hcl.Pos{Line: 3, Column: 5, Byte: 20}, End: hcl.Pos{Line: 3, Column: 10, Byte: 25}}
	cases := []struct {
		mix  string
		pos  cty.Value
		want string // "" for no error
	}{
		{``, cty.StringVal("5:1"), "Position in bars without a tempo"},
		{`tempo = 120`, cty.StringVal("5:5"), "Beat out of range"},
		{`tempo = 120`, cty.StringVal("5:4.999"), ""},
		{`tempo = 120, meter = "6/8"`, cty.StringVal("5:7"), "Beat out of range"},
		{`tempo = 120, meter = "6/8"`, cty.StringVal("5:6.99"), ""},
		{`tempo = 120`, cty.StringVal("0:1"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("5:0.5"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("5"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("5:1:2"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("5:1e3"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("5:1/2"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("-5:1"), "Invalid position"},
		{`tempo = 120`, cty.StringVal("99999999:1"), "Invalid position"},
		{``, cty.NumberFloatVal(-1), "Invalid position"},
		{``, cty.NumberVal(cty.PositiveInfinity.AsBigFloat()), "Invalid position"},
		{``, cty.NumberFloatVal(1e9), "Position too late"},
		{``, cty.True, "Incorrect value type"},
		{``, cty.NullVal(cty.Number), "Missing value"},
		{`tempo = 120
		  tempo_map = [{ at = "3:1", meter = "3/4" }]`, cty.StringVal("4:4"), "Beat out of range"},
		{`tempo = 120
		  tempo_map = [{ at = "3:1", meter = "3/4" }]`, cty.StringVal("2:4"), ""},
	}
	for _, c := range cases {
		_, diags := loadTimeline(t, c.mix).Position(c.pos, rng)
		if c.want == "" {
			if diags.HasErrors() {
				t.Errorf("%s: %#v: %s", c.mix, c.pos, diags)
			}
			continue
		}
		if len(diags) != 1 || diags[0].Summary != c.want {
			t.Errorf("%s: %#v: got %v, want %q", c.mix, c.pos, diags, c.want)
			continue
		}
		if *diags[0].Subject != rng {
			t.Errorf("%s: %#v: subject %v, want the expression's range", c.mix, c.pos, diags[0].Subject)
		}
	}
}

// TestRoundFrames: rounding to the nearest frame, halves up, without
// going through floating point.
func TestRoundFrames(t *testing.T) {
	tl := loadTimeline(t, `sample_rate = 8000`)
	for _, c := range []struct {
		sec  float64
		want int64
	}{{0, 0}, {1.0 / 16000, 1}, {1.0/16000 - 1e-12, 0}, {3.0 / 16000, 2}, {0.125, 1000}, {7200, 57600000}} {
		got, diags := tl.Position(cty.NumberFloatVal(c.sec), hcl.Range{})
		if diags.HasErrors() || got != c.want {
			t.Errorf("%g s = %d %v, want %d", c.sec, got, diags, c.want)
		}
	}
}
