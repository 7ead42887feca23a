package graph

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// tapAndRender taps address while rendering g, and returns the tapped
// stream and the master.
// It checks the positions the tap reports follow on from each other.
func tapAndRender(t *testing.T, g *Graph, address string, opts Options) (tapped, master [][]float64, latency int) {
	t.Helper()
	e, err := NewEngine(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tapped, master = [][]float64{nil, nil}, [][]float64{nil, nil}
	var mu sync.Mutex
	next := int64(-1 << 62)
	if err := e.Tap(address, func(b [][]float64, at int64) {
		mu.Lock()
		if next == -1<<62 {
			next = at
			latency = int(-at)
		}
		if at != next {
			t.Errorf("block at %d, want %d", at, next)
		}
		next += int64(len(b[0]))
		tapped[0] = append(tapped[0], b[0]...)
		tapped[1] = append(tapped[1], b[1]...)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	for {
		b, err := e.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return tapped, master, latency
		}
		if err != nil {
			t.Fatal(err)
		}
		master[0] = append(master[0], b[0]...)
		master[1] = append(master[1], b[1]...)
	}
}

// A bus that is all the master hears, tapped, is the master sample for
// sample; a tapped track's stream is late by its own latency.
func TestTap(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, ramp(5000, 1))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, ramp(3000, -0.5), ramp(3000, 0.25))
	src := `
track "a" {
  source = "a.wav"
  gain   = -6
  pan    = 0.3
  output = bus.sum
  limiter { lookahead = 2 }
}
track "b" {
  source   = "b.wav"
  polarity = true
  output   = bus.sum
}
track "muted" {
  source = "b.wav"
  mute   = true
}
bus "sum" {
  gain = -2
  pan  = -0.2
}
output "main" {
  file = "out.wav"
  bit_depth = "float"
}
`
	g := mustBuild(t, dir, src)
	for _, bs := range []int{1, 7, 64, 4096} {
		opts := Options{BlockSize: bs, Workers: 2}
		tapped, master, lat := tapAndRender(t, g, "bus.sum", opts)
		// The bus is as late as the limiter's lookahead, and the raw
		// render runs that much longer.
		if lat < 1 || len(tapped[0]) < len(master[0])+lat {
			t.Fatalf("block %d: latency %d, tapped %d frames, master %d", bs, lat, len(tapped[0]), len(master[0]))
		}
		for ch := range master {
			for i, x := range master[ch] {
				if tapped[ch][i+lat] != x {
					t.Fatalf("block %d: ch %d frame %d: tapped %v, master %v", bs, ch, i, tapped[ch][i+lat], x)
				}
			}
			for i := 0; i < lat; i++ {
				if tapped[ch][i] != 0 {
					t.Fatalf("block %d: latency pre-roll frame %d is %v, want 0", bs, i, tapped[ch][i])
				}
			}
		}
	}
	if err := func() error {
		e, err := NewEngine(g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		return e.Tap("track.muted", func([][]float64, int64) {})
	}(); err == nil || !strings.Contains(err.Error(), "not rendered") {
		t.Errorf("tapping a muted track: %v, want not rendered", err)
	}
	e, err := NewEngine(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Tap("bus.nope", func([][]float64, int64) {}); err == nil {
		t.Error("tapping a missing bus: no error")
	}
}

func TestTapAllocs(t *testing.T) {
	n := newNode("bus.x", 2, 64, &Strip{GainDB: -3, Pan: 0.5})
	tp := &tap{node: n, out: alloc(2, 64), view: make([][]float64, 2), f: func([][]float64, int64) {}}
	buf := alloc(2, 64)
	if a := testing.AllocsPerRun(100, func() { tp.Process(buf) }); a != 0 {
		t.Errorf("tap.Process allocates %v times, want 0", a)
	}
}
