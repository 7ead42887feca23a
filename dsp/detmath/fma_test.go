package detmath

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var fmaPkgs = flag.String("detmath.fmapkgs", "", "extra packages (go list patterns, comma-separated) for TestNoFusedMultiplyAdd to scan")

// fmaTargets are the ports on which Go may fuse x*y + z into one
// instruction: arm64, ppc64le, s390x, riscv64 and loong64 always, amd64
// from GOAMD64=v3 on.
var fmaTargets = [][]string{
	{"GOARCH=arm64"},
	{"GOARCH=amd64", "GOAMD64=v3"},
	{"GOARCH=ppc64le"},
	{"GOARCH=s390x"},
	{"GOARCH=riscv64"},
	{"GOARCH=loong64"},
}

// fmaOp matches the fused multiply-add mnemonics of those ports (FMADDD,
// FMSUBD, FNMSUBD, VFMADD231SD, FMADD, ...).
var fmaOp = regexp.MustCompile(`\bV?FN?M(ADD|SUB)[A-Z0-9]*\b`)

// TestNoFusedMultiplyAdd compiles this package for every port that has
// fused multiply-add and fails if the compiler emitted one: that would
// mean a product somewhere is not rounded explicitly, and the result bits
// would differ from amd64. A control package with a plain x*y + z must
// show the instruction on every port, so the check cannot pass vacuously.
// Other packages can be scanned with -detmath.fmapkgs=./dsp/eq,./dsp/biquad.
// Skipped with -short (it runs the go command; about a second when cached).
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command for six ports")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	ctl := t.TempDir()
	for name, body := range map[string]string{
		"go.mod": "module fmacontrol\n\ngo 1.21\n",
		"f.go":   "package fmacontrol\n\nfunc F(x, y, z float64) float64 { return x*y + z }\n",
	} {
		if err := os.WriteFile(filepath.Join(ctl, name), []byte(body), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	pkgs := []string{"."}
	if *fmaPkgs != "" {
		pkgs = append(pkgs, strings.Split(*fmaPkgs, ",")...)
	}
	asm := func(dir string, env []string, pkgs ...string) string {
		args := []string{"build"}
		for _, p := range pkgs { // -S for the listed packages only, not their dependencies
			args = append(args, "-gcflags="+p+"=-S")
		}
		cmd := exec.Command(goCmd, append(args, pkgs...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"CGO_ENABLED=0", "GOFLAGS=", "GOAMD64=v1"}, env...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v go build: %v\n%s", env, err, out)
		}
		return string(out)
	}
	for _, env := range fmaTargets {
		if !fmaOp.MatchString(asm(ctl, env, ".")) {
			t.Errorf("%v: control x*y + z compiled without a fused instruction; the scan is not working", env)
			continue
		}
		out := asm(".", env, pkgs...)
		if !strings.Contains(out, "TEXT") {
			t.Fatalf("%v: no assembly listing in the build output", env)
		}
		for _, line := range strings.Split(out, "\n") {
			if fmaOp.MatchString(line) {
				t.Errorf("%v: fused multiply-add: %s", env, strings.TrimSpace(line))
			}
		}
	}
}
