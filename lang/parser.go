package lang

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Parser loads mix files. It keeps every file it has read, so diagnostics
// can show source snippets: pass Files to hcl.NewDiagnosticTextWriter.
type Parser struct {
	p    *hclparse.Parser
	maps map[string]*offsetMap // files rewritten by expandInline
}

// NewParser returns an empty parser.
func NewParser() *Parser { return &Parser{p: hclparse.NewParser()} }

// Files returns every file the parser has read, by filename.
func (p *Parser) Files() map[string]*hcl.File { return p.p.Files() }

// Options are the inputs to a load besides the file itself.
type Options struct {
	Vars []VarArg // -var and -var-file, in command-line order
	// Limits caps what the mix may ask for (zero fields: the defaults).
	Limits Limits
	// AllowOutside lets the mix name files outside the folder that holds
	// it (see confine.go). Off by default: a mix may be anyone's.
	AllowOutside bool
}

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "mix"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "track", LabelNames: []string{"name"}},
		{Type: "bus", LabelNames: []string{"name"}},
		{Type: "master"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "chain", LabelNames: []string{"name"}},
	},
}

// LoadMix reads, decodes and checks the mix file at filename. The Mix is
// nil only when the file could not be read or parsed at all (or was
// refused unparsed, see checkSource); otherwise it holds everything that
// decoded, alongside the diagnostics for what did not.
//
// A folder is loaded as LoadDir loads it.
func (p *Parser) LoadMix(filename string, opts Options) (*Mix, hcl.Diagnostics) {
	if fi, err := os.Stat(filename); err == nil && fi.IsDir() {
		return p.LoadDir(filename, opts)
	}
	src, diags, err := readSource(filename)
	if err != nil {
		f, diags := p.parseFile(filename) // for hcl's own message
		return p.load(filename, f, diags, opts)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return p.LoadMixSource(filename, src, opts)
}

// LoadMixSource is LoadMix for source already in memory; filename names
// it in diagnostics and locates relative paths.
func (p *Parser) LoadMixSource(filename string, src []byte, opts Options) (*Mix, hcl.Diagnostics) {
	if diags := checkSource(filename, src); diags.HasErrors() {
		return nil, diags
	}
	f, diags := p.parseSource(filename, src)
	return p.load(filename, f, diags, opts)
}

// LoadDir loads every *.mix.hcl file in dir, in name order, as one mix,
// the way Terraform loads a module: blocks may sit in any of the files,
// names are shared, and the mix and master blocks may appear once in all.
// Relative paths resolve against dir; Mix.Filename is dir.
func (p *Parser) LoadDir(dir string, opts Options) (*Mix, hcl.Diagnostics) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.mix.hcl"))
	if len(names) == 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No mix files",
			Detail:   fmt.Sprintf("The folder %s holds no *.mix.hcl file.", dir),
		}}
	}
	if len(names) > MaxDirFiles {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Too many mix files",
			Detail:   fmt.Sprintf("The folder %s holds %d *.mix.hcl files; one mix may have at most %d.", dir, len(names), MaxDirFiles),
		}}
	}
	var diags hcl.Diagnostics
	var files []*hcl.File
	for _, name := range names {
		f, d := p.parseChecked(name)
		diags = append(diags, d...)
		if f != nil {
			files = append(files, f)
		}
	}
	if diags.HasErrors() {
		fixDiagnostics(diags, p.maps)
		return nil, diags
	}
	return p.decode(dir, dir, hcl.MergeFiles(files), diags, opts)
}

// MaxDirFiles bounds the files of a mix loaded from a folder, each of
// which may be MaxSourceBytes.
const MaxDirFiles = 64

// parseChecked reads and parses one file with the safeguards of a mix
// file (size, nesting: see limits.go).
func (p *Parser) parseChecked(filename string) (*hcl.File, hcl.Diagnostics) {
	src, diags, err := readSource(filename)
	if err != nil {
		return p.parseFile(filename) // for hcl's own message
	}
	if diags.HasErrors() {
		return nil, diags
	}
	if diags := checkSource(filename, src); diags.HasErrors() {
		return nil, diags
	}
	return p.parseSource(filename, src)
}

func (p *Parser) load(filename string, f *hcl.File, diags hcl.Diagnostics, opts Options) (*Mix, hcl.Diagnostics) {
	if f == nil || diags.HasErrors() && f.Body == nil {
		fixDiagnostics(diags, p.maps)
		return nil, diags
	}
	if diags.HasErrors() {
		// A syntax error makes the rest of the file unreliable; report it
		// alone rather than a cascade of follow-on problems.
		fixDiagnostics(diags, p.maps)
		return nil, diags
	}
	return p.decode(filename, filepath.Dir(filename), f.Body, diags, opts)
}

// decode runs the loading stages over body: one file's, or a folder's
// files merged. dir is the mix folder.
func (p *Parser) decode(filename, dir string, body hcl.Body, diags hcl.Diagnostics, opts Options) (*Mix, hcl.Diagnostics) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	m := &Mix{Filename: filename, Dir: dir, SampleRate: DefaultSampleRate, TailSeconds: DefaultTailSeconds, Meter: DefaultMeter, Limits: opts.Limits}

	content, moreDiags := body.Content(fileSchema)
	diags = append(diags, moreDiags...)

	// Stage 1: variables and locals, which every other block may use.
	s := newScope()
	s.dir = dir
	if !opts.AllowOutside {
		s.root = projectRoot(dir)
	}
	var localAttrs []*hcl.Attribute
	seenVars := map[string]*Variable{}
	for _, block := range content.Blocks {
		switch block.Type {
		case "variable":
			v, d := decodeVariableBlock(block)
			diags = append(diags, d...)
			if prev, dup := seenVars[v.Name]; dup {
				diags = append(diags, duplicate("variable", v.Name, prev.DeclRange, block))
				continue
			}
			seenVars[v.Name] = v
			m.Variables = append(m.Variables, v)
		case "locals":
			attrs, d := block.Body.JustAttributes()
			diags = append(diags, d...)
			localAttrs = append(localAttrs, sortedAttrs(attrs)...)
		}
	}
	sortVariables(m.Variables)
	diags = append(diags, p.resolveVariables(m.Variables, opts.Vars)...)
	values := map[string]cty.Value{}
	for _, v := range m.Variables {
		if v.Value != cty.NilVal && v.Value.IsWhollyKnown() {
			values[v.Name] = v.Value
		} else {
			values[v.Name] = cty.DynamicVal
			s.failed["var."+v.Name] = true
		}
	}
	s.setVars(values)
	seenLocals := map[string]*hcl.Attribute{}
	var uniqueLocals []*hcl.Attribute
	for _, a := range localAttrs {
		if prev, dup := seenLocals[a.Name]; dup {
			rng := a.NameRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate local value",
				Detail:   fmt.Sprintf("local.%s was already defined at %s.", a.Name, pos(prev.NameRange)),
				Subject:  &rng,
			})
			continue
		}
		seenLocals[a.Name] = a
		uniqueLocals = append(uniqueLocals, a)
	}
	if len(localAttrs) > MaxLocals {
		// Resolving locals costs time quadratic in their number.
		rng := localAttrs[MaxLocals].NameRange
		return p.finish(m, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Too many local values",
			Detail:   fmt.Sprintf("This mix defines %d local values; the most allowed is %d.", len(localAttrs), MaxLocals),
			Subject:  &rng,
		}))
	}
	_, d := evalLocals(uniqueLocals, s)
	diags = append(diags, d...)

	// Stage 2: every other block, decoded on its own; the mix block first,
	// since its tempo gives note values their length.
	var mixBlock, masterBlock *hcl.Block
	mixFailed := false
	for _, block := range content.Blocks {
		if block.Type != "mix" {
			continue
		}
		if mixBlock != nil {
			diags = append(diags, duplicate("mix", "", mixBlock.DefRange, block))
			continue
		}
		mixBlock = block
		d := decodeMixBlock(block, s, m)
		diags = append(diags, d...)
		mixFailed = mixFailed || d.HasErrors()
	}
	s.tempo = m.Tempo
	tl, d := newTimeline(m)
	diags = append(diags, d...)
	// A mix block that failed may have lost its tempo: positions in bars
	// then fail quietly rather than blame the missing tempo.
	tl.quiet = mixFailed || d.HasErrors()
	s.timeline = tl
	s.setAutomationLimits(opts.Limits.OrDefaults())
	chainBlocks := content.Blocks
	if mixBlock != nil {
		blocks, d := p.includes(mixBlock, s, m)
		diags = append(diags, d...)
		chainBlocks = append(blocks, chainBlocks...)
	}
	diags = append(diags, decodeChains(chainBlocks, s, m)...)
	for _, block := range content.Blocks {
		switch block.Type {
		case "track":
			t, d := decodeTrackBlock(block, s, dir)
			diags = append(diags, d...)
			m.Tracks = append(m.Tracks, t)
		case "bus":
			b, d := decodeBusBlock(block, s)
			diags = append(diags, d...)
			m.Buses = append(m.Buses, b)
		case "master":
			if masterBlock != nil {
				diags = append(diags, duplicate("master", "", masterBlock.DefRange, block))
				continue
			}
			masterBlock = block
			ms, d := decodeMasterBlock(block, s)
			diags = append(diags, d...)
			m.Master = ms
		case "output":
			o, d := decodeOutputBlock(block, s, dir, m.SampleRate)
			diags = append(diags, d...)
			m.Outputs = append(m.Outputs, o)
		}
	}
	if m.Master == nil {
		m.Master = &Master{}
	}
	recordUses(m)

	// Stage 3: names and references, now that every name is known;
	// skipped when the counts are past their limits, as its cost grows
	// with them.
	if d, over := checkCounts(m, opts.Limits); over {
		diags = append(diags, d...)
	} else {
		diags = append(diags, checkMix(m)...)
	}
	return p.finish(m, diags)
}

// finish points diagnostics from the rewritten file back at the file as
// written, and so the model's ranges, for later stages' diagnostics.
func (p *Parser) finish(m *Mix, diags hcl.Diagnostics) (*Mix, hcl.Diagnostics) {
	var fromFile hcl.Diagnostics
	for _, d := range diags {
		if d.Subject != nil && p.maps[d.Subject.Filename] != nil {
			fromFile = append(fromFile, d)
		}
	}
	fixDiagnostics(fromFile, p.maps)
	fixModelRanges(m, p.maps)
	for _, d := range diags {
		d.Detail = resolvePositions(d.Detail, p.maps)
	}
	return m, dropRepeats(dropQuiet(diags))
}

// dropRepeats removes a diagnostic identical to an earlier one: a chain's
// effects are decoded once per use, and a mistake in the chain itself
// would otherwise be reported again for every use.
func dropRepeats(diags hcl.Diagnostics) hcl.Diagnostics {
	seen := map[string]bool{}
	out := diags[:0]
	for _, d := range diags {
		if d.Subject != nil {
			key := fmt.Sprintf("%d\x00%s\x00%s\x00%s\x00%d-%d", d.Severity, d.Summary, d.Detail, d.Subject.Filename, d.Subject.Start.Byte, d.Subject.End.Byte)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		out = append(out, d)
	}
	return out
}

// dropQuiet removes the markers of failures already reported.
func dropQuiet(diags hcl.Diagnostics) hcl.Diagnostics {
	out := diags[:0]
	for _, d := range diags {
		if d != errQuiet {
			out = append(out, d)
		}
	}
	return out
}

// DefaultSampleRate is the render rate when the mix block does not set one.
const DefaultSampleRate = 48000

func sortVariables(vs []*Variable) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].Name < vs[j-1].Name; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

func duplicate(kind, name string, prev hcl.Range, block *hcl.Block) *hcl.Diagnostic {
	rng := block.DefRange
	if len(block.LabelRanges) > 0 {
		rng = block.LabelRanges[0]
	}
	what := fmt.Sprintf("A %s block", kind)
	if name != "" {
		what = fmt.Sprintf("A %s named %q", kind, name)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind,
		Detail:   fmt.Sprintf("%s was already declared at %s. Each must be declared once.", what, pos(prev)),
		Subject:  &rng,
	}
}

// checkName reports a block label that cannot be used in a reference.
func checkName(block *hcl.Block, kind string) hcl.Diagnostics {
	name := block.Labels[0]
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	rng := block.LabelRanges[0]
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + kind + " name",
		Detail: fmt.Sprintf("%q cannot be used as a name: a name starts with a letter and contains only letters, digits, underscores and dashes, so that it can be referenced as %s.NAME.",
			name, kind),
		Subject: &rng,
	}}
}

var mixBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "sample_rate"},
		{Name: "tempo"},
		{Name: "meter"},
		{Name: "tempo_map"},
		{Name: "tail"},
		{Name: "include"},
	},
}

// Ranges and defaults of the mix block's settings.
var (
	sampleRateRange = numRange{8000, 384000, "Hz"}
	tempoRange      = numRange{20, 999, "BPM"}
	tailRange       = numRange{0, 600, "s"}
)

// DefaultTailSeconds caps how long effect tails (reverb, delay) ring on
// after the last source ends, unless mix.tail says otherwise.
const DefaultTailSeconds = 10

func decodeMixBlock(block *hcl.Block, s *scope, m *Mix) hcl.Diagnostics {
	content, diags := block.Body.Content(mixBlockSchema)
	if attr, ok := content.Attributes["sample_rate"]; ok {
		rate, d := s.integer(attr, sampleRateRange)
		diags = append(diags, d...)
		if !d.HasErrors() {
			m.SampleRate = rate
		}
		m.SampleRateRange = attr.Expr.Range()
	} else {
		m.SampleRateRange = block.DefRange
	}
	if attr, ok := content.Attributes["tempo"]; ok {
		m.Tempo, diags = appendNum(diags, s, attr, tempoRange)
	}
	if attr, ok := content.Attributes["meter"]; ok {
		m.MeterRange = attr.Expr.Range()
		m.Meter, diags = appendMeter(diags, s, attr)
	}
	if attr, ok := content.Attributes["tempo_map"]; ok {
		m.TempoMap, diags = appendTempoMap(diags, s, attr)
		if _, ok := content.Attributes["tempo"]; !ok {
			rng := attr.NameRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Tempo map without a tempo",
				Detail:   "A tempo map lists changes from a starting tempo: set tempo (BPM) in the mix block too.",
				Subject:  &rng,
			})
		}
	}
	if attr, ok := content.Attributes["tail"]; ok {
		m.TailSeconds, diags = appendNum(diags, s, attr, tailRange)
		m.TailRange = attr.Expr.Range()
	}
	return diags
}
