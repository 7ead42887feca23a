package graph

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// cancelAfter is a context whose Err turns to Canceled after n calls: a
// render interrupted part-way, at a point the test chooses.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func (c *cancelAfter) Deadline() (time.Time, bool) { return time.Time{}, false }

// TestInterruptedRenderKeepsEarlierOutput: a render that stops part-way
// leaves no partial output, no temp files, and the earlier output intact.
func TestInterruptedRenderKeepsEarlierOutput(t *testing.T) {
	dir := determinismFixture(t)
	g := mustBuild(t, dir, determinismMix)
	if _, err := Render(context.Background(), g, Options{}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "out", "main.wav"))
	if err != nil {
		t.Fatal(err)
	}

	// Change the mix so a finished render would write different bytes.
	g.Tracks[0].GainDB = 0
	_, err = Render(&cancelAfter{Context: context.Background(), n: 3}, g, Options{BlockSize: 64})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	after, err := os.ReadFile(filepath.Join(dir, "out", "main.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("an interrupted render changed the earlier output")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("out/ holds %v, want only main.wav and float.wav", names)
	}
}

// TestFirstRenderInterruptedWritesNothing: with no earlier output, an
// interrupted render leaves no file at all.
func TestFirstRenderInterruptedWritesNothing(t *testing.T) {
	dir := determinismFixture(t)
	g := mustBuild(t, dir, determinismMix)
	_, err := Render(&cancelAfter{Context: context.Background(), n: 5}, g, Options{BlockSize: 64})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(entries) != 0 {
		t.Errorf("out/ holds %d entries after an interrupted first render, want none", len(entries))
	}
}

// TestEngineAllocs: a whole-graph block allocates nothing.
func TestEngineAllocs(t *testing.T) {
	dir := determinismFixture(t)
	checkAllocs(t, mustBuild(t, dir, determinismMix))
}
