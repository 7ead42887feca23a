package graph

import (
	"bytes"
	"path/filepath"
	"testing"
)

// deepMix has four levels with readers several levels behind their
// writers: bus.c reads track.t1 pre-fader three levels down, the master
// reads bus.a, bus.c and track.t3 at different lags, track.t3 listens to
// bus.a's sidechain key, an automated send crosses two levels, and stems
// take a track and a mid-level bus (with the master's chain). A reader
// at the wrong lag shifts a signal by whole blocks, so the bytes would
// change with the block size.
const deepMix = `
track "t1" {
  source = "a.wav"
  output = bus.a
  send {
    to        = bus.c
    level     = -9
    pre_fader = true
  }
}
track "t2" {
  source = "b.wav"
  pan    = -0.4
  output = bus.a
  send {
    to    = bus.b
    level = -12
  }
  automate "send.b.level" {
    points = [[0, -30], [0.4, -6], [0.41, -20]]
    curve  = "linear"
  }
}
track "t3" {
  source = "c.wav"
  compressor {
    threshold = -30
    ratio     = 4
    sidechain = bus.a
  }
}
bus "a" {
  output = bus.b
  eq {
    bell { freq = 800, gain = 3, q = 1 }
  }
}
bus "b" {
  output = bus.c
  delay {
    time     = 7
    feedback = 0.4
    mix      = 0.5
  }
}
bus "c" {
  reverb {
    decay = 0.4
    mix   = 0.3
  }
}
master {
  limiter { ceiling = -1 }
}
output "main" {
  file      = "out/main.wav"
  bit_depth = "float"
}
output "a" {
  file         = "out/a.wav"
  bit_depth    = "float"
  from         = bus.a
  master_chain = true
}
output "t1" {
  file      = "out/t1.wav"
  bit_depth = "float"
  from      = track.t1
}
`

// TestPipelinedLevels: the levels run at once on different blocks
// (renderRaw); every output of a mix whose readers sit up to four levels
// behind their writers is the same bytes for any block size and worker
// count, block size 1 (every step one frame) included.
func TestPipelinedLevels(t *testing.T) {
	dir := t.TempDir()
	const n = 48000 / 2
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(n, 31, 0.3))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(n, 32, 0.3), noise(n, 33, 0.3))
	writeWAV(t, filepath.Join(dir, "c.wav"), 48000, noise(n*3/4, 34, 0.3))
	g := mustBuild(t, dir, deepMix)
	if len(g.Levels) < 4 {
		t.Fatalf("the mix has %d levels, want at least 4 for the test to mean anything", len(g.Levels))
	}
	var want map[string][]byte
	for _, c := range []struct{ block, workers int }{{4096, 1}, {1, 1}, {7, 3}, {64, 2}, {333, 3}, {4096, 3}} {
		got := renderFiles(t, dir, deepMix, Options{BlockSize: c.block, Workers: c.workers})
		if len(got) != 3 {
			t.Fatalf("%d outputs, want 3", len(got))
		}
		if want == nil {
			want = got
			continue
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("block %d, %d workers: %s differs from block 4096, 1 worker", c.block, c.workers, name)
			}
		}
	}
}
