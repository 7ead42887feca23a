package lang

import (
	"os"
	"reflect"
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// HCL's native syntax allows only one attribute in a single-line block.
// Mix files lean on short blocks such as
//
//	bell { freq = 400, gain = -3, q = 1.4 }
//
// so mixdown accepts commas between the attributes of a block written on one
// line, and blocks nested on one line (eq { bell { freq = 400 } }), side by
// side too (eq { highpass { freq = 90 }  bell { freq = 400 } }).
// Before parsing, expandInline rewrites such blocks into the
// multi-line form HCL requires: each separating comma becomes a newline
// (same length), and a newline is inserted after "{" and before "}". Commas
// inside expressions (lists, objects, function calls) are untouched. Every
// source range is mapped back to the file as written, so diagnostics point
// at the user's own text.

// offsetMap maps offsets in the rewritten source back to the original.
type offsetMap struct {
	orig    []byte
	inserts []int // offsets, in the rewritten source, of inserted bytes
	lines   []int // byte offset of each line's start in orig, built on first use
}

// toOrig maps an offset in the rewritten source to the original.
func (m *offsetMap) toOrig(t int) int {
	return t - sort.SearchInts(m.inserts, t)
}

// toRewritten maps an original offset to the rewritten source.
func (m *offsetMap) toRewritten(o int) int {
	t := o
	for _, ins := range m.inserts {
		if ins <= t {
			t++
		}
	}
	return t
}

// pos returns the original position of a rewritten byte offset.
//
// Lines are found in an index of line starts and columns counted from the
// line's start, so mapping every range of a large file stays linear (a
// scan from the top of the file for each range was quadratic: 1 MB of
// diagnostics took minutes).
func (m *offsetMap) pos(t int) hcl.Pos {
	o := min(max(m.toOrig(t), 0), len(m.orig))
	if m.lines == nil {
		m.lines = append(m.lines, 0)
		for i, b := range m.orig {
			if b == '\n' {
				m.lines = append(m.lines, i+1)
			}
		}
	}
	// The last line starting at or before o.
	line := sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > o }) - 1
	col := 1 + utf8.RuneCount(m.orig[m.lines[line]:o])
	return hcl.Pos{Line: line + 1, Column: col, Byte: o}
}

func (m *offsetMap) fix(r hcl.Range) hcl.Range {
	r.Start, r.End = m.pos(r.Start.Byte), m.pos(r.End.Byte)
	return r
}

// mappedNav wraps a rewritten file's navigation helper so diagnostic
// printing can map original positions back into the parsed file.
type mappedNav struct {
	inner interface{}
	m     *offsetMap
}

type frameKind int

const (
	frameBlock frameKind = iota
	frameExpr
)

type frame struct {
	kind      frameKind
	open      int  // offset of the block's "{"
	multiline bool // a newline occurred directly in this block
	commas    bool // a separating comma was rewritten, or a block nested, on one line
}

// expandInline returns src with single-line multi-attribute blocks
// rewritten, and the offsets of inserted bytes; nil when src needs no
// change (or does not lex).
func expandInline(src []byte, filename string) ([]byte, []int) {
	toks, diags := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil
	}
	const (
		stmtStart = iota
		afterIdent
		header
		attrExpr
	)
	stack := []*frame{{kind: frameBlock, multiline: true}}
	state := stmtStart
	var commas []int
	var inserts []int // original offsets before which a newline goes
	for _, tok := range toks {
		top := stack[len(stack)-1]
		switch tok.Type {
		case hclsyntax.TokenOBrace:
			if top.kind == frameBlock && (state == afterIdent || state == header) {
				// A block nested in a single-line block needs the parent
				// expanded as well: HCL wants nested blocks on their own line.
				if !top.multiline {
					top.commas = true
				}
				stack = append(stack, &frame{kind: frameBlock, open: tok.Range.Start.Byte})
				state = stmtStart
			} else {
				stack = append(stack, &frame{kind: frameExpr})
			}
			continue
		case hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, &frame{kind: frameExpr})
			continue
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			if top.kind == frameBlock && top.commas && !top.multiline {
				inserts = append(inserts, top.open+1, tok.Range.Start.Byte)
			}
			if top.kind == frameBlock {
				// A block nested on its parent's line must end its line
				// too, or a sibling after it (eq { highpass { ... }
				// highshelf { ... } }) would share it.
				if parent := stack[len(stack)-1]; parent != top && parent.kind == frameBlock && !parent.multiline {
					inserts = append(inserts, tok.Range.End.Byte)
				}
				state = stmtStart
			}
			continue
		}
		if top.kind != frameBlock {
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
				commas = append(commas, tok.Range.Start.Byte)
				top.commas = true
				state = stmtStart
			}
		}
	}
	if len(commas) == 0 && len(inserts) == 0 {
		return nil, nil
	}
	out := make([]byte, 0, len(src)+len(inserts))
	sort.Ints(inserts)
	var shifted []int
	ci, ii := 0, 0
	for i := 0; i <= len(src); i++ {
		for ii < len(inserts) && inserts[ii] == i {
			shifted = append(shifted, len(out))
			out = append(out, '\n')
			ii++
		}
		if i == len(src) {
			break
		}
		b := src[i]
		if ci < len(commas) && commas[ci] == i {
			b = '\n'
			ci++
		}
		out = append(out, b)
	}
	return out, shifted
}

// parseFile reads and parses a mix file, rewriting inline blocks first.
func (p *Parser) parseFile(filename string) (*hcl.File, hcl.Diagnostics) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return p.p.ParseHCLFile(filename) // for its standard diagnostic
	}
	return p.parseSource(filename, src)
}

// parseSource parses mix source held in memory, rewriting inline blocks
// first.
func (p *Parser) parseSource(filename string, src []byte) (*hcl.File, hcl.Diagnostics) {
	rewritten, inserts := expandInline(src, filename)
	if rewritten == nil {
		return p.p.ParseHCL(src, filename)
	}
	m := &offsetMap{orig: src, inserts: inserts}
	f, diags := p.p.ParseHCL(rewritten, filename)
	if f != nil {
		f.Bytes = src
		f.Nav = &mappedNav{inner: f.Nav, m: m}
	}
	if p.maps == nil {
		p.maps = map[string]*offsetMap{}
	}
	p.maps[filename] = m
	return f, diags
}

// fixDiagnostics maps the ranges of diagnostics back to original files.
func fixDiagnostics(diags hcl.Diagnostics, maps map[string]*offsetMap) {
	for _, d := range diags {
		if d.Subject != nil {
			if m := maps[d.Subject.Filename]; m != nil {
				r := m.fix(*d.Subject)
				d.Subject = &r
			}
		}
		if d.Context != nil {
			if m := maps[d.Context.Filename]; m != nil {
				r := m.fix(*d.Context)
				d.Context = &r
			}
		}
	}
}

var rangeType = reflect.TypeOf(hcl.Range{})

// fixModelRanges maps every hcl.Range reachable from v (a pointer to a
// model value) back to the original files. It walks the model by
// reflection so that ranges added to the model later are covered too.
func fixModelRanges(v any, maps map[string]*offsetMap) {
	if len(maps) == 0 {
		return
	}
	seen := map[uintptr]bool{}
	var walk func(rv reflect.Value)
	walk = func(rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Pointer:
			if rv.IsNil() || seen[rv.Pointer()] {
				return
			}
			seen[rv.Pointer()] = true
			walk(rv.Elem())
		case reflect.Struct:
			if rv.Type() == rangeType {
				r := rv.Interface().(hcl.Range)
				if m := maps[r.Filename]; m != nil && rv.CanSet() {
					rv.Set(reflect.ValueOf(m.fix(r)))
				}
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				if rv.Type().Field(i).IsExported() {
					walk(rv.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < rv.Len(); i++ {
				walk(rv.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
}
