package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// newTestCache returns a cache on a temporary folder whose clock runs
// ahead of the files by ahead, counting full hashes.
func newTestCache(t *testing.T, ahead time.Duration) (*Cache, *int) {
	t.Helper()
	n := new(int)
	c := &Cache{
		Dir:    filepath.Join(t.TempDir(), "digests"),
		now:    func() time.Time { return time.Now().Add(ahead) },
		hashed: func(string) { *n++ },
	}
	return c, n
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

func want(content string) [sha256.Size]byte { return sha256.Sum256([]byte(content)) }

func sum(t *testing.T, c *Cache, path string) [sha256.Size]byte {
	t.Helper()
	s, err := c.Sum(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func persistent(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("digests are remembered in memory only on " + runtime.GOOS)
	}
}

func TestSumIsSHA256(t *testing.T) {
	c, _ := newTestCache(t, 0)
	p := filepath.Join(t.TempDir(), "a.wav")
	write(t, p, "RIFF some bytes")
	if got := sum(t, c, p); got != want("RIFF some bytes") {
		t.Fatalf("Sum = %x, want %x", got, want("RIFF some bytes"))
	}
	if _, err := c.Sum(filepath.Join(t.TempDir(), "missing.wav")); !os.IsNotExist(err) {
		t.Fatalf("missing file: err = %v, want not-exist", err)
	}
	if _, err := c.Sum(t.TempDir()); err == nil {
		t.Fatal("a directory hashed without an error")
	}
}

// A file written just now is hashed on every call: its identity could
// still be shared by a write in the same clock tick.
func TestFreshFilesAreNotRemembered(t *testing.T) {
	c, n := newTestCache(t, 0)
	p := filepath.Join(t.TempDir(), "a.wav")
	write(t, p, "one")
	for range 3 {
		if got := sum(t, c, p); got != want("one") {
			t.Fatalf("Sum = %x", got)
		}
	}
	if *n != 3 {
		t.Fatalf("%d full hashes of a fresh file, want 3", *n)
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Fatalf("folder written for a fresh file: %v", err)
	}
}

func TestSettledFilesAreRemembered(t *testing.T) {
	persistent(t)
	c, n := newTestCache(t, time.Hour)
	dir := t.TempDir()
	p := filepath.Join(dir, "a.wav")
	write(t, p, "one")
	for range 3 {
		if got := sum(t, c, p); got != want("one") {
			t.Fatalf("Sum = %x", got)
		}
	}
	if *n != 1 {
		t.Fatalf("%d full hashes, want 1", *n)
	}
	// Another process (a new Cache on the same folder) finds it.
	c2, n2 := newTestCache(t, time.Hour)
	c2.Dir = c.Dir
	if got := sum(t, c2, p); got != want("one") || *n2 != 0 {
		t.Fatalf("second process: Sum = %x after %d hashes, want the digest from the folder", got, *n2)
	}
	// The same path reached another way is the same entry.
	rel, err := filepath.Rel(mustGetwd(t), p)
	if err == nil {
		if got := sum(t, c2, rel); got != want("one") || *n2 != 0 {
			t.Fatalf("relative path: Sum = %x after %d hashes", got, *n2)
		}
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// Every kind of change is noticed, by this process and by the next.
func TestChangesAreNoticed(t *testing.T) {
	persistent(t)
	old := time.Now().Add(-time.Hour)
	cases := []struct {
		name   string
		change func(t *testing.T, p string) string // returns the new content
	}{
		{"rewritten, same size", func(t *testing.T, p string) string {
			write(t, p, "two")
			return "two"
		}},
		{"rewritten, same size, mtime put back", func(t *testing.T, p string) string {
			write(t, p, "two")
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
			return "two"
		}},
		{"replaced by rename", func(t *testing.T, p string) string {
			q := p + ".tmp"
			write(t, q, "three")
			if err := os.Chtimes(q, old, old); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(q, p); err != nil {
				t.Fatal(err)
			}
			return "three"
		}},
		{"appended", func(t *testing.T, p string) string {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("+")
			f.Close()
			return "one+"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The clock is an hour ahead while the first digest is
			// taken, so it is remembered; then it is the real clock, as
			// for a file changed after that hashing.
			ahead := time.Hour
			c, n := newTestCache(t, 0)
			c.now = func() time.Time { return time.Now().Add(ahead) }
			p := filepath.Join(t.TempDir(), "a.wav")
			write(t, p, "one")
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
			sum(t, c, p)
			sum(t, c, p)
			if *n != 1 {
				t.Fatalf("%d hashes before the change, want 1", *n)
			}
			// A change in the same clock tick as the file's last one
			// is what ModTimeCutoff guards against; the clock ahead
			// defeats that guard here, so wait for the next tick.
			nextTick(t, p)
			content := tc.change(t, p)
			if got := sum(t, c, p); got != want(content) {
				t.Fatalf("this process: Sum = %x, want the new content's %x", got, want(content))
			}
			c2, _ := newTestCache(t, 0)
			c2.Dir = c.Dir
			if got := sum(t, c2, p); got != want(content) {
				t.Fatalf("next process: Sum = %x, want the new content's %x", got, want(content))
			}
		})
	}
}

// nextTick returns once a file written now gets a later change time than
// p's: the filesystem's timestamps have moved on.
func nextTick(t *testing.T, p string) {
	t.Helper()
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	was := identify(info).change
	probe := p + ".probe"
	defer os.Remove(probe)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		write(t, probe, "")
		info, err := os.Stat(probe)
		if err != nil {
			t.Fatal(err)
		}
		if identify(info).change > was {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("the filesystem's change times did not move for a minute")
}

// A damaged or foreign entry is a miss, never a wrong digest.
func TestDamagedEntries(t *testing.T) {
	persistent(t)
	c, n := newTestCache(t, time.Hour)
	p := filepath.Join(t.TempDir(), "a.wav")
	write(t, p, "one")
	sum(t, c, p)
	if *n != 1 {
		t.Fatalf("%d hashes, want 1", *n)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(p)
	entry := c.entryPath(abs, identify(info))
	for _, bad := range []string{"", "zz", hex.EncodeToString(make([]byte, 31)) + "\n", string(make([]byte, 65))} {
		write(t, entry, bad)
		c2, n2 := newTestCache(t, time.Hour)
		c2.Dir = c.Dir
		if got := sum(t, c2, p); got != want("one") || *n2 != 1 {
			t.Fatalf("entry %q: Sum = %x after %d hashes, want a rehash", bad, got, *n2)
		}
	}
}

// A folder that cannot be used is no error: digests are still right.
func TestUnusableFolder(t *testing.T) {
	c, _ := newTestCache(t, time.Hour)
	blocker := filepath.Join(t.TempDir(), "file")
	write(t, blocker, "")
	c.Dir = filepath.Join(blocker, "digests") // under a regular file
	p := filepath.Join(t.TempDir(), "a.wav")
	write(t, p, "one")
	if got := sum(t, c, p); got != want("one") {
		t.Fatalf("Sum = %x", got)
	}
}

func TestTrim(t *testing.T) {
	persistent(t)
	c, _ := newTestCache(t, time.Hour)
	p := filepath.Join(t.TempDir(), "a.wav")
	write(t, p, "one")
	sum(t, c, p) // writes an entry and the trim marker
	stale := filepath.Join(c.Dir, "ab", "abcd")
	tmp := filepath.Join(c.Dir, "ab", "tmp-123")
	for _, f := range []string{stale, tmp} {
		os.MkdirAll(filepath.Dir(f), 0o777)
		write(t, f, "x")
		long := time.Now().Add(-40 * 24 * time.Hour)
		os.Chtimes(f, long, long)
	}
	// Not yet a day since the last trim: nothing goes.
	q := filepath.Join(t.TempDir(), "b.wav")
	write(t, q, "two")
	sum(t, c, q)
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("trimmed within a day of the last trim: %v", err)
	}
	// Two days on, the next stored entry trims.
	c.now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	r := filepath.Join(t.TempDir(), "c.wav")
	write(t, r, "three")
	sum(t, c, r)
	for _, f := range []string{stale, tmp} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("%s survived the trim: %v", f, err)
		}
	}
	if got := sum(t, c, p); got != want("one") {
		t.Fatalf("Sum after the trim = %x", got)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(Env, "off")
	if d := defaultDir(); d != "" {
		t.Fatalf("%s=off: dir %q", Env, d)
	}
	t.Setenv(Env, "/some/where")
	if d := defaultDir(); d != "/some/where" {
		t.Fatalf("dir %q", d)
	}
	t.Setenv(Env, "")
	if base, err := os.UserCacheDir(); err == nil && filepath.IsAbs(base) {
		if d := defaultDir(); d != filepath.Join(base, "mixdown", "digests") {
			t.Fatalf("default dir %q", d)
		}
	}
}
