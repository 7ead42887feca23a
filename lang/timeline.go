package lang

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The timeline. A position on it is written as seconds (a number) or as
// "bar:beat" (a string, 1-based like a DAW: "5:1" is the first beat of bar
// 5, "17:2.5" half way through its second beat). A beat is the meter's
// note value (an eighth in 6/8); tempo counts quarter notes per minute
// whatever the meter, as note-value times do (time.go).
//
// Positions are converted with exact rational arithmetic from the values
// as written (a decimal beat, a tempo's float64, the sample rate) and
// rounded to the nearest frame once, at the end: "5:1" at 120 BPM in 4/4 is
// 8 s, frame 384000 at 48 kHz, exactly, however long the tempo map.

// Meter is a time signature: Beats beats of a 1/Unit note per bar.
type Meter struct {
	Beats int // 1 .. 64
	Unit  int // 1, 2, 4, 8, 16, 32 or 64
}

// DefaultMeter is the meter when the mix block does not set one.
var DefaultMeter = Meter{4, 4}

func (m Meter) String() string { return fmt.Sprintf("%d/%d", m.Beats, m.Unit) }

// quarters is the length of one beat in quarter notes.
func (m Meter) quarters() *big.Rat { return big.NewRat(4, int64(m.Unit)) }

// ParseMeter reads a meter such as "4/4" or "6/8".
func ParseMeter(s string) (Meter, error) {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		return Meter{}, fmt.Errorf("a meter is written BEATS/UNIT, like \"4/4\", \"3/4\" or \"6/8\"")
	}
	n, err1 := strconv.Atoi(num)
	d, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil || n < 1 || n > 64 {
		return Meter{}, fmt.Errorf("a meter is written BEATS/UNIT with BEATS a whole number from 1 to 64, like \"4/4\" or \"7/8\"")
	}
	switch d {
	case 1, 2, 4, 8, 16, 32, 64:
	default:
		return Meter{}, fmt.Errorf("the beat unit (below the line) must be 1, 2, 4, 8, 16, 32 or 64")
	}
	return Meter{n, d}, nil
}

// TempoChange is one entry of mix.tempo_map: from At on, the tempo, the
// meter, or both change.
type TempoChange struct {
	At      string  // "bar:beat" as written
	Tempo   float64 // BPM (quarter notes per minute); 0: unchanged
	Meter   Meter   // zero: unchanged
	AtRange hcl.Range
	// TempoRange and MeterRange are the expressions' ranges, zero when
	// not set.
	TempoRange hcl.Range
	MeterRange hcl.Range
	DeclRange  hcl.Range // the entry's { ... }
}

// Timeline converts positions on the mix's timeline to sample frames. It
// is built from mix.sample_rate, tempo, meter and tempo_map (see
// Mix.Timeline); its methods do not modify it.
type Timeline struct {
	rate   int64
	limit  *big.Rat // the latest position allowed, in seconds
	tempo  bool     // a tempo is set: bar:beat positions can be converted
	quiet  bool     // the mix block failed: bar:beat positions fail quietly
	meters []meterSpan
	tempos []tempoSpan
}

// meterSpan is a run of bars in one meter, from bar (1-based), which
// starts q quarter notes into the song.
type meterSpan struct {
	bar   int64
	q     *big.Rat
	meter Meter
}

// tempoSpan is a stretch of constant tempo from q quarter notes into the
// song, which is sec seconds in.
type tempoSpan struct {
	q, sec  *big.Rat
	secPerQ *big.Rat // 60 / tempo
}

// Timeline returns the mix's timeline, built from SampleRate, Tempo, Meter
// and TempoMap. Building is cheap but not free: call it once and keep it.
// (Inside lang, decoders use the scope's timeline, built right after the
// mix block.)
func (m *Mix) Timeline() *Timeline {
	t, _ := newTimeline(m)
	return t
}

// newTimeline builds the timeline and reports what is wrong with the tempo
// map: entries out of order, a meter change off a bar line. Entries that
// fail are left out.
func newTimeline(m *Mix) (*Timeline, hcl.Diagnostics) {
	rate := m.SampleRate
	if rate <= 0 {
		rate = DefaultSampleRate
	}
	meter := m.Meter
	if meter.Beats == 0 {
		meter = DefaultMeter
	}
	t := &Timeline{
		rate:   int64(rate),
		limit:  new(big.Rat).SetFloat64(m.Limits.OrDefaults().MaxRenderSeconds),
		tempo:  m.Tempo > 0,
		meters: []meterSpan{{bar: 1, q: new(big.Rat), meter: meter}},
	}
	if !t.tempo {
		return t, nil
	}
	t.tempos = []tempoSpan{{q: new(big.Rat), sec: new(big.Rat), secPerQ: secPerQuarter(m.Tempo)}}
	var diags hcl.Diagnostics
	last := new(big.Rat) // the previous entry's position, in quarters
	for i, c := range m.TempoMap {
		rng := c.AtRange
		bar, beat, err := parseBarBeat(c.At)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid position",
				Detail: fmt.Sprintf("%q: %s.", c.At, err), Subject: &rng})
			continue
		}
		q, d := t.quarters(bar, beat, c.At, rng)
		if d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		if q.Sign() == 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Tempo change at the start",
				Detail: "The tempo map lists the changes after the start; set the starting tempo and meter with tempo and meter in the mix block.", Subject: &rng})
			continue
		}
		if i > 0 && q.Cmp(last) <= 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Tempo map out of order",
				Detail: fmt.Sprintf("%q is not after the entry before it (%q): list the changes in the order they happen, one per position.", c.At, m.TempoMap[i-1].At), Subject: &rng})
			continue
		}
		if c.Meter.Beats != 0 && beat.Cmp(big.NewRat(1, 1)) != 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Meter change inside a bar",
				Detail: fmt.Sprintf("A meter changes at the start of a bar: write %q.", fmt.Sprintf("%d:1", bar)), Subject: &rng})
			continue
		}
		last = q
		if c.Tempo > 0 {
			t.tempos = append(t.tempos, tempoSpan{q: q, sec: t.secondsAt(q), secPerQ: secPerQuarter(c.Tempo)})
		}
		if c.Meter.Beats != 0 {
			t.meters = append(t.meters, meterSpan{bar: bar, q: q, meter: c.Meter})
		}
	}
	return t, diags
}

// secPerQuarter is 60/bpm, exactly (bpm is a float64, hence a rational).
func secPerQuarter(bpm float64) *big.Rat {
	r := new(big.Rat).SetFloat64(bpm)
	return r.Quo(big.NewRat(60, 1), r)
}

// SampleRate is the rate frames are counted at, in Hz.
func (t *Timeline) SampleRate() int { return int(t.rate) }

// HasTempo reports whether positions may be written in bars and beats.
func (t *Timeline) HasTempo() bool { return t.tempo }

// Seconds converts a frame to seconds.
func (t *Timeline) Seconds(frame int64) float64 { return float64(frame) / float64(t.rate) }

// Position decodes a position value as written (number of seconds or
// "bar:beat" string) at rng, the expression's range, into a frame at the
// mix rate. Seconds must be finite and >= 0; a bar:beat position needs a
// tempo, and its beat must lie in its bar. When the mix block itself
// failed, a bar:beat position fails with a diagnostic LoadMix drops
// (its cause is reported already).
func (t *Timeline) Position(v cty.Value, rng hcl.Range) (frame int64, diags hcl.Diagnostics) {
	bad := func(summary, detail string) (int64, hcl.Diagnostics) {
		return 0, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	const forms = `a position is seconds as a number (8.5), or "bar:beat" as a string ("5:1", "17:2.5")`
	if v == cty.NilVal || v.IsNull() {
		return bad("Missing value", "A position must not be null: "+forms+".")
	}
	if !v.IsWhollyKnown() {
		return bad("Unknown value", "A position must be known when the mix is loaded.")
	}
	var sec *big.Rat
	switch v.Type() {
	case cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInf() || bf.Sign() < 0 {
			return bad("Invalid position", fmt.Sprintf("A position in seconds must be finite and 0 or more; this is %s.", bf.Text('g', 10)))
		}
		sec, _ = bf.Rat(nil)
	case cty.String:
		s := v.AsString()
		bar, beat, err := parseBarBeat(s)
		if err != nil {
			if _, nerr := strconv.ParseFloat(strings.TrimSpace(s), 64); nerr == nil {
				return bad("Invalid position", fmt.Sprintf("%q is a string: write seconds as a number, without quotes, or bars and beats as \"bar:beat\".", s))
			}
			return bad("Invalid position", fmt.Sprintf("%q: %s.", s, err))
		}
		if !t.tempo {
			if t.quiet {
				return 0, hcl.Diagnostics{errQuiet}
			}
			return bad("Position in bars without a tempo", fmt.Sprintf("%q is in bars and beats, so it needs the song's tempo: set tempo (BPM) in the mix block, or give the position in seconds.", s))
		}
		q, d := t.quarters(bar, beat, s, rng)
		if d.HasErrors() {
			return 0, d
		}
		sec = t.secondsAt(q)
	default:
		return bad("Incorrect value type", fmt.Sprintf("A position must be a number or a string: %s; this is a %s.", forms, v.Type().FriendlyName()))
	}
	if sec.Cmp(t.limit) > 0 {
		f, _ := sec.Float64()
		l, _ := t.limit.Float64()
		return bad("Position too late", fmt.Sprintf("This position is %.3f s into the song, past the longest render allowed (%g s). The -max-render-seconds option raises the limit.", f, l))
	}
	return roundFrames(sec, t.rate), nil
}

// roundFrames returns sec*rate rounded to the nearest whole frame (halves
// up); sec >= 0.
func roundFrames(sec *big.Rat, rate int64) int64 {
	x := new(big.Rat).Mul(sec, big.NewRat(rate, 1))
	num := new(big.Int).Mul(x.Num(), big.NewInt(2))
	num.Add(num, x.Denom())
	den := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	return num.Quo(num, den).Int64()
}

// quarters converts bar (1-based) and beat (1-based, fractional) to
// quarter notes from the start of the song, checking the beat against the
// bar's meter. text and rng are the position as written, for diagnostics.
func (t *Timeline) quarters(bar int64, beat *big.Rat, text string, rng hcl.Range) (*big.Rat, hcl.Diagnostics) {
	// The last span starting at or before bar (the first starts at 1).
	span := t.meters[sort.Search(len(t.meters), func(i int) bool { return t.meters[i].bar > bar })-1]
	beats := int64(span.meter.Beats)
	if beat.Cmp(big.NewRat(beats+1, 1)) >= 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Beat out of range",
			Detail: fmt.Sprintf("%q: bar %d is in %s, so its beats run from 1 to %d (fractions allowed, up to but not including %d).",
				text, bar, span.meter, beats, beats+1),
			Subject: &rng,
		}}
	}
	// q = span.q + ((bar-span.bar)*beats + beat-1) * quarters per beat
	b := new(big.Rat).SetInt64((bar - span.bar) * beats)
	b.Add(b, beat)
	b.Sub(b, big.NewRat(1, 1))
	b.Mul(b, span.meter.quarters())
	return b.Add(b, span.q), nil
}

// secondsAt converts quarter notes from the start to seconds.
func (t *Timeline) secondsAt(q *big.Rat) *big.Rat {
	span := t.tempos[sort.Search(len(t.tempos), func(i int) bool { return t.tempos[i].q.Cmp(q) > 0 })-1]
	sec := new(big.Rat).Sub(q, span.q)
	sec.Mul(sec, span.secPerQ)
	return sec.Add(sec, span.sec)
}

// maxBar bounds the bar of a position: at the slowest tempo and the
// longest meter a bar lasts 768 s, and no render is that many bars long.
const maxBar = 1_000_000

// parseBarBeat reads "bar:beat": a whole bar from 1, and a beat from 1
// written as a decimal ("2", "2.5").
func parseBarBeat(s string) (bar int64, beat *big.Rat, err error) {
	const form = `a position in bars is written "bar:beat", 1-based, like "5:1" (the first beat of bar 5) or "17:2.5"`
	b, bt, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || !digits(b) || len(b) > 7 {
		return 0, nil, fmt.Errorf("%s", form)
	}
	whole, frac, _ := strings.Cut(bt, ".")
	if !digits(whole) || strings.Contains(bt, ".") && !digits(frac) || len(bt) > 20 {
		return 0, nil, fmt.Errorf("%s", form)
	}
	bar, _ = strconv.ParseInt(b, 10, 64)
	beat, _ = new(big.Rat).SetString(bt)
	if bar < 1 || bar > maxBar {
		return 0, nil, fmt.Errorf("bars are numbered from 1 to %d", maxBar)
	}
	if beat.Cmp(big.NewRat(1, 1)) < 0 {
		return 0, nil, fmt.Errorf("beats are numbered from 1: the first beat of a bar is \"%d:1\"", bar)
	}
	return bar, beat, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendMeter decodes mix.meter, or a tempo map entry's meter.
func appendMeter(diags hcl.Diagnostics, s *scope, attr *hcl.Attribute) (Meter, hcl.Diagnostics) {
	m, d := s.meter(attr.Expr, attr.Name)
	return m, append(diags, d...)
}

func (s *scope) meter(expr hcl.Expression, name string) (Meter, hcl.Diagnostics) {
	v, diags := s.value(expr, cty.String, fmt.Sprintf("%q", name))
	if diags.HasErrors() {
		return Meter{}, diags
	}
	m, err := ParseMeter(v.AsString())
	if err != nil {
		rng := expr.Range()
		return Meter{}, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid meter",
			Detail:   fmt.Sprintf("%q is not a meter: %s.", v.AsString(), err),
			Subject:  &rng,
		})
	}
	return m, diags
}

// tempoMapKeys are the attributes of a tempo map entry.
var tempoMapKeys = []string{"at", "meter", "tempo"}

// appendTempoMap decodes mix.tempo_map, written as a list of objects:
//
//	tempo_map = [
//	  { at = "17:1", tempo = 96 },
//	  { at = "33:1", tempo = 128, meter = "6/8" },
//	]
//
// The list is read as written (not evaluated as a whole) so that each
// diagnostic points at its entry; values inside may be expressions.
func appendTempoMap(diags hcl.Diagnostics, s *scope, attr *hcl.Attribute) ([]*TempoChange, hcl.Diagnostics) {
	exprs, d := hcl.ExprList(attr.Expr)
	if d.HasErrors() {
		rng := attr.Expr.Range()
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid tempo map",
			Detail:   `tempo_map is a list of changes written out, like [{ at = "17:1", tempo = 96 }, { at = "33:1", meter = "3/4" }].`,
			Subject:  &rng,
		})
	}
	if len(exprs) > MaxTempoChanges {
		rng := exprs[MaxTempoChanges].Range()
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Tempo map too long",
			Detail:   fmt.Sprintf("This tempo map has %d entries; the most allowed is %d.", len(exprs), MaxTempoChanges),
			Subject:  &rng,
		})
	}
	var out []*TempoChange
	for _, e := range exprs {
		c, d := s.tempoChange(e)
		diags = append(diags, d...)
		if c != nil {
			out = append(out, c)
		}
	}
	return out, diags
}

// tempoChange decodes one entry of a tempo map; nil when it failed.
func (s *scope) tempoChange(e hcl.Expression) (*TempoChange, hcl.Diagnostics) {
	rng := e.Range()
	pairs, diags := hcl.ExprMap(e)
	if diags.HasErrors() {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid tempo change",
			Detail:   `A tempo map entry is an object such as { at = "17:1", tempo = 96 } or { at = "33:1", meter = "6/8" }.`,
			Subject:  &rng,
		}}
	}
	c := &TempoChange{DeclRange: rng}
	failed, seen := false, map[string]bool{}
	for _, kv := range pairs {
		key := hcl.ExprAsKeyword(kv.Key)
		krng := kv.Key.Range()
		if !contains(tempoMapKeys, key) || seen[key] {
			summary, detail := "Unsupported argument", fmt.Sprintf("A tempo change takes at, tempo and meter; not %q.%s", key, didYouMean(key, tempoMapKeys))
			if seen[key] {
				summary, detail = "Duplicate argument", fmt.Sprintf("%s is set twice in this tempo change.", key)
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &krng})
			failed = true
			continue
		}
		seen[key] = true
		attr := &hcl.Attribute{Name: key, Expr: kv.Value, Range: hcl.RangeBetween(krng, kv.Value.Range()), NameRange: krng}
		var d hcl.Diagnostics
		switch key {
		case "at":
			c.AtRange = kv.Value.Range()
			var v cty.Value
			v, d = s.value(kv.Value, cty.String, `"at"`)
			if !d.HasErrors() {
				c.At = v.AsString()
			}
		case "tempo":
			c.TempoRange = kv.Value.Range()
			c.Tempo, d = s.number(attr, tempoRange)
		case "meter":
			c.MeterRange = kv.Value.Range()
			c.Meter, d = s.meter(kv.Value, key)
		}
		diags = append(diags, d...)
		failed = failed || d.HasErrors()
	}
	if failed {
		return nil, diags
	}
	if !seen["at"] || !seen["tempo"] && !seen["meter"] {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incomplete tempo change",
			Detail:   `A tempo change needs at ("bar:beat") and a new tempo, meter or both: { at = "17:1", tempo = 96 }.`,
			Subject:  &rng,
		})
		return nil, diags
	}
	return c, diags
}

// position evaluates a position expression (seconds as a number, or
// "bar:beat") to a frame on the mix's timeline. Decoders use it for clip
// starts and automation points.
func (s *scope) position(expr hcl.Expression, what string) (int64, hcl.Diagnostics) {
	v, diags := s.value(expr, cty.DynamicPseudoType, what)
	if diags.HasErrors() {
		return 0, diags
	}
	frame, d := s.timeline.Position(v, expr.Range())
	return frame, append(diags, d...)
}
