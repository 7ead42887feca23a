package main

import (
	"flag"
	"fmt"
)

var cmdValidate = &Command{
	Name:      "validate",
	UsageLine: "validate FILE [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "check a mix without rendering it",
	Long: `
Validate loads and checks the mix FILE as render would, reading the headers
of its source files but no audio, and writes nothing. It prints the
diagnostics, if any, and exits 1 when there are errors.
`,
}

var validateFlags struct{ vars varFlags }

func init() {
	register(cmdValidate)
	cmdValidate.Flags = func(fs *flag.FlagSet) {
		validateFlags.vars = varFlags{}
		validateFlags.vars.register(fs)
	}
	cmdValidate.Run = func(env *Env, args []string) int {
		file, ok := oneFile(env, cmdValidate, args)
		if !ok {
			return exitUsage
		}
		if loadGraph(env, file, validateFlags.vars.args) == nil {
			return exitFail
		}
		fmt.Fprintf(env.Stdout, "%s: valid\n", file)
		return exitOK
	}
}
