package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mixdown/mixdown/graph"
)

var cmdRender = &Command{
	Name:      "render",
	UsageLine: "render [-check] [-cache] FILE [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "render a mix to its output files",
	Long: `
Render loads the mix FILE, compiles it and writes every output it declares.

Outputs are written to a temporary file beside their destination and renamed
into place only when the whole render has succeeded, so a failed or
interrupted render leaves earlier outputs untouched.

For each output, render prints one line: the path, the duration, the sample
peak in dBFS, the integrated loudness (LUFS) and true peak (dBTP), and the
SHA-256 of the file's bytes.

Render then writes the lock, FILE.lock.json beside the mix (song.mix.hcl
gets song.mix.hcl.lock.json): the mixdown version, the SHA-256 of every
source and impulse response, every variable's value, and each output's
file, SHA-256, integrated loudness and true peak. Commit it with the mix.

With -check, render proves the lock still holds: it renders into a
temporary folder (the outputs and the lock are not touched), compares the
result with the lock, and exits 3 with a report of every difference (which
source, variable or output, the old value and the new) when they differ,
or when there is no lock. Outputs present on disk must also be the files
the mix renders. A lock written by another mixdown version is noted, not
failed, when everything else matches. See docs/git.md.

With -cache, render keeps every node's rendered signal in .mixdown/cache/
beside the mix (up to -cache-disk, default 8GiB) and reads the nodes whose
inputs have not changed from it, as watch does: the files written are the
same bytes. Add .mixdown/ to .gitignore.

Flags may come before or after FILE.
`,
}

var renderFlags struct {
	vars      varFlags
	blockSize int
	check     bool
	outSuffix string
	cache     cacheFlags
}

func init() {
	register(cmdRender)
	cmdRender.Flags = func(fs *flag.FlagSet) {
		renderFlags.vars = varFlags{}
		renderFlags.vars.register(fs)
		registerSafetyFlags(fs)
		fs.IntVar(&renderFlags.blockSize, "block-size", 0, "internal block size in frames (output does not depend on it; for testing)")
		renderFlags.check = false
		fs.BoolVar(&renderFlags.check, "check", false, "render to a temporary folder and compare with FILE.lock.json; exit 3 if they differ")
		renderFlags.outSuffix = ""
		renderFlags.cache.register(fs, 0)
		fs.StringVar(&renderFlags.outSuffix, "out-suffix", "", "insert `SUFFIX` before the extension of every output file (and the lock's name), for variants: -var instrumental=true -out-suffix=-instrumental")
	}
	cmdRender.Run = runRender
}

func runRender(env *Env, args []string) int {
	file, ok := oneFile(env, cmdRender, args)
	if !ok {
		return exitUsage
	}
	g := loadGraph(env, file, renderFlags.vars.args)
	if g == nil {
		return exitFail
	}
	if err := applyOutSuffix(g, renderFlags.outSuffix); err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return exitFail
	}
	lockFile := lockPath(file)
	if renderFlags.outSuffix != "" {
		lockFile = file + renderFlags.outSuffix + ".lock.json"
	}
	opts := graph.Options{BlockSize: renderFlags.blockSize}
	if renderFlags.check {
		// -check proves the lock by rendering everything: no cache.
		return renderCheck(env, file, lockFile, g, opts)
	}
	opts.Cache = renderFlags.cache.build(file)
	lock, results, err := renderLocked(env.Ctx, g, opts)
	if he := (*hashError)(nil); errors.As(err, &he) {
		if results != nil {
			fmt.Fprintf(env.Stderr, "Error: the outputs are written, but not the lock: %s\n", trimPathError(err))
		} else {
			fmt.Fprintf(env.Stderr, "Error: %s\n", trimPathError(err))
		}
		return exitFail
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.Stderr, "Render interrupted: no output was written, and earlier outputs are untouched.\n")
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: render failed\n\n%s\n", err)
		return exitFail
	}
	for _, r := range results {
		target := ""
		if t := r.Target; t != nil {
			target = fmt.Sprintf("  gain %+.2f dB", t.GainDB)
			if t.Target.HasLoudness {
				target += fmt.Sprintf("  limiting %.1f dB", t.LimitingDB)
			}
		}
		fmt.Fprintf(env.Stdout, "%s  %s  peak %s dBFS  %s LUFS  %s dBTP%s  sha256 %s\n",
			displayPath(r.Path), formatDuration(r.Seconds), formatDB(r.PeakDBFS),
			formatLevel(r.Loudness.IntegratedLUFS), formatLevel(r.Loudness.TruePeakDBTP), target, r.SHA256)
		for _, w := range r.Warnings {
			fmt.Fprintf(env.Stderr, "Warning: %s\n", w)
		}
		if r.Clipped > 0 {
			fmt.Fprintf(env.Stderr, "Warning: %s clipped %d samples at full scale; lower the master or add a limiter.\n",
				displayPath(r.Path), r.Clipped)
		}
	}
	lock.addOutputs(g, results)
	if err := writeLock(lockFile, lock); err != nil {
		fmt.Fprintf(env.Stderr, "Error: the outputs are written, but not the lock: %s\n", err)
		return exitFail
	}
	return exitOK
}

// displayPath shows a path relative to the working directory when it is
// below it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, p)
	if err != nil || len(rel) >= 2 && rel[:2] == ".." {
		return p
	}
	return filepath.ToSlash(rel)
}

// formatDuration prints seconds as m:ss.mmm.
func formatDuration(s float64) string {
	ms := int64(math.Round(s * 1000))
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

func formatDB(db float64) string {
	if math.IsInf(db, -1) {
		return "-inf"
	}
	return fmt.Sprintf("%.2f", db)
}

// applyOutSuffix inserts suffix before the extension of every output's
// file: out/song.wav becomes out/song-instrumental.wav. A variant (an
// instrumental, a TV mix) is the same mix with other variables, written
// beside the main outputs.
func applyOutSuffix(g *graph.Graph, suffix string) error {
	if suffix == "" {
		return nil
	}
	if strings.ContainsAny(suffix, `/\`) || suffix == "." || suffix == ".." {
		return fmt.Errorf("-out-suffix %q must not contain a path separator", suffix)
	}
	sources := map[string]bool{}
	for _, t := range g.Tracks {
		for _, f := range t.Files() {
			sources[f] = true
		}
	}
	for _, o := range g.Outputs {
		ext := filepath.Ext(o.Path)
		o.Path = strings.TrimSuffix(o.Path, ext) + suffix + ext
		o.Model.FilePath = o.Path
		fext := path.Ext(o.Model.File)
		o.Model.File = strings.TrimSuffix(o.Model.File, fext) + suffix + fext
		if sources[o.Path] {
			return fmt.Errorf("with -out-suffix %q, %s would write over a source of the mix", suffix, o.Model.File)
		}
	}
	return nil
}
