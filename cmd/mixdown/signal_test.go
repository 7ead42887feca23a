package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The interrupt guarantee is tested on a real mixdown process: the binary
// is built into a temporary folder (main's signal handling is what is
// under test, so the in-process run() will not do), renders a long mix,
// and gets SIGINT or SIGTERM once its first temporary output exists.

const signalMix = `
track "a" {
  source = "stems/a.wav"
  compressor {}
  reverb {}
}
output "main" {
  file = "out/main.wav"
}
output "loud" {
  file = "out/loud.wav"
  target { loudness = -14 }
}
`

// TestInterruptedRenderProcess: an interrupted render exits 1, leaves
// every earlier output byte for byte as it was, and leaves no temporary
// file behind: not beside the outputs, not the mastering spool.
func TestInterruptedRenderProcess(t *testing.T) {
	bin := processMixdown(t)
	var err error

	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		dir := t.TempDir()
		tmp := filepath.Join(dir, "tmp") // the child's TMPDIR, for the spool
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			t.Fatal(err)
		}
		mix := filepath.Join(dir, "song.mix.hcl")
		if err := os.WriteFile(mix, []byte(signalMix), 0o644); err != nil {
			t.Fatal(err)
		}
		mixdown := func(args ...string) *exec.Cmd {
			cmd := exec.Command(bin, args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			return cmd
		}

		// An earlier render, of a second of audio.
		if err := os.MkdirAll(filepath.Join(dir, "stems"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeBrokenTone(t, filepath.Join(dir, "stems", "a.wav"), 48000, 2, 48000)
		if out, err := mixdown("render", mix).CombinedOutput(); err != nil {
			t.Fatalf("first render: %v\n%s", err, out)
		}
		before := map[string][]byte{}
		for _, name := range []string{"main.wav", "loud.wav"} {
			if before[name], err = os.ReadFile(filepath.Join(dir, "out", name)); err != nil {
				t.Fatal(err)
			}
		}

		// A render that takes long: a minute of audio, one frame per
		// block (a few minutes' work; it is interrupted at once).
		writeBrokenTone(t, filepath.Join(dir, "stems", "a.wav"), 48000, 2, 48000*60)
		cmd := mixdown("render", mix, "-block-size", "1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()

		// Wait for the render to be writing: its temporary outputs
		// exist once rendering starts.
		deadline := time.Now().Add(2 * time.Minute)
		for len(tempFiles(t, filepath.Join(dir, "out"))) == 0 {
			select {
			case err := <-done:
				t.Fatalf("%v: mixdown exited (%v) before writing:\n%s", sig, err, stderr.String())
			case <-time.After(10 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("%v: no temporary output after 2 minutes", sig)
			}
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		select {
		case err = <-done:
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			t.Fatalf("%v: mixdown still running 2 minutes after the signal", sig)
		}

		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitFail {
			t.Errorf("%v: mixdown exited with %v, want exit status %d", sig, err, exitFail)
		}
		if s := stderr.String(); strings.Contains(s, "panic:") || strings.Contains(s, "goroutine ") {
			t.Errorf("%v: panicked:\n%s", sig, s)
		}
		for name, want := range before {
			got, err := os.ReadFile(filepath.Join(dir, "out", name))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%v: out/%s changed (err %v)", sig, name, err)
			}
		}
		if left := tempFiles(t, filepath.Join(dir, "out")); len(left) > 0 {
			t.Errorf("%v: temporary files left in out/: %v", sig, left)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			t.Errorf("%v: %d files left in TMPDIR (the mastering spool?)", sig, len(entries))
		}
	}
}

var built struct {
	sync.Once
	bin string
	out []byte
	err error
}

// processMixdown skips where a real process cannot be signalled or built,
// and otherwise returns the binary, built once for every test that needs
// one.
func processMixdown(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot send SIGINT to another process")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build mixdown with")
	}
	built.Do(func() {
		dir, err := os.MkdirTemp("", "mixdown-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "mixdown")
		built.out, built.err = exec.Command(goTool, "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// TestWatchInterrupted: Ctrl-C during a watch's render stops it cleanly:
// exit 0, the last good outputs byte for byte, no temporary file anywhere.
func TestWatchInterrupted(t *testing.T) {
	bin := processMixdown(t)
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(filepath.Join(dir, "stems"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	mix := filepath.Join(dir, "song.mix.hcl")
	if err := os.WriteFile(mix, []byte(signalMix), 0o644); err != nil {
		t.Fatal(err)
	}
	writeBrokenTone(t, filepath.Join(dir, "stems", "a.wav"), 48000, 2, 48000)

	cmd := exec.Command(bin, "watch", mix, "-block-size", "1", "-debounce", "1ms")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(prefix string) {
		t.Helper()
		timeout := time.After(2 * time.Minute)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("watch exited before %q:\n%s", prefix, stderr.String())
				}
				if strings.HasPrefix(l, prefix) {
					return
				}
			case <-timeout:
				t.Fatalf("no %q within 2 minutes:\n%s", prefix, stderr.String())
			}
		}
	}
	waitLine("render 1 ")
	before := map[string][]byte{}
	for _, name := range []string{"main.wav", "loud.wav"} {
		if before[name], err = os.ReadFile(filepath.Join(dir, "out", name)); err != nil {
			t.Fatal(err)
		}
	}
	// A long source: the next render takes minutes at one frame a block.
	writeBrokenTone(t, filepath.Join(dir, "stems", "a.wav"), 48000, 2, 48000*60)
	deadline := time.Now().Add(2 * time.Minute)
	for len(tempFiles(t, filepath.Join(dir, "out"))) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the second render never started writing:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond) // polling, not hoping: the loop waits for the file
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("watch still running 2 minutes after Ctrl-C")
	}
	if err != nil {
		t.Errorf("watch exited with %v after Ctrl-C, want 0:\n%s", err, stderr.String())
	}
	for name, want := range before {
		if got, err := os.ReadFile(filepath.Join(dir, "out", name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("out/%s changed (err %v)", name, err)
		}
	}
	if left := tempFiles(t, filepath.Join(dir, "out")); len(left) > 0 {
		t.Errorf("temporary files left in out/: %v", left)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("%d files left in TMPDIR (the mastering spool?)", len(entries))
	}
}

// tempFiles lists the files in dir other than the .wav outputs.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wav") || strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}
