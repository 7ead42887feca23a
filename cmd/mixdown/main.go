// Command mixdown renders mix files: a mix described in HCL, compiled to a
// DSP graph and rendered deterministically.
//
// Each subcommand is a plain Command value, as in cmd/go; main only picks
// one and runs it. Exit codes: 0 success, 1 diagnostics or a failed
// render, 2 a usage error, 3 "differs" (fmt -check, render -check, diff).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mixdown/mixdown/lang"
)

// Command is one mixdown subcommand.
type Command struct {
	Name      string
	UsageLine string // e.g. "render FILE [-var NAME=VALUE]..."
	Short     string // one line for the command list
	Long      string // the help text
	// Flags declares the command's flags on fs.
	Flags func(fs *flag.FlagSet)
	// Run runs the command with the positional arguments and returns the
	// exit code.
	Run func(env *Env, args []string) int
}

// Env is what a command runs with: its streams and context.
type Env struct {
	Ctx    context.Context
	Stdout io.Writer
	Stderr io.Writer
}

// Exit codes.
const (
	exitOK   = 0
	exitFail = 1 // diagnostics, or a failed render
	// exitChanges: a check found a difference (fmt -check: a file is not
	// formatted; render -check: the lock does not match; diff: the mixes
	// differ in meaning).
	exitChanges = 3
	exitUsage   = 2
)

// commands lists every subcommand. Each command's file registers it in
// its init; files initialise in name order, so the list is alphabetical.
var commands []*Command

func register(c *Command) { commands = append(commands, c) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &Env{Ctx: ctx, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				fmt.Fprintf(stdout, "usage: mixdown %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
				return exitOK
			}
		}
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "mixdown: unknown command %q\nRun 'mixdown help' for usage.\n", args[0])
		return exitUsage
	}
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mixdown %s\n", c.UsageLine)
		fs.PrintDefaults()
	}
	// Commands that load a mix register the safety flags; the others must
	// not inherit an earlier in-process run's.
	safety = safetyFlags{limits: lang.DefaultLimits()}
	if c.Flags != nil {
		c.Flags(fs)
	}
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	return c.Run(env, pos)
}

func lookup(name string) *Command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "mixdown renders mixes written as code.\n\nUsage:\n\n\tmixdown <command> [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.Name, c.Short)
	}
	fmt.Fprintf(w, "\nRun 'mixdown help <command>' for a command's details.\n")
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, as people type them either way. Everything after
// "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
