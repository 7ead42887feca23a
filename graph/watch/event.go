// Package watch re-renders a mix whenever one of its files changes. It is
// a loop around graph.Render, not a second renderer: every render it makes
// is the render `mixdown render` makes, bit for bit, with unchanged nodes
// taken from a cache.
package watch

import "time"

// Event reports one render attempt: a render that landed, or an edit that
// was rejected with diagnostics. Observers (the CLI's status line, the
// preview page) receive every event in order.
type Event struct {
	Seq int // 1, 2, ... in the order the attempts finished

	// OK is true when the render landed and the outputs were replaced.
	// When false, Diagnostics explain why, and the last good outputs are
	// untouched.
	OK          bool
	Diagnostics []Diagnostic
	// DiagnosticsText is the diagnostics as the CLI prints them: HCL
	// style, with file:line:col and a snippet.
	DiagnosticsText string

	// Changed lists the node addresses whose cache key changed since the
	// previous good render (every node for the first render), in graph
	// order.
	Changed []string
	// Changes is the semantic diff against the previous good mix, one
	// line per change, as `mixdown diff` prints it ("track.vocals.
	// compressor.ratio: 3 → 4"). Empty for the first render.
	Changes []string

	Duration time.Duration // wall time of the render
	// Cached is the share, 0 to 1, of node output frames that came from
	// the cache instead of being rendered.
	Cached float64

	Outputs []Output
}

// Output is one output file of a landed render and its measurements.
type Output struct {
	Name string // the output block's label
	Path string // absolute path of the file
	File string // the path as the mix file writes it, relative to the mix folder

	LUFS        float64 // integrated loudness; -Inf for silence
	TruePeakDB  float64 // dBTP
	LRA         float64 // loudness range, LU
	SamplePeak  float64 // dBFS
	Seconds     float64 // duration
	SHA256      string  // hex, of the file's bytes
	SampleRate  int
	TargetLUFS  *float64 // the output's loudness target, when it has one
	TargetPeak  *float64 // the true-peak ceiling, when it has one
	DeltaLUFS   *float64 // change since the previous good render, when there was one
	DeltaPeakDB *float64
	// ShortTerm is the short-term (3 s) loudness every 0.1 s, LUFS, as
	// dsp/loudness.Result.ShortTerm: the curve over the song.
	ShortTerm []float64
}

// Measurements follow dsp/loudness: silence reads -Inf LUFS and an
// undefined loudness range NaN. encoding/json refuses both, so a JSON
// writer must map them (e.g. to null) first.

// Diagnostic is one diagnostic of a rejected edit, for machine readers.
type Diagnostic struct {
	Severity string // "error" or "warning"
	Summary  string
	Detail   string
	File     string // as given on the command line, or relative to the mix folder
	Line     int    // 1-based; 0 when the diagnostic has no position
	Column   int
}
