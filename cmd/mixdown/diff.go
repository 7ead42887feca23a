package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/graph/report"
	"github.com/mixdown/mixdown/lang"
	"github.com/mixdown/mixdown/lang/mixdiff"
)

var cmdDiff = &Command{
	Name:      "diff",
	UsageLine: "diff [-markdown] [-render] [-plots DIR] OLD NEW [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "compare two mixes by meaning",
	Long: `
Diff compares two mixes by what they mean, not by their text, and prints
one line per change, grouped by node:

	var.vocal_level: -3 → -4
	track.vocals.gain: -3 dB → -4 dB
	track.vocals.compressor.ratio: 3 → 4
	track.vocals.effects: eq, compressor → compressor, eq
	track.vocals.send.verb.level: -12 dB → -9 dB
	track.keys: added (source "keys.wav", gain -6 dB, ...)
	master.target.loudness: -14 LUFS → -13.8 LUFS

Nodes come in a fixed order (mix, variables, tracks, buses, master,
outputs; by name within each kind; under a strip, its effects in chain
order, then its sends), parameters in the language's order. Values are
compared as they resolve, so a changed variable shows both as
var.NAME and as every parameter it moves. Whitespace, comments, attribute
order and the way a value is written (-1 - 2 or -3) are no change.

OLD and NEW are each a mix file or REV:PATH, a file as committed in git:
"git show REV:PATH" is run in the current directory, so PATH is relative
to the repository's root, or to the current directory when it starts with
./ or ../ (HEAD:./song.mix.hcl), as git takes it. A mix read from git is
loaded as if it sat in the folder of NEW (named FILE@REV in diagnostics),
so its relative paths resolve against today's files.

-var and -var-file apply to both sides.

With -markdown, the changes come as a table for a pull-request comment:
| node | parameter | old | new |.

With -render, when the mixes differ, both are rendered (into temporary
folders) and measured, and diff adds, for every output: the change in
integrated loudness, true peak and loudness range, and the spectral
balance, the energy of each octave band from 31.5 Hz to 16 kHz relative to
the whole; for every bus, its loudness, true peak and loudness range.
-plots DIR (implies -render) also writes two PNGs per output into DIR:
NAME-spectrum.png and NAME-loudness.png (short-term loudness over time),
before and after. Both sides render from the same source files, those of
today: only the mix differs.

Exit status: 0 when the mixes mean the same, 3 when they differ, 1 when
either cannot be loaded (or rendered), 2 for a usage error.
`,
}

var diffFlags struct {
	vars     varFlags
	markdown bool
	render   bool
	plots    string
}

func init() {
	register(cmdDiff)
	cmdDiff.Flags = func(fs *flag.FlagSet) {
		registerSafetyFlags(fs)
		diffFlags.vars = varFlags{}
		diffFlags.markdown, diffFlags.render, diffFlags.plots = false, false, ""
		diffFlags.vars.register(fs)
		fs.BoolVar(&diffFlags.markdown, "markdown", false, "print a Markdown table, for a pull-request comment")
		fs.BoolVar(&diffFlags.render, "render", false, "also render both and compare loudness and spectra")
		fs.StringVar(&diffFlags.plots, "plots", "", "write spectrum and loudness PNGs per output into `DIR` (implies -render)")
	}
	cmdDiff.Run = runDiff
}

func runDiff(env *Env, args []string) int {
	if len(args) != 2 {
		fmt.Fprintf(env.Stderr, "usage: mixdown %s\n", cmdDiff.UsageLine)
		return exitUsage
	}
	oldSrc, newSrc := parseMixSource(args[0]), parseMixSource(args[1])
	// A mix read from git sits, for its relative paths, in NEW's folder.
	dir, err := newSrc.folder(env.Ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mixdown: %s: %s\n", newSrc.arg, err)
		return exitFail
	}
	opts := loadOptions(diffFlags.vars.args)
	oldSide, ok := loadSide(env, oldSrc, dir, opts)
	if !ok {
		return exitFail
	}
	newSide, ok := loadSide(env, newSrc, dir, opts)
	if !ok {
		return exitFail
	}
	changes := mixdiff.Diff(oldSide.mix, newSide.mix)

	var rows []report.Row
	if (diffFlags.render || diffFlags.plots != "") && len(changes) > 0 {
		var ok bool
		rows, ok = renderBoth(env, oldSide, newSide)
		if !ok {
			return exitFail
		}
	}

	if diffFlags.markdown {
		mixdiff.WriteMarkdown(env.Stdout, changes)
		if len(rows) > 0 {
			fmt.Fprintf(env.Stdout, "\n")
			report.WriteMarkdown(env.Stdout, rows)
		}
	} else {
		mixdiff.WriteText(env.Stdout, changes)
		if len(rows) > 0 {
			fmt.Fprintf(env.Stdout, "\n")
			report.WriteText(env.Stdout, rows)
		}
	}
	if len(changes) > 0 {
		return exitChanges
	}
	return exitOK
}

// mixSource is one side of a diff: a file, or REV:PATH in git.
type mixSource struct {
	arg   string // as given
	git   bool
	rev   string
	path  string
	label string // how diagnostics name it
}

// parseMixSource reads a diff argument. An existing file is a file, even
// with a colon in its name; otherwise REV:PATH is a git object, as in git
// show (REV may be empty: the index).
func parseMixSource(arg string) mixSource {
	s := mixSource{arg: arg, path: arg, label: arg}
	if _, err := os.Stat(arg); err == nil {
		return s
	}
	i := strings.Index(arg, ":")
	if i < 0 || runtime.GOOS == "windows" && i == 1 && len(arg) > 2 && (arg[2] == '\\' || arg[2] == '/') {
		return s // C:\... is a path
	}
	s.git, s.rev, s.path = true, arg[:i], arg[i+1:]
	return s
}

// folder is the folder the source's relative paths resolve against: the
// file's, or for REV:PATH the folder PATH has in the working tree.
func (s mixSource) folder(ctx context.Context) (string, error) {
	if !s.git {
		return filepath.Dir(s.path), nil
	}
	p := filepath.FromSlash(s.path)
	if s.path == "." || s.path == ".." || strings.HasPrefix(s.path, "./") || strings.HasPrefix(s.path, "../") {
		return filepath.Dir(p), nil
	}
	out, err := git(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	abs := filepath.Join(strings.TrimSpace(string(out)), p)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil {
			abs = rel
		}
	}
	return filepath.Dir(abs), nil
}

// git runs git in the current directory and returns its standard output,
// or an error holding its message.
func git(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

// side is a loaded mix and the parser that read it, for diagnostics.
type side struct {
	src    mixSource
	parser *lang.Parser
	mix    *lang.Mix
}

// loadSide loads one side, printing its diagnostics. A mix from git is
// loaded from memory under the name DIR/BASE@REV, so its relative paths
// resolve in DIR.
func loadSide(env *Env, s mixSource, dir string, opts lang.Options) (*side, bool) {
	p := lang.NewParser()
	var m *lang.Mix
	var diags hcl.Diagnostics
	if s.git {
		// No textconv: git must hand over the file as committed (a
		// textconv set up for *.mix.hcl would give mixdown's listing).
		src, err := git(env.Ctx, "show", "--no-textconv", s.arg)
		if err != nil {
			fmt.Fprintf(env.Stderr, "mixdown: %s: %s\n", s.arg, err)
			return nil, false
		}
		rev := strings.NewReplacer("/", "_", `\`, "_").Replace(s.rev)
		if rev == "" {
			rev = "index"
		}
		s.label = filepath.Join(dir, filepath.Base(filepath.FromSlash(s.path))+"@"+rev)
		m, diags = p.LoadMixSource(s.label, src, opts)
	} else {
		m, diags = p.LoadMix(s.path, opts)
	}
	if !printDiagnostics(env, p, s.label, diags) || m == nil {
		return nil, false
	}
	return &side{src: s, parser: p, mix: m}, true
}

// printDiagnostics prints diags and reports whether there was no error.
func printDiagnostics(env *Env, p *lang.Parser, name string, diags hcl.Diagnostics) bool {
	lang.WriteDiagnostics(env.Stderr, p.Files(), diags)
	if !diags.HasErrors() {
		return true
	}
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	fmt.Fprintf(env.Stderr, "%s: %d error%s\n", name, n, plural(n))
	return false
}

// renderBoth renders and measures both sides into temporary folders, then
// writes the plots if asked, and returns the comparison.
func renderBoth(env *Env, old, new *side) ([]report.Row, bool) {
	tmp, err := os.MkdirTemp("", "mixdown-diff-")
	if err != nil {
		fmt.Fprintf(env.Stderr, "mixdown: %s\n", err)
		return nil, false
	}
	defer os.RemoveAll(tmp)
	var graphs [2]*graph.Graph
	for i, s := range []*side{old, new} {
		g, diags := graph.Build(s.mix)
		if !printDiagnostics(env, s.parser, s.src.label, diags) {
			return nil, false
		}
		graphs[i] = g
	}
	// The two sides render at the same time: much of a render (the
	// mastering stage, a chain of buses) runs on one core.
	var meas [2]*report.Measurement
	var errs [2]error
	var wg sync.WaitGroup
	for i, g := range graphs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			meas[i], errs[i] = report.Measure(env.Ctx, g, filepath.Join(tmp, []string{"old", "new"}[i]), graph.Options{})
		}()
	}
	wg.Wait()
	for i, s := range []*side{old, new} {
		if errs[i] != nil {
			fmt.Fprintf(env.Stderr, "Error: rendering %s failed\n\n%s\n", s.src.label, errs[i])
			return nil, false
		}
	}
	if diffFlags.plots != "" {
		if _, err := report.WritePlots(diffFlags.plots, meas[0], meas[1]); err != nil {
			fmt.Fprintf(env.Stderr, "mixdown: writing plots: %s\n", err)
			return nil, false
		}
	}
	return report.Compare(meas[0], meas[1]), true
}
