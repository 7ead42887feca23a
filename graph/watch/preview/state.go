package preview

import (
	"encoding/json"
	"net/url"

	"github.com/mixdown/mixdown/graph/watch"
)

// State is what /state returns and every "state" message of /events
// carries: the whole picture, so a page that connects late or skipped
// messages needs nothing else.
type State struct {
	Version int    `json:"version"` // counts events; the SSE id
	Title   string `json:"title"`
	// Last is the latest event, OK or not; Good the latest OK one (the
	// render the page plays). Both null before the first event.
	Last *EventJSON `json:"last"`
	Good *EventJSON `json:"good"`
	// Snapshots has one entry per output of Good that is served, in the
	// mix's order.
	Snapshots []SnapshotPair `json:"snapshots"`
}

// SnapshotPair is an output's current render and the one before it (null
// after the first render).
type SnapshotPair struct {
	Output   string        `json:"output"`
	Current  *SnapshotJSON `json:"current"`
	Previous *SnapshotJSON `json:"previous"`
}

// SnapshotJSON locates one snapshot and carries the measurements the
// watch loop made of it.
type SnapshotJSON struct {
	Seq      int    `json:"seq"`
	Audio    string `json:"audio"`    // URL of the bytes
	Analysis string `json:"analysis"` // URL of the waveform and loudness curve
	LUFS     num    `json:"lufs"`
	TruePeak num    `json:"truePeak"`
	Seconds  num    `json:"seconds"`
	SHA256   string `json:"sha256"`
}

// EventJSON is watch.Event for the page: lower-case names, the duration in
// milliseconds, and null for levels that have no value (silence).
type EventJSON struct {
	Seq             int              `json:"seq"`
	OK              bool             `json:"ok"`
	Diagnostics     []DiagnosticJSON `json:"diagnostics"`
	DiagnosticsText string           `json:"diagnosticsText"`
	Changed         []string         `json:"changed"`
	Changes         []string         `json:"changes"`
	DurationMS      num              `json:"durationMs"`
	Cached          num              `json:"cached"`
	Outputs         []OutputJSON     `json:"outputs"`
}

// DiagnosticJSON is watch.Diagnostic.
type DiagnosticJSON struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// OutputJSON is watch.Output, less its absolute path (the page has no use
// for it).
type OutputJSON struct {
	Name        string `json:"name"`
	File        string `json:"file"`
	LUFS        num    `json:"lufs"`
	TruePeakDB  num    `json:"truePeak"`
	LRA         num    `json:"lra"`
	SamplePeak  num    `json:"samplePeak"`
	Seconds     num    `json:"seconds"`
	SHA256      string `json:"sha256"`
	SampleRate  int    `json:"sampleRate"`
	TargetLUFS  *num   `json:"targetLufs"`
	TargetPeak  *num   `json:"targetPeak"`
	DeltaLUFS   *num   `json:"deltaLufs"`
	DeltaPeakDB *num   `json:"deltaPeak"`
}

func optNum(p *float64) *num {
	if p == nil {
		return nil
	}
	n := num(*p)
	return &n
}

func eventJSON(ev *watch.Event) *EventJSON {
	if ev == nil {
		return nil
	}
	e := &EventJSON{
		Seq:             ev.Seq,
		OK:              ev.OK,
		Diagnostics:     []DiagnosticJSON{},
		DiagnosticsText: ev.DiagnosticsText,
		Changed:         append([]string{}, ev.Changed...),
		Changes:         append([]string{}, ev.Changes...),
		DurationMS:      num(ev.Duration.Seconds() * 1000),
		Cached:          num(ev.Cached),
		Outputs:         []OutputJSON{},
	}
	for _, d := range ev.Diagnostics {
		e.Diagnostics = append(e.Diagnostics, DiagnosticJSON(d))
	}
	for _, o := range ev.Outputs {
		e.Outputs = append(e.Outputs, OutputJSON{
			Name: o.Name, File: o.File,
			LUFS: num(o.LUFS), TruePeakDB: num(o.TruePeakDB), LRA: num(o.LRA),
			SamplePeak: num(o.SamplePeak), Seconds: num(o.Seconds),
			SHA256: o.SHA256, SampleRate: o.SampleRate,
			TargetLUFS: optNum(o.TargetLUFS), TargetPeak: optNum(o.TargetPeak),
			DeltaLUFS: optNum(o.DeltaLUFS), DeltaPeakDB: optNum(o.DeltaPeakDB),
		})
	}
	return e
}

func snapshotJSON(sn *snapshot) *SnapshotJSON {
	if sn == nil {
		return nil
	}
	name := url.PathEscape(sn.name)
	seq := itoa(sn.seq)
	return &SnapshotJSON{
		Seq:      sn.seq,
		Audio:    "/audio/" + name + "/" + seq,
		Analysis: "/analysis/" + name + "/" + seq,
		LUFS:     num(sn.out.LUFS),
		TruePeak: num(sn.out.TruePeakDB),
		Seconds:  num(sn.out.Seconds),
		SHA256:   sn.out.SHA256,
	}
}

// marshalState encodes the state; called with s.mu held.
func (s *Server) marshalState() []byte {
	st := State{
		Version:   s.version,
		Title:     s.cfg.Title,
		Last:      eventJSON(s.last),
		Good:      eventJSON(s.good),
		Snapshots: []SnapshotPair{},
	}
	for _, name := range s.snaps.order {
		sl := s.snaps.slots[name]
		if sl == nil || sl.cur == nil {
			continue
		}
		st.Snapshots = append(st.Snapshots, SnapshotPair{
			Output: name, Current: snapshotJSON(sl.cur), Previous: snapshotJSON(sl.prev),
		})
	}
	b, err := json.Marshal(st)
	if err != nil { // only plain data: cannot happen
		panic("preview: encoding the state: " + err.Error())
	}
	return b
}
