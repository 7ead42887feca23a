package graph

import (
	"fmt"
	"os"
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/resample"
	"github.com/mixdown/mixdown/lang"
)

// Build enforces the limits that need the audio files' headers (the
// language enforces the rest, see lang.Limits): the render's length and
// the impulse responses' lengths, before anything is allocated from
// them; and that no output writes over a file the mix reads.

// MaxIRSeconds is the default longest impulse response; see
// lang.Limits.MaxIRSeconds.
const MaxIRSeconds = lang.DefaultMaxIRSeconds

// timelineFrames is the length of a source of info's frames and rate on
// a mix at mixRate: a source at another rate is resampled.
func timelineFrames(frames int64, fileRate, mixRate int) int64 {
	if fileRate != mixRate && fileRate > 0 {
		return resample.OutputFrames(frames, fileRate, mixRate)
	}
	return frames
}

// sourceTooLong reports a source that alone is longer than the longest
// render allowed.
func sourceTooLong(written string, rng hcl.Range, m *lang.Mix, frames int64) hcl.Diagnostics {
	limit := m.Limits.OrDefaults().MaxRenderSeconds
	seconds := float64(frames) / float64(m.SampleRate)
	if seconds <= limit {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Render too long",
		Detail: fmt.Sprintf("%q is %s long, by its header; a render may last at most %s. The -max-render-seconds option raises the limit.",
			written, duration(seconds), duration(limit)),
		Subject: &rng,
	}}
}

// renderTooLong reports a render (the track that ends last, then the
// tail) longer than allowed: at mix.tail when it is set, else where the
// track's last clip is placed (its source, for source = "...").
func renderTooLong(m *lang.Mix, longest *Track, frames int64) hcl.Diagnostics {
	limit := m.Limits.OrDefaults().MaxRenderSeconds
	song := float64(frames) / float64(m.SampleRate)
	if song+m.TailSeconds <= limit || longest == nil || len(longest.Clips) == 0 {
		return nil
	}
	rng := longest.Clips[len(longest.Clips)-1].Model.AtRange
	if m.TailRange.Filename != "" {
		rng = m.TailRange
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Render too long",
		Detail: fmt.Sprintf("The render could last %s: track %q ends at %s and effect tails may ring on for %s after it (mix.tail). A render may last at most %s. The -max-render-seconds option raises the limit.",
			duration(song+m.TailSeconds), longest.Model.Name, duration(song), duration(m.TailSeconds), duration(limit)),
		Subject: &rng,
	}}
}

// duration prints seconds for a person: "12.5 s", "42.0 minutes", "1000.0 hours".
func duration(s float64) string {
	switch {
	case s >= 2*3600:
		return fmt.Sprintf("%.1f hours", s/3600)
	case s >= 120:
		return fmt.Sprintf("%.1f minutes", s/60)
	}
	return fmt.Sprintf("%g s", s)
}

// MaxSampleRates bounds the conversions a mix needs: the distinct rates
// its sources come in and its outputs go out at, besides its own. The
// filter for one conversion takes up to 45 MiB and half a second to
// design (resample.MaxRatioTerm), so a mix of tiny sources at hundreds of
// odd rates would otherwise take gigabytes and minutes to validate.
const MaxSampleRates = 8

// rateSet counts the conversions of a mix.
type rateSet struct {
	mix  int
	seen []int // source rates, and output rates negated
}

// add notes a source (out false) or output at rate and reports the first
// conversion past MaxSampleRates, at rng.
func (r *rateSet) add(rate int, out bool, rng hcl.Range) hcl.Diagnostics {
	key := rate
	if out {
		key = -rate
	}
	if rate == r.mix || slices.Contains(r.seen, key) {
		return nil
	}
	if len(r.seen) < MaxSampleRates {
		r.seen = append(r.seen, key)
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Too many sample rates",
		Detail: fmt.Sprintf("This mix already converts %d other sample rates to or from its own %d Hz, the most allowed; this would be one more. Convert some files to a common rate first.",
			MaxSampleRates, r.mix),
		Subject: &rng,
	}}
}

// inputFiles are the files a mix reads (sources and impulse responses),
// for the check that no output writes over one: by path as written, by
// path with symbolic links resolved, and by identity (hard links, or a
// case-insensitive file system spelling one file two ways).
type inputFiles struct {
	byPath map[string]string // lang's resolved path -> as written
	byReal map[string]string // symbolic links resolved -> as written
	stats  []inputStat
}

type inputStat struct {
	fi      os.FileInfo
	written string
}

func newInputFiles() *inputFiles {
	return &inputFiles{byPath: map[string]string{}, byReal: map[string]string{}}
}

func (in *inputFiles) add(path, written string) {
	if path == "" {
		return
	}
	in.byPath[path] = written
	if real, err := lang.RealPath(path); err == nil {
		in.byReal[real] = written
	}
	if fi, err := os.Stat(path); err == nil {
		in.stats = append(in.stats, inputStat{fi, written})
	}
}

// find returns the input that writing path would replace, as the mix
// writes it, or "".
func (in *inputFiles) find(path string) string {
	if w, ok := in.byPath[path]; ok {
		return w
	}
	if real, err := lang.RealPath(path); err == nil {
		if w, ok := in.byReal[real]; ok {
			return w
		}
	}
	if fi, err := os.Stat(path); err == nil {
		for _, s := range in.stats {
			if os.SameFile(fi, s.fi) {
				return s.written
			}
		}
	}
	return ""
}

// addIRs records the impulse responses of a chain as inputs.
func (in *inputFiles) addIRs(effects []*Effect) {
	for _, e := range effects {
		if v := e.Model.Get("ir"); v != nil && e.IR != nil {
			in.add(v.Path, v.Text)
		}
	}
}
