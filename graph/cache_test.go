package graph

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cacheMix is a small session with everything a key must cover: tracks with
// EQ and compressors, a sidechain, a pre-fader send, a bus with a reverb
// return, a delay, a mastering target and a stem.
const cacheMix = `
mix {
  sample_rate = 48000
  tail = 3
}
track "a" {
  source = "a.wav"
  gain = -3
  eq { bell { freq = 1000, gain = %s, q = 1 } }
  compressor { threshold = -18, ratio = 3 }
  send { to = bus.verb, level = %s }
}
track "b" {
  source = "b.wav"
  pan = -0.4
  compressor { threshold = -20, ratio = 2, sidechain = track.c }
  output = bus.group
}
track "c" {
  source = "c.wav"
  pan = 0.3
  output = bus.group
  send { to = bus.verb, level = -12, pre_fader = true }
  automate "gain" { points = [[0, -6], [1, 0]] }
  automate "send.verb.level" { points = [[0, -20], [0.5, -12]], curve = "step" }
}
bus "group" {
  gain = %s
  delay { time = 90, feedback = 0.2, mix = 0.2 }
  automate "delay.mix" { points = [[0, 0.1], [0.7, 0.4]], curve = "step" }
}
bus "verb" {
  reverb { decay = %s, mix = 1 }
}
master {
  compressor { threshold = -12, ratio = 1.5 }
  target { loudness = %s, true_peak = -1 }
}
output "main" { file = "out/main.wav" }
output "grp" {
  file = "out/group.wav"
  from = bus.group
}
`

type cacheEdit struct {
	eq, send, group, decay, lufs string
}

func (c cacheEdit) src() string {
	return fmt.Sprintf(cacheMix, c.eq, c.send, c.group, c.decay, c.lufs)
}

func writeCacheSources(t *testing.T, dir string) {
	const n = 48000 * 3 / 2
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, musicLike(n, 48000, 1), musicLike(n, 48000, 2))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, musicLike(n, 48000, 3))
	writeWAV(t, filepath.Join(dir, "c.wav"), 48000, musicLike(n*2/3, 48000, 4), musicLike(n*2/3, 48000, 5))
}

// renderFiles renders the mix and returns each output's bytes.
func renderFiles(t *testing.T, dir, src string, opts Options) map[string][]byte {
	t.Helper()
	g := mustBuild(t, dir, src)
	res, err := Render(context.Background(), g, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, r := range res {
		b, err := os.ReadFile(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		out[r.Address] = b
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, want %d", what, len(got), len(want))
	}
	for k, w := range want {
		if !bytes.Equal(got[k], w) {
			t.Errorf("%s: %s differs from a full render", what, k)
		}
	}
}

// TestCacheBitIdentical edits a mix several ways and checks that every
// render that takes nodes from the cache writes the same bytes as a full
// render of the same file, and that it took what it could from the cache.
func TestCacheBitIdentical(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	base := cacheEdit{eq: "2", send: "-10", group: "0", decay: "1.2", lufs: "-16"}
	cache := NewCache(1 << 30)

	edits := []struct {
		name string
		edit cacheEdit
		// rendered lists the addresses that must be rendered, not read;
		// every other node of the render must come from the cache.
		rendered []string
	}{
		{"first render", base, []string{"track.a", "track.b", "track.c", "bus.group", "bus.verb", "master"}},
		{"same file again", base, nil},
		{"track EQ", cacheEdit{"4", "-10", "0", "1.2", "-16"}, []string{"track.a", "bus.verb", "master"}},
		{"send level", cacheEdit{"4", "-6", "0", "1.2", "-16"}, []string{"bus.verb", "master"}},
		{"bus fader", cacheEdit{"4", "-6", "-2", "1.2", "-16"}, []string{"master"}},
		{"reverb decay", cacheEdit{"4", "-6", "-2", "2.5", "-16"}, []string{"bus.verb", "master"}},
		{"target only", cacheEdit{"4", "-6", "-2", "2.5", "-14"}, nil},
		{"back to the start", base, []string{"track.a", "bus.verb", "master"}},
	}
	for _, ed := range edits {
		src := ed.edit.src()
		full := renderFiles(t, dir, src, Options{})
		var st Stats
		got := renderFiles(t, dir, src, Options{Cache: cache, Stats: &st, BlockSize: 1000})
		sameFiles(t, ed.name, got, full)
		live := liveNodes(t, mustBuild(t, dir, src), cache)
		// After the render, everything is cached.
		if len(live) != 0 {
			t.Errorf("%s: after the render, %v still render live", ed.name, live)
		}
		if st.NodeFrames == 0 {
			t.Fatalf("%s: no node frames counted", ed.name)
		}
		t.Logf("%s: %.0f%% from the cache", ed.name, 100*float64(st.CachedFrames)/float64(st.NodeFrames))
	}
	// Each edit's render reads exactly the expected nodes live: check by
	// planning against a cache that holds only the previous render.
	for i := 1; i < len(edits); i++ {
		c := NewCache(1 << 30)
		renderFiles(t, dir, edits[i-1].edit.src(), Options{Cache: c})
		live := liveNodes(t, mustBuild(t, dir, edits[i].edit.src()), c)
		if strings.Join(live, " ") != strings.Join(edits[i].rendered, " ") {
			t.Errorf("%s: renders %v live, want %v", edits[i].name, live, edits[i].rendered)
		}
	}
}

// TestCacheShortEntry: a longer tail cap makes the render outlast the
// cached signals, so the render starts over uncached, with the same bytes
// as a full render.
func TestCacheShortEntry(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	cache := NewCache(1 << 30)
	short := cacheEdit{eq: "2", send: "-10", group: "0", decay: "0.3", lufs: "-16"}
	long := short
	long.decay = "6"
	shortSrc := strings.Replace(short.src(), "tail = 3", "tail = 0.5", 1)
	renderFiles(t, dir, shortSrc, Options{Cache: cache})
	var st Stats
	got := renderFiles(t, dir, long.src(), Options{Cache: cache, Stats: &st})
	sameFiles(t, "longer tail", got, renderFiles(t, dir, long.src(), Options{}))
	if st.CachedFrames != 0 {
		t.Errorf("the retry read %d frames from the cache, want none", st.CachedFrames)
	}
}

// TestCacheDisk: a second process (a new Cache on the same folder) takes
// every node from disk and writes the same bytes.
func TestCacheDisk(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	src := cacheEdit{eq: "2", send: "-10", group: "0", decay: "1.2", lufs: "-16"}.src()
	full := renderFiles(t, dir, src, Options{})
	cdir := filepath.Join(dir, ".mixdown", "cache")
	renderFiles(t, dir, src, Options{Cache: &Cache{Dir: cdir, DirMaxBytes: 1 << 30}})
	var st Stats
	got := renderFiles(t, dir, src, Options{Cache: &Cache{Dir: cdir, DirMaxBytes: 1 << 30}, Stats: &st})
	sameFiles(t, "from disk", got, full)
	if st.CachedFrames == 0 {
		t.Error("nothing came from the disk cache")
	}
	// A damaged entry is a miss, not a wrong render.
	ents, _ := filepath.Glob(filepath.Join(cdir, "*.f64"))
	if len(ents) == 0 {
		t.Fatal("no entries on disk")
	}
	for _, p := range ents {
		if err := os.Truncate(p, 100); err != nil {
			t.Fatal(err)
		}
	}
	got = renderFiles(t, dir, src, Options{Cache: &Cache{Dir: cdir, DirMaxBytes: 1 << 30}})
	sameFiles(t, "damaged disk cache", got, full)
	// The disk bound holds.
	renderFiles(t, dir, src, Options{Cache: &Cache{Dir: cdir, DirMaxBytes: 1}})
	if ents, _ := filepath.Glob(filepath.Join(cdir, "*.f64")); len(ents) != 0 {
		t.Errorf("%d entries left beyond a 1-byte bound", len(ents))
	}
}

// TestCacheBound: a cache too small for every node keeps what fits, evicts
// the least recently used, and never changes the output.
func TestCacheBound(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	src := cacheEdit{eq: "2", send: "-10", group: "0", decay: "0.5", lufs: "-16"}.src()
	full := renderFiles(t, dir, src, Options{})
	limit := int64(8 << 20) // about two stereo nodes of this mix
	cache := NewCache(limit)
	for range 2 {
		sameFiles(t, "bounded", renderFiles(t, dir, src, Options{Cache: cache}), full)
		if cache.Bytes() > limit {
			t.Fatalf("cache holds %d bytes, bound %d", cache.Bytes(), limit)
		}
	}
	if cache.Len() == 0 {
		t.Error("a bounded cache kept nothing")
	}
}

// TestCacheSourceReplaced: a source file's content is part of its key.
func TestCacheSourceReplaced(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	src := cacheEdit{eq: "2", send: "-10", group: "0", decay: "0.5", lufs: "-16"}.src()
	cache := NewCache(1 << 30)
	before := renderFiles(t, dir, src, Options{Cache: cache})
	const n = 48000
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, musicLike(n, 48000, 9))
	got := renderFiles(t, dir, src, Options{Cache: cache})
	sameFiles(t, "replaced source", got, renderFiles(t, dir, src, Options{}))
	if bytes.Equal(got["output.main"], before["output.main"]) {
		t.Error("replacing a source did not change the output")
	}
}

// TestCacheClips: the cache keys a track of clips by every clip's file and
// by where the clips sit: replacing the second clip's file, or moving a
// clip by one frame, renders anew, bit-identical to a full render.
func TestCacheClips(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, musicLike(24000, 48000, 1))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, musicLike(24000, 48000, 2))
	mix := func(at string) string {
		return `mix { tempo = 120, tail = 0.1 }
track "v" {
  clip { source = "a.wav", fade_out = 0.1 }
  clip { source = "b.wav", at = ` + at + ` }
  compressor { threshold = -20 }
}
output "main" { file = "out.wav" }
`
	}
	cache := NewCache(1 << 30)
	before := renderFiles(t, dir, mix(`"1:2"`), Options{Cache: cache})
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, musicLike(24000, 48000, 3))
	got := renderFiles(t, dir, mix(`"1:2"`), Options{Cache: cache})
	sameFiles(t, "replaced clip source", got, renderFiles(t, dir, mix(`"1:2"`), Options{}))
	if bytes.Equal(got["output.main"], before["output.main"]) {
		t.Error("replacing the second clip's file did not change the output")
	}
	moved := renderFiles(t, dir, mix(`0.5 + 1/48000`), Options{Cache: cache})
	sameFiles(t, "moved clip", moved, renderFiles(t, dir, mix(`0.5 + 1/48000`), Options{}))
	if bytes.Equal(moved["output.main"], got["output.main"]) {
		t.Error("moving a clip by a frame did not change the output")
	}
}

// TestCacheVersions: the memory cache keeps a node's current signal and
// the one before (undo is free), and gives older ones' memory to new
// recordings.
func TestCacheVersions(t *testing.T) {
	dir := t.TempDir()
	writeCacheSources(t, dir)
	cache := NewCache(1 << 30)
	for i, eq := range []string{"1", "2", "3", "4"} {
		src := cacheEdit{eq: eq, send: "-10", group: "0", decay: "0.5", lufs: "-16"}.src()
		sameFiles(t, "eq "+eq, renderFiles(t, dir, src, Options{Cache: cache}), renderFiles(t, dir, src, Options{}))
		cache.mu.Lock()
		n := len(cache.versions["track.a"])
		spare := cache.freeBytes
		cache.mu.Unlock()
		if want := min(i+1, maxVersions); n != want {
			t.Errorf("after %d renders: %d versions of track.a, want %d", i+1, n, want)
		}
		if i == 2 && spare == 0 {
			t.Error("the oldest version's memory was not kept for reuse")
		}
	}
	// Undo: the previous version is a hit.
	src := cacheEdit{eq: "3", send: "-10", group: "0", decay: "0.5", lufs: "-16"}.src()
	if live := liveNodes(t, mustBuild(t, dir, src), cache); len(live) != 0 {
		t.Errorf("going back one edit renders %v live", live)
	}
}

// liveNodes plans a render of g against cache and lists the nodes it would
// render rather than read or skip.
func liveNodes(t *testing.T, g *Graph, cache *Cache) []string {
	t.Helper()
	e, err := NewEngine(g, Options{Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var live []string
	for _, n := range e.allNodes() {
		if !n.skip && n.hit == nil {
			live = append(live, n.address)
		}
	}
	return live
}
