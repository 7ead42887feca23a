package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/mixdown/mixdown/dsp/loudness"
)

// Row is one measured quantity of one node, before and after.
type Row struct {
	Node    string // output.main, bus.drums
	Measure string // loudness, true_peak, loudness_range, spectrum.1kHz
	Old     float64
	New     float64
	// HasOld and HasNew are false on a side where the node does not exist
	// or was not rendered (a muted bus).
	HasOld, HasNew bool
	Unit           string // of the values: LUFS, dBTP, LU, dB
	DeltaUnit      string // of the difference: LU or dB
	Digits         int    // decimals shown
}

// Compare lists every measurement of old and new side by side: for each
// output, then each bus (by address), the integrated loudness, true peak
// and loudness range; for each output, the octave bands.
func Compare(old, new *Measurement) []Row {
	var rows []Row
	for _, addr := range union(outputAddrs(old), outputAddrs(new)) {
		o, n := findOutput(old, addr), findOutput(new, addr)
		var ol, nl *loudness.Result
		if o != nil {
			ol = &o.Loudness
		}
		if n != nil {
			nl = &n.Loudness
		}
		rows = append(rows, loudnessRows(addr, ol, nl)...)
		for i, name := range BandNames {
			r := Row{Node: addr, Measure: "spectrum." + name, Unit: "dB", DeltaUnit: "dB", Digits: 1}
			if o != nil {
				r.Old, r.HasOld = o.Bands[i], true
			}
			if n != nil {
				r.New, r.HasNew = n.Bands[i], true
			}
			rows = append(rows, r)
		}
	}
	for _, addr := range union(busAddrs(old), busAddrs(new)) {
		var ol, nl *loudness.Result
		if b := findBus(old, addr); b != nil && b.Rendered {
			ol = &b.Loudness
		}
		if b := findBus(new, addr); b != nil && b.Rendered {
			nl = &b.Loudness
		}
		rows = append(rows, loudnessRows(addr, ol, nl)...)
	}
	return rows
}

func loudnessRows(addr string, o, n *loudness.Result) []Row {
	rows := []Row{
		{Node: addr, Measure: "loudness", Unit: "LUFS", DeltaUnit: "LU", Digits: 2},
		{Node: addr, Measure: "true_peak", Unit: "dBTP", DeltaUnit: "dB", Digits: 2},
		{Node: addr, Measure: "loudness_range", Unit: "LU", DeltaUnit: "LU", Digits: 1},
	}
	get := func(l *loudness.Result) []float64 {
		return []float64{l.IntegratedLUFS, l.TruePeakDBTP, l.LoudnessRangeLU}
	}
	if o != nil {
		for i, v := range get(o) {
			rows[i].Old, rows[i].HasOld = v, true
		}
	}
	if n != nil {
		for i, v := range get(n) {
			rows[i].New, rows[i].HasNew = v, true
		}
	}
	return rows
}

// OldText is the old value with its unit.
func (r Row) OldText() string { return r.value(r.Old, r.HasOld) }

// NewText is the new value with its unit.
func (r Row) NewText() string { return r.value(r.New, r.HasNew) }

func (r Row) value(v float64, ok bool) string {
	switch {
	case !ok:
		return "(none)"
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if math.Abs(v) < 0.5*math.Pow(10, -float64(r.Digits)) {
		v = 0 // no "-0.0"
	}
	return fmt.Sprintf("%.*f %s", r.Digits, v, r.Unit)
}

// Delta is the change, signed, with its unit, or "" when a side has no
// value. It is the difference of the values as shown, so a table adds up.
func (r Row) Delta() string {
	if !r.HasOld || !r.HasNew || loudness.NoValue(r.Old) || loudness.NoValue(r.New) {
		return ""
	}
	scale := math.Pow(10, float64(r.Digits))
	d := (math.Round(r.New*scale) - math.Round(r.Old*scale)) / scale
	if d == 0 {
		d = 0 // no "-0.00"
	}
	return fmt.Sprintf("%+.*f %s", r.Digits, d, r.DeltaUnit)
}

// String is the row as a line of text:
//
//	output.main.loudness: -14.02 LUFS → -13.81 LUFS (+0.21 LU)
func (r Row) String() string {
	s := fmt.Sprintf("%s.%s: %s → %s", r.Node, r.Measure, r.OldText(), r.NewText())
	if d := r.Delta(); d != "" {
		s += " (" + d + ")"
	}
	return s
}

// WriteText writes one line per row.
func WriteText(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		bw.WriteString(r.String() + "\n")
	}
	return bw.Flush()
}

// WriteMarkdown writes the rows as tables for a pull-request comment:
// outputs and buses as | node | measure | old | new | change |, and the
// octave bands of each output as one table with a column per band and
// rows old, new and change.
func WriteMarkdown(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	var levels, bands, buses []Row
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.Measure, "spectrum."):
			bands = append(bands, r)
		case strings.HasPrefix(r.Node, "output."):
			levels = append(levels, r)
		default:
			buses = append(buses, r)
		}
	}
	table := func(title string, rows []Row) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(bw, "**%s**\n\n| node | measure | old | new | change |\n|---|---|---|---|---|\n", title)
		for _, r := range rows {
			fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s |\n", r.Node, r.Measure, r.OldText(), r.NewText(), r.Delta())
		}
		bw.WriteString("\n")
	}
	table("Outputs", levels)
	if len(bands) > 0 {
		bw.WriteString("**Spectral balance** (energy per octave band, dB relative to the whole)\n\n| node | |")
		for _, name := range BandNames {
			if k, ok := strings.CutSuffix(name, "kHz"); ok {
				name = k + " kHz"
			} else {
				name = strings.TrimSuffix(name, "Hz") + " Hz"
			}
			fmt.Fprintf(bw, " %s |", name)
		}
		bw.WriteString("\n|---|---|" + strings.Repeat("---:|", len(BandNames)) + "\n")
		for start := 0; start < len(bands); start += len(BandNames) {
			group := bands[start:min(start+len(BandNames), len(bands))]
			for k, label := range []string{"old", "new", "change"} {
				node := ""
				if k == 0 {
					node = "`" + group[0].Node + "`"
				}
				fmt.Fprintf(bw, "| %s | %s |", node, label)
				for _, r := range group {
					var v string
					switch k {
					case 0:
						v = r.bare(r.Old, r.HasOld)
					case 1:
						v = r.bare(r.New, r.HasNew)
					default:
						v = strings.TrimSuffix(r.Delta(), " "+r.DeltaUnit)
					}
					fmt.Fprintf(bw, " %s |", v)
				}
				bw.WriteString("\n")
			}
		}
		bw.WriteString("\n")
	}
	table("Buses", buses)
	return bw.Flush()
}

// bare is a value without its unit, for a table whose title gives it.
func (r Row) bare(v float64, ok bool) string {
	return strings.TrimSuffix(r.value(v, ok), " "+r.Unit)
}

func outputAddrs(m *Measurement) []string {
	var out []string
	for _, o := range m.Outputs {
		out = append(out, o.Address)
	}
	return out
}

func busAddrs(m *Measurement) []string {
	var out []string
	for _, b := range m.Buses {
		out = append(out, b.Address)
	}
	return out
}

// union returns the addresses of a and b once each, sorted.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func findOutput(m *Measurement, addr string) *OutputMeasure {
	for i := range m.Outputs {
		if m.Outputs[i].Address == addr {
			return &m.Outputs[i]
		}
	}
	return nil
}

func findBus(m *Measurement, addr string) *BusMeasure {
	for i := range m.Buses {
		if m.Buses[i].Address == addr {
			return &m.Buses[i]
		}
	}
	return nil
}
