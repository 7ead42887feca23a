package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mixdown/mixdown/dsp/audiofile"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mixdown": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script: each is a txtar
// archive of files and commands, as cmd/go tests itself.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkwav":    cmdMkwav,
			"truncate": cmdTruncate,
		},
	})
}

// mkwav FILE RATE CHANNELS FRAMES [BITS] writes a 440 Hz sine at -6 dBFS.
func cmdMkwav(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: mkwav FILE RATE CHANNELS FRAMES [BITS]")
	}
	rate, _ := strconv.Atoi(args[1])
	chans, _ := strconv.Atoi(args[2])
	frames, _ := strconv.Atoi(args[3])
	enc := audiofile.Encoding{BitDepth: 16}
	if len(args) > 4 {
		if args[4] == "float" {
			enc = audiofile.Encoding{BitDepth: 32, Float: true}
		} else {
			enc.BitDepth, _ = strconv.Atoi(args[4])
		}
	}
	buf := make([][]float64, chans)
	for ch := range buf {
		buf[ch] = make([]float64, frames)
		for i := range buf[ch] {
			buf[ch][i] = 0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(rate))
		}
	}
	ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755))
	w, err := audiofile.Create(ts.MkAbs(args[0]), rate, chans, enc)
	ts.Check(err)
	ts.Check(w.Write(buf))
	ts.Check(w.Commit())
}

// truncate FILE cuts a file to half its size, as a crash mid-copy would.
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: truncate FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(os.Truncate(ts.MkAbs(args[0]), fi.Size()/2))
}
