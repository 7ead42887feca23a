package mixdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// unset stands for the missing side of an added or removed parameter.
const unset = "(unset)"

// String is the change as one line of text:
//
//	track.bass.gain: -3 dB → -1.5 dB
//	track.vocals.compressor.sidechain: (unset) → track.kick
//	track.vocals.effects: eq, compressor → compressor, eq
//	track.keys: added (source "keys.wav", gain -3 dB, ...)
//	track.vocals.send.verb: removed (level -12 dB, pre_fader false)
func (c Change) String() string {
	s := c.text()
	if len(c.UsedBy) > 0 {
		s += " (used by " + strings.Join(c.UsedBy, ", ") + ")"
	}
	return s
}

func (c Change) text() string {
	at := c.Node
	if c.Param != "" {
		at += "." + c.Param
	}
	if c.Param == "" && (c.Kind == Added || c.Kind == Removed) {
		s := c.New
		if c.Kind == Removed {
			s = c.Old
		}
		if s == "" {
			return at + ": " + c.Kind.String()
		}
		return at + ": " + c.Kind.String() + " (" + s + ")"
	}
	return at + ": " + c.OldText() + " → " + c.NewText()
}

// OldText is the old value with its unit, or "(unset)".
func (c Change) OldText() string { return side(c.Old, c.Unit, c.Kind == Added) }

// NewText is the new value with its unit, or "(unset)".
func (c Change) NewText() string { return side(c.New, c.Unit, c.Kind == Removed) }

func side(v, unit string, missing bool) string {
	if missing {
		return unset
	}
	return withUnit(v, unit)
}

// WriteText writes one line per change.
func WriteText(w io.Writer, changes []Change) error {
	bw := bufio.NewWriter(w)
	for _, c := range changes {
		bw.WriteString(c.String())
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteMarkdown writes the changes as a table for a pull-request comment:
// | node | parameter | old | new |. With no changes it writes a sentence
// saying so.
func WriteMarkdown(w io.Writer, changes []Change) error {
	bw := bufio.NewWriter(w)
	if len(changes) == 0 {
		bw.WriteString("No changes in meaning.\n")
		return bw.Flush()
	}
	bw.WriteString("| node | parameter | old | new |\n|---|---|---|---|\n")
	for _, c := range changes {
		param, old, new := c.Param, c.OldText(), c.NewText()
		switch {
		case c.Param == "" && c.Kind == Added:
			param, old = "*added*", ""
		case c.Param == "" && c.Kind == Removed:
			param, new = "*removed*", ""
		case c.Kind == Moved:
			param += " *(order)*"
		}
		node := "`" + c.Node + "`"
		if len(c.UsedBy) > 0 {
			node += " (used by `" + strings.Join(c.UsedBy, "`, `") + "`)"
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", node, cell(param), cell(old), cell(new))
	}
	return bw.Flush()
}

// cell escapes a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// WriteListing writes a mix's nodes one parameter a line, in canonical
// order:
//
//	track.bass.gain = -3 dB
//	var.lead_level = 1.5
//
// A line diff of two listings (git's textconv) reads like Diff.
func WriteListing(w io.Writer, nodes []*Node) error {
	bw := bufio.NewWriter(w)
	for _, n := range nodes {
		for _, p := range n.Params {
			bw.WriteString(n.Address)
			if p.Name != "" {
				bw.WriteString("." + p.Name)
			}
			bw.WriteString(" = " + p.Text() + "\n")
		}
	}
	return bw.Flush()
}
