// Package format lays out mix files canonically, as terraform fmt lays out
// Terraform: two-space indents, aligned "=" signs and trailing comments,
// one space around operators and inside braces. It has no options: every
// mix file has one canonical form, and formatting it again changes nothing.
//
// The layout itself is hclwrite's. Mix files add one thing HCL lacks: a
// block written on one line may hold several attributes separated by
// commas, and blocks nested on one line (see lang's expandInline):
//
//	eq { bell { freq = 400, gain = -3, q = 1.4 } }
//
// hclwrite cannot parse these, but its token-level layout handles them.
// Source keeps such a block on one line, normalised to
// name { a = 1, b = 2 } (a trailing comma is dropped), since people write
// them for reading. Commas between attributes on a line of a multi-line
// block are split onto lines of their own, where the "=" signs align.
// Besides, runs of blank lines shrink to one, blank lines at the start and
// end of the file go, line endings become "\n", and the file ends with one
// newline.
package format

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Source returns src laid out canonically. It changes layout only: the
// file decodes to the same mix. src must be free of syntax errors (load it
// with lang first, which reports them); source that does not even lex is
// returned unchanged.
//
// Source checks its own work: when the result would not read as the same
// sequence of tokens as src (hclwrite joins "1 .5" into the number "1.5",
// for one), it returns an error and src unchanged.
func Source(src []byte) ([]byte, error) {
	toks, diags := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return src, nil
	}
	commas := separatingCommas(toks)

	// Rebuild the source token by token, keeping the original spacing
	// (hclwrite recomputes it) but rewriting commas and blank lines.
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/8)
	var want []hclsyntax.Token // every token written but newlines, to check the result
	newlines := 2              // newline-ended lines just written; 2 drops leading blank lines
	prevEnd := 0
	for i, tok := range toks {
		if tok.Type == hclsyntax.TokenEOF {
			break
		}
		gap := src[prevEnd:tok.Range.Start.Byte]
		prevEnd = tok.Range.End.Byte
		switch {
		case tok.Type == hclsyntax.TokenNewline:
			if newlines < 2 { // else a second blank line
				out.WriteByte('\n')
				newlines++
			}
		case commas[i] == commaOneLine:
			if toks[i+1].Type != hclsyntax.TokenCBrace { // else a trailing comma
				out.Write(gap)
				out.Write(tok.Bytes)
				want = append(want, tok)
				newlines = 0
			}
		case commas[i] == commaMultiLine:
			// Between attributes on a line of a multi-line block: one per
			// line. At the end of the line, the comma just goes.
			if next := toks[i+1]; next.Type != hclsyntax.TokenNewline && !isLineComment(next) {
				out.WriteByte('\n')
				newlines = 1
			}
		case isLineComment(tok):
			out.Write(gap)
			out.Write(trimNewline(tok.Bytes))
			out.WriteByte('\n')
			want = append(want, tok)
			newlines = 1
		default:
			out.Write(gap)
			out.Write(tok.Bytes)
			want = append(want, tok)
			newlines = 0
		}
	}
	formatted := hclwrite.Format(out.Bytes())
	formatted = bytes.TrimRight(formatted, " \t\r\n")
	if len(formatted) > 0 {
		formatted = append(formatted, '\n')
	}
	if err := sameTokens(want, formatted); err != nil {
		return src, err
	}
	return formatted, nil
}

// sameTokens checks that formatted lexes to want, newlines aside.
func sameTokens(want []hclsyntax.Token, formatted []byte) error {
	got, diags := hclsyntax.LexConfig(formatted, "", hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("formatting would break the file: %s", diags.Error())
	}
	i := 0
	for _, tok := range got {
		if tok.Type == hclsyntax.TokenNewline || tok.Type == hclsyntax.TokenEOF {
			continue
		}
		if i == len(want) {
			return fmt.Errorf("formatting would add %q at line %d", tok.Bytes, tok.Range.Start.Line)
		}
		w := want[i]
		if tok.Type != w.Type || !bytes.Equal(trimNewline(tok.Bytes), trimNewline(w.Bytes)) {
			return fmt.Errorf("formatting would change the meaning of line %d (%q would read as %q); format that line by hand",
				w.Range.Start.Line, w.Bytes, tok.Bytes)
		}
		i++
	}
	if i < len(want) {
		return fmt.Errorf("formatting would drop %q at line %d", want[i].Bytes, want[i].Range.Start.Line)
	}
	return nil
}

// isLineComment reports a # or // comment, which ends its line (the token
// holds the newline).
func isLineComment(tok hclsyntax.Token) bool {
	return tok.Type == hclsyntax.TokenComment && bytes.HasSuffix(tok.Bytes, []byte("\n"))
}

func trimNewline(b []byte) []byte {
	return bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
}

// commaKind classifies a comma token.
type commaKind uint8

const (
	commaNone      commaKind = iota // inside an expression: a list, call or object
	commaOneLine                    // between attributes of a block written on one line
	commaMultiLine                  // between attributes on a line of a multi-line block
)

// separatingCommas finds the commas that separate a block's attributes
// (the ones lang's expandInline turns into newlines), by token index, and
// whether their block is written on one line. It follows expandInline's
// reading of the token stream exactly: a comma separates attributes when
// it ends an attribute's expression directly in a block's body.
func separatingCommas(toks hclsyntax.Tokens) map[int]commaKind {
	type frame struct {
		block     bool
		multiline bool  // a newline occurred directly in this block
		commas    []int // its separating commas
	}
	const (
		stmtStart = iota
		afterIdent
		header
		attrExpr
	)
	out := map[int]commaKind{}
	stack := []*frame{{block: true, multiline: true}}
	state := stmtStart
	for i, tok := range toks {
		top := stack[len(stack)-1]
		switch tok.Type {
		case hclsyntax.TokenOBrace:
			if top.block && (state == afterIdent || state == header) {
				stack = append(stack, &frame{block: true})
				state = stmtStart
			} else {
				stack = append(stack, &frame{})
			}
			continue
		case hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, &frame{})
			continue
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			if top.block {
				kind := commaOneLine
				if top.multiline {
					kind = commaMultiLine
				}
				for _, c := range top.commas {
					out[c] = kind
				}
				state = stmtStart
			}
			continue
		}
		if !top.block {
			continue
		}
		switch tok.Type {
		case hclsyntax.TokenNewline:
			top.multiline = true
			state = stmtStart
		case hclsyntax.TokenComment:
			if n := len(tok.Bytes); n > 0 && tok.Bytes[n-1] == '\n' {
				top.multiline = true
				state = stmtStart
			}
		case hclsyntax.TokenIdent:
			switch state {
			case stmtStart:
				state = afterIdent
			case afterIdent:
				state = header
			}
		case hclsyntax.TokenOQuote, hclsyntax.TokenQuotedLit, hclsyntax.TokenCQuote:
			if state == afterIdent {
				state = header
			}
		case hclsyntax.TokenEqual:
			if state == afterIdent {
				state = attrExpr
			}
		case hclsyntax.TokenComma:
			if state == attrExpr && len(stack) > 1 {
				top.commas = append(top.commas, i)
				state = stmtStart
			}
		}
	}
	return out
}
