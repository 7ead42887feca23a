package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

// varFlags collects -var and -var-file in command-line order, since a
// later one overrides an earlier one.
type varFlags struct {
	args []lang.VarArg
}

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Func("var", "set a variable: `NAME=VALUE` (repeatable)", func(s string) error {
		v.args = append(v.args, lang.VarArg{Value: s})
		return nil
	})
	fs.Func("var-file", "read variables from an HCL `FILE` of NAME = VALUE lines (repeatable)", func(s string) error {
		v.args = append(v.args, lang.VarArg{File: true, Value: s})
		return nil
	})
}

// safetyFlags are the limits and the confinement a mix is loaded with
// (docs/security.md). The zero value is the safe default: default limits,
// paths confined to the mix's folder.
type safetyFlags struct {
	limits       lang.Limits
	allowOutside bool
}

// safety holds the safety flags of the running command.
var safety safetyFlags

// registerSafetyFlags declares -max-render-seconds, -max-tracks,
// -max-ir-seconds, -max-automation-points and -allow-outside on fs. Every
// command that loads a mix to render or check it registers them, and
// loads with loadOptions (loadGraph does).
func registerSafetyFlags(fs *flag.FlagSet) {
	safety = safetyFlags{limits: lang.DefaultLimits()}
	l := &safety.limits
	fs.Var(positiveFloat{&l.MaxRenderSeconds}, "max-render-seconds",
		"refuse a render longer than `SECONDS`: the longest source plus mix.tail")
	fs.Var(positiveInt{&l.MaxTracks}, "max-tracks",
		"refuse a mix with more than `N` tracks, or more than N buses")
	fs.Var(positiveFloat{&l.MaxIRSeconds}, "max-ir-seconds",
		"refuse an impulse response longer than `SECONDS`")
	fs.Var(positiveInt{&l.MaxAutomationPoints}, "max-automation-points",
		"refuse a mix with more than `N` automation points (applies once mixes have automation)")
	fs.BoolVar(&safety.allowOutside, "allow-outside", false,
		"let the mix read and write files outside the folder that holds it (only for mixes you trust)")
}

// loadOptions returns the options to load a mix with: vars, and the
// safety flags.
func loadOptions(vars []lang.VarArg) lang.Options {
	return lang.Options{Vars: vars, Limits: safety.limits, AllowOutside: safety.allowOutside}
}

// positiveFloat and positiveInt are flag values that must be above zero.
type positiveFloat struct{ p *float64 }

func (v positiveFloat) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

func (v positiveFloat) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) {
		return errors.New("want a number above 0")
	}
	*v.p = x
	return nil
}

type positiveInt struct{ p *int }

func (v positiveInt) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v positiveInt) Set(s string) error {
	x, err := strconv.Atoi(s)
	if err != nil || x <= 0 {
		return errors.New("want a whole number above 0")
	}
	*v.p = x
	return nil
}

// loadGraph loads a mix and compiles it, printing every diagnostic. file
// is a mix file, or a folder whose *.mix.hcl files make one mix
// (lang.Parser.LoadDir). It returns nil when there were errors.
func loadGraph(env *Env, file string, vars []lang.VarArg) *graph.Graph {
	p := lang.NewParser()
	var m *lang.Mix
	var diags hcl.Diagnostics
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		m, diags = p.LoadDir(file, loadOptions(vars))
	} else {
		m, diags = p.LoadMix(file, loadOptions(vars))
	}
	var g *graph.Graph
	if m != nil && !diags.HasErrors() {
		var more hcl.Diagnostics
		g, more = graph.Build(m)
		diags = append(diags, more...)
	}
	lang.WriteDiagnostics(env.Stderr, p.Files(), diags)
	if diags.HasErrors() {
		n := 0
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				n++
			}
		}
		fmt.Fprintf(env.Stderr, "%s: %d error%s\n", file, n, plural(n))
		return nil
	}
	return g
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneFile checks a command got exactly one FILE argument.
func oneFile(env *Env, c *Command, args []string) (string, bool) {
	if len(args) != 1 {
		fmt.Fprintf(env.Stderr, "usage: mixdown %s\n", c.UsageLine)
		return "", false
	}
	return args[0], true
}
