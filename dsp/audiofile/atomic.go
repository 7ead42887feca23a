package audiofile

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// AtomicFile is a file that appears at its path complete or not at all. It
// is written as a temporary file ".NAME.tmp-XXXXXXXX" in the target's
// directory (so the final rename never crosses file systems) and moved into
// place by Commit. Until then an existing file at the path is untouched, and
// Abort (or a failed Commit) removes the temporary file.
//
// The usual pattern is
//
//	f, err := CreateAtomic(path)
//	if err != nil { ... }
//	defer f.Abort() // no-op after a successful Commit
//	... f.Write(...) ...
//	return f.Commit()
//
// Commit replaces whatever is at path (last writer wins); a symbolic link
// at path is replaced, not followed. For a lock file, where an existing
// file must win, use CommitNoReplace.
type AtomicFile struct {
	f     *os.File
	path  string
	tmp   string
	state atomicState
}

type atomicState uint8

const (
	atomicOpen atomicState = iota
	atomicCommitted
	atomicAborted
)

// CreateAtomic starts an atomic write of path. The temporary file gets the
// permissions of the file it will replace, or 0666 less the umask when
// there is none.
func CreateAtomic(path string) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	if base == "" || base == "." || base == ".." {
		return nil, fmt.Errorf("%s: not a file name", path)
	}
	old, statErr := os.Stat(path)
	if statErr == nil && old.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	// Keep the temporary name within the usual 255-byte name limit.
	if len(base) > 200 {
		base = base[:200]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
	}
	for range 100 {
		var rnd [4]byte
		rand.Read(rnd[:]) // never fails (crypto/rand, Go 1.24+)
		tmp := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
		// O_EXCL: never open someone else's file; 0666 lets the umask apply.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: creating temporary file: %w", path, err)
		}
		if statErr == nil {
			f.Chmod(old.Mode().Perm()) // best effort: keep the replaced file's permissions
		}
		return &AtomicFile{f: f, path: path, tmp: tmp}, nil
	}
	return nil, fmt.Errorf("%s: could not find an unused temporary file name", path)
}

// Path returns the final path.
func (f *AtomicFile) Path() string { return f.path }

// TempPath returns the path of the temporary file being written.
func (f *AtomicFile) TempPath() string { return f.tmp }

func (f *AtomicFile) errClosed(op string) error {
	what := "Commit"
	if f.state == atomicAborted {
		what = "Abort"
	}
	return fmt.Errorf("%s: %s after %s: %w", f.path, op, what, os.ErrClosed)
}

// Write writes to the temporary file.
func (f *AtomicFile) Write(p []byte) (int, error) {
	if f.state != atomicOpen {
		return 0, f.errClosed("Write")
	}
	return f.f.Write(p)
}

// WriteString writes a string to the temporary file.
func (f *AtomicFile) WriteString(s string) (int, error) {
	if f.state != atomicOpen {
		return 0, f.errClosed("WriteString")
	}
	return f.f.WriteString(s)
}

// WriteAt writes at an offset in the temporary file.
func (f *AtomicFile) WriteAt(p []byte, off int64) (int, error) {
	if f.state != atomicOpen {
		return 0, f.errClosed("WriteAt")
	}
	return f.f.WriteAt(p, off)
}

// Seek sets the offset of the next Write in the temporary file.
func (f *AtomicFile) Seek(offset int64, whence int) (int64, error) {
	if f.state != atomicOpen {
		return 0, f.errClosed("Seek")
	}
	return f.f.Seek(offset, whence)
}

// Commit flushes the temporary file to stable storage, closes it, renames it
// over the final path and then syncs the directory so the rename itself is
// durable (best effort: not every system can sync a directory). On any
// failure the temporary file is removed and the final path is left as it
// was.
func (f *AtomicFile) Commit() error {
	if err := f.finish("Commit"); err != nil {
		return err
	}
	return f.publish()
}

// publish renames the finished temporary file over the path and syncs the
// folder; on failure it removes the temporary file.
func (f *AtomicFile) publish() error {
	if err := os.Rename(f.tmp, f.path); err != nil {
		f.state = atomicAborted
		os.Remove(f.tmp)
		return fmt.Errorf("%s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// CommitSum is Commit that also returns the SHA-256 of the file's bytes.
// They are read back from the page cache while the file syncs to disk, so
// the hash costs a render's end no time of its own.
func (f *AtomicFile) CommitSum() (sum [sha256.Size]byte, err error) {
	if f.state != atomicOpen {
		return sum, f.errClosed("Commit")
	}
	hashed := make(chan error, 1)
	go func() {
		h := sha256.New()
		_, err := io.Copy(h, io.NewSectionReader(f.f, 0, math.MaxInt64))
		h.Sum(sum[:0])
		hashed <- err
	}()
	if err := f.finishWith("Commit", func() error { return <-hashed }); err != nil {
		return sum, err
	}
	return sum, f.publish()
}

// CommitNoReplace is Commit, except that it fails with an error matching
// fs.ErrExist, and removes the temporary file, if something already exists
// at the final path. It publishes the file with a hard link, which is
// atomic and exclusive, so of several processes racing for the same path
// exactly one succeeds: what a lock file needs. The file system must
// support hard links.
func (f *AtomicFile) CommitNoReplace() error {
	if err := f.finish("CommitNoReplace"); err != nil {
		return err
	}
	err := os.Link(f.tmp, f.path)
	os.Remove(f.tmp)
	if err != nil {
		f.state = atomicAborted
		return fmt.Errorf("%s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// finish syncs and closes the temporary file for a commit; on failure it
// removes it.
func (f *AtomicFile) finish(op string) error { return f.finishWith(op, nil) }

// finishWith is finish that also waits, after the sync and before the
// close, for wait (which may be reading the file).
func (f *AtomicFile) finishWith(op string, wait func() error) error {
	if f.state != atomicOpen {
		return f.errClosed(op)
	}
	f.state = atomicCommitted
	err := f.f.Sync()
	if wait != nil {
		if werr := wait(); err == nil {
			err = werr
		}
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.state = atomicAborted
		os.Remove(f.tmp)
		return fmt.Errorf("%s: writing temporary file %s: %w", f.path, f.tmp, err)
	}
	return nil
}

// Abort closes and removes the temporary file, leaving the final path as it
// was. It does nothing after Commit or a previous Abort, so it can be
// deferred.
func (f *AtomicFile) Abort() error {
	if f.state != atomicOpen {
		return nil
	}
	f.state = atomicAborted
	f.f.Close()
	if err := os.Remove(f.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: removing temporary file: %w", f.path, err)
	}
	return nil
}

// syncDir fsyncs a directory so that a rename in it survives a crash. Errors
// are ignored: some systems (Windows, some network file systems) cannot
// sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// WriteFileAtomic writes data to path atomically: readers of path see the
// old content or the new, never a mixture, and a failure leaves the old
// content in place.
func WriteFileAtomic(path string, data []byte) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}
