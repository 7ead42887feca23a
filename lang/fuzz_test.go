package lang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// FuzzLoadMix feeds arbitrary source to the whole language: parsing, the
// inline-block rewrite, decoding every block and checking references.
// Nothing may panic, and every error must be a diagnostic.
func FuzzLoadMix(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.hcl"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("track \"a\" { eq { bell { freq = 1, gain = 2 } } }"))
	f.Add([]byte("mix { tempo = 0 }\ntrack \"a\" {\n  source = \"x\"\n  delay { time = \"1/0\" }\n}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m, diags := NewParser().LoadMixSource("fuzz.mix.hcl", src, Options{Vars: []VarArg{{Value: "x=1"}}})
		if m == nil && !diags.HasErrors() {
			t.Fatal("no mix and no error")
		}
		for _, d := range diags {
			if d.Summary == "" {
				t.Fatalf("diagnostic without a summary: %#v", d)
			}
			// Every error names the file and the place, but those
			// about the -var given here, which has no place.
			if d.Severity == hcl.DiagError && (d.Subject == nil || d.Subject.Filename != "fuzz.mix.hcl") &&
				d.Summary != "Value for undeclared variable" && d.Summary != "Invalid value for input variable" {
				t.Fatalf("error without a place in the file: %#v", d)
			}
		}
	})
}

// FuzzParseNoteValue: the note-value parser never panics, and whatever it
// accepts is a positive, finite length.
func FuzzParseNoteValue(f *testing.F) {
	for _, s := range []string{"1/4", "1/8d", "1/16t", "3/16", "64/1", "1/64t", "", "/", "1/", "/4", "1/4dd", "-1/4", "1/4 ", "１/4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseNoteValue(s)
		if err == nil && !(q > 0 && q <= 64*4*1.5) {
			t.Fatalf("ParseNoteValue(%q) = %v", s, q)
		}
	})
}
