package preview

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mixdown/mixdown/graph/watch"
)

// snapshot is one output's file as one render wrote it, kept in the
// server's folder: a hard link to the rendered file when the file systems
// allow (the renderer replaces outputs by renaming a new file over them,
// so the linked inode never changes), a copy otherwise.
type snapshot struct {
	name string // output name
	seq  int    // the event that rendered these bytes
	path string // the snapshot file
	out  watch.Output

	once     sync.Once
	analysis []byte // JSON, see analyze
	err      error
}

// slot is an output's current and previous snapshot.
type slot struct {
	cur, prev *snapshot
}

// store keeps the snapshots. Its methods are called with Server.mu held.
type store struct {
	root    string
	tempDir string
	logf    func(string, ...any)
	dir     string // created on first use
	slots   map[string]*slot
	order   []string // output names in the latest OK event's order
	closed  bool
}

func newStore(root, tempDir string, logf func(string, ...any)) *store {
	return &store{root: root, tempDir: tempDir, logf: logf, slots: map[string]*slot{}}
}

// update snapshots the outputs of an OK event. A snapshot becomes the
// output's current one and the old current becomes its previous, except
// when the bytes are the same as the current ones (same SHA-256): then
// nothing moves, so A/B keeps comparing the last render that changed
// something. Outputs the event no longer has are dropped.
func (st *store) update(ev watch.Event) {
	if st.closed {
		return
	}
	seen := map[string]bool{}
	st.order = st.order[:0]
	for _, o := range ev.Outputs {
		if seen[o.Name] {
			continue
		}
		seen[o.Name] = true
		st.order = append(st.order, o.Name)
		sl := st.slots[o.Name]
		if sl == nil {
			sl = &slot{}
			st.slots[o.Name] = sl
		}
		if sl.cur != nil && o.SHA256 != "" && o.SHA256 == sl.cur.out.SHA256 {
			continue
		}
		snap, err := st.take(o, ev.Seq)
		if err != nil {
			st.logf("preview: output %s: %v (not served)", o.Name, err)
			continue
		}
		if sl.prev != nil {
			remove(sl.prev.path, st.logf)
		}
		sl.prev, sl.cur = sl.cur, snap
	}
	for name, sl := range st.slots {
		if !seen[name] {
			st.drop(sl)
			delete(st.slots, name)
		}
	}
}

func (st *store) drop(sl *slot) {
	for _, sn := range []*snapshot{sl.cur, sl.prev} {
		if sn != nil {
			remove(sn.path, st.logf)
		}
	}
}

// take makes the snapshot of o's file, refusing files outside the root.
func (st *store) take(o watch.Output, seq int) (*snapshot, error) {
	src, err := st.inside(o.Path)
	if err != nil {
		return nil, err
	}
	if st.dir == "" {
		d, err := os.MkdirTemp(st.tempDir, "mixdown-preview-")
		if err != nil {
			return nil, err
		}
		st.dir = d
	}
	ext := strings.ToLower(filepath.Ext(src))
	if len(ext) > 8 {
		ext = ""
	}
	// Seq and a counter name the file; the output's name may be anything.
	dst := filepath.Join(st.dir, fmt.Sprintf("%d-%d%s", seq, len(st.order), ext))
	remove(dst, st.logf)
	if err := os.Link(src, dst); err != nil {
		if err := copyFile(src, dst); err != nil {
			remove(dst, st.logf)
			return nil, err
		}
	}
	return &snapshot{name: o.Name, seq: seq, path: dst, out: o}, nil
}

// inside resolves path and checks that it is a regular file inside the
// root (after following symbolic links of both).
func (st *store) inside(path string) (string, error) {
	if st.root == "" || !filepath.IsAbs(st.root) {
		return "", errors.New("no absolute mix folder (Config.Root) to serve from")
	}
	root, err := filepath.EvalSymlinks(st.root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("%s is outside the mix folder %s", path, st.root)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	return real, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lookup finds the snapshot of output name rendered by seq.
func (st *store) lookup(name string, seq int) *snapshot {
	sl := st.slots[name]
	if sl == nil {
		return nil
	}
	for _, sn := range []*snapshot{sl.cur, sl.prev} {
		if sn != nil && sn.seq == seq {
			return sn
		}
	}
	return nil
}

// close removes the snapshot folder. Open files being served stay
// readable until their requests end (on Unix).
func (st *store) close() error {
	st.closed = true
	st.slots = map[string]*slot{}
	st.order = nil
	if st.dir == "" {
		return nil
	}
	err := os.RemoveAll(st.dir)
	st.dir = ""
	return err
}
