package lang

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Mixes are rendered in CI on other people's pull requests, so everything
// a mix file controls is bounded before anything is allocated from it.
// Limits holds the bounds a user may need to move (the CLI's -max-*
// flags); the constants below are fixed: they only stop input that no
// real mix writes. docs/security.md lists them all with their reasons.

// Limits bound what a mix may ask of the machine that renders it. A zero
// field means its default (see OrDefaults).
type Limits struct {
	// MaxRenderSeconds bounds the length of a render: the longest source
	// (from its header) plus mix.tail. graph.Build checks it.
	MaxRenderSeconds float64
	// MaxTracks bounds the number of tracks, and separately the number
	// of buses, in a mix.
	MaxTracks int
	// MaxIRSeconds bounds the length of an impulse response (from its
	// header). graph.Build checks it.
	MaxIRSeconds float64
	// MaxAutomationPoints bounds the automation points of a whole mix
	// (automation.go counts them as it decodes them).
	MaxAutomationPoints int
}

// Defaults of Limits.
const (
	DefaultMaxRenderSeconds    = 2 * 60 * 60 // two hours: a long live set
	DefaultMaxTracks           = 512         // beyond the largest film and game sessions
	DefaultMaxIRSeconds        = 60          // a cathedral's decay is under 15 s
	DefaultMaxAutomationPoints = 100_000
)

// DefaultLimits returns the default limits.
func DefaultLimits() Limits { return Limits{}.OrDefaults() }

// OrDefaults returns l with every zero (or negative) field set to its
// default.
func (l Limits) OrDefaults() Limits {
	if !(l.MaxRenderSeconds > 0) {
		l.MaxRenderSeconds = DefaultMaxRenderSeconds
	}
	if l.MaxTracks <= 0 {
		l.MaxTracks = DefaultMaxTracks
	}
	if !(l.MaxIRSeconds > 0) {
		l.MaxIRSeconds = DefaultMaxIRSeconds
	}
	if l.MaxAutomationPoints <= 0 {
		l.MaxAutomationPoints = DefaultMaxAutomationPoints
	}
	return l
}

// Fixed limits on the structure of a mix file. Each stops a way a small
// file could make the loader or the renderer use unbounded memory or
// time; real mixes stay far below them.
const (
	// MaxSourceBytes bounds a mix file and a -var-file. The HCL parser
	// needs up to a few hundred bytes of memory per byte of
	// pathological input.
	MaxSourceBytes = 1 << 20
	// MaxNesting bounds how deeply blocks, brackets and operators nest:
	// the parser and evaluator recurse once per level, and an unbounded
	// depth overflows the stack, which Go cannot recover from.
	MaxNesting = 100
	// MaxNumberLength bounds a number literal's characters: parsing one
	// costs time quadratic in its length.
	MaxNumberLength = 100
	// MaxStringPieces bounds the pieces a string or heredoc breaks into
	// at its '%' and '$' signs and line breaks: the parser joins them
	// back in time quadratic in their number.
	MaxStringPieces = 1000
	// MaxEffects bounds the effects of one chain, and MaxEQBands the
	// bands of one eq: each allocates its processing state.
	MaxEffects = 64
	MaxEQBands = 64
	// MaxOutputs bounds the output files: each holds a file open and a
	// mastering stage.
	MaxOutputs = 64
	// MaxClips bounds the clips of one track: each is a file whose
	// header graph.Build reads, and a reader while it plays.
	MaxClips = 1000
	// MaxTempoChanges bounds the entries of a tempo map: each costs a
	// little exact arithmetic, and converting a position searches them.
	MaxTempoChanges = 10_000
	// MaxVariables bounds variable blocks and MaxLocals local values:
	// resolving locals costs time quadratic in their number.
	MaxVariables = 1000
	MaxLocals    = 1000
	// MaxEvalBytes bounds the values that expressions may build in one
	// load, counted from the variables and locals they use and the
	// output of format and join. Without it, a few lines that each
	// double the last (a = "${local.b}${local.b}") build gigabytes.
	MaxEvalBytes = 64 << 20
)

// readSource reads a mix file or var file, refusing one larger than
// MaxSourceBytes before reading it. Errors are nil diagnostics plus an
// error, so the caller can fall back on hcl's own message.
func readSource(filename string) ([]byte, hcl.Diagnostics, error) {
	f, err := os.Open(filename)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// Read one byte past the limit rather than trust Stat: the file may
	// grow while it is read (watch mode reads half-saved files).
	src, err := io.ReadAll(io.LimitReader(f, MaxSourceBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(src) > MaxSourceBytes {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "File too large",
			Detail: fmt.Sprintf("%s is larger than %d KiB, the most a mix or variables file may be. A mix describes its audio; it does not hold it.",
				filename, MaxSourceBytes>>10),
			Subject: &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
		}}, nil
	}
	return src, nil, nil
}

// parseVarFile parses a -var-file with the safeguards of a mix file.
func (p *Parser) parseVarFile(filename string) (*hcl.File, hcl.Diagnostics) {
	src, diags, err := readSource(filename)
	if err != nil {
		return p.p.ParseHCLFile(filename) // for hcl's own message
	}
	if !diags.HasErrors() {
		diags = checkSource(filename, src)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return p.p.ParseHCL(src, filename)
}

// checkSource looks at the tokens of src, before it is parsed, for what
// the parser or evaluator cannot take safely: nesting past MaxNesting,
// number literals past MaxNumberLength, and for expressions (a nested
// for builds a value as large as the product of its lists). Errors are
// left to the parser; this reports at most one problem.
func checkSource(filename string, src []byte) hcl.Diagnostics {
	if len(src) > MaxSourceBytes {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "File too large",
			Detail:   fmt.Sprintf("%s is larger than %d KiB, the most a mix or variables file may be.", filename, MaxSourceBytes>>10),
			Subject:  &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
		}}
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	diag := func(tok hclsyntax.Token, summary, detail string) hcl.Diagnostics {
		rng := tok.Range
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	// A frame is an open block body or bracket. ops counts the operators
	// and traversal steps since the frame's last separator: a chain of n
	// of them nests n deep when it is parsed and evaluated.
	type frame struct {
		open hclsyntax.TokenType // hclsyntax.TokenNil for the file itself
		expr bool                // inside an expression, not a block body
		ops  int
	}
	stack := []frame{{}}
	depth := 0  // len(stack)-1 plus every frame's ops
	pieces := 0 // consecutive literal pieces of a string
	prev := hclsyntax.TokenNil
	next := func(i int, skipNewlines bool) hclsyntax.Token {
		for i++; i < len(toks); i++ {
			switch toks[i].Type {
			case hclsyntax.TokenComment, hclsyntax.TokenBitwiseNot: // ~ strips whitespace in templates
				continue
			case hclsyntax.TokenNewline:
				if skipNewlines {
					continue
				}
			}
			return toks[i]
		}
		return hclsyntax.Token{}
	}
	isFor := func(t hclsyntax.Token) bool {
		return t.Type == hclsyntax.TokenIdent && string(t.Bytes) == "for"
	}
	tooDeep := fmt.Sprintf("Blocks, brackets, operators and attribute steps may nest at most %d deep in a mix file.", MaxNesting)
	forDetail := "Mix files do not support for expressions: a for inside a for builds a value as large as the product of its lists. Write the values out."
	for i, tok := range toks {
		top := &stack[len(stack)-1]
		if tok.Type == hclsyntax.TokenQuotedLit || tok.Type == hclsyntax.TokenStringLit {
			if pieces++; pieces > MaxStringPieces {
				return diag(tok, "String too complex",
					fmt.Sprintf("This string breaks into more than %d pieces at its '%%' and '$' signs and line breaks, and the parser's cost grows with the square of that. Split it.", MaxStringPieces))
			}
		} else {
			pieces = 0
		}
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			expr := top.expr || prev == hclsyntax.TokenEqual || tok.Type != hclsyntax.TokenOBrace
			switch {
			case tok.Type == hclsyntax.TokenOBrace && expr && isFor(next(i, false)),
				tok.Type == hclsyntax.TokenOBrack && isFor(next(i, true)),
				tok.Type == hclsyntax.TokenTemplateControl && isFor(next(i, true)):
				return diag(next(i, true), "Unsupported for expression", forDetail)
			}
			if tok.Type == hclsyntax.TokenOBrack && endsValue(prev) {
				top.ops++ // an index step, x[0]
				depth++
			}
			stack = append(stack, frame{open: tok.Type, expr: expr})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma, hclsyntax.TokenEqual:
			depth -= top.ops
			top.ops = 0
		case hclsyntax.TokenNewline, hclsyntax.TokenComment:
			// A newline ends an attribute or an object item; inside
			// brackets and templates it is only space. A line comment
			// holds its line's newline.
			if tok.Type == hclsyntax.TokenComment {
				if !bytes.HasSuffix(tok.Bytes, []byte("\n")) {
					continue // keeps prev
				}
				tok.Type = hclsyntax.TokenNewline
			}
			if top.open == hclsyntax.TokenNil || top.open == hclsyntax.TokenOBrace {
				depth -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
			hclsyntax.TokenPercent, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenBang,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
			hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
			hclsyntax.TokenQuestion, hclsyntax.TokenDot:
			top.ops++
			depth++
		case hclsyntax.TokenNumberLit:
			if len(tok.Bytes) > MaxNumberLength {
				return diag(tok, "Number too long",
					fmt.Sprintf("This number has %d characters; a number in a mix file may have at most %d.", len(tok.Bytes), MaxNumberLength))
			}
		}
		if depth > MaxNesting {
			return diag(tok, "Nesting too deep", tooDeep)
		}
		prev = tok.Type
	}
	return nil
}

// endsValue reports whether a token can end an expression, so that a
// following "[" indexes it.
func endsValue(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCBrace,
		hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenNumberLit:
		return true
	}
	return false
}

// checkCounts reports the first block of each kind past its limit: a
// track, bus, output or variable, an effect in a chain or a band in an
// eq. (Locals are counted before they are evaluated, in load.) It reports true when any count was exceeded: the later
// stages, whose cost grows with the counts, are then skipped.
func checkCounts(m *Mix, limits Limits) (hcl.Diagnostics, bool) {
	var diags hcl.Diagnostics
	over := func(n, max int, rng hcl.Range, summary, detail string) {
		if n > max {
			r := rng
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r})
		}
	}
	l := limits.OrDefaults()
	if n := len(m.Tracks); n > l.MaxTracks {
		over(n, l.MaxTracks, m.Tracks[l.MaxTracks].NameRange, "Too many tracks",
			fmt.Sprintf("This mix has %d tracks; the most allowed is %d, and this is track %d. The -max-tracks option raises the limit.", n, l.MaxTracks, l.MaxTracks+1))
	}
	if n := len(m.Buses); n > l.MaxTracks {
		over(n, l.MaxTracks, m.Buses[l.MaxTracks].NameRange, "Too many buses",
			fmt.Sprintf("This mix has %d buses; the most allowed is %d (the track limit), and this is bus %d. The -max-tracks option raises the limit.", n, l.MaxTracks, l.MaxTracks+1))
	}
	if n := len(m.Outputs); n > MaxOutputs {
		over(n, MaxOutputs, m.Outputs[MaxOutputs].NameRange, "Too many outputs",
			fmt.Sprintf("This mix has %d outputs; a mix may write at most %d files.", n, MaxOutputs))
	}
	if n := len(m.Variables); n > MaxVariables {
		// Variables are sorted by name; point at the one declared last.
		last := m.Variables[0]
		for _, v := range m.Variables {
			if v.DeclRange.Start.Byte > last.DeclRange.Start.Byte {
				last = v
			}
		}
		over(n, MaxVariables, last.DeclRange, "Too many variables",
			fmt.Sprintf("This mix declares %d variables; the most allowed is %d.", n, MaxVariables))
	}
	chain := func(owner string, effects []*Effect) {
		if n := len(effects); n > MaxEffects {
			over(n, MaxEffects, effects[MaxEffects].DeclRange, "Too many effects",
				fmt.Sprintf("The chain of %s has %d effects; a chain may have at most %d.", owner, n, MaxEffects))
		}
		for _, e := range effects {
			if n := len(e.Bands); n > MaxEQBands {
				over(n, MaxEQBands, e.Bands[MaxEQBands].DeclRange, "Too many bands",
					fmt.Sprintf("This eq has %d bands; an eq may have at most %d.", n, MaxEQBands))
			}
		}
	}
	for _, t := range m.Tracks {
		chain(t.Address(), t.Effects)
	}
	for _, b := range m.Buses {
		chain(b.Address(), b.Effects)
	}
	if m.Master != nil {
		chain("the master", m.Master.Effects)
	}
	return diags, len(diags) > 0
}

// evalBudget is what is left of MaxEvalBytes in one load. It is shared
// by the scope and the functions that can build large values.
type evalBudget struct{ left int64 }

// spend takes n bytes from the budget, reporting false when they are not
// there.
func (b *evalBudget) spend(n int64) bool {
	if b == nil {
		return true
	}
	if n > b.left {
		b.left = 0
		return false
	}
	b.left -= n
	return true
}

// charge takes from the budget what evaluating expr may build out of the
// variables and locals it uses: the size of each value it refers to
// (local.paths["vocals"] is one string, not the whole map), once per use.
func (s *scope) charge(expr hcl.Expression) hcl.Diagnostics {
	if s.budget == nil {
		return nil
	}
	var need int64
	for _, tr := range expr.Variables() {
		if root := tr.RootName(); root != "var" && root != "local" {
			continue
		}
		v, diags := tr.TraverseAbs(s.ctx)
		if diags.HasErrors() {
			continue // the evaluation reports it
		}
		need += valueSize(v, s.budget.left-need+1)
		if need > s.budget.left {
			break
		}
	}
	if s.budget.spend(need) {
		return nil
	}
	rng := expr.Range()
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Expression too large",
		Detail: fmt.Sprintf("Together, the expressions of this mix build more than %d MiB of values from its variables and locals; this is where they ran out. A mix needs a tiny fraction of that: simplify the expressions.",
			MaxEvalBytes>>20),
		Subject: &rng,
	}}
}

// valueSize estimates the bytes a value holds, counting shared parts once
// per use; it stops counting past limit.
func valueSize(v cty.Value, limit int64) int64 {
	var n int64
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		if n > limit || v.IsNull() || !v.IsKnown() {
			n += 8
			return
		}
		v, _ = v.Unmark()
		ty := v.Type()
		switch {
		case ty == cty.String:
			n += int64(len(v.AsString()))
		case ty == cty.Number:
			n += 64 // a 512-bit big.Float
		case ty.IsPrimitiveType():
			n += 8
		case v.CanIterateElements():
			for it := v.ElementIterator(); it.Next() && n <= limit; {
				k, e := it.Element()
				if k.Type() == cty.String {
					n += int64(len(k.AsString()))
				}
				n += 16
				walk(e)
			}
		default:
			n += 8
		}
	}
	walk(v)
	return n
}

// guardFunctions replaces the functions that can build a result much
// larger than their arguments with versions that first charge the
// result's size to the budget: format (a width of 999999999, or one
// argument repeated with %[1]s) and join (a long separator between many
// elements).
func guardFunctions(funcs map[string]function.Function, b *evalBudget) {
	guard := func(f function.Function, size func(args []cty.Value) int64) function.Function {
		return function.New(&function.Spec{
			Description: f.Description(),
			Params:      f.Params(),
			VarParam:    f.VarParam(),
			Type:        f.ReturnTypeForValues,
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				if n := size(args); !b.spend(n) {
					return cty.NilVal, fmt.Errorf("the result would take about %d bytes, more than the %d MiB that all expressions of a mix may build", n, MaxEvalBytes>>20)
				}
				return f.Call(args)
			},
		})
	}
	funcs["format"] = guard(stdlib.FormatFunc, formatSize)
	funcs["join"] = guard(stdlib.JoinFunc, func(args []cty.Value) int64 {
		var n, elems int64
		for _, l := range args[1:] {
			n += valueSize(l, MaxEvalBytes)
			if l.IsKnown() && !l.IsNull() && l.CanIterateElements() {
				elems += int64(l.LengthInt())
			}
		}
		if args[0].IsKnown() && !args[0].IsNull() {
			n = satAdd(n, satMul(int64(len(args[0].AsString())), elems))
		}
		return n
	})
}

// formatSize bounds the length of format's result: the format string, plus
// for every verb its width and precision and the size of the argument it
// prints.
func formatSize(args []cty.Value) int64 {
	if !args[0].IsKnown() || args[0].IsNull() {
		return 0
	}
	f := args[0].AsString()
	var argSize int64
	for _, a := range args[1:] {
		argSize = max(argSize, 2*valueSize(a, MaxEvalBytes)+64)
	}
	n := int64(len(f))
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			i++
			continue
		}
		// Flags, [index], width, .precision: add up every number in
		// the verb, then the argument's size.
		var num int64
		for i++; i < len(f) && (f[i] >= '0' && f[i] <= '9' || f[i] == '.' || f[i] == '[' || f[i] == ']' ||
			f[i] == '-' || f[i] == '+' || f[i] == '#' || f[i] == ' '); i++ {
			if f[i] >= '0' && f[i] <= '9' {
				num = satAdd(satMul(num, 10), int64(f[i]-'0'))
			} else {
				n, num = satAdd(n, num), 0
			}
		}
		n = satAdd(satAdd(n, num), argSize)
	}
	return n
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// sortedHas reports whether the sorted list holds s, in log time:
// resolving locals looks names up once per reference per pass, which made
// a long chain of locals take cubic time.
func sortedHas(list []string, s string) bool {
	_, ok := slices.BinarySearch(list, s)
	return ok
}
