package mixdiff

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mixdown/mixdown/lang"
)

const base = `
mix {
  sample_rate = 48000
  tempo       = 120
}

variable "vocal_level" {
  default = -3
}

track "vocals" {
  source = "vocals.wav"
  gain   = var.vocal_level
  eq {
    highpass { freq = 80 }
    bell { freq = 3000, gain = 2 }
  }
  compressor {
    ratio = 3
  }
  send {
    to    = bus.verb
    level = -12
  }
}

track "bass" {
  source = "bass.wav"
  gain   = -3
}

bus "verb" {
  reverb { mix = 1 }
}

bus "echo" {
  delay { time = "1/8" }
  output = bus.verb
}

master {
  target { preset = "spotify" }
}

output "main" {
  file = "out/song.wav"
}
`

func load(t *testing.T, src string, vars ...lang.VarArg) *lang.Mix {
	t.Helper()
	p := lang.NewParser()
	m, diags := p.LoadMixSource(filepath.Join(t.TempDir(), "song.mix.hcl"), []byte(src), lang.Options{Vars: vars})
	if diags.HasErrors() {
		var b bytes.Buffer
		lang.WriteDiagnostics(&b, p.Files(), diags)
		t.Fatalf("load:\n%s\n%s", b.String(), src)
	}
	return m
}

// edit applies old→new replacements to base, each of which must match.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the base mix", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestDiff(t *testing.T) {
	cases := []struct {
		name  string
		edits []string
		want  []string
	}{
		{
			name:  "add track",
			edits: []string{`bus "verb" {`, "track \"keys\" {\n  source = \"keys.wav\"\n  gain = -6\n  output = bus.verb\n  stereo { width = 1.5 }\n}\n\nbus \"verb\" {"},
			want: []string{
				`track.keys: added (source "keys.wav", gain -6 dB, pan 0, mute false, solo false, polarity false, output bus.verb)`,
				`track.keys.stereo: added (width 1.5, mono_below 0 Hz)`,
			},
		},
		{
			name:  "remove track",
			edits: []string{"track \"bass\" {\n  source = \"bass.wav\"\n  gain   = -3\n}", ""},
			want: []string{
				`track.bass: removed (source "bass.wav", gain -3 dB, pan 0, mute false, solo false, polarity false, output master)`,
			},
		},
		{
			name:  "rename track",
			edits: []string{`track "bass"`, `track "alto"`},
			want: []string{
				`track.alto: added (source "bass.wav", gain -3 dB, pan 0, mute false, solo false, polarity false, output master)`,
				`track.bass: removed (source "bass.wav", gain -3 dB, pan 0, mute false, solo false, polarity false, output master)`,
			},
		},
		{
			name:  "remove send",
			edits: []string{"  send {\n    to    = bus.verb\n    level = -12\n  }\n", ""},
			want:  []string{`track.vocals.send.verb: removed (level -12 dB, pre_fader false)`},
		},
		{
			name:  "change parameters",
			edits: []string{"gain   = -3", "gain   = -1.5", "ratio = 3", "ratio = 4", "freq = 3000, gain = 2", "freq = 3000, gain = 2.5"},
			want: []string{
				`track.bass.gain: -3 dB → -1.5 dB`,
				`track.vocals.eq.bell.gain: 2 dB → 2.5 dB`,
				`track.vocals.compressor.ratio: 3 → 4`,
			},
		},
		{
			name:  "tiny change shows all digits",
			edits: []string{"gain   = -3", "gain   = -3.0000001"},
			want:  []string{`track.bass.gain: -3 dB → -3.0000001 dB`},
		},
		{
			name:  "reorder effects",
			edits: []string{"  compressor {\n    ratio = 3\n  }\n", "", "  eq {\n    highpass", "  compressor {\n    ratio = 3\n  }\n  eq {\n    highpass"},
			want:  []string{`track.vocals.effects: eq, compressor → compressor, eq`},
		},
		{
			name:  "reorder eq bands is no change",
			edits: []string{"    highpass { freq = 80 }\n    bell { freq = 3000, gain = 2 }", "    bell { freq = 3000, gain = 2 }\n    highpass { freq = 80 }"},
		},
		{
			name:  "add an effect is not a move",
			edits: []string{"  compressor {", "  deesser { freq = 6000 }\n  compressor {"},
			want:  []string{`track.vocals.deesser: added (freq 6000 Hz, threshold -30 dB, range -8 dB)`},
		},
		{
			name: "named effect changes kind",
			edits: []string{
				"  reverb { mix = 1 }", "  reverb {\n    name = \"room\"\n    mix = 1\n  }\n  eq {\n    name = \"tone\"\n    bell { freq = 200 }\n  }",
				"  delay { time = \"1/8\" }", "  compressor { name = \"delay\" }",
			},
			want: []string{
				`bus.echo.delay: removed (time 1/8 = 250 ms, feedback 0.35, mix 0.25, highcut 0 Hz, lowcut 0 Hz, pingpong false)`,
				`bus.echo.delay: added (kind compressor, threshold -18 dB, ratio 4, knee 6 dB, attack 10 ms, release 120 ms, makeup 0 dB, lookahead 0 ms, mix 1, sidechain_highpass 0 Hz, detector "peak")`,
				`bus.verb.reverb: removed (decay 1.8 s, predelay 20 ms, size 0.7, damping 0.5, width 1, mix 1)`,
				`bus.verb.room: added (kind reverb, decay 1.8 s, predelay 20 ms, size 0.7, damping 0.5, width 1, mix 1)`,
				`bus.verb.tone: added (kind eq)`,
				`bus.verb.tone.bell: added (freq 200 Hz, gain 0 dB, q 1)`,
			},
		},
		{
			name: "change routing",
			edits: []string{
				"gain   = -3\n", "gain   = -3\n  output = bus.verb\n",
				"level = -12\n", "level = -9\n    pre_fader = true\n",
			},
			want: []string{
				`track.bass.output: master → bus.verb`,
				`track.vocals.send.verb.level: -12 dB → -9 dB`,
				`track.vocals.send.verb.pre_fader: false → true`,
			},
		},
		{
			name:  "solo mute polarity",
			edits: []string{"gain   = -3\n", "gain   = -3\n  solo = true\n  mute = true\n  polarity = true\n"},
			want: []string{
				`track.bass.mute: false → true`,
				`track.bass.solo: false → true`,
				`track.bass.polarity: false → true`,
			},
		},
		{
			name: "change output and targets",
			edits: []string{
				`target { preset = "spotify" }`, "target {\n    preset = \"spotify\"\n    loudness = -13.8\n  }",
				`file = "out/song.wav"`, "file = \"out/song.wav\"\n  bit_depth = 16\n  sample_rate = 44100\n  target { preset = \"apple\" }",
			},
			want: []string{
				`master.target.loudness: -14 LUFS → -13.8 LUFS`,
				`output.main.bit_depth: 24 bits → 16 bits`,
				`output.main.sample_rate: 48000 Hz → 44100 Hz`,
				`output.main.dither: "none" → "tpdf"`,
				`output.main.target: added (preset "apple", loudness -16 LUFS, true_peak -1 dBTP)`,
			},
		},
		{
			name:  "peak-only target",
			edits: []string{`target { preset = "spotify" }`, `target { preset = "cd" }`},
			want: []string{
				`master.target.preset: "spotify" → "cd"`,
				`master.target.loudness: -14 LUFS → none`,
				`master.target.true_peak: -1 dBTP → -0.3 dBTP`,
			},
		},
		{
			name:  "change a variable default",
			edits: []string{"default = -3", "default = -4"},
			want: []string{
				`var.vocal_level: -3 → -4`,
				`track.vocals.gain: -3 dB → -4 dB`,
			},
		},
		{
			name:  "mix settings and note values",
			edits: []string{"tempo       = 120", "tempo       = 100\n  tail = 4"},
			want: []string{
				`mix.tempo: 120 BPM → 100 BPM`,
				`mix.tail: 10 s → 4 s`,
				`bus.echo.delay.time: 1/8 = 250 ms → 1/8 = 300 ms`,
			},
		},
		{
			name:  "meter and tempo map",
			edits: []string{"tempo       = 120", "tempo       = 120\n  meter = \"6/8\"\n  tempo_map = [{ at = \"9:1\", tempo = 96 }, { at = \"17:1\", meter = \"4/4\" }]"},
			want: []string{
				`mix.meter: "4/4" → "6/8"`,
				`mix.tempo_map["9:1"].tempo: (unset) → 96 BPM`,
				`mix.tempo_map["17:1"].meter: (unset) → "4/4"`,
			},
		},
		{
			name:  "optional parameter set",
			edits: []string{"ratio = 3", "ratio = 3\n    sidechain = track.bass"},
			want:  []string{`track.vocals.compressor.sidechain: (unset) → track.bass`},
		},
		{
			name: "whitespace, comments, attribute order and expressions are no change",
			edits: []string{
				"track \"bass\" {\n  source = \"bass.wav\"\n  gain   = -3\n}",
				"# the bass\ntrack \"bass\" {\n\n  gain = -1 - 2 // dB\n  /* from the DI */ source = \"bass.wav\"\n}",
				"  bell { freq = 3000, gain = 2 }", "  bell {\n      gain = 2\n      freq = 3e3\n    }",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old, new := load(t, base), load(t, edit(t, c.edits...))
			var got []string
			for _, ch := range Diff(old, new) {
				got = append(got, ch.String())
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("diff lines (-want +got):\n%s", d)
			}
			// The other way round, every changed value swaps sides.
			var fwd, rev []Change
			for _, ch := range Diff(old, new) {
				if ch.Kind == Changed || ch.Kind == Moved {
					fwd = append(fwd, ch)
				}
			}
			for _, ch := range Diff(new, old) {
				if ch.Kind == Changed || ch.Kind == Moved {
					ch.Old, ch.New = ch.New, ch.Old
					rev = append(rev, ch)
				}
			}
			if d := cmp.Diff(fwd, rev); d != "" {
				t.Errorf("reverse diff is not the mirror image (-forward +reverse):\n%s", d)
			}
		})
	}
}

func TestDiffVars(t *testing.T) {
	old := load(t, base)
	new := load(t, base, lang.VarArg{Value: "vocal_level=-4.5"})
	var got []string
	for _, c := range Diff(old, new) {
		got = append(got, c.String())
	}
	want := []string{`var.vocal_level: -3 → -4.5`, `track.vocals.gain: -3 dB → -4.5 dB`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := Diff(old, load(t, base)); d != nil {
		t.Errorf("a mix against itself: %v, want none", d)
	}
}

func TestMarkdown(t *testing.T) {
	old := load(t, base)
	new := load(t, edit(t,
		"  send {\n    to    = bus.verb\n    level = -12\n  }\n", "",
		"  compressor {\n    ratio = 3\n  }\n", "  deesser { freq = 6000 }\n",
		"  eq {\n    highpass", "  compressor {\n    ratio = 4\n  }\n  eq {\n    highpass",
		`source = "bass.wav"`, `source = "bass|di.wav"`,
	))
	var b bytes.Buffer
	if err := WriteMarkdown(&b, Diff(old, new)); err != nil {
		t.Fatal(err)
	}
	want := "| node | parameter | old | new |\n" +
		"|---|---|---|---|\n" +
		"| `track.bass` | source | \"bass.wav\" | \"bass\\|di.wav\" |\n" +
		"| `track.vocals` | effects *(order)* | eq, compressor | compressor, eq, deesser |\n" +
		"| `track.vocals.compressor` | ratio | 3 | 4 |\n" +
		"| `track.vocals.deesser` | *added* |  | freq 6000 Hz, threshold -30 dB, range -8 dB |\n" +
		"| `track.vocals.send.verb` | *removed* | level -12 dB, pre_fader false |  |\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("markdown (-want +got):\n%s", d)
	}

	b.Reset()
	WriteMarkdown(&b, nil)
	if b.String() != "No changes in meaning.\n" {
		t.Errorf("no changes: %q", b.String())
	}
}

func TestListing(t *testing.T) {
	var b bytes.Buffer
	if err := WriteListing(&b, Flatten(load(t, base))); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"mix.sample_rate = 48000 Hz\nmix.tempo = 120 BPM\nmix.meter = \"4/4\"\nmix.tail = 10 s\nvar.vocal_level = -3\n",
		"track.bass.gain = -3 dB\n",
		"track.vocals.effects = eq, compressor\ntrack.vocals.eq.highpass.freq = 80 Hz\n",
		"track.vocals.send.verb.level = -12 dB\ntrack.vocals.send.verb.pre_fader = false\nbus.echo.gain = 0 dB\n",
		"bus.echo.delay.time = 1/8 = 250 ms\n",
		"master.gain = 0 dB\nmaster.target.preset = \"spotify\"\nmaster.target.loudness = -14 LUFS\nmaster.target.true_peak = -1 dBTP\n",
		"output.main.file = \"out/song.wav\"\noutput.main.bit_depth = 24 bits\noutput.main.sample_rate = 48000 Hz\noutput.main.dither = \"none\"\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("listing lacks\n%s\nin:\n%s", line, b.String())
		}
	}
}

func TestMerge(t *testing.T) {
	for _, c := range []struct{ old, new, want string }{
		{"a b c", "a b c", "a b c"},
		{"a b c", "a c", "a b c"},
		{"x a b", "a b", "x a b"},
		{"a b", "c a b d", "c a b d"},
		{"a b c d", "d c", "a b d c"},
		{"", "a", "a"},
		{"a", "", "a"},
	} {
		got := strings.Join(merge(strings.Fields(c.old), strings.Fields(c.new)), " ")
		if got != c.want {
			t.Errorf("merge(%q, %q) = %q, want %q", c.old, c.new, got, c.want)
		}
	}
}

func TestFormatNum(t *testing.T) {
	for _, c := range []struct {
		x      float64
		digits int
		want   string
	}{
		{-3, 6, "-3"}, {48000, 6, "48000"}, {0.30000000000000004, 6, "0.3"}, {0.30000000000000004, -1, "0.30000000000000004"},
		{432.69230769230774, 6, "432.692"}, {1e-7, 6, "1e-07"}, {1234567, 6, "1234570"},
		{-0.0, 6, "0"},
	} {
		if got := formatNum(c.x, c.digits); got != c.want {
			t.Errorf("formatNum(%v, %d) = %q, want %q", c.x, c.digits, got, c.want)
		}
	}
}

func TestVariableValues(t *testing.T) {
	src := `
variable "levels" {
  default = { vocals = -3, "bass gtr" = -6.5 }
}
variable "order" {
  default = ["a", "b"]
}
variable "name" {
  default = "Take ${1}"
}
variable "on" {
  type    = bool
  default = true
}
`
	var b bytes.Buffer
	WriteListing(&b, Flatten(load(t, src)))
	for _, want := range []string{
		`var.levels = { "bass gtr" = -6.5, vocals = -3 }` + "\n",
		`var.name = "Take 1"` + "\n",
		`var.on = true` + "\n",
		`var.order = ["a", "b"]` + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, b.String())
		}
	}
	new := load(t, strings.Replace(src, "-6.5", "-7", 1))
	got := Diff(load(t, src), new)
	if len(got) != 1 || got[0].String() != `var.levels: { "bass gtr" = -6.5, vocals = -3 } → { "bass gtr" = -7, vocals = -3 }` {
		t.Errorf("diff %v", got)
	}
}

// TestDiffClips: a clip change reads as the clip's address and setting;
// turning source = "..." into clip blocks shows the clips added.
func TestDiffClips(t *testing.T) {
	clips := edit(t, `source = "vocals.wav"`, `clip { source = "takes/verse.wav", at = "5:1", fade_out = 0.5 }
  clip { source = "takes/chorus.wav", at = "21:1" }`)
	moved := strings.Replace(clips, `at = "21:1"`, `at = "25:1", gain = -2`, 1)
	var got []string
	for _, c := range Diff(load(t, clips), load(t, moved)) {
		got = append(got, c.String())
	}
	want := []string{
		`track.vocals.clip[1].at: "21:1" → "25:1"`,
		`track.vocals.clip[1].gain: 0 dB → -2 dB`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	got = nil
	for _, c := range Diff(load(t, base), load(t, clips)) {
		got = append(got, c.String())
	}
	t.Log(strings.Join(got, "\n"))
	if len(got) < 3 || got[0] != `track.vocals.source: "vocals.wav" → (unset)` || !strings.HasPrefix(got[1], "track.vocals.clip[0]") {
		t.Errorf("source to clips:\n%s", strings.Join(got, "\n"))
	}
	var b bytes.Buffer
	if err := WriteListing(&b, Flatten(load(t, clips))); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"track.vocals.clip[0].source = \"takes/verse.wav\"\ntrack.vocals.clip[0].at = \"5:1\"\ntrack.vocals.clip[0].offset = 0 s\ntrack.vocals.clip[0].length = to the end\n" +
			"track.vocals.clip[0].gain = 0 dB\ntrack.vocals.clip[0].fade_in = 0 s\ntrack.vocals.clip[0].fade_out = 0.5 s\ntrack.vocals.clip[0].fade_curve = \"equal_power\"\ntrack.vocals.clip[1].source",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("listing lacks\n%s\nin\n%s", line, b.String())
		}
	}
}
