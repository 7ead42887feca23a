package audiofile

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestAtomicCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache.json")
	f, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := f.TempPath()
	if filepath.Dir(tmp) != dir || !strings.HasPrefix(filepath.Base(tmp), ".cache.json.tmp-") {
		t.Fatalf("temp path %q not a hidden sibling of %q", tmp, path)
	}
	if _, err := f.WriteString("hello "); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("world")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("H"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("target exists before Commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "Hello world" {
		t.Fatalf("content %q", b)
	}
	if err := f.Abort(); err != nil {
		t.Fatalf("Abort after Commit: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "Hello world" {
		t.Fatalf("Abort after Commit changed the file: %q", b)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Write after Commit: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("second Commit succeeded")
	}
	assertNoTemps(t, dir)
}

func TestAtomicAbortKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mix.wav")
	if err := os.WriteFile(path, []byte("old mix"), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half a new mi"))
	if b, _ := os.ReadFile(path); string(b) != "old mix" {
		t.Fatalf("old file changed during write: %q", b)
	}
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.TempPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temp file survives Abort: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old mix" {
		t.Fatalf("old file changed by Abort: %q", b)
	}
	if err := f.Abort(); err != nil {
		t.Fatalf("second Abort: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
	assertNoTemps(t, dir)
}

func TestAtomicReplaceKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x")
	if err := os.WriteFile(path, []byte("1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("2")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "2" {
		t.Fatalf("content %q", b)
	}
	assertNoTemps(t, dir)
}

func TestAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateAtomic(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("CreateAtomic(dir) = %v", err)
	}
	if _, err := CreateAtomic(filepath.Join(dir, "missing", "x")); err == nil {
		t.Fatal("CreateAtomic in a missing directory succeeded")
	}
	// Commit fails if the target became a directory; the temp file goes.
	path := filepath.Join(dir, "later-a-dir")
	f, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit over a non-empty directory succeeded")
	}
	assertNoTemps(t, dir)
	// A long name still gives a usable temporary name.
	long := filepath.Join(dir, strings.Repeat("é", 120)+".wav") // 244 bytes
	if err := WriteFileAtomic(long, []byte("ok")); err != nil {
		t.Fatal(err)
	}
	assertNoTemps(t, dir)
}

func TestAtomicCommitNoReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "render.lock")
	a, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	a.WriteString("pid 1")
	b.WriteString("pid 2")
	if err := a.CommitNoReplace(); err != nil {
		t.Fatal(err)
	}
	if err := b.CommitNoReplace(); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second CommitNoReplace = %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "pid 1" {
		t.Fatalf("lock content %q", got)
	}
	b.Abort()
	assertNoTemps(t, dir)
}

// TestWriterAtomic covers the Writer's use of AtomicFile.
func TestWriterAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mix.wav")
	old := intWAV(16, 44100, randomInts(16, 2, 100, 1))
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	// Aborted: no change, no temp file.
	w, err := Create(path, 48000, 2, PCM24)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(w.TempPath()), ".mix.wav.tmp-") {
		t.Fatalf("TempPath %q", w.TempPath())
	}
	w.Write([][]float64{{0.1, 0.2}, {0.3, 0.4}})
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(old) {
		t.Fatal("aborted write changed the existing file")
	}
	assertNoTemps(t, dir)

	// Committed: replaced.
	w, err = Create(path, 48000, 2, PCM24)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.Write([][]float64{{0.5, 0.25}, {-0.5, -0.25}})
	if b, _ := os.ReadFile(path); string(b) != string(old) {
		t.Fatal("existing file changed before Commit")
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	info, err := ReadInfo(path)
	if err != nil || info.SampleRate != 48000 || info.Frames != 2 || info.BitDepth != 24 {
		t.Fatalf("after Commit: %+v, %v", info, err)
	}
	assertNoTemps(t, dir)

	// A fresh path: nothing appears until Commit, nothing after Abort.
	fresh := filepath.Join(dir, "fresh.wav")
	w, err = Create(fresh, 48000, 1, Float32)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([][]float64{{1}})
	if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("output visible before Commit")
	}
	w.Abort()
	if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("output exists after Abort")
	}
	assertNoTemps(t, dir)
}

// TestWriterCommitSum checks that CommitSum's digest is the SHA-256 of the
// file as committed (final header, pad byte), for odd and even data sizes
// and a file larger than one read, and that it fails like Commit once the
// writer is closed.
func TestWriterCommitSum(t *testing.T) {
	dir := t.TempDir()
	for _, frames := range []int{1, 2, 100000} {
		path := filepath.Join(dir, fmt.Sprintf("mix-%d.wav", frames))
		w, err := Create(path, 48000, 1, PCM24)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, frames)
		for i := range x {
			x[i] = float64(i%977)/977 - 0.5
		}
		if err := w.Write([][]float64{x}); err != nil {
			t.Fatal(err)
		}
		sum, err := w.CommitSum()
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := sha256.Sum256(b); sum != want {
			t.Fatalf("%d frames: CommitSum %x, file's SHA-256 %x", frames, sum, want)
		}
		if frames == 1 && len(b)%2 != 0 {
			t.Fatalf("%d bytes: the pad byte is missing", len(b))
		}
		if _, err := w.CommitSum(); err == nil {
			t.Fatal("a second CommitSum succeeded")
		}
		assertNoTemps(t, dir)
	}
}
