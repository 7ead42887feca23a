package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const dirMixA = `mix {
  sample_rate = 44100
}
chain "vocal" {
  param "threshold" { default = -18 }
  compressor { threshold = param.threshold, ratio = 3 }
}
track "lead" {
  source = "stems/lead.wav"
  output = bus.band
  use "vocal" { threshold = -22 }
}
`

const dirMixB = `bus "band" {
  gain = -2
}
track "bass" {
  source = "stems/bass.wav"
  output = bus.band
}
output "main" {
  file = "out/song.wav"
}
`

// TestLoadDir: a mix in two files loads as the one file holding both.
func TestLoadDir(t *testing.T) {
	split, whole := t.TempDir(), t.TempDir()
	writeFiles(t, split, map[string]string{"a.mix.hcl": dirMixA, "b.mix.hcl": dirMixB, "notes.hcl": "not a mix"})
	writeFiles(t, whole, map[string]string{"song.mix.hcl": dirMixA + dirMixB})
	m1, diags := NewParser().LoadMix(split, Options{}) // a folder, through LoadMix
	if diags.HasErrors() {
		t.Fatalf("folder: %s", diags)
	}
	m2, diags := NewParser().LoadMix(filepath.Join(whole, "song.mix.hcl"), Options{})
	if diags.HasErrors() {
		t.Fatalf("file: %s", diags)
	}
	if m1.Filename != split || m1.Tracks[0].SourcePath != filepath.Join(split, "stems", "lead.wav") {
		t.Errorf("filename %s, source %s", m1.Filename, m1.Tracks[0].SourcePath)
	}
	opts := append(cmpOpts, cmpopts.IgnoreFields(Mix{}, "Filename", "Dir"), cmpopts.IgnoreFields(Track{}, "SourcePath"), cmpopts.IgnoreFields(Clip{}, "SourcePath"),
		cmpopts.IgnoreFields(Output{}, "FilePath"))
	if diff := cmp.Diff(m2, m1, opts); diff != "" {
		t.Errorf("the folder's mix differs from the file's (-file +folder):\n%s", diff)
	}
}

// TestLoadDirDuplicates: a block that may appear once, or a name, given
// in two files is reported with both places.
func TestLoadDirDuplicates(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.mix.hcl": "mix {}\nmaster {}\ntrack \"x\" {\n  source = \"x.wav\"\n}\n",
		"b.mix.hcl": "mix {}\nmaster {}\ntrack \"x\" {\n  source = \"y.wav\"\n}\n",
	})
	_, diags := NewParser().LoadDir(dir, Options{})
	want := map[string]bool{"Duplicate mix": true, "Duplicate master": true, "Duplicate track": true}
	for _, d := range diags {
		if !want[d.Summary] {
			t.Errorf("unexpected %s", d)
			continue
		}
		delete(want, d.Summary)
		if !strings.HasSuffix(d.Subject.Filename, "b.mix.hcl") || !strings.Contains(d.Detail, "a.mix.hcl:") {
			t.Errorf("%s: want the subject in b.mix.hcl and a.mix.hcl named: %s", d.Summary, d)
		}
	}
	for s := range want {
		t.Errorf("no %s", s)
	}
	if _, diags := NewParser().LoadDir(t.TempDir(), Options{}); len(diags) != 1 || diags[0].Summary != "No mix files" {
		t.Errorf("empty folder: %s", diags)
	}
}

const presets = `chain "vocal" {
  param "threshold" { default = -18 }
  compressor { threshold = param.threshold, ratio = 3 }
}
`

// TestInclude: a mix includes a library of chains; an included file
// holding anything else, or outside the project, is refused.
func TestInclude(t *testing.T) {
	album := t.TempDir()
	writeFiles(t, album, map[string]string{
		"presets/vocal-chains.hcl": presets,
		"presets/bad.hcl":          presets + "track \"x\" {\n  source = \"x.wav\"\n}\n",
		"song.mix.hcl": `mix {
  include = ["presets/vocal-chains.hcl"]
}
track "lead" {
  source = "lead.wav"
  use "vocal" { threshold = -20 }
}
`,
		"bad.mix.hcl": `mix {
  include = ["presets/bad.hcl"]
}
`,
		"song1/song.mix.hcl": `mix {
  include = ["../presets/vocal-chains.hcl"]
}
`,
	})
	m, diags := NewParser().LoadMix(filepath.Join(album, "song.mix.hcl"), Options{})
	if diags.HasErrors() {
		t.Fatalf("include: %s", diags)
	}
	if c := m.Track("lead").Effects[0]; c.ID != "vocal.compressor" || c.Num("threshold") != -20 {
		t.Errorf("effect %s threshold %v", c.ID, c.Num("threshold"))
	}
	if len(m.Includes) != 1 || m.Includes[0] != filepath.Join(album, "presets", "vocal-chains.hcl") {
		t.Errorf("includes %q", m.Includes)
	}

	_, diags = NewParser().LoadMix(filepath.Join(album, "bad.mix.hcl"), Options{})
	if len(diags) != 1 || diags[0].Summary != "Only chains in an included file" || !strings.HasSuffix(diags[0].Subject.Filename, "bad.hcl") || diags[0].Subject.Start.Line != 5 {
		t.Errorf("bad include: %s", diags)
	}

	// A mix in a subfolder reaches its album's presets only when trusted.
	sub := filepath.Join(album, "song1", "song.mix.hcl")
	if _, diags := NewParser().LoadMix(sub, Options{}); len(diags) != 1 || diags[0].Summary != "Path outside the project" {
		t.Errorf("include outside: %s", diags)
	}
	if _, diags := NewParser().LoadMix(sub, Options{AllowOutside: true}); diags.HasErrors() {
		t.Errorf("include outside, allowed: %s", diags)
	}
}
