package lang

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestInlineBlocks: commas between attributes of a one-line block, and
// blocks nested on one line, decode like the multi-line form, and
// diagnostics point at the text as written.
func TestInlineBlocks(t *testing.T) {
	dir := t.TempDir()
	src := "track \"a\" {\n" +
		"  source = \"a.wav\"\n" +
		"  eq { bell { freq = 100, gain = 30, q = 2 } }  # comment, with a comma\n" +
		"  compressor { ratio = max(2, 3), knee = 0 }\n" +
		"}\n"
	file := filepath.Join(dir, "m.mix.hcl")
	os.WriteFile(file, []byte(src), 0o644)
	p := NewParser()
	m, diags := p.LoadMix(file, Options{})
	if len(diags) != 1 || diags[0].Summary != "Value out of range" {
		t.Fatalf("diags = %v, want one Value out of range", diags)
	}
	s := diags[0].Subject
	wantCol := strings.Index("  eq { bell { freq = 100, gain = 30, q = 2 } }", "30") + 1
	if s.Start.Line != 3 || s.Start.Column != wantCol || s.End.Column != wantCol+2 {
		t.Errorf("subject %d:%d-%d, want 3:%d-%d", s.Start.Line, s.Start.Column, s.End.Column, wantCol, wantCol+2)
	}
	if got := string(src[s.Start.Byte:s.End.Byte]); got != "30" {
		t.Errorf("subject bytes %q, want \"30\"", got)
	}
	var out bytes.Buffer
	WriteDiagnostics(&out, p.Files(), diags)
	for _, want := range []string{
		"on " + file + ":3:" + strconv.Itoa(wantCol) + ", in track \"a\":",
		"  3:   eq { bell { freq = 100, gain = 30, q = 2 } }",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	comp := m.Tracks[0].Effects[1]
	if comp.Num("ratio") != 3 || comp.Num("knee") != 0 {
		t.Errorf("function-call commas were split: ratio %v knee %v", comp.Num("ratio"), comp.Num("knee"))
	}
	// Model ranges map back too.
	if r := m.Tracks[0].Effects[1].DeclRange; r.Start.Line != 4 || r.Start.Column != 3 {
		t.Errorf("compressor DeclRange %d:%d, want 4:3", r.Start.Line, r.Start.Column)
	}
}

func FuzzExpandInline(f *testing.F) {
	for _, seed := range []string{
		"a { b = 1, c = 2 }\n",
		"eq { bell { freq = 1, gain = 2 } }\n",
		"x = [1, 2]\ny { z = {a = 1, b = 2}, w = \"${f(1, 2)}\" }\n",
		"a {\n b = 1, c = 2\n}\n",
		"a \"l\" { b = <<EOT\nx, y\nEOT\n}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, inserts := expandInline([]byte(src), "f.hcl")
		if out == nil {
			return
		}
		m := &offsetMap{orig: []byte(src), inserts: inserts}
		if len(out) != len(src)+len(inserts) {
			t.Fatalf("rewritten length %d, want %d", len(out), len(src)+len(inserts))
		}
		for i := 0; i <= len(out); i++ {
			o := m.toOrig(i)
			if o < 0 || o > len(src) {
				t.Fatalf("offset %d maps outside the source: %d", i, o)
			}
			m.pos(i)
		}
	})
}

// TestInlineSiblingBlocks: two blocks nested side by side on one line
// decode like the multi-line form, and positions still map back.
func TestInlineSiblingBlocks(t *testing.T) {
	src := "track \"a\" {\n" +
		"  source = \"a.wav\"\n" +
		"  eq { highpass { freq = 90 }  highshelf { freq = 10000, gain = 99 } }\n" +
		"}\n"
	m, diags := NewParser().LoadMixSource(filepath.Join(t.TempDir(), "m.mix.hcl"), []byte(src), Options{})
	if len(diags) != 1 || diags[0].Summary != "Value out of range" {
		t.Fatalf("diags = %v, want one Value out of range", diags)
	}
	if s := diags[0].Subject; src[s.Start.Byte:s.End.Byte] != "99" || s.Start.Line != 3 {
		t.Errorf("subject %v covers %q, want \"99\" on line 3", s, src[s.Start.Byte:s.End.Byte])
	}
	eq := m.Tracks[0].Effects[0]
	if len(eq.Bands) != 2 || eq.Bands[0].Kind != "highpass" || eq.Bands[1].Kind != "highshelf" || eq.Bands[0].Num("freq") != 90 {
		t.Fatalf("bands decoded wrong: %d bands", len(eq.Bands))
	}
}

// TestInlineBlockDetailPositions: positions quoted inside a diagnostic's
// detail ("already declared at ...") point at the file as written, also
// after one-line blocks that the loader rewrites.
func TestInlineBlockDetailPositions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.mix.hcl")
	src := "track \"b\" { source = \"b.wav\", pan = 0.5 }\n" +
		"track \"a\" { source = \"a.wav\", gain = -1 }\n" +
		"track \"a\" { source = \"c.wav\" }\n"
	os.WriteFile(file, []byte(src), 0o644)
	_, diags := NewParser().LoadMix(file, Options{})
	if len(diags) != 1 || diags[0].Summary != "Duplicate track" {
		t.Fatalf("diags = %v", diags)
	}
	if want := file + ":2:7"; !strings.Contains(diags[0].Detail, want) {
		t.Errorf("detail %q does not point at %s", diags[0].Detail, want)
	}
	if s := diags[0].Subject; s.Start.Line != 3 {
		t.Errorf("subject on line %d, want 3", s.Start.Line)
	}
	if strings.Contains(diags[0].Detail, "\x00") {
		t.Errorf("unresolved position marker in %q", diags[0].Detail)
	}
}
