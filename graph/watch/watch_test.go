package watch

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

// waitFor is generous: a loaded 2-core machine may take seconds to render,
// and the test never sleeps hoping something happened.
const waitFor = 60 * time.Second

func writeWAV(t *testing.T, path string, chans ...[]float64) {
	t.Helper()
	// Write beside, then rename over, as an editor or a DAW export does.
	tmp := path + ".tmp"
	w, err := audiofile.Create(tmp, 48000, len(chans), audiofile.Encoding{BitDepth: 24})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(chans); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func tone(n int, freq, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*freq*float64(i)/48000) * (0.6 + 0.4*math.Sin(2*math.Pi*1.3*float64(i)/48000))
	}
	return x
}

// saveFile writes src to path the way editors save: a temp file renamed
// over the original.
func saveFile(t *testing.T, path, src string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".#"+filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

const watchMix = `
mix { sample_rate = 48000 }
track "lead" {
  source = "lead.wav"
  eq { bell { freq = 2000, gain = GAIN, q = 1 } }
  compressor { threshold = -20, ratio = 3 }
  send { to = bus.verb, level = -12 }
}
track "bass" {
  source = "bass.wav"
  gain = -2
}
bus "verb" {
  reverb { decay = 0.8, mix = 1 }
}
master {
  target { loudness = -16, true_peak = -1 }
}
output "main" { file = "out/mix.wav" }
`

// fullRender renders the mix file from scratch, with no cache, into a
// separate file, and returns its bytes: what `mixdown render` writes.
func fullRender(t *testing.T, file string) []byte {
	t.Helper()
	m, diags := lang.NewParser().LoadMix(file, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	g, diags := graph.Build(m)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ref := filepath.Join(t.TempDir(), "ref.wav")
	g.Outputs[0].Path = ref
	if _, err := graph.Render(context.Background(), g, graph.Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type session struct {
	t      *testing.T
	events chan Event
	stop   func()
}

func (s *session) next() Event {
	s.t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-time.After(waitFor):
		s.t.Fatalf("no watch event within %s", waitFor)
	}
	return Event{}
}

func startWatch(t *testing.T, cfg Config) *session {
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan Event, 100)
	cfg.Observe = func(ev Event) { events <- ev }
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, cfg) }()
	s := &session{t: t, events: events}
	var stop func()
	var once sync.Once
	s.stop = func() { once.Do(stop) }
	stop = func() {
		cancel()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("watch: %v", err)
			}
		case <-time.After(waitFor):
			t.Errorf("watch did not stop")
		}
	}
	return s
}

// TestWatch drives a watch through the steps with real file
// writes and renames: render; edit a parameter; a broken edit; the fix;
// a replaced source.
func TestWatch(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "lead.wav"), tone(48000, 440, 0.3), tone(48000, 660, 0.3))
	writeWAV(t, filepath.Join(dir, "bass.wav"), tone(48000, 55, 0.5))
	file := filepath.Join(dir, "song.mix.hcl")
	out := filepath.Join(dir, "out", "mix.wav")
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "2", 1))

	s := startWatch(t, Config{File: file})
	defer s.stop()

	// 1. The first render.
	ev := s.next()
	if !ev.OK {
		t.Fatalf("first render failed:\n%s", ev.DiagnosticsText)
	}
	first, _ := os.ReadFile(out)
	if !bytes.Equal(first, fullRender(t, file)) {
		t.Fatal("the first render differs from a full render")
	}
	if len(ev.Outputs) != 1 || ev.Outputs[0].Name != "main" || ev.Outputs[0].File != "out/mix.wav" {
		t.Fatalf("outputs: %+v", ev.Outputs)
	}
	if got := ev.Outputs[0].LUFS; math.Abs(got+16) > 0.1 {
		t.Errorf("first render: %.2f LUFS, want -16", got)
	}

	// 2. Edit a parameter: only the lead, the reverb it feeds and the
	// master render; the output equals a full render.
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "6", 1))
	ev = s.next()
	if !ev.OK {
		t.Fatalf("edit failed:\n%s", ev.DiagnosticsText)
	}
	second, _ := os.ReadFile(out)
	if bytes.Equal(second, first) {
		t.Fatal("the edit did not change the output")
	}
	if !bytes.Equal(second, fullRender(t, file)) {
		t.Fatal("the incremental render differs from a full render")
	}
	if got := strings.Join(ev.Changed, " "); got != "track.lead bus.verb master output.main" {
		t.Errorf("changed %q", got)
	}
	if len(ev.Changes) != 1 || !strings.Contains(ev.Changes[0], "track.lead.eq") || !strings.Contains(ev.Changes[0], "6") {
		t.Errorf("changes %q", ev.Changes)
	}
	if ev.Cached <= 0 {
		t.Errorf("nothing came from the cache")
	}
	if ev.Outputs[0].DeltaLUFS == nil {
		t.Error("no loudness change reported")
	}

	// A comment changes no node: nothing is rendered or written.
	info, _ := os.Stat(out)
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "6", 1)+"\n# a comment\n")
	ev = s.next()
	if !ev.OK || len(ev.Changed) != 0 || ev.Cached != 1 || len(ev.Outputs) != 1 || ev.Outputs[0].SHA256 == "" {
		t.Fatalf("comment edit: %+v", ev)
	}
	if again, _ := os.Stat(out); !again.ModTime().Equal(info.ModTime()) {
		t.Error("a comment rewrote the output")
	}
	// Unless the output was changed behind watch's back: then it renders.
	if err := os.WriteFile(out, []byte("not audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "6", 1)+"\n# another comment\n")
	if ev = s.next(); !ev.OK {
		t.Fatalf("re-render: %+v", ev)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, second) {
		t.Fatal("a damaged output was not rendered again")
	}

	// 3. A broken edit: diagnostics, and the output stays as it was.
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "6", 1)+"\ntrack \"x\" { source = \n")
	ev = s.next()
	if ev.OK || len(ev.Diagnostics) == 0 || ev.Diagnostics[0].Line == 0 || !strings.Contains(ev.DiagnosticsText, "song.mix.hcl:") {
		t.Fatalf("broken edit: %+v", ev)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, second) {
		t.Fatal("a broken edit changed the output")
	}
	// An unknown bus is broken too.
	saveFile(t, file, strings.Replace(strings.Replace(watchMix, "GAIN", "6", 1), "bus.verb", "bus.verbb", 1))
	ev = s.next()
	if ev.OK || !strings.Contains(ev.DiagnosticsText, "verbb") {
		t.Fatalf("unknown bus: %+v", ev)
	}

	// 4. Fix it: it renders again.
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "-3", 1))
	ev = s.next()
	if !ev.OK {
		t.Fatalf("fix failed:\n%s", ev.DiagnosticsText)
	}
	third, _ := os.ReadFile(out)
	if !bytes.Equal(third, fullRender(t, file)) {
		t.Fatal("the render after the fix differs from a full render")
	}

	// 5. Replace a source file: the output changes.
	writeWAV(t, filepath.Join(dir, "bass.wav"), tone(48000, 82, 0.5))
	ev = s.next()
	if !ev.OK {
		t.Fatalf("replaced source failed:\n%s", ev.DiagnosticsText)
	}
	fourth, _ := os.ReadFile(out)
	if bytes.Equal(fourth, third) {
		t.Fatal("replacing a source did not change the output")
	}
	if !bytes.Equal(fourth, fullRender(t, file)) {
		t.Fatal("the render after replacing a source differs from a full render")
	}
	if got := strings.Join(ev.Changed, " "); !strings.HasPrefix(got, "track.bass") {
		t.Errorf("changed %q, want track.bass first", got)
	}

	// A source that goes missing is a diagnostic; the output stays.
	if err := os.Rename(filepath.Join(dir, "bass.wav"), filepath.Join(dir, "bass.bak")); err != nil {
		t.Fatal(err)
	}
	ev = s.next()
	if ev.OK || !strings.Contains(ev.DiagnosticsText, "bass.wav") {
		t.Fatalf("missing source: %+v", ev)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, fourth) {
		t.Fatal("a missing source changed the output")
	}
	// Putting it back renders again.
	if err := os.Rename(filepath.Join(dir, "bass.bak"), filepath.Join(dir, "bass.wav")); err != nil {
		t.Fatal(err)
	}
	if ev = s.next(); !ev.OK {
		t.Fatalf("restored source failed:\n%s", ev.DiagnosticsText)
	}
	s.stop()
	// No temp files were left behind.
	ents, _ := os.ReadDir(filepath.Join(dir, "out"))
	for _, e := range ents {
		if e.Name() != "mix.wav" {
			t.Errorf("left behind: out/%s", e.Name())
		}
	}
}

// TestWatchCancelsSuperseded: a burst of saves ends in one render of the
// last version; whatever was cancelled on the way left no trace.
func TestWatchSupersede(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "lead.wav"), tone(48000*3, 440, 0.3), tone(48000*3, 660, 0.3))
	writeWAV(t, filepath.Join(dir, "bass.wav"), tone(48000*3, 55, 0.5))
	file := filepath.Join(dir, "song.mix.hcl")
	saveFile(t, file, strings.Replace(watchMix, "GAIN", "0", 1))
	s := startWatch(t, Config{File: file, Debounce: time.Millisecond})
	defer s.stop()
	if ev := s.next(); !ev.OK {
		t.Fatalf("first render failed:\n%s", ev.DiagnosticsText)
	}
	for _, g := range []string{"1", "2", "3", "4", "5"} {
		saveFile(t, file, strings.Replace(watchMix, "GAIN", g, 1))
	}
	want := fullRender(t, file)
	// Events come for renders that landed; the last must be the last save.
	for {
		ev := s.next()
		if !ev.OK {
			t.Fatalf("render failed:\n%s", ev.DiagnosticsText)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "out", "mix.wav"))
		if bytes.Equal(b, want) {
			break
		}
	}
}

// TestWatchFollowsFiles: the watched set follows the mix. A track added
// with a source that does not exist yet renders once the file appears; an
// impulse response is watched like a source; a corrupt source is a
// diagnostic that keeps the last good output.
func TestWatchFollowsFiles(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "lead.wav"), tone(24000, 440, 0.3))
	writeWAV(t, filepath.Join(dir, "ir.wav"), tone(4800, 1000, 0.5), tone(4800, 1100, 0.5))
	file := filepath.Join(dir, "song.mix.hcl")
	out := filepath.Join(dir, "out", "mix.wav")
	const base = `
track "lead" {
  source = "lead.wav"
  send { to = bus.room, level = -6 }
}
bus "room" {
  reverb { ir = "ir.wav", mix = 1 }
}
output "main" { file = "out/mix.wav" }
`
	saveFile(t, file, base)
	s := startWatch(t, Config{File: file})
	defer s.stop()
	if ev := s.next(); !ev.OK {
		t.Fatalf("first render failed:\n%s", ev.DiagnosticsText)
	}
	first, _ := os.ReadFile(out)

	// A new track whose source is not there yet.
	saveFile(t, file, base+"track \"pad\" { source = \"later/pad.wav\" }\n")
	if ev := s.next(); ev.OK || !strings.Contains(ev.DiagnosticsText, "later/pad.wav") {
		t.Fatalf("missing new source: %+v", ev)
	}
	if err := os.MkdirAll(filepath.Join(dir, "later"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Creating the folder is an attempt (still missing the file, or
	// already finding it); the file appearing in it is another.
	writeWAV(t, filepath.Join(dir, "later", "pad.wav"), tone(24000, 220, 0.3))
	ev := s.next()
	for !ev.OK {
		if !strings.Contains(ev.DiagnosticsText, "later/pad.wav") {
			t.Fatalf("new source: %+v", ev)
		}
		ev = s.next()
	}
	withPad, _ := os.ReadFile(out)
	if bytes.Equal(withPad, first) {
		t.Fatal("the new track did not change the output")
	}
	// Now the new source is watched: replacing it renders.
	writeWAV(t, filepath.Join(dir, "later", "pad.wav"), tone(24000, 330, 0.3))
	if ev = s.next(); !ev.OK || !strings.HasPrefix(strings.Join(ev.Changed, " "), "track.pad") {
		t.Fatalf("replaced new source: %+v", ev)
	}
	padTwo, _ := os.ReadFile(out)

	// The impulse response is watched.
	writeWAV(t, filepath.Join(dir, "ir.wav"), tone(4800, 700, 0.5), tone(4800, 900, 0.5))
	if ev = s.next(); !ev.OK || strings.Join(ev.Changed, " ") != "bus.room master output.main" {
		t.Fatalf("replaced impulse response: %+v", ev)
	}
	good, _ := os.ReadFile(out)
	if bytes.Equal(good, padTwo) {
		t.Fatal("a new impulse response did not change the output")
	}
	if !bytes.Equal(good, fullRender(t, file)) {
		t.Fatal("differs from a full render")
	}

	// A corrupt source: a diagnostic, and the last good output stays.
	if err := os.WriteFile(filepath.Join(dir, "lead.wav"), []byte("RIFF\x10\x00\x00\x00WAVEjunk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev = s.next(); ev.OK || !strings.Contains(ev.DiagnosticsText, "lead.wav") {
		t.Fatalf("corrupt source: %+v", ev)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, good) {
		t.Fatal("a corrupt source changed the output")
	}
}

// TestWatchVarFileAndFolder: a -var-file is watched, and a mix that is a
// folder renders again when a *.mix.hcl file is added to it.
func TestWatchVarFileAndFolder(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "lead.wav"), tone(24000, 440, 0.3))
	saveFile(t, filepath.Join(dir, "a.mix.hcl"), `
variable "level" { default = 0 }
track "lead" {
  source = "lead.wav"
  gain = var.level
}
output "main" { file = "out/mix.wav" }
`)
	vars := filepath.Join(dir, "loud.vars")
	saveFile(t, vars, "level = -6\n")
	s := startWatch(t, Config{File: dir, Load: lang.Options{Vars: []lang.VarArg{{File: true, Value: vars}}}})
	defer s.stop()
	if ev := s.next(); !ev.OK {
		t.Fatalf("first render failed:\n%s", ev.DiagnosticsText)
	}
	saveFile(t, vars, "level = -12\n")
	ev := s.next()
	if !ev.OK || len(ev.Changes) == 0 || !strings.Contains(strings.Join(ev.Changes, "\n"), "var.level: -6 → -12") {
		t.Fatalf("var file edit: %+v", ev)
	}
	// A second file joins the folder's mix.
	writeWAV(t, filepath.Join(dir, "bass.wav"), tone(24000, 55, 0.3))
	saveFile(t, filepath.Join(dir, "b.mix.hcl"), "track \"bass\" { source = \"bass.wav\" }\n")
	for {
		ev = s.next()
		if !ev.OK {
			t.Fatalf("added file: %+v", ev)
		}
		if strings.Contains(strings.Join(ev.Changed, " "), "track.bass") {
			break
		}
	}
}
