package lang

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics prints diagnostics in HCL's text style, with the
// position as file:line:col and the subject marked under the snippet:
//
//	Error: Unknown bus
//
//	  on song.mix.hcl:12:12, in track "vocals":
//	  12:   output = bus.bnd
//	                 ^^^^^^^
//
//	There is no bus named "bnd" in this mix. Did you mean "band"?
//
// files supplies the source for snippets (Parser.Files).
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) {
	for _, d := range diags {
		writeDiagnostic(w, files, d)
	}
}

func writeDiagnostic(w io.Writer, files map[string]*hcl.File, d *hcl.Diagnostic) {
	severity := "Error"
	if d.Severity == hcl.DiagWarning {
		severity = "Warning"
	}
	fmt.Fprintf(w, "%s: %s\n\n", severity, d.Summary)
	if d.Subject != nil {
		s := *d.Subject
		file := files[s.Filename]
		where := fmt.Sprintf("%s:%d:%d", s.Filename, s.Start.Line, s.Start.Column)
		if file == nil || file.Bytes == nil {
			fmt.Fprintf(w, "  on %s:\n\n", where)
		} else {
			at := s.Start
			if nav, ok := file.Nav.(*mappedNav); ok {
				// The parsed file was rewritten (see expandInline): look
				// the block up at the rewritten offset.
				at = hcl.Pos{Byte: nav.m.toRewritten(at.Byte)}
			}
			if block := file.OutermostBlockAtPos(at); block != nil {
				where += ", in " + blockTitle(block)
			}
			fmt.Fprintf(w, "  on %s:\n", where)
			writeSnippet(w, file.Bytes, s)
			fmt.Fprintln(w)
		}
	}
	if d.Detail != "" {
		fmt.Fprintf(w, "%s\n\n", resolvePositions(d.Detail, nil))
	}
}

func blockTitle(b *hcl.Block) string {
	parts := []string{b.Type}
	for _, l := range b.Labels {
		parts = append(parts, fmt.Sprintf("%q", l))
	}
	return strings.Join(parts, " ")
}

// writeSnippet prints the source lines the range covers (at most three),
// each followed by a marker line under the range's columns.
func writeSnippet(w io.Writer, src []byte, r hcl.Range) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	last := min(r.End.Line, r.Start.Line+2)
	for line := 1; sc.Scan() && line <= last; line++ {
		if line < r.Start.Line {
			continue
		}
		text := strings.ReplaceAll(sc.Text(), "\t", " ")
		prefix := fmt.Sprintf("  %d: ", line)
		fmt.Fprintf(w, "%s%s\n", prefix, text)

		from, to := 1, utf8.RuneCountInString(text)+1
		if line == r.Start.Line {
			from = r.Start.Column
		}
		if line == r.End.Line {
			to = r.End.Column
		}
		if to <= from {
			to = from + 1
		}
		fmt.Fprintf(w, "%s%s%s\n", strings.Repeat(" ", len(prefix)+from-1), strings.Repeat("^", to-from), "")
	}
}

// pos formats the start of a range as file:line:col, for details that
// point at another place in the source.
//
// While a file is loading, its ranges are those of the rewritten source
// (see expandInline), so pos writes a marker holding the byte offset;
// resolvePositions turns markers into file:line:col of the file as written
// once the offset maps are known.
func pos(r hcl.Range) string {
	return fmt.Sprintf("\x00pos\x01%s\x01%d\x01%d\x01%d\x00", r.Filename, r.Start.Byte, r.Start.Line, r.Start.Column)
}

var posMarker = regexp.MustCompile("\x00pos\x01([^\x01]*)\x01([0-9]+)\x01([0-9]+)\x01([0-9]+)\x00")

// resolvePositions replaces the position markers in s, mapping offsets in
// rewritten files back to the text as written.
func resolvePositions(s string, maps map[string]*offsetMap) string {
	if !strings.Contains(s, "\x00pos\x01") {
		return s
	}
	return posMarker.ReplaceAllStringFunc(s, func(m string) string {
		g := posMarker.FindStringSubmatch(m)
		file, line, col := g[1], g[3], g[4]
		if om := maps[file]; om != nil {
			b, _ := strconv.Atoi(g[2])
			p := om.pos(b)
			return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
		}
		return file + ":" + line + ":" + col
	})
}
