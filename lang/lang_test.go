package lang

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var cmpOpts = cmp.Options{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
	cmp.Comparer(func(a, b cty.Type) bool { return a.Equals(b) }),
}

func TestValidBasic(t *testing.T) {
	file := filepath.Join("testdata", "valid", "basic.mix.hcl")
	m, diags := NewParser().LoadMix(file, Options{})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %s", diags)
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "valid"))
	want := &Mix{
		Filename:    file,
		Dir:         dir,
		SampleRate:  44100,
		TailSeconds: DefaultTailSeconds,
		Meter:       DefaultMeter,
		Variables: []*Variable{
			{Name: "instrumental", Type: cty.Bool, Default: cty.False, Value: cty.False, Source: "default"},
			{Name: "vocal_level", Type: cty.DynamicPseudoType, Default: cty.NumberIntVal(-3), Value: cty.NumberIntVal(-3), Source: "default"},
		},
		Tracks: []*Track{
			{
				Strip: Strip{
					Name: "vocals", GainDB: -3, Pan: -0.1, Polarity: true,
					Output: Ref{Kind: RefBus, Name: "band"},
					Sends:  []*Send{{To: Ref{Kind: RefBus, Name: "verb"}, LevelDB: -12}},
				},
				Source: "stems/vocals.wav", SourcePath: filepath.Join(dir, "stems", "vocals.wav"),
			},
			{
				Strip: Strip{
					Name:   "bass",
					Output: Ref{Kind: RefMaster},
					Sends:  []*Send{{To: Ref{Kind: RefBus, Name: "verb"}, LevelDB: -24, PreFader: true}},
				},
				Solo:   true,
				Source: "stems/bass.wav", SourcePath: filepath.Join(dir, "stems", "bass.wav"),
			},
		},
		Buses: []*Bus{
			{Strip: Strip{Name: "band", GainDB: -1.5, Pan: 0.25, Output: Ref{Kind: RefMaster}}},
			{Strip: Strip{Name: "verb", Output: Ref{Kind: RefMaster}}},
		},
		Master: &Master{GainDB: -0.5},
		Outputs: []*Output{
			{Name: "main", File: "out/song.wav", FilePath: filepath.Join(dir, "out", "song.wav"), BitDepth: 24, SampleRate: 44100, Dither: "none"},
			{Name: "float", File: "out/song-float.wav", FilePath: filepath.Join(dir, "out", "song-float.wav"), BitDepth: 32, Float: true, SampleRate: 44100, Dither: "none"},
		},
	}
	for _, tr := range want.Tracks { // source = "..." is one clip at 0
		tr.Clips = []*Clip{{Source: tr.Source, SourcePath: tr.SourcePath, At: cty.Zero, FadeCurve: DefaultFadeCurve}}
	}
	if diff := cmp.Diff(want, m, cmpOpts); diff != "" {
		t.Errorf("decoded mix differs (-want +got):\n%s", diff)
	}
}

func TestVarOverrides(t *testing.T) {
	file := filepath.Join("testdata", "valid", "basic.mix.hcl")
	varFile := filepath.Join(t.TempDir(), "loud.mixvars")
	if err := os.WriteFile(varFile, []byte("vocal_level = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		args       []VarArg
		wantGain   float64
		wantMute   bool
		wantSource string
	}{
		{"default", nil, -3, false, "default"},
		{"-var", []VarArg{{Value: "vocal_level=-6.5"}}, -6.5, false, "-var"},
		{"-var bool", []VarArg{{Value: "instrumental=true"}}, -3, true, "default"},
		{"-var-file", []VarArg{{File: true, Value: varFile}}, 2, false, varFile},
		{"later wins", []VarArg{{File: true, Value: varFile}, {Value: "vocal_level=-1"}}, -1, false, "-var"},
		{"later wins again", []VarArg{{Value: "vocal_level=-1"}, {File: true, Value: varFile}}, 2, false, varFile},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, diags := NewParser().LoadMix(file, Options{Vars: c.args})
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics: %s", diags)
			}
			v := m.Track("vocals")
			if v.GainDB != c.wantGain || v.Mute != c.wantMute {
				t.Errorf("vocals gain %v mute %v, want %v %v", v.GainDB, v.Mute, c.wantGain, c.wantMute)
			}
			if got := m.Variables[1].Source; got != c.wantSource {
				t.Errorf("vocal_level source %q, want %q", got, c.wantSource)
			}
		})
	}
}

func TestVarErrors(t *testing.T) {
	file := filepath.Join("testdata", "valid", "basic.mix.hcl")
	cases := []struct {
		arg, summary, detail string
	}{
		{"vocal_levl=1", "Value for undeclared variable", `Did you mean "vocal_level"?`},
		{"vocal_level=loud", "Invalid value for input variable", "a number is required"},
		{"instrumental=maybe", "Invalid value for input variable", "a bool is required"},
		{"novalue", "Invalid -var option", "NAME=VALUE"},
	}
	for _, c := range cases {
		_, diags := NewParser().LoadMix(file, Options{Vars: []VarArg{{Value: c.arg}}})
		if len(diags) != 1 || diags[0].Summary != c.summary || !strings.Contains(diags[0].Detail, c.detail) {
			t.Errorf("-var %s: got %v, want one %q containing %q", c.arg, diags, c.summary, c.detail)
		}
	}
}

var errorMarker = regexp.MustCompile(`#\s*ERROR:\s*(.+?)\s*$`)

// TestInvalid loads every file under testdata/invalid. A line that must
// fail carries "# ERROR: <summary>"; every marker must be matched by a
// diagnostic whose subject starts on that line, and every error must be
// marked.
func TestInvalid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want := markers(t, file)
			_, diags := NewParser().LoadMix(file, Options{})
			var got []string
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				got = append(got, lineSummary(line, d.Summary))
			}
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diagnostics differ from the ERROR markers (-want +got):\n%s\nall diagnostics:\n%s", diff, diags)
			}
		})
	}
}

func markers(t *testing.T, file string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if m := errorMarker.FindStringSubmatch(sc.Text()); m != nil {
			out = append(out, lineSummary(line, m[1]))
		}
	}
	sort.Strings(out)
	return out
}

func lineSummary(line int, summary string) string {
	return strings.Join([]string{pad(line), summary}, ": ")
}

func pad(n int) string {
	s := strings.Repeat("0", 4) + strconv.Itoa(n)
	return s[len(s)-4:]
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		given string
		cands []string
		want  string
	}{
		{"bnd", []string{"drums", "band"}, "band"},
		{"verbb", []string{"verb", "verbs"}, "verb"},
		{"xyz", []string{"band"}, ""},
		{"band", nil, ""},
	}
	for _, c := range cases {
		if got := suggest(c.given, c.cands); got != c.want {
			t.Errorf("suggest(%q, %q) = %q, want %q", c.given, c.cands, got, c.want)
		}
	}
}
