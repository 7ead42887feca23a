package lang

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// confineFixture builds
//
//	base/
//	  secret.wav             outside the project
//	  elsewhere/             outside the project
//	  proj/                  the project: the mix is proj/song.mix.hcl
//	    a.wav
//	    stems/b.wav
//	    stems/up.wav       -> ../../secret.wav   (a link out)
//	    stems/in.wav       -> ../a.wav           (a link that stays in)
//	    out/                 (empty)
//	    away/              -> ../elsewhere       (a folder link out)
//	    dangling.wav       -> ../elsewhere/new.wav (to nothing, outside)
//	    loop.wav           -> loop.wav
//
// and returns base.
func confineFixture(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	for _, d := range []string{"elsewhere", "proj/stems", "proj/out"} {
		must(t, os.MkdirAll(filepath.Join(base, d), 0o755))
	}
	for _, f := range []string{"secret.wav", "proj/a.wav", "proj/stems/b.wav"} {
		must(t, os.WriteFile(filepath.Join(base, f), []byte("RIFF"), 0o644))
	}
	for link, target := range map[string]string{
		"stems/up.wav": "../../secret.wav",
		"stems/in.wav": "../a.wav",
		"away":         "../elsewhere",
		"dangling.wav": "../elsewhere/new.wav",
		"loop.wav":     "loop.wav",
	} {
		must(t, os.Symlink(target, filepath.Join(proj, link)))
	}
	return base
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRealPath(t *testing.T) {
	base := confineFixture(t)
	proj := filepath.Join(base, "proj")
	for _, c := range []struct{ path, want string }{
		{proj + "/a.wav", proj + "/a.wav"},
		{proj + "/stems/up.wav", base + "/secret.wav"},
		{proj + "/stems/in.wav", proj + "/a.wav"},
		{proj + "/away/x/y.wav", base + "/elsewhere/x/y.wav"},
		{proj + "/dangling.wav", base + "/elsewhere/new.wav"},
		{proj + "/new/folder/out.wav", proj + "/new/folder/out.wav"},
		{proj + "/a.wav/below", proj + "/a.wav/below"}, // below a file: does not exist
		{proj + "/stems/../away/z.wav", base + "/elsewhere/z.wav"},
	} {
		got, err := RealPath(c.path)
		if err != nil || got != filepath.FromSlash(c.want) {
			t.Errorf("RealPath(%s) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	if _, err := RealPath(proj + "/loop.wav"); err == nil {
		t.Error("a link loop resolved")
	}
	if _, err := RealPath("relative/path"); err == nil {
		t.Error("a relative path resolved")
	}
}

// TestConfinement: a mix reads and writes only inside its folder unless
// AllowOutside is set; each refusal is a diagnostic at the attribute.
func TestConfinement(t *testing.T) {
	base := confineFixture(t)
	proj := filepath.Join(base, "proj")
	cases := []struct {
		name string
		body string // the mix, with the path under test on line 2
		want string // the diagnostic summary, or "" when allowed
	}{
		{"a file in the folder", `track "a" {` + "\n" + `source = "a.wav" }`, ""},
		{"a file below", `track "a" {` + "\n" + `source = "stems/b.wav" }`, ""},
		{"a link that stays in", `track "a" {` + "\n" + `source = "stems/in.wav" }`, ""},
		{"out and back in", `track "a" {` + "\n" + `source = "../proj/a.wav" }`, ""},
		{"an absolute path inside", `track "a" {` + "\n" + `source = "` + proj + `/a.wav" }`, ""},
		{"a new output folder", `output "o" {` + "\n" + `file = "renders/2024/song.wav" }`, ""},
		{"dot dot", `track "a" {` + "\n" + `source = "../secret.wav" }`, "Path outside the project"},
		{"dot dot deeper", `track "a" {` + "\n" + `source = "stems/../../secret.wav" }`, "Path outside the project"},
		{"an absolute path", `track "a" {` + "\n" + `source = "/etc/passwd" }`, "Path outside the project"},
		{"a link out", `track "a" {` + "\n" + `source = "stems/up.wav" }`, "Path outside the project"},
		{"a folder link out", `track "a" {` + "\n" + `source = "away/x.wav" }`, "Path outside the project"},
		{"an output through a folder link", `output "o" {` + "\n" + `file = "away/song.wav" }`, "Path outside the project"},
		{"an output outside", `output "o" {` + "\n" + `file = "../song.wav" }`, "Path outside the project"},
		{"an output on a dangling link", `output "o" {` + "\n" + `file = "dangling.wav" }`, "Path outside the project"},
		{"an impulse response outside", `bus "v" {` + "\n" + `reverb { ir = "../secret.wav" } }`, "Path outside the project"},
		{"a link loop", `track "a" {` + "\n" + `source = "loop.wav" }`, "Invalid path"},
		{"a null byte", `track "a" {` + "\n" + `source = "a.wav\u0000x" }`, "Invalid path"},
	}
	for _, c := range cases {
		file := filepath.Join(proj, "song.mix.hcl")
		src := []byte(strings.TrimSuffix(c.body, " }") + "\n}\n")
		_, diags := NewParser().LoadMixSource(file, src, Options{})
		var got []string
		for _, d := range diags {
			if d.Summary == "Path outside the project" || d.Summary == "Invalid path" {
				got = append(got, d.Summary)
				if d.Subject == nil || d.Subject.Filename != file || d.Subject.Start.Line != 2 {
					t.Errorf("%s: diagnostic at %v, want the attribute on line 2", c.name, d.Subject)
				}
				if d.Summary == "Path outside the project" && !strings.Contains(d.Detail, "-allow-outside") {
					t.Errorf("%s: detail %q does not say how to allow it", c.name, d.Detail)
				}
			}
		}
		if c.want == "" && len(got) > 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
			t.Errorf("%s: got %v, want %q", c.name, got, c.want)
		}
		// -allow-outside: only an unresolvable path remains an error.
		_, diags = NewParser().LoadMixSource(file, src, Options{AllowOutside: true})
		for _, d := range diags {
			if d.Summary == "Path outside the project" {
				t.Errorf("%s with AllowOutside: %v", c.name, d)
			}
		}
	}
}

func TestWithin(t *testing.T) {
	root := filepath.FromSlash("/a/proj")
	for _, c := range []struct {
		path string
		in   bool
	}{
		{"/a/proj", true},
		{"/a/proj/x", true},
		{"/a/proj/..x/y", true}, // a name starting with two dots
		{"/a/project", false},
		{"/a", false},
		{"/b/proj/x", false},
	} {
		if got := Within(root, filepath.FromSlash(c.path)); got != c.in {
			t.Errorf("Within(%s, %s) = %v", root, c.path, got)
		}
	}
}
