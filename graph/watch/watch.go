package watch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
	"github.com/mixdown/mixdown/lang/mixdiff"
)

// DefaultDebounce is how long the watcher waits after the last change
// before it renders: editors write a file in several steps.
const DefaultDebounce = 150 * time.Millisecond

// Config says what to watch and how to render it.
type Config struct {
	// File is the mix file, or a folder of *.mix.hcl files.
	File string
	// Load are the options the mix is loaded with (variables, limits).
	Load lang.Options
	// Render are the render's options; Cache and Stats are the watcher's.
	Render graph.Options
	// Cache keeps rendered nodes between renders; nil means a new
	// in-memory cache of graph.DefaultCacheBytes.
	Cache *graph.Cache
	// Debounce is the quiet time after a change before rendering; 0
	// means DefaultDebounce.
	Debounce time.Duration
	// Prepare, when set, may adjust a compiled graph before it renders
	// (the CLI's -out-suffix). An error rejects the attempt.
	Prepare func(*graph.Graph) error
	// Observe receives every event, in order, on the watcher's goroutine.
	Observe func(Event)
}

// Run renders the mix, then again after every change to a file it reads,
// until ctx is done. A change while a render runs cancels that render and
// starts over. A broken edit is reported and leaves the last good outputs
// as they are. Run returns nil when ctx ends it, and an error only when
// watching itself fails.
func Run(ctx context.Context, cfg Config) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer fw.Close()
	if cfg.Cache == nil {
		cfg.Cache = graph.NewCache(graph.DefaultCacheBytes)
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = DefaultDebounce
	}
	w := &watcher{cfg: cfg, fw: fw, dirs: map[string]bool{}, files: map[string]bool{}}
	if fi, err := os.Stat(cfg.File); err == nil && fi.IsDir() {
		if abs, err := filepath.Abs(cfg.File); err == nil {
			w.dir = filepath.Clean(abs)
		}
	}
	return w.loop(ctx)
}

type watcher struct {
	cfg   Config
	fw    *fsnotify.Watcher
	dirs  map[string]bool // watched folders
	files map[string]bool // the files that trigger a render (clean absolute paths)
	// pending are missing folders on the way to files the mix names.
	pending map[string]bool
	dir     string // the mix's folder, when the mix is a folder
	seq     int

	// The last good render, to report what changed.
	prevMix  *lang.Mix
	prevKeys map[string]graph.Key
	prevLoud map[string][2]float64 // by output name: LUFS, dBTP
	// lastOutputs are the last good render's outputs. Only the watch
	// goroutine writes these fields; an attempt reads them while none is
	// written (attempts and reports never overlap).
	lastOutputs []Output
}

type result struct {
	ev    *Event // nil when the attempt was cancelled
	files []string
	mix   *lang.Mix
	keys  []graph.NodeKey
}

func (w *watcher) loop(ctx context.Context) error {
	var (
		cancel  context.CancelFunc
		done    chan result
		pending = true // a change has not been rendered yet
		quiet   = true // the debounce time has passed since the last change
		timer   = time.NewTimer(0)
	)
	defer timer.Stop()
	start := func() {
		var rctx context.Context
		rctx, cancel = context.WithCancel(ctx)
		done = make(chan result, 1)
		go func(ch chan result) { ch <- w.attempt(rctx) }(done)
		pending = false
	}
	for {
		select {
		case <-ctx.Done():
			if cancel != nil {
				cancel()
				<-done // the render removes its temp files before it returns
			}
			return nil
		case ev, ok := <-w.fw.Events:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			if !w.relevant(ev) {
				continue
			}
			pending, quiet = true, false
			if cancel != nil {
				cancel() // a newer edit supersedes the render in flight
			}
			timer.Reset(w.cfg.Debounce)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			return fmt.Errorf("watch: %w", err)
		case <-timer.C:
			quiet = true
			if pending && done == nil {
				start()
			}
		case r := <-done:
			done, cancel = nil, nil
			w.follow(r.files)
			if r.ev != nil {
				w.report(r)
			}
			if pending && quiet {
				start()
			}
		}
	}
}

// relevant reports whether an event touches a file the mix reads. Editors
// save by writing a temp file and renaming it over the original, so the
// folders are watched and the names filtered.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	if w.files[name] {
		return true
	}
	// A folder appearing on the way to a file the mix names but which
	// does not exist yet (a track pointed at later/pad.wav before later/
	// exists): try again, and follow the file into its new folder.
	if w.pending[name] {
		return true
	}
	// A mix that is a folder takes every *.mix.hcl in it, new ones too.
	return w.dir != "" && filepath.Dir(name) == w.dir && strings.HasSuffix(name, ".mix.hcl")
}

// follow makes the watched set the files of the last attempt.
func (w *watcher) follow(files []string) {
	if files == nil {
		return // the attempt was cancelled before it knew its files
	}
	want := map[string]bool{}
	w.files = map[string]bool{}
	w.pending = map[string]bool{}
	for _, f := range files {
		w.files[f] = true
		dir := filepath.Dir(f)
		// Watch the nearest folder that exists; remember the missing
		// folders below it, whose creation is worth an attempt.
		for {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			w.pending[dir] = true
			dir = parent
		}
		want[dir] = true
	}
	for d := range w.dirs {
		if !want[d] {
			w.fw.Remove(d)
			delete(w.dirs, d)
		}
	}
	if w.dir != "" {
		want[w.dir] = true
	}
	for d := range want {
		if !w.dirs[d] {
			// A folder that does not exist yet (a source's, before it is
			// created) cannot be watched; its parent is, when it exists.
			if err := w.fw.Add(d); err == nil {
				w.dirs[d] = true
			}
		}
	}
}

// attempt loads, compiles and renders the mix once.
func (w *watcher) attempt(ctx context.Context) result {
	begin := time.Now()
	p := lang.NewParser()
	var m *lang.Mix
	var diags hcl.Diagnostics
	if fi, err := os.Stat(w.cfg.File); err == nil && fi.IsDir() {
		m, diags = p.LoadDir(w.cfg.File, w.cfg.Load)
	} else {
		m, diags = p.LoadMix(w.cfg.File, w.cfg.Load)
	}
	files := inputFiles(w.cfg, p, m)
	rejected := func(diags hcl.Diagnostics) result {
		ev := &Event{Diagnostics: toDiagnostics(diags, m)}
		var b strings.Builder
		lang.WriteDiagnostics(&b, p.Files(), diags)
		ev.DiagnosticsText = b.String()
		ev.Duration = time.Since(begin)
		return result{ev: ev, files: files}
	}
	var g *graph.Graph
	if m != nil && !diags.HasErrors() {
		var more hcl.Diagnostics
		g, more = graph.Build(m)
		diags = append(diags, more...)
	}
	if diags.HasErrors() {
		return rejected(diags)
	}
	if w.cfg.Prepare != nil {
		if err := w.cfg.Prepare(g); err != nil {
			return rejected(errDiag(err))
		}
	}
	// An edit that changes no node or output (a comment, the layout, a
	// value written another way) leaves the outputs as they are, when they
	// are still the files the last render wrote.
	if keys, err := graph.Keys(g, w.cfg.Cache); err == nil && w.unchanged(keys) {
		ev := &Event{OK: true, Cached: 1, Outputs: append([]Output(nil), w.lastOutputs...)}
		for i := range ev.Outputs {
			ev.Outputs[i].DeltaLUFS, ev.Outputs[i].DeltaPeakDB = nil, nil
		}
		ev.Duration = time.Since(begin)
		return result{ev: ev, files: files, mix: m, keys: keys}
	}
	opts := w.cfg.Render
	var st graph.Stats
	opts.Stats = &st
	opts.Cache = w.cfg.Cache
	res, err := graph.Render(ctx, g, opts)
	if ctx.Err() != nil {
		return result{files: files} // superseded or stopped: no event
	}
	if err != nil {
		return rejected(errDiag(err))
	}
	ev := &Event{OK: true, Duration: time.Since(begin)}
	if st.NodeFrames > 0 {
		ev.Cached = float64(st.CachedFrames) / float64(st.NodeFrames)
	}
	for _, r := range res {
		ev.Outputs = append(ev.Outputs, output(g, r))
	}
	for _, r := range res {
		for _, msg := range r.Warnings {
			ev.Diagnostics = append(ev.Diagnostics, Diagnostic{Severity: "warning", Summary: msg})
			ev.DiagnosticsText += "Warning: " + msg + "\n"
		}
	}
	ev.Duration = time.Since(begin)
	return result{ev: ev, files: files, mix: m, keys: st.Keys}
}

// unchanged reports whether keys are the last good render's, node for node
// and output for output, and every output on disk is still the file it
// wrote.
func (w *watcher) unchanged(keys []graph.NodeKey) bool {
	if w.prevKeys == nil || len(keys) != len(w.prevKeys) {
		return false
	}
	for _, k := range keys {
		if old, ok := w.prevKeys[k.Address]; !ok || old != k.Key {
			return false
		}
	}
	for _, o := range w.lastOutputs {
		if sum, err := graph.FileSHA256(o.Path); err != nil || sum != o.SHA256 {
			return false
		}
	}
	return true
}

// report finishes an event with what changed since the last good render,
// and hands it on.
func (w *watcher) report(r result) {
	w.seq++
	ev := r.ev
	ev.Seq = w.seq
	if ev.OK {
		keys := map[string]graph.Key{}
		for _, k := range r.keys {
			keys[k.Address] = k.Key
			if old, ok := w.prevKeys[k.Address]; !ok || old != k.Key {
				ev.Changed = append(ev.Changed, k.Address)
			}
		}
		if w.prevMix != nil {
			for _, c := range mixdiff.Diff(w.prevMix, r.mix) {
				ev.Changes = append(ev.Changes, c.String())
			}
		}
		loud := map[string][2]float64{}
		for i := range ev.Outputs {
			o := &ev.Outputs[i]
			if prev, ok := w.prevLoud[o.Name]; ok {
				if d := o.LUFS - prev[0]; !math.IsNaN(d) && !math.IsInf(d, 0) {
					o.DeltaLUFS = &d
				}
				if d := o.TruePeakDB - prev[1]; !math.IsNaN(d) && !math.IsInf(d, 0) {
					o.DeltaPeakDB = &d
				}
			}
			loud[o.Name] = [2]float64{o.LUFS, o.TruePeakDB}
		}
		w.prevMix, w.prevKeys, w.prevLoud = r.mix, keys, loud
		w.lastOutputs = append([]Output(nil), ev.Outputs...)
	}
	if w.cfg.Observe != nil {
		w.cfg.Observe(*ev)
	}
}

func output(g *graph.Graph, r graph.OutputResult) Output {
	o := Output{
		Path:       r.Path,
		LUFS:       r.Loudness.IntegratedLUFS,
		TruePeakDB: r.Loudness.TruePeakDBTP,
		LRA:        r.Loudness.LoudnessRangeLU,
		ShortTerm:  r.Loudness.ShortTerm,
		SamplePeak: r.PeakDBFS,
		Seconds:    r.Seconds,
		SHA256:     r.SHA256,
	}
	for _, gout := range g.Outputs {
		if gout.Address != r.Address {
			continue
		}
		o.Name = gout.Model.Name
		o.File = gout.Model.File
		o.SampleRate = gout.Model.SampleRate
		if t := gout.Model.EffectiveTarget(g.Mix); t != nil {
			if t.HasLoudness {
				v := t.LoudnessLUFS
				o.TargetLUFS = &v
			}
			v := t.TruePeakDBTP
			o.TargetPeak = &v
		}
	}
	return o
}

// inputFiles lists every file the attempt read or would read: the mix
// files, the var files, and every source and impulse response the model
// names (found by field name, so new kinds of file references are
// covered: any string field named SourcePath or Path under a track, bus or
// the master).
func inputFiles(cfg Config, p *lang.Parser, m *lang.Mix) []string {
	set := map[string]bool{}
	add := func(f string) {
		if f == "" {
			return
		}
		if abs, err := filepath.Abs(f); err == nil {
			set[filepath.Clean(abs)] = true
		}
	}
	if fi, err := os.Stat(cfg.File); err != nil || !fi.IsDir() {
		add(cfg.File)
	}
	for name := range p.Files() {
		add(name)
	}
	for _, v := range cfg.Load.Vars {
		if v.File {
			add(v.Value)
		}
	}
	if m != nil {
		add(m.Filename)
		for _, inc := range m.Includes {
			add(inc)
		}
		for _, t := range m.Tracks {
			collectPaths(reflect.ValueOf(t), add)
		}
		for _, b := range m.Buses {
			collectPaths(reflect.ValueOf(b), add)
		}
		if m.Master != nil {
			collectPaths(reflect.ValueOf(m.Master), add)
		}
	}
	files := make([]string, 0, len(set))
	for f := range set {
		files = append(files, f)
	}
	sort.Strings(files)
	return files
}

func collectPaths(v reflect.Value, add func(string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectPaths(v.Elem(), add)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Type.Kind() == reflect.String && (f.Name == "SourcePath" || f.Name == "Path") {
				add(v.Field(i).String())
				continue
			}
			collectPaths(v.Field(i), add)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			collectPaths(v.Index(i), add)
		}
	}
}

func errDiag(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Render failed", Detail: err.Error()}}
}

func toDiagnostics(diags hcl.Diagnostics, m *lang.Mix) []Diagnostic {
	var out []Diagnostic
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		x := Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail}
		if d.Subject != nil {
			x.File = d.Subject.Filename
			if m != nil && m.Dir != "" {
				if rel, err := filepath.Rel(m.Dir, x.File); err == nil && !strings.HasPrefix(rel, "..") {
					x.File = filepath.ToSlash(rel)
				}
			}
			x.Line, x.Column = d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, x)
	}
	return out
}
