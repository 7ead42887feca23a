package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/lang"
	"github.com/mixdown/mixdown/lang/format"
)

var cmdFmt = &Command{
	Name:      "fmt",
	UsageLine: "fmt [-check] [-diff] [-recursive] [PATH ...|-]",
	Short:     "lay out mix files canonically",
	Long: `
Fmt rewrites mix files in the canonical layout, as terraform fmt does for
Terraform: two-space indents, "=" signs and trailing comments aligned, one
space around operators and inside braces. There are no style options, and
formatting a formatted file changes nothing. Comments are kept.

Blocks written on one line stay on one line: mixdown accepts several
attributes, separated by commas, in a one-line block, and blocks nested on
one line. Fmt keeps them, normalising their spacing:

	eq { bell { freq = 400, gain = -3, q = 1.4 } }

A trailing comma in a one-line block is dropped. Commas between attributes
on a line of a multi-line block are split onto lines of their own, where the
"=" signs align. Runs of blank lines shrink to one, and the file ends with
one newline.

With no PATH, fmt formats the *.mix.hcl files in the current directory. A
directory PATH formats the *.mix.hcl files in it; -recursive descends into
subdirectories too (skipping those whose names start with "."). A file PATH
is formatted whatever its name. "-" reads a mix from standard input and
writes it, formatted, to standard output.

Fmt lists the files it changes. A file with a syntax error is not changed:
fmt prints its diagnostics, carries on with the other files, and exits 1.
Files are replaced atomically.

Flags:
	-check      change no file; list the files that are not formatted,
	            and exit 3 if there are any
	-diff       print the changes as a unified diff instead of listing
	            the files (with -check, still writing nothing)
	-recursive  descend into subdirectories
`,
}

var fmtFlags struct {
	check, diff, recursive bool
}

func init() {
	register(cmdFmt)
	cmdFmt.Flags = func(fs *flag.FlagSet) {
		fmtFlags.check, fmtFlags.diff, fmtFlags.recursive = false, false, false
		fs.BoolVar(&fmtFlags.check, "check", false, "change no file; list unformatted files and exit 3 if any")
		fs.BoolVar(&fmtFlags.diff, "diff", false, "print a unified diff of the changes")
		fs.BoolVar(&fmtFlags.recursive, "recursive", false, "descend into subdirectories")
	}
	cmdFmt.Run = runFmt
}

// stdinName names standard input in lists, diffs and diagnostics.
const stdinName = "<stdin>"

func runFmt(env *Env, args []string) int {
	if len(args) == 1 && args[0] == "-" {
		return fmtStdin(env)
	}
	for _, a := range args {
		if a == "-" {
			fmt.Fprintf(env.Stderr, "mixdown fmt: \"-\" (standard input) cannot be combined with other paths\n")
			return exitUsage
		}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	failed, changed := false, false
	for _, arg := range args {
		files, err := fmtFiles(arg, fmtFlags.recursive)
		if err != nil {
			fmt.Fprintf(env.Stderr, "Error: %s\n", err)
			failed = true
		}
		for _, file := range files {
			c, ok := fmtFile(env, file)
			changed = changed || c
			failed = failed || !ok
		}
	}
	switch {
	case failed:
		return exitFail
	case changed && fmtFlags.check:
		return exitChanges
	}
	return exitOK
}

// fmtFiles lists the files a PATH argument stands for, in lexical order.
func fmtFiles(path string, recursive bool) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, trimPathError(err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return trimPathError(err)
		}
		if d.IsDir() {
			if p != path && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".mix.hcl") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
				return nil // a dangling link, or a link to a directory
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

// fmtFile formats one file. It reports whether the file was (or, with
// -check, would be) changed, and false for ok when it could not be
// formatted.
func fmtFile(env *Env, file string) (changed, ok bool) {
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", trimPathError(err))
		return false, false
	}
	out, ok := formatMix(env, file, src)
	if !ok || bytes.Equal(src, out) {
		return false, ok
	}
	if fmtFlags.diff {
		env.Stdout.Write(format.Unified("old/"+filepath.ToSlash(file), "new/"+filepath.ToSlash(file), src, out))
	} else {
		fmt.Fprintln(env.Stdout, file)
	}
	if fmtFlags.check {
		return true, true
	}
	// Write through a symbolic link, not over it.
	target := file
	if real, err := filepath.EvalSymlinks(file); err == nil {
		target = real
	}
	if err := audiofile.WriteFileAtomic(target, out); err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return true, false
	}
	return true, true
}

func fmtStdin(env *Env) int {
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: reading standard input: %s\n", err)
		return exitFail
	}
	out, ok := formatMix(env, stdinName, src)
	if !ok {
		return exitFail
	}
	changed := !bytes.Equal(src, out)
	switch {
	case fmtFlags.diff:
		env.Stdout.Write(format.Unified("old/"+stdinName, "new/"+stdinName, src, out))
	case fmtFlags.check:
		if changed {
			fmt.Fprintln(env.Stdout, stdinName)
		}
	default:
		env.Stdout.Write(out)
	}
	if changed && fmtFlags.check {
		return exitChanges
	}
	return exitOK
}

// formatMix formats a mix file's source, or prints why it cannot: its
// syntax errors, or a layout the formatter will not risk.
func formatMix(env *Env, name string, src []byte) ([]byte, bool) {
	p := lang.NewParser()
	if m, diags := p.LoadMixSource(name, src, lang.Options{}); m == nil {
		// Only a syntax error (or an unreadable file) leaves no mix;
		// other problems are validate's business, not fmt's.
		diags = errorsOnly(diags)
		lang.WriteDiagnostics(env.Stderr, p.Files(), diags)
		fmt.Fprintf(env.Stderr, "%s: %d error%s; not formatted\n", name, len(diags), plural(len(diags)))
		return nil, false
	}
	out, err := format.Source(src)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s: %s\n", name, err)
		return nil, false
	}
	// Belt and braces: never write a file that no longer parses.
	if m, diags := lang.NewParser().LoadMixSource(name, out, lang.Options{}); m == nil {
		fmt.Fprintf(env.Stderr, "Error: %s: formatting would break the file (%s); it is left as it is. Please report this.\n", name, diags.Error())
		return nil, false
	}
	return out, true
}

func errorsOnly(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}

// trimPathError drops the operation from a *PathError ("stat x: no such
// file" reads better as "x: no such file").
func trimPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
