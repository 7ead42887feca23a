package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
)

var cmdValidate = &Command{
	Name:      "validate",
	UsageLine: "validate [-json] FILE [-var NAME=VALUE]... [-var-file FILE]...",
	Short:     "check a mix without rendering it",
	Long: `
Validate loads and checks the mix FILE as render would, reading the headers
of its source files but no audio, and writes nothing. It prints the
diagnostics, if any, and exits 1 when there are errors.

With -json, validate prints one JSON object on standard output, in the shape
of terraform validate -json (shown here compactly), and nothing on
standard error:

	{
	  "format_version": "1.0",
	  "valid": false,
	  "error_count": 1,
	  "warning_count": 0,
	  "diagnostics": [
	    {
	      "severity": "error",
	      "summary": "Unknown bus",
	      "detail": "There is no bus named \"bnd\" in this mix. Did you mean \"band\"?",
	      "range": {
	        "filename": "song.mix.hcl",
	        "start": {"line": 3, "column": 12, "byte": 42},
	        "end": {"line": 3, "column": 19, "byte": 49}
	      }
	    }
	  ]
	}

severity is "error" or "warning"; a diagnostic that points at no place in
a file (a bad -var, say) has no range. Lines and columns count from 1, the
byte offset from 0; columns count characters. The exit code is 1 when
valid is false, as without -json.
`,
}

var validateFlags struct {
	vars varFlags
	json bool
}

func init() {
	register(cmdValidate)
	cmdValidate.Flags = func(fs *flag.FlagSet) {
		validateFlags.vars = varFlags{}
		validateFlags.vars.register(fs)
		registerSafetyFlags(fs)
		validateFlags.json = false
		fs.BoolVar(&validateFlags.json, "json", false, "print the result as JSON (terraform validate -json's shape)")
	}
	cmdValidate.Run = func(env *Env, args []string) int {
		file, ok := oneFile(env, cmdValidate, args)
		if !ok {
			return exitUsage
		}
		if validateFlags.json {
			return validateJSON(env, file, validateFlags.vars.args)
		}
		if loadGraph(env, file, validateFlags.vars.args) == nil {
			return exitFail
		}
		fmt.Fprintf(env.Stdout, "%s: valid\n", file)
		return exitOK
	}
}

// compileMix loads and compiles a mix as loadGraph does, returning the
// diagnostics instead of printing them.
func compileMix(file string, vars []lang.VarArg) (*graph.Graph, hcl.Diagnostics) {
	m, diags := lang.NewParser().LoadMix(file, loadOptions(vars))
	if m == nil || diags.HasErrors() {
		return nil, diags
	}
	g, more := graph.Build(m)
	diags = append(diags, more...)
	if diags.HasErrors() {
		return nil, diags
	}
	return g, diags
}

// validateResult is terraform validate -json's output shape.
type validateResult struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Severity string     `json:"severity"` // "error" or "warning"
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func validateJSON(env *Env, file string, vars []lang.VarArg) int {
	_, diags := compileMix(file, vars)
	res := validateResult{FormatVersion: "1.0", Diagnostics: []jsonDiagnostic{}}
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
			res.WarningCount++
		} else {
			res.ErrorCount++
		}
		if s := d.Subject; s != nil {
			jd.Range = &jsonRange{
				Filename: s.Filename,
				Start:    jsonPos{s.Start.Line, s.Start.Column, s.Start.Byte},
				End:      jsonPos{s.End.Line, s.End.Column, s.End.Byte},
			}
		}
		res.Diagnostics = append(res.Diagnostics, jd)
	}
	res.Valid = res.ErrorCount == 0
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return exitFail // stdout is gone; there is nowhere to say so
	}
	if !res.Valid {
		return exitFail
	}
	return exitOK
}
