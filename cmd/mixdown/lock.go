package main

// The render lock: FILE.lock.json beside the mix records what a render
// read and what it wrote, so that CI can prove (render -check) that the
// committed masters are what the mix says. See docs/git.md.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/graph/digest"
)

// Lock is the content of a lock file. Every map marshals in key order, so
// the file is the same for the same render.
type Lock struct {
	MixdownVersion string `json:"mixdown_version"`
	// Sources and ImpulseResponses map each file, by its path as written
	// in the mix, to the SHA-256 of its bytes.
	Sources          map[string]string `json:"sources"`
	ImpulseResponses map[string]string `json:"impulse_responses"`
	// Variables holds every variable's final value, as JSON.
	Variables map[string]json.RawMessage `json:"variables"`
	// Outputs are by output name.
	Outputs map[string]LockOutput `json:"outputs"`
}

// LockOutput is one rendered output.
type LockOutput struct {
	File   string `json:"file"` // as written in the mix
	SHA256 string `json:"sha256"`
	// Loudness and true peak to two decimals; null for a silent file.
	IntegratedLUFS *centi `json:"integrated_lufs"`
	TruePeakDBTP   *centi `json:"true_peak_dbtp"`
}

// centi is a level written with two decimals.
type centi float64

func (c centi) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

func (c centi) String() string {
	v := math.Round(float64(c)*100) / 100
	if v == 0 {
		v = 0 // no "-0.00"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func newCenti(v float64) *centi {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	c := centi(v)
	return &c
}

// renderLocked renders g while lockInputs hashes the files it reads on a
// goroutine of its own. Hashing every source is a pass over all of the
// song's audio (half a gigabyte for ten 3-minute stems), which used to run
// alone before the render; beside it, it costs the wall time of neither.
// Both read the same files at the same time, so the lock records what
// the render read just as when one ran after the other. A file that
// cannot be hashed cancels the render, so nothing is written, and is the
// error, as a *hashError, whatever the render did.
func renderLocked(ctx context.Context, g *graph.Graph, opts graph.Options) (*Lock, []graph.OutputResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type hashed struct {
		lock *Lock
		err  error
	}
	inputs := make(chan hashed, 1)
	go func() {
		l, err := lockInputs(ctx, g)
		if err != nil {
			cancel()
		}
		inputs <- hashed{l, err}
	}()
	results, err := graph.Render(ctx, g, opts)
	// The hashing runs to its end or its first failure even when the
	// render failed, as it did when it ran first: which error is reported
	// then does not depend on which goroutine got there first.
	in := <-inputs
	switch {
	case in.err != nil && !errors.Is(in.err, context.Canceled):
		return nil, results, &hashError{in.err}
	case err != nil:
		return nil, nil, err
	case in.err != nil:
		// Interrupted after the render, before the hashes: the
		// outputs are written, the lock cannot be.
		return nil, results, &hashError{in.err}
	}
	return in.lock, results, nil
}

// hashError is a file renderLocked could not hash.
type hashError struct{ err error }

func (e *hashError) Error() string { return e.err.Error() }
func (e *hashError) Unwrap() error { return e.err }

// lockPath is where the lock of a mix file goes: the mix file's path with
// ".lock.json" appended (song.mix.hcl.lock.json).
func lockPath(mixFile string) string { return mixFile + ".lock.json" }

// lockInputs hashes every file the mix reads and records its variables.
// It stops between files once ctx is done.
func lockInputs(ctx context.Context, g *graph.Graph) (*Lock, error) {
	l := &Lock{
		MixdownVersion:   Version,
		Sources:          map[string]string{},
		ImpulseResponses: map[string]string{},
		Variables:        map[string]json.RawMessage{},
		Outputs:          map[string]LockOutput{},
	}
	for _, t := range g.Tracks {
		for _, c := range t.Model.Clips { // keyed as written: Files() has the paths only
			if _, done := l.Sources[c.Source]; done || c.SourcePath == "" {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			sum, err := hashFile(c.SourcePath)
			if err != nil {
				return nil, err
			}
			l.Sources[c.Source] = sum
		}
	}
	irs := func(effects []*graph.Effect) error {
		for _, fx := range effects {
			v := fx.Model.Get("ir")
			if v == nil || v.Path == "" {
				continue
			}
			if _, done := l.ImpulseResponses[v.Text]; done {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			sum, err := hashFile(v.Path)
			if err != nil {
				return err
			}
			l.ImpulseResponses[v.Text] = sum
		}
		return nil
	}
	for _, t := range g.Tracks {
		if err := irs(t.Effects); err != nil {
			return nil, err
		}
	}
	for _, b := range g.Buses {
		if err := irs(b.Effects); err != nil {
			return nil, err
		}
	}
	if err := irs(g.Master.Effects); err != nil {
		return nil, err
	}
	for _, v := range g.Mix.Variables {
		b, err := json.Marshal(ctyjson.SimpleJSONValue{Value: v.Value})
		if err != nil {
			return nil, fmt.Errorf("variable %q: %w", v.Name, err)
		}
		l.Variables[v.Name] = b
	}
	return l, nil
}

// addOutputs records the rendered outputs.
func (l *Lock) addOutputs(g *graph.Graph, results []graph.OutputResult) {
	for i, r := range results {
		o := g.Outputs[i].Model
		l.Outputs[o.Name] = LockOutput{
			File:           o.File,
			SHA256:         r.SHA256,
			IntegratedLUFS: newCenti(r.Loudness.IntegratedLUFS),
			TruePeakDBTP:   newCenti(r.Loudness.TruePeakDBTP),
		}
	}
}

// encode returns the lock file's bytes: indented JSON, keys in a fixed
// order, a final newline.
func (l *Lock) encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		panic(err) // strings, numbers and JSON already checked
	}
	return buf.Bytes()
}

func writeLock(path string, l *Lock) error {
	return audiofile.WriteFileAtomic(path, l.encode())
}

// readLock reads a lock file; it returns an error wrapping fs.ErrNotExist
// when there is none.
func readLock(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s is not a mixdown lock file: %w", path, err)
	}
	return &l, nil
}

// hashFile is a file's SHA-256 in hex, remembered across renders while
// the file is unchanged (graph/digest).
func hashFile(path string) (string, error) { return digest.File(path) }

// lockDiff lists how the lock "was" differs from "now", one line each, in
// a fixed order: sources, impulse responses, variables, outputs.
func lockDiff(was, now *Lock) []string {
	var out []string
	files := func(kind string, was, now map[string]string) {
		for _, k := range unionKeys(was, now) {
			a, inA := was[k]
			b, inB := now[k]
			switch {
			case !inA:
				out = append(out, fmt.Sprintf("%s %s: not in the lock, now read (sha256 %s)", kind, k, short(b)))
			case !inB:
				out = append(out, fmt.Sprintf("%s %s: in the lock (sha256 %s), no longer read", kind, k, short(a)))
			case a != b:
				out = append(out, fmt.Sprintf("%s %s: sha256 %s in the lock, now %s", kind, k, short(a), short(b)))
			}
		}
	}
	files("source", was.Sources, now.Sources)
	files("impulse response", was.ImpulseResponses, now.ImpulseResponses)
	for _, k := range unionKeys(was.Variables, now.Variables) {
		a, inA := was.Variables[k]
		b, inB := now.Variables[k]
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("variable %s: not in the lock, now %s", k, compactJSON(b)))
		case !inB:
			out = append(out, fmt.Sprintf("variable %s: %s in the lock, no longer declared", k, compactJSON(a)))
		case compactJSON(a) != compactJSON(b):
			out = append(out, fmt.Sprintf("variable %s: %s in the lock, now %s", k, compactJSON(a), compactJSON(b)))
		}
	}
	for _, k := range unionKeys(was.Outputs, now.Outputs) {
		a, inA := was.Outputs[k]
		b, inB := now.Outputs[k]
		name := "output " + k
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("%s (%s): not in the lock, now rendered", name, b.File))
			continue
		case !inB:
			out = append(out, fmt.Sprintf("%s (%s): in the lock, no longer in the mix", name, a.File))
			continue
		}
		name += " (" + b.File + ")"
		if a.File != b.File {
			out = append(out, fmt.Sprintf("%s: file %s in the lock, now %s", name, a.File, b.File))
		}
		if a.SHA256 != b.SHA256 {
			out = append(out, fmt.Sprintf("%s: sha256 %s in the lock, now %s", name, short(a.SHA256), short(b.SHA256)))
		}
		if x, y := levelText(a.IntegratedLUFS, "LUFS"), levelText(b.IntegratedLUFS, "LUFS"); x != y {
			out = append(out, fmt.Sprintf("%s: integrated loudness %s in the lock, now %s", name, x, y))
		}
		if x, y := levelText(a.TruePeakDBTP, "dBTP"), levelText(b.TruePeakDBTP, "dBTP"); x != y {
			out = append(out, fmt.Sprintf("%s: true peak %s in the lock, now %s", name, x, y))
		}
	}
	return out
}

func levelText(c *centi, unit string) string {
	if c == nil {
		return "none (silence)"
	}
	return c.String() + " " + unit
}

// short abbreviates a SHA-256 for a report line; 16 hex digits are plenty
// to tell two files apart.
func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16] + "…"
	}
	return sum
}

func compactJSON(b json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// renderCheck renders g into a temporary folder, never touching its real
// outputs, and compares the result with the mix's lock. It returns
// exitChanges when they differ or there is no lock.
func renderCheck(env *Env, file, path string, g *graph.Graph, opts graph.Options) int {
	was, err := readLock(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(env.Stdout, "%s: there is no lock (%s), so nothing to check against.\nRun mixdown render %s to write it, and commit it with the outputs.\n",
			file, path, file)
		return exitChanges
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return exitFail
	}
	tmp, err := os.MkdirTemp("", "mixdown-check-")
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
		return exitFail
	}
	defer os.RemoveAll(tmp)
	real := make([]string, len(g.Outputs))
	for i, o := range g.Outputs {
		real[i] = o.Path
		o.Path = filepath.Join(tmp, fmt.Sprintf("%d-%s", i, filepath.Base(o.Path)))
	}
	now, results, err := renderLocked(env.Ctx, g, opts)
	for i, o := range g.Outputs {
		o.Path = real[i]
	}
	if he := (*hashError)(nil); errors.As(err, &he) {
		fmt.Fprintf(env.Stderr, "Error: %s\n", trimPathError(err))
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: render failed\n\n%s\n", err)
		return exitFail
	}
	now.addOutputs(g, results)

	diffs := lockDiff(was, now)
	// The committed outputs must be the files the lock records (or, for an
	// output new to the lock, the files the mix renders).
	var missing, disk []string
	for i, o := range g.Outputs {
		want := results[i].SHA256
		if l, ok := was.Outputs[o.Model.Name]; ok {
			want = l.SHA256
		}
		sum, err := hashFile(o.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, o.Model.File)
		case err != nil:
			fmt.Fprintf(env.Stderr, "Error: %s\n", trimPathError(err))
			return exitFail
		case sum != want:
			disk = append(disk, fmt.Sprintf("output %s (%s): the file on disk (sha256 %s) is not the one the lock records (%s)",
				o.Model.Name, o.Model.File, short(sum), short(want)))
		}
	}
	sort.Strings(disk)
	diffs = append(diffs, disk...)
	if was.MixdownVersion != Version {
		fmt.Fprintf(env.Stdout, "note: %s was written by mixdown %s; this is %s.\n", path, was.MixdownVersion, Version)
	}
	for _, m := range missing {
		fmt.Fprintf(env.Stdout, "note: %s is not on disk, so only the lock was compared for it.\n", m)
	}
	if len(diffs) > 0 {
		fmt.Fprintf(env.Stdout, "%s does not match the mix:\n", path)
		for _, d := range diffs {
			fmt.Fprintf(env.Stdout, "  %s\n", d)
		}
		fmt.Fprintf(env.Stdout, "Run mixdown render %s (without -check) to render the outputs and update the lock.\n", file)
		return exitChanges
	}
	fmt.Fprintf(env.Stdout, "%s matches the mix: %d output%s, %d source%s, %d variable%s.\n", path,
		len(now.Outputs), plural(len(now.Outputs)),
		len(now.Sources)+len(now.ImpulseResponses), plural(len(now.Sources)+len(now.ImpulseResponses)),
		len(now.Variables), plural(len(now.Variables)))
	return exitOK
}
