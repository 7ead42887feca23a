// Package preview is the live preview page of watch mode: a local web page
// that always plays the latest render of a mix, A/B-compares it with the
// previous one, and shows what changed, the meters and the diagnostics of a
// broken edit.
//
// The watch loop calls Publish with every watch.Event. The server keeps a
// snapshot of each output's file for the current and the previous good
// render (the renderer replaces the files on disk, so a URL must keep
// meaning the bytes it was published with), measures them (waveform
// overview, short-term loudness) and pushes the state to every open page
// over Server-Sent Events.
//
// # Endpoints
//
//	GET /                          the page
//	GET /static/{file}             its script and style sheet (embedded)
//	GET /events                    Server-Sent Events: "state" messages, the latest first
//	GET /state                     the same state as one JSON document
//	GET /audio/{output}/{seq}      an output's bytes as rendered by render seq (Range requests)
//	GET /analysis/{output}/{seq}   its waveform overview and short-term loudness, JSON
//
// Nothing else is served: no directory listing, no file named by the URL.
// Audio URLs are looked up in the table of snapshots, never joined to a
// path, and only outputs inside Config.Root are snapshotted at all.
//
// # Staying local
//
// Serve listens on loopback unless the address names another host. Every
// response carries a Content-Security-Policy that allows only the server's
// own script, style, media and connections (no inline script or style, no
// framing), X-Content-Type-Options: nosniff, and
// Cross-Origin-Resource-Policy: same-origin. A request whose Host header is
// neither localhost, a loopback address nor the address the server listens
// on is refused (403): that stops DNS rebinding, where a hostile site's
// name is re-pointed at 127.0.0.1 to read the page from inside the browser.
// Requests a browser marks as coming from another site (Sec-Fetch-Site) are
// refused too, except a top-level navigation to the page itself.
package preview

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mixdown/mixdown/graph/watch"
)

// Config configures a Server.
type Config struct {
	// Root is the absolute path of the mix folder. Only outputs inside it
	// are snapshotted and served.
	Root string
	// Title names the mix on the page (e.g. the mix file's name); may be
	// empty.
	Title string
	// Logf reports problems the page cannot show by itself (a snapshot
	// that could not be taken). Nil discards them.
	Logf func(format string, args ...any)
	// TempDir is where snapshots are kept; empty means os.TempDir(). A
	// folder of its own is made inside it and removed by Close.
	TempDir string
}

// maxClients bounds the open event streams; a page holds one.
const maxClients = 64

// heartbeat is how often an idle event stream gets a comment line, so that
// a dead connection is noticed and proxies keep it open.
const heartbeat = 15 * time.Second

// Server serves the preview page. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg   Config
	files http.Handler // embedded page assets

	mu       sync.Mutex
	snaps    *store
	last     *watch.Event // the latest event, nil before the first
	good     *watch.Event // the latest OK event
	version  int          // counts Publish calls: the SSE id
	state    []byte       // JSON of the state after the latest Publish
	clients  map[*client]struct{}
	closed   bool
	listenIP net.IP // set by Serve; nil when unknown
	listenPt string

	done     chan struct{} // closed by Close: event streams end
	doneOnce sync.Once
	kick     chan struct{} // wakes the analysis worker
}

// New returns a server for cfg. It does no I/O until the first Publish.
func New(cfg Config) *Server {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{
		cfg:     cfg,
		files:   assetHandler(),
		snaps:   newStore(cfg.Root, cfg.TempDir, cfg.Logf),
		clients: map[*client]struct{}{},
		done:    make(chan struct{}),
		kick:    make(chan struct{}, 1),
	}
	s.state = s.marshalState()
	go s.analyzeWorker()
	return s
}

// analyzeWorker measures new snapshots in the background, one at a time,
// so the page's first request for them finds the answer ready. Renders
// that were superseded before their turn are measured only if asked for.
func (s *Server) analyzeWorker() {
	for {
		select {
		case <-s.kick:
		case <-s.done:
			return
		}
		s.mu.Lock()
		var todo []*snapshot
		for _, name := range s.snaps.order {
			if sl := s.snaps.slots[name]; sl != nil {
				todo = append(todo, sl.cur, sl.prev)
			}
		}
		s.mu.Unlock()
		for _, sn := range todo {
			if sn != nil {
				sn.analyzeOnce()
			}
		}
	}
}

// Publish records one watch event: for an OK event it snapshots every
// output, then it sends the new state to every open page. It is meant to be
// called from the watch goroutine, in event order. It never waits for a
// client: a page that is slow to read skips to the latest state.
func (s *Server) Publish(ev watch.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	ev = cloneEvent(ev)
	s.last = &ev
	if ev.OK {
		s.good = &ev
		s.snaps.update(ev)
		select {
		case s.kick <- struct{}{}:
		default: // the worker has a wake-up pending already
		}
	}
	s.version++
	s.state = s.marshalState()
	for c := range s.clients {
		c.offer(s.state)
	}
}

// Close ends every event stream and removes the snapshots. Publish does
// nothing afterwards. Serve calls Close when it returns; call it yourself
// when the server is used only through ServeHTTP.
func (s *Server) Close() error {
	s.doneOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.snaps.close()
}

// Serve listens on addr (host:port) and serves until ctx is done, then
// shuts down and calls Close. An empty host means 127.0.0.1: the server is
// reachable from other machines only when addr names such an interface
// (0.0.0.0 for all). Port 0 picks a free port. ready, when not nil, is
// called with the bound address before the first request is served.
func (s *Server) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("preview: listen address %q: %w (want host:port, e.g. 127.0.0.1:8080)", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	if ta, ok := ln.Addr().(*net.TCPAddr); ok {
		s.mu.Lock()
		s.listenIP, s.listenPt = ta.IP, strconv.Itoa(ta.Port)
		s.mu.Unlock()
	}
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		s.doneOnce.Do(func() { close(s.done) }) // event streams return first
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	} else {
		s.doneOnce.Do(func() { close(s.done) })
	}
	<-stopped
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// securityHeaders are set on every response. The page has no inline script
// or style; the script draws on canvases and fetches audio from this origin.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; " +
		"img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	"X-Content-Type-Options":       "nosniff",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
}

// ServeHTTP serves the page, the event stream, the state, and the
// snapshots' audio and analysis.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range securityHeaders {
		h.Set(k, v)
	}
	if !s.hostAllowed(r.Host) {
		http.Error(w, "preview: Host "+strconv.Quote(r.Host)+" is not this server (DNS rebinding?)", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "preview: read-only", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.EscapedPath()
	if !cleanPath(p) {
		http.Error(w, "preview: bad path", http.StatusBadRequest)
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		// A navigation from another site may open the page; nothing else.
		if !(p == "/" && r.Header.Get("Sec-Fetch-Mode") == "navigate") {
			http.Error(w, "preview: cross-site request refused", http.StatusForbidden)
			return
		}
	}
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	switch {
	case p == "/":
		s.files.ServeHTTP(w, r)
	case seg[0] == "static" && len(seg) == 2:
		s.files.ServeHTTP(w, r)
	case p == "/events":
		s.serveEvents(w, r)
	case p == "/state":
		s.mu.Lock()
		b := s.state
		s.mu.Unlock()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.Write(b)
	case (seg[0] == "audio" || seg[0] == "analysis") && len(seg) == 3:
		s.serveSnapshot(w, r, seg[0], seg[1], seg[2])
	default:
		http.NotFound(w, r)
	}
}

// cleanPath accepts only plain absolute paths: no dot segments, empty
// segments, backslashes, control characters or escaped slashes, dots or
// backslashes. Everything served is looked up by name, so this is a second
// wall, and it makes a probe fail loudly (400) instead of 404.
func cleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	lower := strings.ToLower(p)
	for _, bad := range []string{"%2f", "%5c", "%2e", "%00", "\\"} {
		if strings.Contains(lower, bad) {
			return false
		}
	}
	if p == "/" {
		return true
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if seg[i] < 0x20 || seg[i] == 0x7f {
				return false
			}
		}
	}
	return true
}

// hostAllowed is the DNS-rebinding check. A rebinding attack needs a host
// name (the attacker's), so any IP literal the server can be reached at is
// safe; of names, only localhost is accepted. When Serve knows the port, a
// Host with another port is refused too.
func (s *Server) hostAllowed(host string) bool {
	s.mu.Lock()
	lip, lport := s.listenIP, s.listenPt
	s.mu.Unlock()
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ""
	}
	if name == "" {
		return false
	}
	if port != "" && lport != "" && port != lport {
		return false
	}
	name = strings.ToLower(name)
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(name)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() || lip == nil || lip.IsUnspecified() {
		return true
	}
	return ip.Equal(lip)
}

// cloneEvent copies the slices of ev, so the caller may reuse them.
func cloneEvent(ev watch.Event) watch.Event {
	ev.Diagnostics = append([]watch.Diagnostic(nil), ev.Diagnostics...)
	ev.Changed = append([]string(nil), ev.Changed...)
	ev.Changes = append([]string(nil), ev.Changes...)
	ev.Outputs = append([]watch.Output(nil), ev.Outputs...)
	return ev
}

// remove deletes a snapshot file, reporting failures other than "gone".
func remove(path string, logf func(string, ...any)) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		logf("preview: %v", err)
	}
}
