package preview

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph/watch"
)

// wait is the generous limit for anything that should take milliseconds:
// the tests never sleep, they wait for a message or fail after this.
const wait = 20 * time.Second

// writeSine writes a stereo 24-bit WAV of a sine at freq Hz and peak
// amplitude amp, atomically (as the renderer does), and returns its
// SHA-256.
func writeSine(t testing.TB, path string, rate int, seconds, freq, amp float64) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	n := int(seconds * float64(rate))
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
	}
	w, err := audiofile.Create(path, rate, 2, audiofile.PCM24)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([][]float64{x, x}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return fileSHA(t, path)
}

func fileSHA(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func ptr(v float64) *float64 { return &v }

// okEvent is a landed render of one output, "main", at root/out/song.wav.
func okEvent(root string, seq int, sha string, lufs float64) watch.Event {
	return watch.Event{
		Seq: seq, OK: true,
		Changed:  []string{"track.lead", "master", "output.main"},
		Changes:  []string{"track.lead.gain: -6 → -3"},
		Duration: 1234 * time.Millisecond,
		Cached:   0.75,
		Outputs: []watch.Output{{
			Name: "main", Path: filepath.Join(root, "out", "song.wav"), File: "out/song.wav",
			LUFS: lufs, TruePeakDB: -1.2, LRA: 3.4, SamplePeak: -1.5, Seconds: 4,
			SHA256: sha, SampleRate: 48000, TargetLUFS: ptr(-14), TargetPeak: ptr(-1),
		}},
	}
}

func brokenEvent(seq int) watch.Event {
	return watch.Event{
		Seq: seq,
		Diagnostics: []watch.Diagnostic{{
			Severity: "error", Summary: "Unknown bus", Detail: `There is no bus named "drms". Did you mean "drums"?`,
			File: "song.mix.hcl", Line: 12, Column: 14,
		}},
		DiagnosticsText: "Error: Unknown bus\n\n  on song.mix.hcl line 12:\n  12:   output = bus.drms\n",
		Duration:        5 * time.Millisecond,
	}
}

// newTestServer returns a server over a fresh mix folder and an httptest
// server in front of it.
func newTestServer(t *testing.T) (*Server, *httptest.Server, string) {
	t.Helper()
	root := t.TempDir()
	s := New(Config{Root: root, Title: "song.mix.hcl", TempDir: t.TempDir(), Logf: t.Logf})
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts, root
}

// stream is a subscribed /events client: each state message arrives on C.
type stream struct {
	C    chan State
	body io.Closer
}

func subscribe(t *testing.T, url string) *stream {
	t.Helper()
	resp, err := http.Get(url + "/events")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("/events: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	st := &stream{C: make(chan State, 100), body: resp.Body}
	t.Cleanup(func() { resp.Body.Close() })
	go func() {
		defer close(st.C)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<24)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if event == "state" {
					var s State
					if err := json.Unmarshal([]byte(data), &s); err != nil {
						t.Errorf("bad state message: %v\n%s", err, data)
						return
					}
					st.C <- s
				}
				event, data = "", ""
			case strings.HasPrefix(line, "event: "):
				event = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data += line[len("data: "):]
			}
		}
	}()
	return st
}

// next waits for the next state with at least version v.
func (st *stream) next(t *testing.T, v int) State {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case s, ok := <-st.C:
			if !ok {
				t.Fatalf("event stream ended before version %d", v)
			}
			if s.Version >= v {
				return s
			}
		case <-timeout:
			t.Fatalf("no state with version >= %d within %v", v, wait)
		}
	}
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestRenderEventReachesSubscribedClient(t *testing.T) {
	s, ts, root := newTestServer(t)
	st := subscribe(t, ts.URL)
	first := st.next(t, 0)
	if first.Last != nil || first.Good != nil || len(first.Snapshots) != 0 {
		t.Fatalf("replay before any event: %+v", first)
	}
	sha := writeSine(t, filepath.Join(root, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(root, 1, sha, -14.2))

	got := st.next(t, 1)
	if got.Last == nil || !got.Last.OK || got.Last.Seq != 1 || got.Good == nil || got.Good.Seq != 1 {
		t.Fatalf("state after render 1: last %+v good %+v", got.Last, got.Good)
	}
	if c := got.Last.Changes; len(c) != 1 || c[0] != "track.lead.gain: -6 → -3" {
		t.Errorf("changes %q", c)
	}
	if len(got.Last.Changed) != 3 || got.Last.DurationMS != 1234 || got.Last.Cached != 0.75 {
		t.Errorf("changed %q duration %v ms cached %v", got.Last.Changed, got.Last.DurationMS, got.Last.Cached)
	}
	o := got.Last.Outputs[0]
	if o.LUFS != -14.2 || o.TargetLUFS == nil || *o.TargetLUFS != -14 || o.TruePeakDB != -1.2 || o.LRA != 3.4 {
		t.Errorf("output %+v", o)
	}
	if len(got.Snapshots) != 1 || got.Snapshots[0].Output != "main" || got.Snapshots[0].Previous != nil {
		t.Fatalf("snapshots %+v", got.Snapshots)
	}
	cur := got.Snapshots[0].Current
	if cur.Seq != 1 || cur.Audio != "/audio/main/1" || cur.Analysis != "/analysis/main/1" || cur.SHA256 != sha {
		t.Errorf("current snapshot %+v", cur)
	}
	resp, b := get(t, ts.URL+cur.Audio)
	if resp.StatusCode != 200 || !bytes.Equal(b, mustRead(t, filepath.Join(root, "out", "song.wav"))) {
		t.Errorf("GET %s: %s, %d bytes", cur.Audio, resp.Status, len(b))
	}

	// A late subscriber gets the same state at once.
	late := subscribe(t, ts.URL).next(t, 1)
	if late.Good == nil || late.Good.Seq != 1 || len(late.Snapshots) != 1 {
		t.Errorf("replay on connect: %+v", late)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBrokenEditSendsDiagnosticsAndKeepsLastGoodRender(t *testing.T) {
	s, ts, root := newTestServer(t)
	st := subscribe(t, ts.URL)
	sha := writeSine(t, filepath.Join(root, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(root, 1, sha, -14))
	st.next(t, 1)
	s.Publish(brokenEvent(2))

	got := st.next(t, 2)
	if got.Last == nil || got.Last.OK || got.Last.Seq != 2 {
		t.Fatalf("last %+v", got.Last)
	}
	if len(got.Last.Diagnostics) != 1 {
		t.Fatalf("diagnostics %+v", got.Last.Diagnostics)
	}
	d := got.Last.Diagnostics[0]
	want := DiagnosticJSON{Severity: "error", Summary: "Unknown bus", Detail: `There is no bus named "drms". Did you mean "drums"?`, File: "song.mix.hcl", Line: 12, Column: 14}
	if d != want {
		t.Errorf("diagnostic\n got %+v\nwant %+v", d, want)
	}
	if !strings.Contains(got.Last.DiagnosticsText, "song.mix.hcl line 12") {
		t.Errorf("diagnostics text %q", got.Last.DiagnosticsText)
	}
	// The page keeps playing render 1.
	if got.Good == nil || got.Good.Seq != 1 || len(got.Snapshots) != 1 || got.Snapshots[0].Current.Seq != 1 {
		t.Fatalf("last good render lost: good %+v snapshots %+v", got.Good, got.Snapshots)
	}
	if resp, _ := get(t, ts.URL+"/audio/main/1"); resp.StatusCode != 200 {
		t.Errorf("last good render after a broken edit: %s", resp.Status)
	}
}

func TestPreviousRenderStaysAvailableAfterReplace(t *testing.T) {
	s, ts, root := newTestServer(t)
	out := filepath.Join(root, "out", "song.wav")
	sha1 := writeSine(t, out, 48000, 1, 1000, 0.25)
	bytes1 := mustRead(t, out)
	s.Publish(okEvent(root, 1, sha1, -20))
	sha2 := writeSine(t, out, 48000, 1, 1000, 0.5) // replaced by rename, as a render does
	bytes2 := mustRead(t, out)
	s.Publish(okEvent(root, 2, sha2, -14))

	if _, b := get(t, ts.URL+"/audio/main/1"); !bytes.Equal(b, bytes1) {
		t.Errorf("render 1 after the file was replaced: %d bytes, not the first render's", len(b))
	}
	if _, b := get(t, ts.URL+"/audio/main/2"); !bytes.Equal(b, bytes2) {
		t.Errorf("render 2: %d bytes, not the second render's", len(b))
	}
	var st State
	_, b := get(t, ts.URL+"/state")
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	p := st.Snapshots[0]
	if p.Current.Seq != 2 || p.Previous == nil || p.Previous.Seq != 1 || p.Previous.LUFS != -20 || p.Current.LUFS != -14 {
		t.Fatalf("A/B pair %+v / %+v", p.Current, p.Previous)
	}

	// A render with the same bytes keeps the pair: A/B still compares the
	// last change.
	s.Publish(okEvent(root, 3, sha2, -14))
	_, b = get(t, ts.URL+"/state")
	json.Unmarshal(b, &st)
	if p := st.Snapshots[0]; p.Current.Seq != 2 || p.Previous.Seq != 1 {
		t.Errorf("unchanged render moved the pair: %d/%d", p.Current.Seq, p.Previous.Seq)
	}

	// A third different render drops the first.
	sha4 := writeSine(t, out, 48000, 1, 500, 0.5)
	s.Publish(okEvent(root, 4, sha4, -13))
	if resp, _ := get(t, ts.URL+"/audio/main/1"); resp.StatusCode != 404 {
		t.Errorf("render 1 still served after two newer ones: %s", resp.Status)
	}
	if resp, b := get(t, ts.URL+"/audio/main/2"); resp.StatusCode != 200 || !bytes.Equal(b, bytes2) {
		t.Errorf("render 2 as the previous one: %s", resp.Status)
	}
	entries, _ := os.ReadDir(s.snaps.dir)
	if len(entries) != 2 {
		t.Errorf("snapshot folder holds %d files, want 2 (current and previous)", len(entries))
	}

	dir := s.snaps.dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("snapshot folder left behind after Close: %v", err)
	}
}

func TestAudioServedWithRange(t *testing.T) {
	s, ts, root := newTestServer(t)
	out := filepath.Join(root, "out", "song.wav")
	sha := writeSine(t, out, 48000, 1, 1000, 0.5)
	all := mustRead(t, out)
	s.Publish(okEvent(root, 1, sha, -14))

	resp, b := get(t, ts.URL+"/audio/main/1", "Range", "bytes=100-1099")
	if resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("Range request: %s", resp.Status)
	}
	if !bytes.Equal(b, all[100:1100]) {
		t.Errorf("Range body is not bytes 100-1099 of the file")
	}
	if cr := resp.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes 100-1099/%d", len(all)) {
		t.Errorf("Content-Range %q", cr)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "audio/wav" {
		t.Errorf("Content-Type %q", ct)
	}
	resp, _ = get(t, ts.URL+"/audio/main/1")
	if resp.Header.Get("Accept-Ranges") != "bytes" || resp.Header.Get("ETag") != `"`+sha+`"` {
		t.Errorf("Accept-Ranges %q ETag %q", resp.Header.Get("Accept-Ranges"), resp.Header.Get("ETag"))
	}
	resp, _ = get(t, ts.URL+"/audio/main/1", "If-None-Match", `"`+sha+`"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %s", resp.Status)
	}
}

// rawGet sends path exactly as written, so no client cleans it first.
func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(wait))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPathTraversalRefused(t *testing.T) {
	s, ts, root := newTestServer(t)
	// A secret beside the mix folder, and the mix's own source.
	secret := filepath.Join(filepath.Dir(root), "secret.txt")
	os.WriteFile(secret, []byte("TOP-SECRET"), 0o644)
	t.Cleanup(func() { os.Remove(secret) })
	os.WriteFile(filepath.Join(root, "song.mix.hcl"), []byte("MIX-SOURCE"), 0o644)
	sha := writeSine(t, filepath.Join(root, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(root, 1, sha, -14))

	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, p := range []string{
		"/audio/../../etc/passwd",
		"/audio/main/../../../etc/passwd",
		"/audio/%2e%2e/%2e%2e/etc/passwd",
		"/audio/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd/1",
		"/audio/main/..%2f..%2f..%2fsecret.txt",
		"/audio/..%5c..%5csecret.txt/1",
		"/audio/main/1/../../../secret.txt",
		"/audio/main%00/1",
		"/audio/main/1%00",
		"/audio/main/01",
		"/audio/song.mix.hcl/1",
		"/audio/main/",
		"/audio/",
		"/audio",
		"/static/",
		"/static/../server.go",
		"/static/%2e%2e/server.go",
		"/static/index.html/..",
		"/assets/index.html",
		"//etc/passwd",
		"/./state",
		"/song.mix.hcl",
		"/out/song.wav",
		"/secret.txt",
		"/../secret.txt",
		"/etc/passwd",
		"/analysis/../../etc/passwd",
	} {
		code, body := rawGet(t, addr, p)
		if code < 400 {
			t.Errorf("GET %s: %d, want an error status", p, code)
		}
		for _, leak := range []string{"TOP-SECRET", "MIX-SOURCE", "root:", "package preview", "RIFF"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s leaked %q", p, leak)
			}
		}
	}
	// The legitimate URL works over the same raw client.
	if code, body := rawGet(t, addr, "/audio/main/1"); code != 200 || !strings.HasPrefix(body, "RIFF") {
		t.Errorf("GET /audio/main/1: %d", code)
	}
}

func TestOutputOutsideRootIsNotServed(t *testing.T) {
	s, ts, root := newTestServer(t)
	outside := t.TempDir()
	sha := writeSine(t, filepath.Join(outside, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(outside, 1, sha, -14))
	var st State
	_, b := get(t, ts.URL+"/state")
	json.Unmarshal(b, &st)
	if len(st.Snapshots) != 0 {
		t.Errorf("an output outside the mix folder was snapshotted: %+v", st.Snapshots)
	}
	if resp, _ := get(t, ts.URL+"/audio/main/1"); resp.StatusCode != 404 {
		t.Errorf("GET /audio/main/1: %s", resp.Status)
	}
	// A symbolic link inside the folder that points outside is refused too.
	os.MkdirAll(filepath.Join(root, "out"), 0o755)
	if err := os.Symlink(filepath.Join(outside, "out", "song.wav"), filepath.Join(root, "out", "song.wav")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	s.Publish(okEvent(root, 2, sha, -14))
	_, b = get(t, ts.URL+"/state")
	json.Unmarshal(b, &st)
	if len(st.Snapshots) != 0 {
		t.Errorf("a link to a file outside the mix folder was snapshotted")
	}
}

func TestSecurityHeaders(t *testing.T) {
	s, ts, root := newTestServer(t)
	sha := writeSine(t, filepath.Join(root, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(root, 1, sha, -14))
	for _, p := range []string{"/", "/static/app.js", "/static/app.css", "/state", "/audio/main/1", "/analysis/main/1", "/nothing", "/audio/../x"} {
		resp, _ := get(t, ts.URL+p)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", p, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", p, resp.Header.Get("X-Content-Type-Options"))
		}
	}
	// The page itself obeys the policy: no inline script or style.
	_, page := get(t, ts.URL+"/")
	for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onload", "http://", "https://", "javascript:"} {
		if bytes.Contains(bytes.ToLower(page), []byte(bad)) {
			t.Errorf("page contains %q, which the policy forbids or which needs the network", bad)
		}
	}
	// The script never turns text into markup or code, and names no host.
	_, js := get(t, ts.URL+"/static/app.js")
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "http://", "https://"} {
		if bytes.Contains(js, []byte(bad)) {
			t.Errorf("app.js uses %q", bad)
		}
	}
	resp, _ := get(t, ts.URL+"/")
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("page Content-Type %q", ct)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/state", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp.Status, err)
	}
}

func TestHostHeaderChecked(t *testing.T) {
	_, ts, _ := newTestServer(t)
	addr := strings.TrimPrefix(ts.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]int{
		addr:                       200,
		"localhost:" + port:        200,
		"LOCALHOST:" + port:        200,
		"[::1]:" + port:            200,
		"127.0.0.1":                200,
		"evil.example:" + port:     403,
		"evil.example":             403,
		"localhost.evil.example":   403,
		"127.0.0.1.nip.io:" + port: 403,
	} {
		req, _ := http.NewRequest("GET", ts.URL+"/state", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
		}
	}
	// A browser's cross-site subresource request is refused; a navigation
	// to the page is not.
	if resp, _ := get(t, ts.URL+"/state", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors"); resp.StatusCode != 403 {
		t.Errorf("cross-site fetch of /state: %s", resp.Status)
	}
	if resp, _ := get(t, ts.URL+"/", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"); resp.StatusCode != 200 {
		t.Errorf("cross-site navigation to the page: %s", resp.Status)
	}
	if resp, _ := get(t, ts.URL+"/state", "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 200 {
		t.Errorf("same-origin fetch: %s", resp.Status)
	}
}

// TestPublishNeverWaitsForClients: a page that stops reading must not
// stall the watch loop.
func TestPublishNeverWaitsForClients(t *testing.T) {
	s, ts, _ := newTestServer(t)
	addr := strings.TrimPrefix(ts.URL, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	// Wait until the stream is registered, then never read again.
	deadline := time.Now().Add(wait)
	for {
		s.mu.Lock()
		n := len(s.clients)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("stream never registered")
		}
		time.Sleep(time.Millisecond) // polling a condition, not a fixed wait
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		big := brokenEvent(0)
		big.DiagnosticsText = strings.Repeat("x", 256<<10) // fills socket buffers fast
		for i := 1; i <= 200; i++ {
			big.Seq = i
			s.Publish(big)
		}
	}()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("Publish blocked on a client that does not read")
	}
	// A fresh client still gets the latest state.
	if got := subscribe(t, ts.URL).next(t, 200); got.Last.Seq != 200 {
		t.Errorf("latest state seq %d", got.Last.Seq)
	}
}

func TestAnalysisMeasuresTheSnapshot(t *testing.T) {
	s, ts, root := newTestServer(t)
	// EBU Tech 3341 test signal 1: a stereo 1 kHz sine at -23 dBFS in both
	// channels reads -23.0 LUFS (±0.1 LU), integrated and short-term.
	amp := math.Pow(10, -23.0/20)
	out := filepath.Join(root, "out", "song.wav")
	sha := writeSine(t, out, 48000, 20, 1000, amp)
	s.Publish(okEvent(root, 1, sha, -23))

	resp, b := get(t, ts.URL+"/analysis/main/1")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("analysis: %s %q", resp.Status, b)
	}
	var a struct {
		Output        string
		Seq           int
		SampleRate    int
		Channels      int
		Frames        int64
		Seconds       float64
		Min, Max      []float64
		ShortTerm     []*float64
		ShortTermStep float64
		Integrated    float64
		LRA           float64
	}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Output != "main" || a.Seq != 1 || a.SampleRate != 48000 || a.Channels != 2 || a.Frames != 960000 || a.Seconds != 20 {
		t.Errorf("header %+v", a)
	}
	if math.Abs(a.Integrated-(-23)) > 0.1 {
		t.Errorf("integrated %.3f LUFS, want -23.0 ±0.1", a.Integrated)
	}
	if a.ShortTermStep != 0.1 || len(a.ShortTerm) != 200 {
		t.Fatalf("short-term: step %v, %d values, want 0.1 and 200", a.ShortTermStep, len(a.ShortTerm))
	}
	for i := 29; i < len(a.ShortTerm); i++ { // full 3 s windows
		if v := a.ShortTerm[i]; v == nil || math.Abs(*v-(-23)) > 0.1 {
			t.Fatalf("short-term[%d] = %v, want -23.0 ±0.1", i, v)
		}
	}
	if a.LRA > 0.1 {
		t.Errorf("LRA of a steady sine %.2f LU, want ~0", a.LRA)
	}
	if len(a.Min) != overviewBuckets || len(a.Max) != overviewBuckets {
		t.Fatalf("overview %d/%d columns", len(a.Min), len(a.Max))
	}
	// Each column spans 600 samples, many 1 kHz periods: it reaches ±amp.
	for i := range a.Max {
		if math.Abs(a.Max[i]-amp) > 2e-4 || math.Abs(a.Min[i]+amp) > 2e-4 {
			t.Fatalf("column %d: [%v, %v], want ±%.4f", i, a.Min[i], a.Max[i], amp)
		}
	}
}

func TestAnalysisOverviewOfAStep(t *testing.T) {
	// 1000 frames: 300 of silence, then 700 of a constant 0.5 (left) and
	// -0.25 (right). With 1000 frames and 1600 columns asked, there is one
	// column per frame.
	dir := t.TempDir()
	path := filepath.Join(dir, "step.wav")
	l, r := make([]float64, 1000), make([]float64, 1000)
	for i := 300; i < 1000; i++ {
		l[i], r[i] = 0.5, -0.25
	}
	w, _ := audiofile.Create(path, 8000, 2, audiofile.Float32)
	w.Write([][]float64{l, r})
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	a, err := analyze(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Min) != 1000 {
		t.Fatalf("%d columns", len(a.Min))
	}
	for i := range a.Min {
		wantLo, wantHi := num(0), num(0)
		if i >= 300 {
			wantLo, wantHi = -0.25, 0.5
		}
		if a.Min[i] != wantLo || a.Max[i] != wantHi {
			t.Fatalf("column %d: [%v, %v], want [%v, %v]", i, a.Min[i], a.Max[i], wantLo, wantHi)
		}
	}
}

func TestServeListensOnLoopbackAndStops(t *testing.T) {
	root := t.TempDir()
	s := New(Config{Root: root, TempDir: t.TempDir()})
	sha := writeSine(t, filepath.Join(root, "out", "song.wav"), 48000, 1, 1000, 0.5)
	s.Publish(okEvent(root, 1, sha, -14))
	dir := s.snaps.dir

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ":0", func(a net.Addr) { addrc <- a }) }()
	var addr *net.TCPAddr
	select {
	case a := <-addrc:
		addr = a.(*net.TCPAddr)
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(wait):
		t.Fatal("Serve never reported its address")
	}
	if !addr.IP.IsLoopback() {
		t.Fatalf("an empty host listened on %v, want loopback", addr)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", addr.Port)
	st := subscribe(t, url)
	if got := st.next(t, 1); got.Good == nil {
		t.Fatal("no replay")
	}
	// The Host check knows the port now.
	req, _ := http.NewRequest("GET", url+"/state", nil)
	req.Host = "localhost:1"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("Host with another port: %v %v", resp.Status, err)
	}

	cancel() // with a stream still open
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(wait):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("snapshots left after Serve returned: %v", err)
	}
	s.Publish(okEvent(root, 2, sha, -14)) // after Close: ignored, no panic
}

// TestAnalysisBelowMeterRate: a file too slow for the loudness meter still
// gets its overview, and an empty (not null) loudness curve the page can
// iterate.
func TestAnalysisBelowMeterRate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slow.wav")
	writeSine(t, path, 4000, 1, 100, 0.5)
	a, err := analyze(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(a)
	if !bytes.Contains(b, []byte(`"shortTerm":[]`)) || !bytes.Contains(b, []byte(`"integrated":null`)) {
		t.Errorf("analysis at 4 kHz: %.200s", b)
	}
	if len(a.Max) != overviewBuckets || slices.Max(a.Max) < 0.499 || slices.Min(a.Min) > -0.499 {
		t.Errorf("overview: %d columns, range [%v, %v], want ±0.5", len(a.Max), slices.Min(a.Min), slices.Max(a.Max))
	}
}
