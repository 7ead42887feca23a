package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSafetyFlags: the limit flags take numbers above 0 (anything else is
// a usage error), reach the loader, and -allow-outside lifts confinement.
func TestSafetyFlags(t *testing.T) {
	base := t.TempDir()
	proj := filepath.Join(base, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBrokenTone(t, filepath.Join(base, "shared.wav"), 48000, 1, 4800)
	writeBrokenTone(t, filepath.Join(proj, "a.wav"), 48000, 1, 4800)
	outside := filepath.Join(proj, "outside.mix.hcl")
	os.WriteFile(outside, []byte("track \"a\" {\n  source = \"../shared.wav\"\n}\n"), 0o644)
	three := filepath.Join(proj, "three.mix.hcl")
	os.WriteFile(three, []byte(strings.Repeat("track \"a\" {\n  source = \"a.wav\"\n}\n", 1)+
		"track \"b\" {\n  source = \"a.wav\"\n}\ntrack \"c\" {\n  source = \"a.wav\"\n}\n"), 0o644)

	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"validate", three, "-max-tracks", "0"}, exitUsage, "want a whole number above 0"},
		{[]string{"validate", three, "-max-tracks", "-1"}, exitUsage, "want a whole number above 0"},
		{[]string{"validate", three, "-max-render-seconds", "abc"}, exitUsage, "want a number above 0"},
		{[]string{"validate", three, "-max-render-seconds", "NaN"}, exitUsage, "want a number above 0"},
		{[]string{"render", three, "-max-ir-seconds", "+Inf"}, exitUsage, "want a number above 0"},
		{[]string{"validate", three, "-max-automation-points", "1.5"}, exitUsage, "want a whole number above 0"},
		{[]string{"validate", three, "-max-tracks", "2"}, exitFail, "Error: Too many tracks"},
		{[]string{"validate", three, "-max-tracks", "3"}, exitOK, ""},
		{[]string{"validate", three, "-max-render-seconds", "10"}, exitFail, "Error: Render too long"},
		{[]string{"validate", three, "-max-render-seconds", "10.1"}, exitOK, ""},
		{[]string{"validate", outside}, exitFail, "Error: Path outside the project"},
		{[]string{"validate", outside, "-allow-outside"}, exitOK, ""},
		{[]string{"validate", "-json", outside}, exitFail, ""},
		{[]string{"validate", "-json", "-allow-outside", outside}, exitOK, ""},
		// Flags do not outlive their command.
		{[]string{"validate", outside}, exitFail, "Error: Path outside the project"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("mixdown %s: exit %d, want %d; stderr:\n%s", strings.Join(c.args, " "), code, c.code, stderr.String())
		}
	}
	safety = safetyFlags{}
}
