package lang

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The seed corpora of the fuzz targets live in testdata/fuzz/<target>, so
// plain `go test` runs every seed as a test. The files named nasty-* are
// generated from the lists below; file-* and broken-* are copies of
// testdata/*/*.hcl and of the CLI's broken mixes
// (../cmd/mixdown/testdata/broken/mix). Rewrite them all with
//
//	go test ./lang -run TestFuzzSeedCorpus -update-fuzz-seeds
//
// Other files there are inputs the fuzzer found; keep them. To fuzz:
//
//	go test ./lang -run '^$' -fuzz FuzzLoadMix -fuzztime 3m -fuzzminimizetime 2s
//	go test ./lang -run '^$' -fuzz FuzzParseNoteValue -fuzztime 1m
//	go test ./lang -run '^$' -fuzz FuzzTimeValue -fuzztime 2m -fuzzminimizetime 2s
var updateFuzzSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite the generated fuzz seed corpora")

// nastyMixes are mix sources at and past every limit, and the kinds of
// bytes that break parsers: huge and odd numbers, deep nesting, unicode,
// null bytes, invalid UTF-8, odd line endings.
func nastyMixes() map[string]string {
	rep := strings.Repeat
	chain := func(n int, f string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, f, i, i+1)
		}
		return b.String()
	}
	track := func(body string) string { return "track \"a\" {\n  source = \"a.wav\"\n" + body + "\n}\n" }
	return map[string]string{
		"deep-brackets-99":     "locals { x = " + rep("[", 99) + rep("]", 99) + " }\n",
		"deep-brackets-101":    "locals { x = " + rep("[", 101) + rep("]", 101) + " }\n",
		"deep-brackets-20000":  "locals { x = " + rep("[", 20000) + " }\n",
		"deep-parens":          "mix { tempo = " + rep("(", 150) + "120" + rep(")", 150) + " }\n",
		"deep-blocks":          rep("track \"a\" {\n", 200) + rep("}\n", 200),
		"deep-objects":         "variable \"v\" {\n  default = " + rep("{a = ", 120) + "1" + rep("}", 120) + "\n}\n",
		"deep-templates":       "locals { x = " + rep(`"${`, 120) + "1" + rep(`}"`, 120) + " }\n",
		"unary-chain":          track("  gain = " + rep("-", 300) + "1"),
		"not-chain":            track("  mute = " + rep("!", 300) + "true"),
		"addition-chain":       track("  gain = 0" + rep(" + 0", 200)),
		"conditional-chain":    track("  gain = " + rep("true ? 0 : ", 200) + "0"),
		"index-chain":          "locals { x = [[1]]" + rep("[0]", 200) + " }\n",
		"attribute-chain":      "locals { x = var" + rep(".x", 200) + " }\n",
		"for-tuple":            "locals { x = [for a in [1, 2] : a * 2] }\n",
		"for-object":           "locals { x = {for k in [\"a\"] : k => 1} }\n",
		"for-directive":        "locals { x = \"%{for a in [1, 2]}${a}%{endfor}\" }\n",
		"if-directive":         "locals { x = \"%{if true}yes%{else}no%{endif}\" }\n",
		"splat":                "locals {\n  l = [{a = 1}, {a = 2}]\n  x = local.l[*].a\n}\n",
		"number-1e309":         track("  gain = 1e309"),
		"number-1e-400":        track("  gain = 1e-400"),
		"number-negative-huge": track("  gain = -1e308 * 10"),
		"number-100-digits":    track("  gain = -" + rep("1", 100)),
		"number-101-digits":    track("  gain = -" + rep("1", 101)),
		"number-2-to-64":       "mix { sample_rate = 18446744073709551616 }\n",
		"number-fraction-rate": "mix { sample_rate = 48000.000000000001 }\n",
		"number-hex":           "mix { sample_rate = 0xBB80 }\n",
		"divide-by-zero":       track("  gain = 1 / 0\n  pan = 0 / 0"),
		"pow-huge":             track("  gain = pow(10, 400)\n  pan = pow(-1, 0.5)"),
		"log-zero":             track("  gain = log(0, 10)"),
		"unicode-combining":    "track \"vocal\u0301s\" {\n  source = \"a.wav\"\n}\n",
		"unicode-rtl":          "track \"\u202eslacov\" {\n  source = \"\u05e9\u05d9\u05e8.wav\"\n}\n",
		"unicode-emoji":        "bus \"\U0001F941\" {}\ntrack \"a\" {\n  source = \"\U0001F3B8.wav\"\n  output = bus.\U0001F941\n}\n",
		"unicode-fullwidth":    "mix { tempo = 120 }\n" + track("  delay { time = \"\uff11/4\" }"),
		"unicode-zero-width":   "track \"a\u200db\" {\n  source = \"a.wav\"\n}\n",
		"unicode-homoglyph":    "bus \"drums\" {}\n" + track("  output = bus.dr\u0443ms"),
		"null-in-comment":      "# a\x00b\n" + track(""),
		"null-in-string":       track("  pan = 0\n  compressor { name = \"a\x00b\" }"),
		"null-in-path":         "track \"a\" {\n  source = \"a\\u0000.wav\"\n}\n",
		"null-bytes":           "\x00\x00\x00\x00",
		"null-after-block":     track("") + "\x00",
		"invalid-utf8":         "track \"\xff\xfe\" {\n  source = \"\xc3\x28.wav\"\n}\n",
		"invalid-surrogate":    "track \"a\" {\n  source = \"\\ud800.wav\"\n}\n",
		"bom":                  "\ufeff" + track(""),
		"crlf":                 strings.ReplaceAll(track("  gain = -3"), "\n", "\r\n"),
		"lone-cr":              strings.ReplaceAll(track("  gain = -3"), "\n", "\r"),
		"tabs":                 strings.ReplaceAll(track("  gain = -3"), "  ", "\t"),
		"unterminated-comment": "/* " + track(""),
		"unterminated-heredoc": "locals {\n  x = <<EOT\nabc\n",
		"long-identifier":      "locals { " + rep("a", 10000) + " = 1 }\n",
		"long-path":            "track \"a\" {\n  source = \"" + rep("d/", 2500) + "a.wav\"\n}\n",
		"long-heredoc":         "locals {\n  x = <<EOT\n" + rep("line\n", 1001) + "EOT\n}\n",
		"many-percent":         "locals { x = \"" + rep("%", 1001) + "\" }\n",
		"doubling-locals":      "locals {\n  a0 = \"xxxxxxxx\"\n" + chain(30, "  a%[2]d = \"${local.a%[1]d}${local.a%[1]d}\"\n") + "}\n",
		"local-chain":          "locals {\n" + chain(200, "  a%d = local.a%d\n") + "  a200 = 1\n}\n",
		"format-width":         "locals { x = format(\"%999999999d\", 1) }\n",
		"format-index":         "locals { x = format(\"%[3]s %[1]s\", \"a\", \"b\") }\n",
		"join-separator":       "locals {\n  s = \"" + rep("s", 1000) + "\"\n  x = join(local.s, [1, 2, 3])\n}\n",
		"var-typed":            "variable \"x\" {\n  type = list(number)\n}\n",
		"var-number":           "variable \"x\" {\n  type = number\n}\n" + track("  gain = var.x"),
		"paths-outside":        "track \"a\" {\n  source = \"../../a.wav\"\n  reverb { ir = \"/etc/passwd\" }\n}\noutput \"o\" {\n  file = \"/tmp/o.wav\"\n}\n",
		"paths-odd":            "track \"a\" {\n  source = \"\"\n}\ntrack \"b\" {\n  source = \".\"\n}\noutput \"o\" {\n  file = \"..\"\n}\n",
		"inline-commas":        track("  eq { bell { freq = 1000, gain = 2 }, bell { freq = 2000 } }"),
		"output-odd":           track("") + "output \"o\" {\n  file = \"o.wav\"\n  bit_depth = \"float\"\n  dither = \"shaped\"\n  sample_rate = 384001\n}\n",
		"note-values":          "mix { tempo = 999 }\n" + track("  delay { time = \"64/1t\" }\n  reverb { predelay = \"1/64d\" }"),
		"sidechain-self":       track("  compressor { sidechain = track.a }"),
		"too-many-tracks":      chain(DefaultMaxTracks+1, "track \"t%d\" {\n  source = \"t%d.wav\"\n}\n"),
		"too-many-buses":       chain(DefaultMaxTracks+1, "bus \"b%[1]d\" {\n  output = bus.b%[2]d\n}\n"),
		"too-many-effects":     "bus \"x\" {\n" + rep("  saturation {}\n", MaxEffects+1) + "}\n",
	}
}

// nastyNoteValues are note values and near misses for FuzzParseNoteValue
// and FuzzTimeValue.
var nastyNoteValues = []string{
	"1/4", "1/8d", "1/16t", "3/16", "64/1", "1/64", "64/1t", "1/64d",
	"0/4", "1/0", "-1/4", "+1/4", "1/4 ", " 1/4", "1 /4", "1/ 4",
	"\uff11/4", "\u0663/4", "1/4dd", "1/4td", "1/4D", "1/4T",
	"4294967297/4", "1/4294967296", "9223372036854775808/1", "1/9223372036854775808",
	"1/3", "", "/", "d", "t", "1/", "/4", "1//4", "1/4/4", "0x1/4", "1e1/4", "1.5/4",
	"1/4\x00", "\xff/4", "1/4\u0301",
}

// nastyTimes are time attribute values, as HCL, for FuzzTimeValue.
var nastyTimes = []string{
	"250", "0", "-1", "1", "10000", "10000.000001", "20833333.4", "1e300", "-1e300", "1e309",
	"0.0000001", "pow(10, 400)", "1/0", "\"auto\"", "true", "null", "[1]", "{}",
	"var.x", "local.t", "\"${1}/4\"",
}

func corpusFile(format string, v any) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n"+format+"\n", v)
}

// seedFiles returns every generated seed file, by target and name.
func seedFiles(t *testing.T) map[string]map[string][]byte {
	out := map[string]map[string][]byte{"FuzzLoadMix": {}, "FuzzParseNoteValue": {}, "FuzzTimeValue": {}}
	for name, src := range nastyMixes() {
		out["FuzzLoadMix"]["nasty-"+name] = corpusFile("[]byte(%q)", []byte(src))
	}
	copies, _ := filepath.Glob(filepath.Join("testdata", "*", "*.hcl"))
	broken, _ := filepath.Glob(filepath.Join("..", "cmd", "mixdown", "testdata", "broken", "mix", "*.hcl"))
	for _, f := range append(copies, broken...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prefix := "file-" + filepath.Base(filepath.Dir(f)) + "-"
		if strings.Contains(f, "broken") {
			prefix = "broken-"
		}
		out["FuzzLoadMix"][prefix+strings.TrimSuffix(filepath.Base(f), ".hcl")] = corpusFile("[]byte(%q)", b)
	}
	for i, s := range nastyNoteValues {
		out["FuzzParseNoteValue"][fmt.Sprintf("nasty-%02d", i)] = corpusFile("string(%q)", s)
	}
	for i, s := range nastyNoteValues {
		for _, tempo := range []float64{120, 20, 999, 0} {
			out["FuzzTimeValue"][fmt.Sprintf("nasty-note-%02d-%g", i, tempo)] = fmt.Appendf(nil,
				"go test fuzz v1\nstring(%q)\nfloat64(%s)\n", strconv.Quote(s), strconv.FormatFloat(tempo, 'g', -1, 64))
		}
	}
	for i, s := range nastyTimes {
		out["FuzzTimeValue"][fmt.Sprintf("nasty-time-%02d", i)] = fmt.Appendf(nil,
			"go test fuzz v1\nstring(%q)\nfloat64(%s)\n", s, strconv.FormatFloat(120, 'g', -1, 64))
	}
	out["FuzzTimeValue"]["nasty-time-nan-tempo"] = []byte("go test fuzz v1\nstring(\"\\\"1/4\\\"\")\nfloat64(NaN)\n")
	out["FuzzTimeValue"]["nasty-time-inf-tempo"] = []byte("go test fuzz v1\nstring(\"\\\"1/4\\\"\")\nfloat64(+Inf)\n")
	return out
}

// TestFuzzSeedCorpus keeps the generated seeds in testdata/fuzz in step
// with the lists above (copies of other files are refreshed only with
// -update-fuzz-seeds, so editing them does not fail this test).
func TestFuzzSeedCorpus(t *testing.T) {
	for target, files := range seedFiles(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		if *updateFuzzSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, b := range files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		for name, b := range files {
			if !strings.HasPrefix(name, "nasty-") {
				continue
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s/%s missing or stale; run go test ./lang -run TestFuzzSeedCorpus -update-fuzz-seeds", target, name)
			}
		}
	}
}
