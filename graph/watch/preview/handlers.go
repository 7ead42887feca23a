package preview

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// assetHandler serves the page's three files by name, nothing else: no
// listing, no index of the folder.
func assetHandler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	types := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "index.html"
		if r.URL.Path != "/" {
			name = strings.TrimPrefix(r.URL.Path, "/static/")
		}
		ct, ok := types[path.Ext(name)]
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(b)
	})
}

// client is one open event stream. Its mailbox holds at most the latest
// state: Publish replaces an unread message instead of waiting.
type client struct {
	ch chan []byte
}

// offer puts msg in the mailbox, replacing an unread one. Only Publish
// sends (under Server.mu), so after the drain the send cannot block.
func (c *client) offer(msg []byte) {
	select {
	case c.ch <- msg:
		return
	default:
	}
	select {
	case <-c.ch:
	default:
	}
	select {
	case c.ch <- msg:
	default:
	}
}

// serveEvents streams the state as Server-Sent Events: the current state
// at once (the replay), then every new one.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	c := &client{ch: make(chan []byte, 1)}
	s.mu.Lock()
	if len(s.clients) >= maxClients || s.closed {
		s.mu.Unlock()
		http.Error(w, "preview: too many event streams", http.StatusServiceUnavailable)
		return
	}
	s.clients[c] = struct{}{}
	c.ch <- s.state
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// A stream stays open: no write deadline (the server may set one).
	rc.SetWriteDeadline(time.Time{})
	if _, err := w.Write([]byte("retry: 1000\n\n")); err != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		var msg []byte
		select {
		case msg = <-c.ch:
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil || rc.Flush() != nil {
				return
			}
			continue
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
		// The state is JSON without raw newlines: one data line.
		if _, err := w.Write(sseMessage(msg)); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

func sseMessage(state []byte) []byte {
	b := make([]byte, 0, len(state)+32)
	b = append(b, "event: state\ndata: "...)
	b = append(b, state...)
	return append(b, "\n\n"...)
}

// serveSnapshot serves /audio/{output}/{seq} and /analysis/{output}/{seq}.
// The output and seq are looked up in the snapshot table; nothing from the
// URL ever becomes part of a file path.
func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request, kind, rawName, rawSeq string) {
	name, err := url.PathUnescape(rawName)
	if err != nil {
		http.Error(w, "preview: bad output name", http.StatusBadRequest)
		return
	}
	seq, err := strconv.Atoi(rawSeq)
	if err != nil || seq < 1 || itoa(seq) != rawSeq {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	sn := s.snaps.lookup(name, seq)
	s.mu.Unlock()
	if sn == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if kind == "analysis" {
		b, err := sn.analyzeOnce()
		if err != nil {
			s.cfg.Logf("preview: %v", err)
			http.Error(w, "preview: analysis failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.Write(b)
		return
	}
	// Seq restarts with every watch session, so the same URL may name other
	// bytes tomorrow: revalidate, by the bytes' hash.
	h.Set("Cache-Control", "no-cache")
	if sn.out.SHA256 != "" {
		h.Set("ETag", `"`+sn.out.SHA256+`"`)
	}
	f, err := os.Open(sn.path)
	if err != nil {
		http.NotFound(w, r) // dropped between lookup and open
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "preview: "+err.Error(), http.StatusInternalServerError)
		return
	}
	switch strings.ToLower(path.Ext(sn.path)) {
	case ".wav":
		h.Set("Content-Type", "audio/wav")
	case ".flac":
		h.Set("Content-Type", "audio/flac")
	default:
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("Content-Disposition", "inline")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

func itoa(i int) string { return strconv.Itoa(i) }
