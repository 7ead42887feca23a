package main

import (
	"flag"
	"fmt"

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

// loadGraph loads a mix file and compiles it, printing every diagnostic.
// It returns nil when there were errors.
func loadGraph(env *Env, file string, vars []lang.VarArg) *graph.Graph {
	p := lang.NewParser()
	m, diags := p.LoadMix(file, lang.Options{Vars: vars})
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
