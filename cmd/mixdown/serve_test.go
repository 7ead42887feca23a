package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mixdown/mixdown/graph/watch/preview"
)

// notifyBuffer is a goroutine-safe buffer that signals every write.
type notifyBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func (b *notifyBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.wrote <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

func (b *notifyBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWatchServe drives `mixdown watch -serve 127.0.0.1:0` in-process: the
// page's address is printed, the first render reaches the page's event
// stream with a snapshot of the output, an edit makes that snapshot the
// previous render (still served, byte for byte, though the file on disk was
// replaced), and cancelling stops the server with the watch loop. The
// browser test (scripts/e2e-preview.sh) drives the page itself.
func TestWatchServe(t *testing.T) {
	const wait = 60 * time.Second // a loaded CI machine; nothing here sleeps
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "tone.wav"), 48000, 1)
	file := filepath.Join(dir, "song.mix.hcl")
	src := "track \"tone\" {\n  source = \"tone.wav\"\n  gain   = -6\n}\n\noutput \"main\" {\n  file = \"out/song.wav\"\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &notifyBuffer{wrote: make(chan struct{}, 1)}
	stderr := &notifyBuffer{wrote: make(chan struct{}, 1)}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"watch", "-serve", "127.0.0.1:0", file}, stdout, stderr) }()

	addrRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	timeout := time.After(wait)
	var url string
	for url == "" {
		select {
		case <-stderr.wrote:
			url = addrRE.FindString(stderr.String())
		case code := <-done:
			t.Fatalf("watch exited %d before serving:\n%s", code, stderr.String())
		case <-timeout:
			t.Fatalf("no preview address printed within %v:\n%s", wait, stderr.String())
		}
	}

	resp, err := http.Get(url + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	states := make(chan preview.State, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var s preview.State
				if json.Unmarshal([]byte(data), &s) == nil {
					states <- s
				}
			}
		}
		close(states)
	}()
	// next waits for a state whose last good render is seq.
	next := func(seq int) preview.State {
		t.Helper()
		for {
			select {
			case s, ok := <-states:
				if !ok {
					t.Fatalf("event stream ended waiting for render %d", seq)
				}
				if s.Good != nil && s.Good.Seq >= seq && len(s.Snapshots) == 1 {
					return s
				}
			case <-timeout:
				t.Fatalf("render %d never reached the page:\n%s\n%s", seq, stdout.String(), stderr.String())
			}
		}
	}
	get := func(path string) []byte {
		t.Helper()
		r, err := http.Get(url + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, r.Status)
		}
		return b
	}

	s1 := next(1)
	if s1.Title != "song.mix.hcl" || s1.Snapshots[0].Output != "main" || s1.Snapshots[0].Current.Audio != "/audio/main/1" {
		t.Fatalf("first state: title %q, snapshots %+v", s1.Title, s1.Snapshots)
	}
	out := filepath.Join(dir, "out", "song.wav")
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(get("/audio/main/1"), first) {
		t.Fatal("/audio/main/1 is not the rendered file")
	}

	// Save an edit the way editors do: a new file renamed over the old.
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Replace(src, "gain   = -6", "gain   = 0", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	var s2 preview.State
	for s2 = next(2); s2.Snapshots[0].Previous == nil; s2 = next(2) {
	}
	if p := s2.Snapshots[0]; p.Previous.Seq != s1.Good.Seq || p.Current.Seq <= p.Previous.Seq {
		t.Fatalf("after the edit: current %+v previous %+v", p.Current, p.Previous)
	}
	if len(s2.Good.Changes) == 0 || !strings.HasPrefix(s2.Good.Changes[0], "track.tone.gain") {
		t.Errorf("changes %q", s2.Good.Changes)
	}
	if !bytes.Equal(get(s2.Snapshots[0].Previous.Audio), first) {
		t.Error("the previous render changed when the file on disk was replaced")
	}
	second, _ := os.ReadFile(out)
	if bytes.Equal(second, first) || !bytes.Equal(get(s2.Snapshots[0].Current.Audio), second) {
		t.Error("the current render is not the new file")
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("watch -serve exited %d:\n%s", code, stderr.String())
		}
	case <-time.After(wait):
		t.Fatal("watch -serve did not stop when cancelled")
	}
	if _, err := http.Get(url + "state"); err == nil {
		t.Error("the page is still served after watch stopped")
	}
}
