package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph/report"
)

const diffMix = `
track "a" {
  source = "a.wav"
  gain   = GAIN
}
output "main" {
  file      = "out/main.wav"
  bit_depth = "float"
}
`

// writeDiffMixes writes a stem and two mixes that differ in one gain.
func writeDiffMixes(t *testing.T) (dir, old, new string) {
	t.Helper()
	dir = t.TempDir()
	w, err := audiofile.Create(filepath.Join(dir, "a.wav"), 48000, 1, audiofile.Encoding{BitDepth: 32, Float: true})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 48000)
	for i := range x {
		x[i] = 0.25 * math.Sin(2*math.Pi*440*float64(i)/48000)
	}
	if err := w.Write([][]float64{x}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	old, new = filepath.Join(dir, "old.mix.hcl"), filepath.Join(dir, "new.mix.hcl")
	os.WriteFile(old, []byte(strings.Replace(diffMix, "GAIN", "0", 1)), 0o644)
	os.WriteFile(new, []byte(strings.Replace(diffMix, "GAIN", "-2", 1)), 0o644)
	return dir, old, new
}

func TestDiffExitCodes(t *testing.T) {
	dir, old, new := writeDiffMixes(t)
	bad := filepath.Join(dir, "bad.mix.hcl")
	os.WriteFile(bad, []byte(`track "a" { source = "a.wav" output = bus.x }`), 0o644)
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"diff", old, new}, exitChanges, "track.a.gain: 0 dB → -2 dB\n"},
		{[]string{"diff", old, old}, exitOK, ""},
		{[]string{"diff", "-markdown", old, old}, exitOK, "No changes in meaning.\n"},
		{[]string{"diff", old, bad}, exitFail, ""},
		{[]string{"diff", old}, exitUsage, ""},
		{[]string{"diff", old, new, new}, exitUsage, ""},
		{[]string{"show", old}, exitOK, "track.a.gain = 0 dB\n"},
		{[]string{"show", bad}, exitFail, ""},
		{[]string{"show", "-textconv", bad}, exitOK, "# mixdown show: this mix does not load (1 error); its text follows.\ntrack"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, &out, &errOut)
		if code != c.code {
			t.Errorf("mixdown %v: exit %d, want %d (stderr %q)", c.args, code, c.code, errOut.String())
		}
		if !strings.Contains(out.String(), c.out) || c.out == "" && out.Len() > 0 {
			t.Errorf("mixdown %v: stdout %q, want %q", c.args, out.String(), c.out)
		}
	}
}

// -plots writes PNGs of the documented size that decode.
func TestDiffPlots(t *testing.T) {
	dir, old, new := writeDiffMixes(t)
	plots := filepath.Join(dir, "plots")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"diff", "-plots", plots, old, new}, &out, &errOut); code != exitChanges {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "output.main.loudness: ") || !strings.Contains(out.String(), "(-2.00 LU)") {
		t.Errorf("stdout lacks the loudness change:\n%s", out.String())
	}
	for _, name := range []string{"main-spectrum.png", "main-loudness.png"} {
		f, err := os.Open(filepath.Join(plots, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != report.PlotWidth || b.Dy() != report.PlotHeight {
			t.Errorf("%s is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), report.PlotWidth, report.PlotHeight)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("diff -render wrote the mix's own output folder")
	}
}

func TestParseMixSource(t *testing.T) {
	dir := t.TempDir()
	colon := filepath.Join(dir, "a:b.mix.hcl")
	os.WriteFile(colon, nil, 0o644)
	for _, c := range []struct {
		arg       string
		git       bool
		rev, path string
	}{
		{"song.mix.hcl", false, "", "song.mix.hcl"},
		{"HEAD~1:song.mix.hcl", true, "HEAD~1", "song.mix.hcl"},
		{"origin/main:./mixes/a.mix.hcl", true, "origin/main", "./mixes/a.mix.hcl"},
		{":song.mix.hcl", true, "", "song.mix.hcl"},
		{colon, false, "", colon}, // an existing file wins
	} {
		s := parseMixSource(c.arg)
		if s.git != c.git || s.rev != c.rev || s.path != c.path {
			t.Errorf("parseMixSource(%q) = git %v rev %q path %q, want %v %q %q", c.arg, s.git, s.rev, s.path, c.git, c.rev, c.path)
		}
	}
}

// docs/git.md's first diff example is what diff prints for the mixes of
// testdata/script/diff.txtar, and the commands and flags that docs/git.md
// and the example CI workflow use exist.
func TestDiffDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/git.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Semantic diff")
	if !ok {
		t.Fatal("docs/git.md has no Semantic diff section")
	}
	_, block, _ := strings.Cut(section, "```text\n$ mixdown diff HEAD~1:song.mix.hcl song.mix.hcl\n")
	block, _, _ = strings.Cut(block, "```")

	ar, err := txtar.ParseFile("testdata/script/diff.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644)
	}
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"diff", filepath.Join(dir, "old.mix.hcl"), filepath.Join(dir, "new.mix.hcl")}, &out, &errOut)
	if out.String() != block {
		t.Errorf("docs/git.md shows\n%s\nbut diff prints\n%s", block, out.String())
	}

	ci, err := os.ReadFile("../../examples/ci/mixdown-review.yml")
	if err != nil {
		t.Fatal(err)
	}
	uses := regexp.MustCompile(`mixdown ([a-z]+)((?: -[a-z-]+)*)`)
	for _, text := range []string{section, string(ci)} {
		for _, m := range uses.FindAllStringSubmatch(text, -1) {
			c := lookup(m[1])
			if c == nil {
				// "mixdown review" names the workflow; "-t mixdown main"
				// is difftool's tool, then a branch.
				if m[1] != "review" && m[1] != "main" {
					t.Errorf("%q: no command %q", m[0], m[1])
				}
				continue
			}
			fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
			if c.Flags != nil {
				c.Flags(fs)
			}
			for _, f := range strings.Fields(m[2]) {
				if fs.Lookup(strings.TrimPrefix(f, "-")) == nil {
					t.Errorf("%q: %s has no flag %s", m[0], c.Name, f)
				}
			}
		}
	}
}
