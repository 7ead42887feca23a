package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// hostile returns mix sources built to make the loader use unbounded
// stack, memory or time, with the diagnostic each must get instead. Each
// is small; the worst would crash the process (a Go stack overflow is
// fatal), exhaust memory or run for hours without the safeguards.
func hostile() []struct{ name, src, want string } {
	rep := strings.Repeat
	lines := func(n int, f string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, f, i, i+1)
		}
		return b.String()
	}
	big := rep("y", 200<<10)
	return []struct{ name, src, want string }{
		{"nested brackets", "locals { x = " + rep("[", 100000) + "1" + rep("]", 100000) + " }", "Nesting too deep"},
		{"nested parentheses", "locals { x = " + rep("(", 100000) + "1" + rep(")", 100000) + " }", "Nesting too deep"},
		{"nested objects", "locals { x = " + rep("{a=", 50000) + "1" + rep("}", 50000) + " }", "Nesting too deep"},
		{"nested templates", "locals { x = " + rep(`"${`, 50000) + "1" + rep(`}"`, 50000) + " }", "Nesting too deep"},
		{"nested blocks", rep("track \"a\" {\n", 10000) + rep("}\n", 10000), "Nesting too deep"},
		{"unary minus chain", "mix { tempo = " + rep("-", 100000) + "1 }", "Nesting too deep"},
		{"not chain", "locals { x = " + rep("!", 100000) + "true }", "Nesting too deep"},
		{"addition chain", "mix { tempo = 1" + rep("+1", 100000) + " }", "Nesting too deep"},
		{"addition chain over lines", "locals { x = (1" + rep("+\n1", 5000) + ") }", "Nesting too deep"},
		{"conditional chain", "locals { x = " + rep("true ? 1 : ", 50000) + "2 }", "Nesting too deep"},
		{"index chain", "locals { x = [1]" + rep("[0]", 100000) + " }", "Nesting too deep"},
		{"attribute chain", "locals { x = var" + rep(".a", 100000) + " }", "Nesting too deep"},
		{"for in a tuple", "locals { x = [for a in [1, 2] : [for b in [1, 2] : b]] }", "Unsupported for expression"},
		{"for after a newline", "locals { x = [\n for a in [1] : a] }", "Unsupported for expression"},
		{"for in an object", "locals { x = {for a in [\"k\"] : a => 1} }", "Unsupported for expression"},
		{"for directive", "locals { x = \"%{ for a in [1] }x%{ endfor }\" }", "Unsupported for expression"},
		{"for directive stripped", "locals { x = \"%{~for a in [1] }x%{ endfor }\" }", "Unsupported for expression"},
		{"long number", "mix { tempo = 1" + rep("0", 1000000) + " }", "Number too long"},
		{"long fraction", "mix { tempo = 0." + rep("7", 5000) + " }", "Number too long"},
		{"many percent signs", "locals { x = \"" + rep("%", 500000) + "\" }", "String too complex"},
		{"long heredoc", "locals { x = <<EOT\n" + rep("a\n", 5000) + "EOT\n}", "String too complex"},
		{"file too large", "# " + rep("x", MaxSourceBytes) + "\n", "File too large"},
		{"doubling locals", "locals {\n a0 = \"" + rep("x", 16) + "\"\n" + lines(40, " a%[2]d = \"${local.a%[1]d}${local.a%[1]d}\"\n") + "}", "Expression too large"},
		{"fan-out", "locals {\n s = \"" + big + "\"\n x = \"" + rep("${local.s}", 500) + "\"\n}", "Expression too large"},
		{"fan-out in an attribute", "locals {\n s = \"" + big + "\"\n}\noutput \"o\" { file = \"" + rep("${local.s}", 500) + "\" }", "Expression too large"},
		{"format width", `locals { x = format("%999999999s", "") }`, "Error in function call"},
		{"format repeats an argument", "locals {\n s = \"" + big + "\"\n x = format(\"" + rep("%[1]s", 300) + "\", local.s)\n}", "Error in function call"},
		{"join with a long separator", "locals {\n s = \"" + big + "\"\n x = join(local.s, [" + rep("1,", 1000) + "1])\n}", "Error in function call"},
		{"many format calls", "locals {\n" + lines(900, " a%d = format(\"%%99999s%%99999s\", \"\", \"%d\")\n") + "}", "Error in function call"},
		{"too many locals", "locals {\n" + lines(MaxLocals+1, " a%d = local.a%d\n") + "}", "Too many local values"},
		{"too many variables", lines(MaxVariables+1, "variable \"v%d\" { default = %d }\n"), "Too many variables"},
		{"too many tracks", lines(DefaultMaxTracks+1, "track \"t%d\" { source = \"t%d.wav\" }\n"), "Too many tracks"},
		{"too many buses", lines(DefaultMaxTracks+1, "bus \"b%[1]d\" {}\n"), "Too many buses"},
		{"too many outputs", lines(MaxOutputs+1, "output \"o%d\" { file = \"o%d.wav\" }\n"), "Too many outputs"},
		{"too many clips", "track \"t\" {\n" + rep("  clip { source = \"a.wav\" }\n", MaxClips+1) + "}", "Too many clips"},
		{"long tempo map", "mix {\n tempo = 120\n tempo_map = [\n" + lines(MaxTempoChanges+1, "  { at = \"%[1]d:2\", tempo = 100 },\n") + " ]\n}", "Tempo map too long"},
		{"too many effects", "bus \"x\" {\n" + rep("  saturation {}\n", MaxEffects+1) + "}", "Too many effects"},
		{"too many bands", "bus \"x\" {\n  eq {\n" + rep("    bell {}\n", MaxEQBands+1) + "  }\n}", "Too many bands"},
		{"unknown buses with long names", "bus \"" + rep("a", 200000) + "\" {}\nbus \"x\" { output = bus." + rep("a", 200000) + "b }", "Unknown bus"},
	}
}

// TestHostileSources: every hostile source fails with its diagnostic,
// at once and in bounded memory, and nothing panics.
func TestHostileSources(t *testing.T) {
	for _, c := range hostile() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		m, diags := NewParser().LoadMixSource("hostile.mix.hcl", []byte(c.src), Options{})
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if !hasDiag(diags, c.want) {
			t.Errorf("%s: diagnostics %v, want %q", c.name, summaries(diags), c.want)
			continue
		}
		if m != nil && !diags.HasErrors() {
			t.Errorf("%s: no error", c.name)
		}
		for _, d := range diags {
			if d.Summary == c.want && (d.Subject == nil || d.Subject.Filename != "hostile.mix.hcl") {
				t.Errorf("%s: %q does not point into the file: %v", c.name, d.Summary, d.Subject)
			}
		}
		// Generous bounds, far from what the unguarded inputs take
		// (a fatal stack overflow, gigabytes, or hours).
		if elapsed > 5*time.Second {
			t.Errorf("%s: took %v", c.name, elapsed)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
			t.Errorf("%s: allocated %d MiB", c.name, alloc>>20)
		}
	}
}

// TestWithinLimits: the same constructs at sizes a mix may use load
// cleanly, so the limits do not get in the way of real files.
func TestWithinLimits(t *testing.T) {
	rep := strings.Repeat
	var locals strings.Builder
	for i := range MaxLocals - 1 {
		fmt.Fprintf(&locals, " a%d = local.a%d\n", i, i+1)
	}
	fmt.Fprintf(&locals, " a%d = 1\n", MaxLocals-1)
	// A big session: every track looks itself up in two tables.
	var session strings.Builder
	session.WriteString("locals {\n  paths = {\n")
	for i := range DefaultMaxTracks {
		fmt.Fprintf(&session, "    t%d = \"stems/%03d-%s.wav\"\n", i, i, rep("x", 40))
	}
	session.WriteString("  }\n  levels = {\n")
	for i := range DefaultMaxTracks {
		fmt.Fprintf(&session, "    t%d = %d\n", i, -i%24)
	}
	session.WriteString("  }\n}\n")
	for i := range DefaultMaxTracks {
		fmt.Fprintf(&session, "track \"t%d\" {\n  source = local.paths[\"t%d\"]\n  gain = lookup(local.levels, \"t%d\", 0)\n  pan = lookup(local.levels, \"t%d\", 0) / 24\n}\n", i, i, i, i)
	}
	cases := []struct{ name, src string }{
		{"brackets", "locals { x = " + rep("[", MaxNesting-2) + "1" + rep("]", MaxNesting-2) + " }"},
		{"additions", "mix { tempo = 1" + rep("+1", MaxNesting-2) + " }"},
		{"additions over lines", "locals {\n" + rep(" x = 1 + 2 + 3 + 4 + 5\n y = 1\n", 1) + "}\nlocals {\n z = [\n" + rep("  1 + 2,\n", 500) + " ]\n}"},
		{"comments between lines", "mix {\n  tempo = 100 + 20 # a comment\n  tail = 1 + 1 # another\n}\n" + rep("# line\n", 500)},
		{"format", `locals { x = format("%-20s|%08.3f", "vocals", 1.5) }`},
		{"join", `locals { x = join(", ", ["a", "b", "c"]) }`},
		{"reused local", "locals {\n s = \"" + rep("y", 1000) + "\"\n}\n" + rep("locals { x = \"${local.s}\" }\n", 1)},
		{"local chain", "locals {\n" + locals.String() + "}"},
		{"heredoc", "locals {\n x = <<EOT\n" + rep("a line of text\n", 400) + "EOT\n}"},
		{"percent signs", `locals { x = "100% of 50% is 50%" }`},
		{"block named like for", "locals {\n for = 1\n}"},
		{"big session with lookup tables", session.String()},
	}
	for _, c := range cases {
		start := time.Now()
		_, diags := NewParser().LoadMixSource("ok.mix.hcl", []byte(c.src), Options{})
		if diags.HasErrors() {
			t.Errorf("%s: %v", c.name, diags)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", c.name, d)
		}
	}
}

// TestTrackLimitOption: the track limit is the option's; the diagnostic
// is at the first track past it.
func TestTrackLimitOption(t *testing.T) {
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, "track \"t%d\" { source = \"t.wav\" }\n", i)
	}
	_, diags := NewParser().LoadMixSource("t.mix.hcl", []byte(b.String()), Options{Limits: Limits{MaxTracks: 16}})
	if len(diags) != 1 || diags[0].Summary != "Too many tracks" || diags[0].Subject.Start.Line != 17 {
		t.Fatalf("diagnostics %v, want one Too many tracks on line 17", diags)
	}
	if !strings.Contains(diags[0].Detail, "-max-tracks") {
		t.Errorf("detail %q does not say how to raise the limit", diags[0].Detail)
	}
	if _, diags := NewParser().LoadMixSource("t.mix.hcl", []byte(b.String()), Options{Limits: Limits{MaxTracks: 20}}); hasDiag(diags, "Too many tracks") {
		t.Errorf("20 tracks under a limit of 20: %v", diags)
	}
}

func TestLimitsDefaults(t *testing.T) {
	want := Limits{MaxRenderSeconds: 7200, MaxTracks: 512, MaxIRSeconds: 60, MaxAutomationPoints: 100000}
	if got := DefaultLimits(); got != want {
		t.Errorf("DefaultLimits() = %+v, want %+v", got, want)
	}
	set := Limits{MaxRenderSeconds: 1, MaxTracks: 2, MaxIRSeconds: 3, MaxAutomationPoints: 4}
	if got := set.OrDefaults(); got != set {
		t.Errorf("OrDefaults changed set limits: %+v", got)
	}
}

// TestHostileVarFiles: -var-file and -var values get the mix file's
// safeguards.
func TestHostileVarFiles(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "deep.mixvars")
	os.WriteFile(deep, []byte("x = "+strings.Repeat("[", 100000)+"1"+strings.Repeat("]", 100000)+"\n"), 0o644)
	large := filepath.Join(dir, "large.mixvars")
	os.WriteFile(large, []byte("x = \""+strings.Repeat("a", MaxSourceBytes)+"\"\n"), 0o644)
	src := []byte("variable \"x\" {\n  type = list(number)\n  default = [1]\n}\n")
	for _, c := range []struct {
		arg  VarArg
		want string
	}{
		{VarArg{File: true, Value: deep}, "Nesting too deep"},
		{VarArg{File: true, Value: large}, "File too large"},
		{VarArg{Value: "x=" + strings.Repeat("[", 100000)}, "Nesting too deep"},
	} {
		_, diags := NewParser().LoadMixSource("v.mix.hcl", src, Options{Vars: []VarArg{c.arg}})
		if !hasDiag(diags, c.want) {
			t.Errorf("%.40v: %v, want %q", c.arg, summaries(diags), c.want)
		}
	}
}

// TestSuggestLongNames: typo suggestions skip absurdly long names, whose
// edit distance would cost their lengths' product.
func TestSuggestLongNames(t *testing.T) {
	long := strings.Repeat("a", 100000)
	start := time.Now()
	if s := suggest(long+"b", []string{long}); s != "" {
		t.Errorf("suggested %.20q", s)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	if s := suggest("vocls", []string{"drums", "vocals"}); s != "vocals" {
		t.Errorf("suggest(vocls) = %q", s)
	}
}

func hasDiag(diags hcl.Diagnostics, summary string) bool {
	for _, d := range diags {
		if d.Summary == summary {
			return true
		}
	}
	return false
}

func summaries(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary)
	}
	return out
}

// TestLimitsOnRewrittenFiles: in a file with one-line blocks (rewritten
// before parsing), limit diagnostics still point at the file as written.
func TestLimitsOnRewrittenFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("track \"a\" { source = \"a.wav\", gain = 1 }\nlocals {\n")
	for i := range MaxLocals + 1 {
		fmt.Fprintf(&b, "  l%d = %d\n", i, i)
	}
	b.WriteString("}\n")
	_, diags := NewParser().LoadMixSource("r.mix.hcl", []byte(b.String()), Options{})
	if len(diags) != 1 || diags[0].Summary != "Too many local values" || diags[0].Subject.Start.Line != 3+MaxLocals {
		t.Fatalf("diagnostics %v, want Too many local values on line %d", diags, 3+MaxLocals)
	}
	b.Reset()
	b.WriteString("bus \"x\" { gain = 1, pan = 0 }\n")
	for i := range 3 {
		fmt.Fprintf(&b, "track \"t%d\" { source = \"a.wav\", gain = -1 }\n", i)
	}
	_, diags = NewParser().LoadMixSource("r.mix.hcl", []byte(b.String()), Options{Limits: Limits{MaxTracks: 2}})
	if len(diags) != 1 || diags[0].Summary != "Too many tracks" || diags[0].Subject.Start.Line != 4 || diags[0].Subject.Start.Column != 7 {
		t.Fatalf("diagnostics %v, want Too many tracks at 4:7", diags)
	}
}

// TestManyDiagnosticsLinear: mapping thousands of diagnostics' ranges back
// to the text as written is linear in the file. It once scanned from the
// top of the file for every range: 10,000 sends to unknown buses (400 KB)
// took about 25 s to load, 23,000 (1 MB) three and a half minutes. The
// bound is generous for a loaded machine; the load takes about half a
// second.
func TestManyDiagnosticsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("track \"a\" {\n  source = \"a.wav\"\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "  send { to = bus.verbxx%d, level = 0 }\n", i)
	}
	b.WriteString("}\n")
	start := time.Now()
	_, diags := NewParser().LoadMixSource("many.mix.hcl", []byte(b.String()), Options{AllowOutside: true})
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("loading took %s", took)
	}
	if !diags.HasErrors() {
		t.Fatal("no diagnostics")
	}
	last := diags[len(diags)-1]
	if last.Subject == nil || last.Subject.Start.Line < 10000 || last.Subject.Start.Column != 15 {
		t.Errorf("last diagnostic at %v", last.Subject)
	}
}
