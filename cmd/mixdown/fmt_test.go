package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFmtCheckExitCode: -check exits 3 and lists exactly the files that
// would change; once formatted, it exits 0 and lists nothing. A syntax
// error (exit 1) outranks unformatted files.
func TestFmtCheckExitCode(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"a.mix.hcl":     "bus  \"a\" {}\n",
		"b.mix.hcl":     "bus \"b\" {}\n",
		"c.mix.hcl":     "bus \"c\" {\ngain=1\n}\n",
		"sub/d.mix.hcl": "bus  \"d\" {}\n",
	})
	code, out, errOut := runCmd(t, "fmt", "-check")
	if code != exitChanges || out != "a.mix.hcl\nc.mix.hcl\n" || errOut != "" {
		t.Errorf("fmt -check: exit %d, stdout %q, stderr %q; want 3, a and c listed", code, out, errOut)
	}
	code, out, _ = runCmd(t, "fmt", "-check", "-recursive")
	if code != exitChanges || out != "a.mix.hcl\nc.mix.hcl\n"+filepath.Join("sub", "d.mix.hcl")+"\n" {
		t.Errorf("fmt -check -recursive: exit %d, stdout %q", code, out)
	}
	if code, out, _ = runCmd(t, "fmt", "-recursive"); code != exitOK || out == "" {
		t.Errorf("fmt -recursive: exit %d, stdout %q; want 0 and a list", code, out)
	}
	if code, out, _ = runCmd(t, "fmt", "-check", "-recursive"); code != exitOK || out != "" {
		t.Errorf("fmt -check after fmt: exit %d, stdout %q; want 0 and nothing", code, out)
	}

	writeFiles(t, dir, map[string]string{"a.mix.hcl": "bus  \"a\" {}\n", "e.mix.hcl": "bus \"e\" {\n"})
	if code, out, _ = runCmd(t, "fmt", "-check"); code != exitFail || out != "a.mix.hcl\n" {
		t.Errorf("fmt -check with a syntax error: exit %d, stdout %q; want 1, a listed", code, out)
	}
}

// TestFmtKeepsModeAndLinks: a formatted file keeps its permissions, and a
// symbolic link is written through, not replaced.
func TestFmtKeepsModeAndLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permissions and links")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{"real/x.hcl": "bus  \"x\" {}\n"})
	if err := os.Chmod("real/x.hcl", 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("real", "x.hcl"), "link.mix.hcl"); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd(t, "fmt"); code != exitOK {
		t.Fatalf("fmt: exit %d: %s", code, errOut)
	}
	fi, err := os.Lstat("link.mix.hcl")
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile("real/x.hcl")
	if string(b) != "bus \"x\" {}\n" {
		t.Errorf("target not formatted: %q", b)
	}
	if fi, _ := os.Stat("real/x.hcl"); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}
