package format

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mixdown/mixdown/lang"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden formats testdata/fmt/NAME.in.hcl and compares the result with
// NAME.golden.hcl.
func TestGolden(t *testing.T) {
	ins, _ := filepath.Glob(filepath.Join("testdata", "fmt", "*.in.hcl"))
	if len(ins) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.hcl")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := mustSource(t, src)
			goldenPath := filepath.Join("testdata", "fmt", name+".golden.hcl")
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Source(%s) differs from %s:\n%s", in, goldenPath, Unified("want", "got", want, got))
			}
			checkSame(t, in, src, got)
		})
	}
}

// corpus returns every mix file the repository holds that parses: the
// goldens, lang's test files, the demo, and the documentation's examples.
func corpus(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	var paths []string
	for _, glob := range []string{
		filepath.Join("testdata", "fmt", "*.hcl"),
		filepath.Join("..", "testdata", "*", "*.hcl"),
		filepath.Join("..", "..", "examples", "*", "*.mix.hcl"),
	} {
		m, _ := filepath.Glob(glob)
		paths = append(paths, m...)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	fence := regexp.MustCompile("(?s)```hcl\n(.*?)```")
	docs, _ := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "..", "README.md"))
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range fence.FindAllSubmatch(b, -1) {
			files[d+"#"+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = m[1]
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d files in the corpus", len(files))
	}
	return files
}

// TestIdempotent: formatting formatted source changes nothing, over every
// mix file in the repository, and formatting changes no file's meaning.
func TestIdempotent(t *testing.T) {
	for name, src := range corpus(t) {
		if m, _ := load(name, src); m == nil {
			continue // a syntax error, as some invalid test files have
		}
		once := mustSource(t, src)
		twice := mustSource(t, once)
		if !bytes.Equal(once, twice) {
			t.Errorf("%s: formatting twice changes the result:\n%s", name, Unified("once", "twice", once, twice))
		}
		checkSame(t, name, src, once)
	}
}

// TestDemoCanonical: the bundled demo is written in the canonical form, so
// formatting it must not change it. (It is what users copy.)
func TestDemoCanonical(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo", "demo.mix.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustSource(t, src); !bytes.Equal(got, src) {
		t.Errorf("demo.mix.hcl is not canonical:\n%s", Unified("demo.mix.hcl", "formatted", src, got))
	}
}

// TestDocExample: the before-and-after example in docs/language.md's
// Formatting section is what Source does.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "language.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Formatting\n")
	if !ok {
		t.Fatal("docs/language.md has no Formatting section")
	}
	m := regexp.MustCompile("(?s)\n\n((?:    [^\n]*\n)+)\nbecomes\n\n```hcl\n(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatal("no indented example followed by \"becomes\" and an hcl block")
	}
	before := regexp.MustCompile("(?m)^    ").ReplaceAllString(m[1], "")
	if got := string(mustSource(t, []byte(before))); got != m[2] {
		t.Errorf("the documented example formats to\n%s\nnot\n%s", got, m[2])
	}
}

// TestCases covers single points of the layout.
func TestCases(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"blank only", "\n\n  \n", ""},
		{"final newline added", "mix {}", "mix {}\n"},
		{"CRLF", "mix {\r\n  tempo = 120 # bpm\r\n}\r\n", "mix {\n  tempo = 120 # bpm\n}\n"},
		{"leading and trailing blank lines", "\n\n# c\nmix {}\n\n\n", "# c\nmix {}\n"},
		{"blank lines collapse", "mix {}\n\n\n\nbus \"a\" {}\n", "mix {}\n\nbus \"a\" {}\n"},
		{"tabs", "mix {\n\ttempo\t=\t120\n}\n", "mix {\n  tempo = 120\n}\n"},
		{"one-line spacing", "bus \"a\" {\n  eq{bell{freq=1,gain=2}}\n}\n", "bus \"a\" {\n  eq { bell { freq = 1, gain = 2 } }\n}\n"},
		{"one-line trailing comma", "bus \"a\" {\n  reverb { mix = 1, }\n}\n", "bus \"a\" {\n  reverb { mix = 1 }\n}\n"},
		{"block comment after a comma", "bus \"a\" {\n  gain = 1, /* x */ pan = 0.5\n}\n", "bus \"a\" {\n  gain        = 1\n  /* x */ pan = 0.5\n}\n"},
		{"multi-line commas split", "bus \"a\" {\n  gain = 1, pan = 0.5 # c\n  mute = false,\n}\n",
			"bus \"a\" {\n  gain = 1\n  pan  = 0.5 # c\n  mute = false\n}\n"},
		{"comma before closing brace", "bus \"a\" {\n  gain = 1, pan = 0.5, }\n", "bus \"a\" {\n  gain = 1\n  pan  = 0.5\n}\n"},
		{"expression commas kept", "locals {\n  x = [1,2]\n  y = max(1,2)\n  z = {a=1,b=2}\n}\n",
			"locals {\n  x = [1, 2]\n  y = max(1, 2)\n  z = { a = 1, b = 2 }\n}\n"},
		{"heredoc kept", "variable \"v\" {\n  description = <<EOT\n  two  spaces,\n\n\n  three blank lines\nEOT\n}\n",
			"variable \"v\" {\n  description = <<EOT\n  two  spaces,\n\n\n  three blank lines\nEOT\n}\n"},
		{"tempo map", "mix {\n  tempo=120\n  tempo_map=[\n    {at=\"9:1\",tempo=96},\n    { at = \"17:1\", meter = \"3/4\" },\n  ]\n}\n",
			"mix {\n  tempo = 120\n  tempo_map = [\n    { at = \"9:1\", tempo = 96 },\n    { at = \"17:1\", meter = \"3/4\" },\n  ]\n}\n"},
		{"clip one-liners", "track \"v\" {\n  clip{source=\"a.wav\",at=\"5:1\"}\n  clip { source = \"b.wav\", at = 21.5, fade_in = 0.1, }\n}\n",
			"track \"v\" {\n  clip { source = \"a.wav\", at = \"5:1\" }\n  clip { source = \"b.wav\", at = 21.5, fade_in = 0.1 }\n}\n"},
		{"clip block", "track \"v\" {\n  clip {\n    source=\"a.wav\"\n    at = \"5:1\"\n    fade_curve=\"log\"\n  }\n}\n",
			"track \"v\" {\n  clip {\n    source     = \"a.wav\"\n    at         = \"5:1\"\n    fade_curve = \"log\"\n  }\n}\n"},
		{"negation", "track \"a\" {\n  gain = - 3\n  mute = ! var.m\n}\n", "track \"a\" {\n  gain = -3\n  mute = !var.m\n}\n"},
	}
	for _, c := range cases {
		got := string(mustSource(t, []byte(c.in)))
		if got != c.want {
			t.Errorf("%s: Source(%q)\n got %q\nwant %q", c.name, c.in, got, c.want)
		}
		if again := string(mustSource(t, []byte(got))); again != got {
			t.Errorf("%s: not idempotent: %q then %q", c.name, got, again)
		}
	}
}

// TestCommentsKept: every comment of the input is in the output, in the
// same order and with the same text.
func TestCommentsKept(t *testing.T) {
	for name, src := range corpus(t) {
		if m, _ := load(name, src); m == nil {
			continue
		}
		want, got := comments(src), comments(mustSource(t, src))
		if !slices.Equal(want, got) {
			t.Errorf("%s: comments changed:\n want %q\n  got %q", name, want, got)
		}
	}
}

func comments(src []byte) []string {
	toks, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	var out []string
	for _, tok := range toks {
		if tok.Type == hclsyntax.TokenComment {
			out = append(out, strings.TrimRight(string(tok.Bytes), "\r\n"))
		}
	}
	return out
}

func FuzzSource(f *testing.F) {
	ins, _ := filepath.Glob(filepath.Join("testdata", "fmt", "*.in.hcl"))
	for _, in := range ins {
		b, _ := os.ReadFile(in)
		f.Add(b)
	}
	f.Add([]byte("a { b = 1, c = 2 }\n"))
	f.Add([]byte("track \"t\" {\n eq { bell { freq = 1, gain = 2, } }\n gain = 1, pan = 2\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if m, _ := load("fuzz.mix.hcl", src); m == nil {
			return // Source's contract is for source free of syntax errors
		}
		once, err := Source(src)
		if err != nil {
			if !bytes.Equal(once, src) {
				t.Fatalf("Source failed (%v) but changed the source", err)
			}
			return
		}
		if twice := mustSource(t, once); !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent:\n%s", Unified("once", "twice", once, twice))
		}
		checkSame(t, "fuzz.mix.hcl", src, once)
	})
}

// TestRefusesMeaningChange: hclwrite would join a number and an index into
// a longer number; Source refuses rather than change the file's meaning.
func TestRefusesMeaningChange(t *testing.T) {
	src := []byte("track \"a\" {\n  gain = 1 .5\n}\n")
	got, err := Source(src)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("Source(%q) = %q, %v; want an error about line 2", src, got, err)
	}
	if !bytes.Equal(got, src) {
		t.Errorf("Source changed the source on failure: %q", got)
	}
}

func mustSource(t *testing.T, src []byte) []byte {
	t.Helper()
	out, err := Source(src)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var modelOpts = cmp.Options{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
	cmp.Comparer(func(a, b cty.Type) bool { return a.Equals(b) }),
}

func load(name string, src []byte) (*lang.Mix, hcl.Diagnostics) {
	return lang.NewParser().LoadMixSource(name, src, lang.Options{})
}

// checkSame requires formatted source to load to the same mix, with the
// same diagnostics, as the original.
func checkSame(t *testing.T, name string, orig, formatted []byte) {
	t.Helper()
	m1, d1 := load(name, orig)
	m2, d2 := load(name, formatted)
	if m2 == nil && m1 != nil {
		t.Fatalf("%s: formatted source does not parse: %s\n%s", name, d2, formatted)
	}
	if diff := cmp.Diff(m1, m2, modelOpts); diff != "" {
		t.Errorf("%s: formatting changed the mix (-orig +formatted):\n%s", name, diff)
	}
	if s1, s2 := summaries(d1), summaries(d2); !slices.Equal(s1, s2) {
		t.Errorf("%s: formatting changed the diagnostics: %q, then %q", name, s1, s2)
	}
}

func summaries(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary)
	}
	return out
}

// BenchmarkDemo formats the demo mix (go test -bench Demo ./lang/format).
func BenchmarkDemo(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo", "demo.mix.hcl"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Source(src); err != nil {
			b.Fatal(err)
		}
	}
}
