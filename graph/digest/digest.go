// Package digest computes the SHA-256 of files, and remembers it for as
// long as the file provably has not changed, so that a render of an
// unchanged checkout does not read every source twice.
//
// A render reads each source to decode it, and the lock needs its SHA-256:
// for ten 3-minute stems that is 570 MB hashed on every render, about a
// tenth of the render's CPU. Git's index and Go's build cache solve the
// same problem the same way: a file's digest is kept under its identity
// (device, inode, size, modification time and inode-change time), and an
// identity is only trusted once it is older than the clock's resolution
// could blur. Any write to a file moves its change time (ctime), which no
// program can set back, so a file whose identity matches the one recorded
// has the bytes that were hashed, unless it was written within the same
// clock tick as the hashing; identities younger than ModTimeCutoff are
// therefore never remembered (a file being written is hashed every time).
//
// Digests are kept in memory for the process (watch re-renders) and, where
// the operating system reports inode-change times (Linux, macOS), in a
// directory of small files shared by every mixdown the user runs: by
// default the "mixdown/digests" folder of the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux), or the folder
// named by $MIXDOWN_DIGESTS; MIXDOWN_DIGESTS=off keeps digests in memory
// only. The folder is a cache: deleting it at any time is safe, a folder
// that cannot be written is silently not used, and entries unused for 30
// days are deleted.
package digest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ModTimeCutoff is how old a file's modification and change times must be
// (against the clock when its hashing started) before its digest is
// remembered: well above the timestamp granularity of common filesystems
// (1 ns to 2 s), as in cmd/go.
const ModTimeCutoff = 2 * time.Second

// Env is the environment variable naming the digest folder ("off": none).
const Env = "MIXDOWN_DIGESTS"

// entryVersion is mixed into every entry's name; change it if what an
// entry means changes.
const entryVersion = "mixdown-digest-v1"

const (
	unusedFor   = 30 * 24 * time.Hour // entries not used for this long are deleted
	touchEvery  = 24 * time.Hour      // a used entry's mtime is refreshed at most this often
	trimEvery   = 24 * time.Hour      // how often the folder is trimmed
	trimMarker  = "trim.txt"
	entryLength = 2 * sha256.Size
)

// Cache remembers file digests. The zero value remembers them in memory
// only; Dir adds the folder. A Cache is safe for concurrent use.
type Cache struct {
	// Dir is the folder of remembered digests; "" for memory only.
	Dir string

	now    func() time.Time  // the clock, replaceable in tests
	hashed func(path string) // called after each full hash (tests)

	mu  sync.Mutex
	mem map[string]remembered // by absolute path; looked up, never iterated
}

type remembered struct {
	id  identity
	sum [sha256.Size]byte
}

// identity is what a file is recognised by. full says whether the
// platform reported the device, inode and change time; without them a
// digest is remembered in memory only.
type identity struct {
	size, mod, change int64 // bytes, Unix ns, Unix ns
	dev, ino          uint64
	full              bool
}

var (
	defaultOnce  sync.Once
	defaultCache *Cache
)

// Default returns the process's cache: the folder from $MIXDOWN_DIGESTS,
// or the user's cache directory, or memory only when neither is usable.
func Default() *Cache {
	defaultOnce.Do(func() { defaultCache = &Cache{Dir: defaultDir()} })
	return defaultCache
}

func defaultDir() string {
	switch v := os.Getenv(Env); v {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil || !filepath.IsAbs(base) {
			return ""
		}
		return filepath.Join(base, "mixdown", "digests")
	default:
		return v
	}
}

// File returns the lowercase hex SHA-256 of the file at path, through
// Default.
func File(path string) (string, error) {
	s, err := Default().Sum(path)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(s[:]), nil
}

// Sum returns the SHA-256 of the file at path: remembered if the file has
// not changed since it was last hashed, hashed otherwise.
func (c *Cache) Sum(path string) ([sha256.Size]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	info, err := os.Stat(path) // errors name the path as given
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	if !info.Mode().IsRegular() {
		return [sha256.Size]byte{}, fmt.Errorf("%s: not a regular file", path)
	}
	id := identify(info)
	c.mu.Lock()
	r, ok := c.mem[abs]
	c.mu.Unlock()
	if ok && r.id == id {
		return r.sum, nil
	}
	if sum, ok := c.load(abs, id); ok {
		c.remember(abs, id, sum)
		return sum, nil
	}
	start := c.clock()
	sum, err := hashFile(path)
	if err != nil {
		return sum, err
	}
	if c.hashed != nil {
		c.hashed(abs)
	}
	// Remember only what was stable while it was read, and old enough
	// that a later write cannot leave the same identity.
	after, err := os.Stat(path)
	if err == nil && identify(after) == id && settled(id, start) {
		c.remember(abs, id, sum)
		c.store(abs, id, sum)
	}
	return sum, nil
}

func (c *Cache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// settled reports whether an identity read before start is older than
// ModTimeCutoff: one that can be trusted to change with any later write.
func settled(id identity, start time.Time) bool {
	limit := start.Add(-ModTimeCutoff).UnixNano()
	return id.mod < limit && (!id.full || id.change < limit)
}

func (c *Cache) remember(abs string, id identity, sum [sha256.Size]byte) {
	c.mu.Lock()
	if c.mem == nil {
		c.mem = map[string]remembered{}
	}
	c.mem[abs] = remembered{id, sum}
	c.mu.Unlock()
}

func hashFile(path string) ([sha256.Size]byte, error) {
	var s [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	h.Sum(s[:0])
	return s, nil
}

// entryPath is where the folder keeps the digest of a file with identity
// id at abs: named by a hash of both, so any change to either is a miss.
func (c *Cache) entryPath(abs string, id identity) string {
	h := sha256.New()
	var b [8]byte
	field := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	io.WriteString(h, entryVersion)
	field(uint64(len(abs)))
	io.WriteString(h, abs)
	for _, v := range []uint64{id.dev, id.ino, uint64(id.size), uint64(id.mod), uint64(id.change)} {
		field(v)
	}
	name := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.Dir, name[:2], name)
}

// load reads a remembered digest from the folder.
func (c *Cache) load(abs string, id identity) ([sha256.Size]byte, bool) {
	var sum [sha256.Size]byte
	if c.Dir == "" || !id.full {
		return sum, false
	}
	p := c.entryPath(abs, id)
	b, err := os.ReadFile(p)
	if err != nil || len(b) != entryLength+1 || b[entryLength] != '\n' {
		return sum, false
	}
	if _, err := hex.Decode(sum[:], b[:entryLength]); err != nil {
		return sum, false
	}
	// Mark the entry used, at most once a day, for the trim.
	if info, err := os.Stat(p); err == nil {
		if now := c.clock(); now.Sub(info.ModTime()) > touchEvery {
			os.Chtimes(p, now, now)
		}
	}
	return sum, true
}

// store writes a digest to the folder, best effort: a folder that cannot
// be written only means the next process hashes again. The entry is
// written to a temporary file and renamed, so a reader never sees half of
// one.
func (c *Cache) store(abs string, id identity, sum [sha256.Size]byte) {
	if c.Dir == "" || !id.full {
		return
	}
	p := c.entryPath(abs, id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil { // private: see docs/security.md
		return
	}
	f, err := os.CreateTemp(filepath.Dir(p), "tmp-*")
	if err != nil {
		return
	}
	_, werr := io.WriteString(f, hex.EncodeToString(sum[:])+"\n")
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), p) != nil {
		os.Remove(f.Name())
		return
	}
	c.trim()
}

// trim deletes entries unused for unusedFor, and temporary files older
// than a day (left by a process that was killed), at most once per
// trimEvery across all processes (the marker file's mtime says when).
func (c *Cache) trim() {
	now := c.clock()
	marker := filepath.Join(c.Dir, trimMarker)
	if info, err := os.Stat(marker); err == nil && now.Sub(info.ModTime()) < trimEvery {
		return
	}
	if err := os.WriteFile(marker, []byte(now.UTC().Format(time.RFC3339)+"\n"), 0o666); err != nil {
		return
	}
	os.Chtimes(marker, now, now)
	filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fs.SkipDir
		}
		if d.IsDir() || p == marker {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		age := now.Sub(info.ModTime())
		if age > unusedFor || (strings.HasPrefix(d.Name(), "tmp-") && age > 24*time.Hour) {
			os.Remove(p)
		}
		return nil
	})
}
