package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/lang"
	"github.com/mixdown/mixdown/lang/mixdiff"
)

var cmdShow = &Command{
	Name:      "show",
	UsageLine: "show [-textconv] FILE [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "list a mix's settings, one parameter a line",
	Long: `
Show loads the mix FILE and prints every setting it resolves to, one
parameter a line, in the canonical order of mixdown diff:

	mix.sample_rate = 48000 Hz
	var.vocal_level = -3
	track.vocals.gain = -3 dB
	track.vocals.effects = eq, compressor
	track.vocals.compressor.ratio = 3
	...

Defaults are filled in, expressions evaluated, comments and layout
dropped: two files that mean the same list the same. A line diff of two
listings therefore reads like mixdown diff, which is how git shows mix
files by meaning (docs/git.md):

	git config diff.mixdown.textconv "mixdown show -textconv"

With -textconv, show never fails, as git's textconv must not: a file that
does not load is printed as it is, after a first line that says so.
`,
}

var showFlags struct {
	vars     varFlags
	textconv bool
}

func init() {
	register(cmdShow)
	cmdShow.Flags = func(fs *flag.FlagSet) {
		registerSafetyFlags(fs)
		showFlags.vars = varFlags{}
		showFlags.textconv = false
		showFlags.vars.register(fs)
		fs.BoolVar(&showFlags.textconv, "textconv", false, "for git's diff textconv: print a file that does not load as it is, and exit 0")
	}
	cmdShow.Run = runShow
}

func runShow(env *Env, args []string) int {
	file, ok := oneFile(env, cmdShow, args)
	if !ok {
		return exitUsage
	}
	p := lang.NewParser()
	m, diags := p.LoadMix(file, loadOptions(showFlags.vars.args))
	if m == nil || diags.HasErrors() {
		if showFlags.textconv {
			return showText(env, file, diags)
		}
		printDiagnostics(env, p, file, diags)
		return exitFail
	}
	if !showFlags.textconv {
		lang.WriteDiagnostics(env.Stderr, p.Files(), diags) // warnings
	}
	if err := mixdiff.WriteListing(env.Stdout, mixdiff.Flatten(m)); err != nil {
		fmt.Fprintf(env.Stderr, "mixdown: %s\n", err)
		return exitFail
	}
	return exitOK
}

// showText prints a mix that does not load as its text, for textconv.
func showText(env *Env, file string, diags hcl.Diagnostics) int {
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mixdown: %s\n", err)
		return exitFail
	}
	defer f.Close()
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	fmt.Fprintf(env.Stdout, "# mixdown show: this mix does not load (%d error%s); its text follows.\n", n, plural(n))
	if _, err := io.Copy(env.Stdout, f); err != nil {
		fmt.Fprintf(env.Stderr, "mixdown: %s\n", err)
		return exitFail
	}
	return exitOK
}
