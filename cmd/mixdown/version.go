package main

import (
	"fmt"
	"runtime"
)

// Version is mixdown's version. Render locks record it.
const Version = "0.1.0-dev"

var cmdVersion = &Command{
	Name:      "version",
	UsageLine: "version",
	Short:     "print mixdown's version",
	Long:      "Version prints mixdown's version and the Go version it was built with.",
	Run: func(env *Env, args []string) int {
		fmt.Fprintf(env.Stdout, "mixdown %s (%s %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	},
}

func init() { register(cmdVersion) }
