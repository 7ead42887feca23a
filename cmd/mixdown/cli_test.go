package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"version"}, exitOK, ""},
		{[]string{}, exitUsage, ""},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"render"}, exitUsage, "usage: mixdown render"},
		{[]string{"render", "a", "b"}, exitUsage, "usage: mixdown render"},
		{[]string{"render", "-nosuchflag", "x"}, exitUsage, "flag provided but not defined"},
		{[]string{"render", "does-not-exist.mix.hcl"}, exitFail, "does-not-exist.mix.hcl"},
		{[]string{"validate", "does-not-exist.mix.hcl"}, exitFail, "does-not-exist.mix.hcl"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, &out, &errOut)
		if code != c.code {
			t.Errorf("mixdown %v: exit %d, want %d (stderr %q)", c.args, code, c.code, errOut.String())
		}
		if !strings.Contains(errOut.String(), c.stderr) {
			t.Errorf("mixdown %v: stderr %q does not contain %q", c.args, errOut.String(), c.stderr)
		}
		if strings.Contains(errOut.String(), "panic:") {
			t.Errorf("mixdown %v panicked: %s", c.args, errOut.String())
		}
	}
}

func TestParseInterleaved(t *testing.T) {
	var vars varFlags
	for _, args := range [][]string{
		{"-var", "a=1", "FILE", "-var", "b=2"},
		{"FILE", "-var", "a=1", "-var=b=2"},
		{"-var", "a=1", "-var", "b=2", "--", "FILE"},
	} {
		vars = varFlags{}
		fs := newTestFlagSet(&vars)
		pos, err := parseInterleaved(fs, args)
		if err != nil || len(pos) != 1 || pos[0] != "FILE" {
			t.Errorf("%v: positional %v, err %v", args, pos, err)
		}
		if len(vars.args) != 2 || vars.args[0].Value != "a=1" || vars.args[1].Value != "b=2" {
			t.Errorf("%v: vars %v, want a=1 then b=2", args, vars.args)
		}
	}
}

func newTestFlagSet(v *varFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	v.register(fs)
	return fs
}
