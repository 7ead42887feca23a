package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/graph/watch"
	"github.com/mixdown/mixdown/graph/watch/preview"
)

var cmdWatch = &Command{
	Name:      "watch",
	UsageLine: "watch [-serve ADDR] [-cache] [-cache-mem SIZE] FILE [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "render a mix again whenever one of its files changes",
	Long: `
Watch renders the mix FILE, then renders it again every time the mix file,
a var file, a source or an impulse response changes, until interrupted
(Ctrl-C). Every render is the render 'mixdown render' makes, bit for bit.

Only what an edit touched is rendered again: every node's signal is kept
under a key of everything it depends on, and a node whose key has not
changed is read instead of rendered. Changing one track's EQ renders that
track, the buses it feeds and the master; the other tracks come from the
cache. The cache lives in memory, up to -cache-mem (default 2GiB); with
-cache it is also kept on disk in .mixdown/cache/ beside the mix, up to
-cache-disk (default 8GiB), where 'mixdown render -cache' finds it too.

An edit that does not load (a syntax error, an unknown bus, a missing
file) prints its diagnostics and leaves the last good outputs as they are;
fixing it renders again. A change made while a render runs cancels that
render and starts over.

Each render prints one line: its number, how long it took and how much
came from the cache, the node addresses whose key changed, and, after "|",
each output's integrated loudness and true peak with the change since the
previous render:

	render 2  0.41s  78% cached  changed track.vocals, bus.verb, master | out/song.wav -14.0 LUFS (+0.6) -1.0 dBTP (+0.2)

With -serve ADDR, watch also serves a live preview page on ADDR (loopback
unless a host is given): the latest render, A/B against the previous one,
meters, what changed and diagnostics (docs/preview.md).

Watch does not write the lock (FILE.lock.json): run 'mixdown render' before
committing. Flags may come before or after FILE.
`,
}

var watchFlags struct {
	vars      varFlags
	blockSize int
	outSuffix string
	cache     cacheFlags
	debounce  time.Duration
	serve     string
}

// cacheFlags are the render cache's flags, shared by render and watch.
type cacheFlags struct {
	disk     bool
	memBytes int64
	dirBytes int64
}

func (c *cacheFlags) register(fs *flag.FlagSet, memDefault int64) {
	*c = cacheFlags{memBytes: memDefault, dirBytes: graph.DefaultCacheDirBytes}
	fs.BoolVar(&c.disk, "cache", false, "keep rendered nodes on disk in .mixdown/cache/ beside the mix, and use them")
	fs.Var(byteSize{&c.memBytes}, "cache-mem", "keep at most `SIZE` of rendered nodes in memory (e.g. 512MiB, 4GiB; 0 for none)")
	fs.Var(byteSize{&c.dirBytes}, "cache-disk", "keep at most `SIZE` in .mixdown/cache/ (with -cache)")
}

// build returns the cache the flags ask for, for the mix at file (a file
// or a folder), or nil for none.
func (c *cacheFlags) build(file string) *graph.Cache {
	if !c.disk && c.memBytes == 0 {
		return nil
	}
	cache := graph.NewCache(c.memBytes)
	if c.disk {
		dir := filepath.Dir(file)
		if isDir(file) {
			dir = file
		}
		cache.Dir = filepath.Join(dir, ".mixdown", "cache")
		cache.DirMaxBytes = c.dirBytes
	}
	return cache
}

func init() {
	register(cmdWatch)
	cmdWatch.Flags = func(fs *flag.FlagSet) {
		watchFlags.vars = varFlags{}
		watchFlags.vars.register(fs)
		registerSafetyFlags(fs)
		watchFlags.cache.register(fs, graph.DefaultCacheBytes)
		fs.IntVar(&watchFlags.blockSize, "block-size", 0, "internal block size in frames (output does not depend on it; for testing)")
		watchFlags.outSuffix = ""
		fs.StringVar(&watchFlags.outSuffix, "out-suffix", "", "insert `SUFFIX` before the extension of every output file, as render does")
		fs.DurationVar(&watchFlags.debounce, "debounce", watch.DefaultDebounce, "wait `DURATION` after the last change before rendering")
		watchFlags.serve = ""
		fs.StringVar(&watchFlags.serve, "serve", "", "also serve the live preview page on `ADDR` (host:port; an empty host is 127.0.0.1): docs/preview.md")
	}
	cmdWatch.Run = runWatch
}

func runWatch(env *Env, args []string) int {
	file, ok := oneFile(env, cmdWatch, args)
	if !ok {
		return exitUsage
	}
	cache := watchFlags.cache.build(file)
	if cache == nil {
		cache = graph.NewCache(0) // -cache-mem 0: record nothing, read nothing
	}
	cfg := watch.Config{
		File:     file,
		Load:     loadOptions(watchFlags.vars.args),
		Render:   graph.Options{BlockSize: watchFlags.blockSize},
		Cache:    cache,
		Debounce: watchFlags.debounce,
		Prepare: func(g *graph.Graph) error {
			return applyOutSuffix(g, watchFlags.outSuffix)
		},
		Observe: func(ev watch.Event) { printEvent(env.Stdout, env.Stderr, ev) },
	}
	ctx, cancel := context.WithCancel(env.Ctx)
	defer cancel()
	var served chan error
	if watchFlags.serve != "" {
		root := filepath.Dir(file)
		if isDir(file) {
			root = file
		}
		root, err := filepath.Abs(root)
		if err != nil {
			fmt.Fprintf(env.Stderr, "Error: %s\n", err)
			return exitFail
		}
		srv := preview.New(preview.Config{Root: root, Title: filepath.Base(file),
			Logf: func(format string, a ...any) { fmt.Fprintf(env.Stderr, format+"\n", a...) }})
		defer srv.Close()
		observe := cfg.Observe
		cfg.Observe = func(ev watch.Event) {
			observe(ev)
			srv.Publish(ev)
		}
		ready := make(chan net.Addr, 1)
		served = make(chan error, 1)
		go func() {
			served <- srv.Serve(ctx, watchFlags.serve, func(a net.Addr) { ready <- a })
		}()
		select {
		case a := <-ready:
			fmt.Fprintf(env.Stderr, "Preview on http://%s/\n", browsable(a))
		case err := <-served:
			fmt.Fprintf(env.Stderr, "Error: %s\n", err)
			return exitFail
		}
	}
	fmt.Fprintf(env.Stderr, "Watching %s (Ctrl-C to stop)\n", file)
	err := watch.Run(ctx, cfg)
	cancel()
	if served != nil {
		if serr := <-served; serr != nil && err == nil {
			err = serr
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return exitFail
	}
	fmt.Fprintf(env.Stderr, "Stopped. The outputs are those of the last good render.\n")
	return exitOK
}

// printEvent writes one line per render to stdout (its outputs on the same
// line, after "|"), and a rejected edit's diagnostics to stderr.
func printEvent(stdout, stderr io.Writer, ev watch.Event) {
	if !ev.OK {
		io.WriteString(stderr, ev.DiagnosticsText)
		n := 0
		for _, d := range ev.Diagnostics {
			if d.Severity == "error" {
				n++
			}
		}
		fmt.Fprintf(stdout, "render %d  failed: %d error%s; the last good outputs are kept\n", ev.Seq, n, plural(n))
		return
	}
	changed := "first render"
	if ev.Seq > 1 || len(ev.Changes) > 0 {
		changed = "changed " + listAddresses(ev.Changed)
	}
	line := fmt.Sprintf("render %d  %.2fs  %.0f%% cached  %s", ev.Seq, ev.Duration.Seconds(), 100*ev.Cached, changed)
	for _, o := range ev.Outputs {
		line += fmt.Sprintf(" | %s %s LUFS%s %s dBTP%s", displayPath(o.Path),
			formatLevel(o.LUFS), formatDelta(o.DeltaLUFS), formatLevel(o.TruePeakDB), formatDelta(o.DeltaPeakDB))
	}
	fmt.Fprintln(stdout, line)
	if ev.DiagnosticsText != "" {
		io.WriteString(stderr, ev.DiagnosticsText)
	}
}

// listAddresses shows up to six addresses, then a count.
func listAddresses(a []string) string {
	if len(a) == 0 {
		return "nothing (the outputs are the same)"
	}
	if len(a) <= 6 {
		return strings.Join(a, ", ")
	}
	return strings.Join(a[:5], ", ") + fmt.Sprintf(" and %d more", len(a)-5)
}

func formatDelta(d *float64) string {
	if d == nil || math.IsNaN(*d) || math.IsInf(*d, 0) {
		return ""
	}
	v := math.Round(*d*10) / 10
	if v == 0 {
		v = 0 // no "-0.0"
	}
	return fmt.Sprintf(" (%+.1f)", v)
}

// byteSize is a flag value in bytes that takes units: 512MiB, 2GiB, 1G.
type byteSize struct{ p *int64 }

func (b byteSize) String() string {
	if b.p == nil {
		return ""
	}
	return strconv.FormatInt(*b.p, 10)
}

func (b byteSize) Set(s string) error {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || !(x >= 0) || math.IsInf(x, 0) || x*float64(mult) > math.MaxInt64/2 {
		return fmt.Errorf("want a size such as 512MiB or 2GiB")
	}
	*b.p = int64(x * float64(mult))
	return nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// browsable is the address to open for a server listening on a: an
// unspecified address (0.0.0.0, ::) listens on loopback too, and a browser
// on this machine opens that.
func browsable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}
