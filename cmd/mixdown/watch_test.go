package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mixdown/mixdown/graph/watch"
)

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "512MiB": 512 << 20, "2GiB": 2 << 30, "1.5G": 3 << 29, "100MB": 100e6, "4096": 4096, "1 KiB": 1024,
	} {
		var got int64
		if err := (byteSize{&got}).Set(in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1G", "lots", "1e30TiB", "NaN"} {
		var got int64
		if err := (byteSize{&got}).Set(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, got)
		}
	}
}

// TestPrintEvent pins the one line per render (and its output lines) the
// issue asks for.
func TestPrintEvent(t *testing.T) {
	up, peak := 0.6, -0.04
	var out, errs bytes.Buffer
	printEvent(&out, &errs, watch.Event{
		Seq: 2, OK: true, Duration: 412 * time.Millisecond, Cached: 0.78,
		Changed: []string{"track.vocals", "bus.verb", "master", "output.main"},
		Changes: []string{"track.vocals.compressor.ratio: 3 → 4"},
		Outputs: []watch.Output{{Path: "/nowhere/out/song.wav", LUFS: -14.04, TruePeakDB: -1.0, DeltaLUFS: &up, DeltaPeakDB: &peak}},
	})
	// One line per render; -0.04 rounds to 0.0, signed like the rest.
	want := "render 2  0.41s  78% cached  changed track.vocals, bus.verb, master, output.main" +
		" | /nowhere/out/song.wav -14.0 LUFS (+0.6) -1.0 dBTP (+0.0)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	printEvent(&out, &errs, watch.Event{Seq: 3, DiagnosticsText: "Error: Unclosed configuration block\n",
		Diagnostics: []watch.Diagnostic{{Severity: "error"}}})
	if got := out.String(); got != "render 3  failed: 1 error; the last good outputs are kept\n" {
		t.Errorf("failed render: %q", got)
	}
	if !strings.Contains(errs.String(), "Unclosed") {
		t.Errorf("diagnostics not printed: %q", errs.String())
	}
}

func TestBrowsable(t *testing.T) {
	for _, c := range []struct {
		ip   string
		want string
	}{{"0.0.0.0", "127.0.0.1:8080"}, {"::", "127.0.0.1:8080"}, {"127.0.0.1", "127.0.0.1:8080"}, {"192.168.1.5", "192.168.1.5:8080"}} {
		if got := browsable(&net.TCPAddr{IP: net.ParseIP(c.ip), Port: 8080}); got != c.want {
			t.Errorf("%s: %s, want %s", c.ip, got, c.want)
		}
	}
}
