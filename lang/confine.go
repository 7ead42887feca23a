package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/hashicorp/hcl/v2"
)

// Confinement. By default a mix reads (sources, impulse responses) and
// writes (outputs) only inside the folder that holds the mix file, its
// project: rendering a stranger's mix must not read ~/.ssh or write over
// ~/.bashrc. A path is checked where the mix names it, on the exact
// string the render will open (the written path joined to the mix folder
// and cleaned), after following every symbolic link along it as far as
// it exists. Absolute paths elsewhere, ".." that climbs out, and links
// that lead out are refused. Options.AllowOutside (-allow-outside) turns
// the check off.
//
// The check runs at load, and the render opens the paths later: someone
// who can change the project's folders while mixdown runs could swap a
// checked folder for a link in between. That needs write access to the
// project during the render, which the threat (a hostile mix file, with
// its stems, in a checkout) does not have; docs/security.md says more.

// confine reports a path the mix names (written, as in the file; path,
// resolved against the mix folder) that leads outside the project. The
// diagnostic points at rng, the attribute's expression.
func (s *scope) confine(rng hcl.Range, written, path string) hcl.Diagnostics {
	if s.root == "" || path == "" {
		return nil
	}
	real, err := RealPath(path)
	if err == nil && Within(s.root, real) {
		return nil
	}
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid path",
			Detail:   fmt.Sprintf("%q cannot be resolved: %s.", written, err),
			Subject:  &rng,
		}}
	}
	how := "is outside"
	switch {
	case filepath.IsAbs(written):
		how = "is an absolute path outside"
	case real != path:
		how = fmt.Sprintf("leads, through a symbolic link, to %s, outside", real)
	case strings.Contains(filepath.ToSlash(written), ".."):
		how = "climbs out of"
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Path outside the project",
		Detail: fmt.Sprintf("%q %s %s, the folder that holds the mix file. A mix may only read and write files inside its own folder, so that rendering someone else's mix cannot touch the rest of the machine. Move the file into the project, or, if you trust this mix, run mixdown with -allow-outside.",
			written, how, s.root),
		Subject: &rng,
	}}
}

// projectRoot is the mix folder with its symbolic links resolved, or dir
// itself when it cannot be resolved.
func projectRoot(dir string) string {
	if r, err := RealPath(dir); err == nil {
		return r
	}
	return dir
}

// Within reports whether path is root or below it. Both must be clean
// and absolute (as RealPath returns them).
func Within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// maxLinks bounds the symbolic links followed in one path, as the
// kernel's ELOOP does.
const maxLinks = 255

// RealPath returns the file that path (absolute) reaches: every symbolic
// link along it followed, as far as the path exists; the part that does
// not exist yet (an output's new folder and file) is kept as written. A
// link to nothing is followed too, since writing through it would create
// its target. Unlike filepath.EvalSymlinks, it does not fail on a path
// that does not exist, which outputs usually do not.
func RealPath(path string) (string, error) {
	if !filepath.IsAbs(path) {
		return "", fmt.Errorf("%s: not an absolute path", path)
	}
	path = filepath.Clean(path)
	vol := filepath.VolumeName(path)
	sep := string(filepath.Separator)
	done := vol + sep // resolved so far: a real folder, free of links
	todo := path[len(vol):]
	links := 0
	for {
		todo = strings.TrimLeft(todo, sep+"/")
		if todo == "" {
			return done, nil
		}
		part, rest, _ := strings.Cut(filepath.FromSlash(todo), sep)
		todo = rest
		switch part {
		case ".":
			continue
		case "..":
			done = filepath.Dir(done)
			continue
		}
		next := filepath.Join(done, part)
		fi, err := os.Lstat(next)
		if err != nil {
			// Nothing there (or nothing visible to us): the rest is
			// taken as written. Opening it fails if it is not created.
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOTDIR) {
				return filepath.Join(next, todo), nil
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("more than %d symbolic links", maxLinks)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			tvol := filepath.VolumeName(target)
			done, todo = tvol+sep, target[len(tvol):]+sep+todo
		} else {
			todo = target + sep + todo // relative to the link's folder, done
		}
	}
}
