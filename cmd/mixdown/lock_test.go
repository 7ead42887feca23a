package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mixdown/mixdown/graph"
)

// TestLockEncoding: the lock's layout is fixed: keys in order, levels with
// two decimals (null for silence, never -0.00), a final newline.
func TestLockEncoding(t *testing.T) {
	l := &Lock{
		MixdownVersion:   "1.2.3",
		Sources:          map[string]string{"stems/b.wav": "bb", "stems/a.wav": "aa"},
		ImpulseResponses: map[string]string{},
		Variables: map[string]json.RawMessage{
			"z":     json.RawMessage(`{"b":1,"a":[1,2]}`),
			"level": json.RawMessage(`-6`),
		},
		Outputs: map[string]LockOutput{
			"main":   {File: "out/song.wav", SHA256: "cc", IntegratedLUFS: newCenti(-14.004999), TruePeakDBTP: newCenti(-0.001)},
			"silent": {File: "out/s.wav", SHA256: "dd", IntegratedLUFS: newCenti(math.Inf(-1)), TruePeakDBTP: newCenti(math.Inf(-1))},
		},
	}
	want := `{
  "mixdown_version": "1.2.3",
  "sources": {
    "stems/a.wav": "aa",
    "stems/b.wav": "bb"
  },
  "impulse_responses": {},
  "variables": {
    "level": -6,
    "z": {
      "b": 1,
      "a": [
        1,
        2
      ]
    }
  },
  "outputs": {
    "main": {
      "file": "out/song.wav",
      "sha256": "cc",
      "integrated_lufs": -14.00,
      "true_peak_dbtp": 0.00
    },
    "silent": {
      "file": "out/s.wav",
      "sha256": "dd",
      "integrated_lufs": null,
      "true_peak_dbtp": null
    }
  }
}
`
	if got := string(l.encode()); got != want {
		t.Errorf("encode:\n%s\nwant\n%s", got, want)
	}
	// It reads back to what it said.
	path := filepath.Join(t.TempDir(), "x.lock.json")
	if err := writeLock(path, l); err != nil {
		t.Fatal(err)
	}
	back, err := readLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := lockDiff(l, back); len(d) != 0 {
		t.Errorf("read back differs: %q", d)
	}
}

const lockMix = `variable "level" {
  default = -6
}

track "a" {
  source = "stems/a.wav"
  gain   = var.level
}

track "b" {
  source = "stems/b.wav"
  pan    = 0.3
}

output "main" {
  file = "out/song.wav"
}
`

// TestRenderLock: render writes the lock; render -check passes on an
// unchanged mix without touching the outputs or the lock, and exits 3
// after a source, a variable or an output changes, or without a lock.
func TestRenderLock(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.MkdirAll("stems", 0o755)
	writeTone(t, filepath.Join("stems", "a.wav"), 48000, 1)
	writeTone(t, filepath.Join("stems", "b.wav"), 48000, 2)
	writeFiles(t, dir, map[string]string{"song.mix.hcl": lockMix})

	if code, _, stderr := runCmd(t, "render", "-check", "song.mix.hcl"); code != exitChanges {
		t.Fatalf("render -check without a lock: exit %d, want 3 (%s)", code, stderr)
	}
	if _, err := os.Stat("out/song.wav"); err == nil {
		t.Fatal("render -check wrote the output")
	}

	if code, _, stderr := runCmd(t, "render", "song.mix.hcl"); code != exitOK {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	lockBytes, err := os.ReadFile("song.mix.hcl.lock.json")
	if err != nil {
		t.Fatal("render wrote no lock:", err)
	}
	var l Lock
	if err := json.Unmarshal(lockBytes, &l); err != nil {
		t.Fatal(err)
	}
	outSum, _ := hashFile("out/song.wav")
	aSum, _ := hashFile("stems/a.wav")
	if l.MixdownVersion != Version || l.Sources["stems/a.wav"] != aSum || len(l.Sources) != 2 ||
		string(l.Variables["level"]) != "-6" || l.Outputs["main"].SHA256 != outSum || l.Outputs["main"].File != "out/song.wav" ||
		l.Outputs["main"].IntegratedLUFS == nil || l.Outputs["main"].TruePeakDBTP == nil {
		t.Errorf("lock content:\n%s", lockBytes)
	}

	// -check on the unchanged mix: exit 0, nothing written.
	old := time.Now().Add(-time.Hour)
	os.Chtimes("out/song.wav", old, old)
	os.Chtimes("song.mix.hcl.lock.json", old, old)
	code, stdout, stderr := runCmd(t, "render", "-check", "song.mix.hcl")
	if code != exitOK || !strings.Contains(stdout, "matches the mix") {
		t.Fatalf("render -check: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, f := range []string{"out/song.wav", "song.mix.hcl.lock.json"} {
		if fi, _ := os.Stat(f); !fi.ModTime().Equal(old) {
			t.Errorf("render -check touched %s", f)
		}
	}
	if b, _ := os.ReadFile("song.mix.hcl.lock.json"); !bytes.Equal(b, lockBytes) {
		t.Error("render -check changed the lock")
	}
	if entries, _ := os.ReadDir("out"); len(entries) != 1 {
		t.Errorf("out/ holds %d files, want the one output", len(entries))
	}

	// A variable changed on the command line.
	code, stdout, _ = runCmd(t, "render", "-check", "song.mix.hcl", "-var", "level=-7")
	if code != exitChanges || !strings.Contains(stdout, "variable level: -6 in the lock, now -7") ||
		!strings.Contains(stdout, "output main (out/song.wav): sha256 ") {
		t.Errorf("after -var: exit %d, stdout:\n%s", code, stdout)
	}

	// A source changed.
	writeTone(t, filepath.Join("stems", "a.wav"), 44100, 1)
	code, stdout, _ = runCmd(t, "render", "-check", "song.mix.hcl")
	if code != exitChanges || !strings.Contains(stdout, "source stems/a.wav: sha256 "+aSum[:16]+"… in the lock, now ") {
		t.Errorf("after a source changed: exit %d, stdout:\n%s", code, stdout)
	}
	writeTone(t, filepath.Join("stems", "a.wav"), 48000, 1)
	if code, stdout, _ = runCmd(t, "render", "-check", "song.mix.hcl"); code != exitOK {
		t.Errorf("source restored: exit %d, stdout:\n%s", code, stdout)
	}

	// The committed output is not the file the lock records.
	os.WriteFile("out/song.wav", []byte("not this"), 0o644)
	code, stdout, _ = runCmd(t, "render", "-check", "song.mix.hcl")
	if code != exitChanges || !strings.Contains(stdout, "output main (out/song.wav): the file on disk") {
		t.Errorf("output replaced: exit %d, stdout:\n%s", code, stdout)
	}
	// Without the outputs on disk, the lock alone is compared.
	os.Remove("out/song.wav")
	code, stdout, _ = runCmd(t, "render", "-check", "song.mix.hcl")
	if code != exitOK || !strings.Contains(stdout, "note: out/song.wav is not on disk") {
		t.Errorf("output absent: exit %d, stdout:\n%s", code, stdout)
	}

	// A lock that is not JSON is an error, not a mismatch.
	os.WriteFile("song.mix.hcl.lock.json", []byte("<<<<<<< HEAD\n"), 0o644)
	if code, _, stderr = runCmd(t, "render", "-check", "song.mix.hcl"); code != exitFail || !strings.Contains(stderr, "not a mixdown lock file") {
		t.Errorf("corrupt lock: exit %d, stderr %q", code, stderr)
	}
}

// TestRenderLockedErrors: the lock's hashing runs beside the render, and
// which error a render reports does not depend on which of the two got to
// a bad file first: a file that cannot be hashed is the error (and
// nothing is written), and a good render with good files gives the lock.
func TestRenderLockedErrors(t *testing.T) {
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "a.wav"), 48000, 2)
	writeTone(t, filepath.Join(dir, "b.wav"), 48000, 2)
	mix := filepath.Join(dir, "song.mix.hcl")
	src := "track \"a\" {\n  source = \"a.wav\"\n}\ntrack \"b\" {\n  source = \"b.wav\"\n}\noutput \"main\" {\n  file = \"out/song.wav\"\n}\n"
	if err := os.WriteFile(mix, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	lock, results, err := renderLocked(context.Background(), buildMix(t, mix), graph.Options{})
	if err != nil || lock == nil || len(lock.Sources) != 2 || len(results) != 1 {
		t.Fatalf("good render: lock %v, %d results, error %v", lock, len(results), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "song.wav")); err != nil {
		t.Fatal(err)
	}
	// b.wav goes away after the graph is built: both the render (which
	// opens it) and the hashing fail on it, many times over, and the
	// report is always the hashing's, with nothing written.
	g := buildMix(t, mix)
	if err := os.Remove(filepath.Join(dir, "b.wav")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "out", "song.wav"))
	for range 20 {
		_, _, err := renderLocked(context.Background(), g, graph.Options{})
		var he *hashError
		if !errors.As(err, &he) || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v (%T), want the hashing's error for b.wav", err, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "song.wav")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an output was written: %v", err)
	}
}
