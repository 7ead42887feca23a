package graph

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/resample"
	"github.com/mixdown/mixdown/lang"
)

// Graph is a compiled mix, ready to render. Build checks everything a
// render needs short of processing audio, so `mixdown validate` is Build
// without Render.
type Graph struct {
	Mix        *lang.Mix
	SampleRate int
	Frames     int64 // the end of the longest track; effect tails ring on past it

	Tracks  []*Track  // source order
	Buses   []*Bus    // processing order: by level, then source order
	Master  *Master   //
	Outputs []*Output // source order

	// Levels schedules tracks and buses in waves: every input of a node
	// (routing, sends, sidechain keys) is in an earlier level, so the
	// nodes of one level can run in parallel.
	Levels [][]NodeRef

	// A tail ends once the master has stayed below -100 dBFS for
	// TailHoldFrames, or TailCapFrames after the last source ends.
	TailHoldFrames int64
	TailCapFrames  int64
}

// Strip holds the compiled controls tracks and buses share.
type Strip struct {
	GainDB   float64
	Pan      float64
	Polarity bool
	Effects  []*Effect
	// Dest is where the strip's main output goes: an index into
	// Graph.Buses, or ToMaster.
	Dest  int
	Sends []*Send
	// Automation holds the strip's lanes as the language resolved them
	// (automation.go compiles them per node).
	Automation []*lang.Automation
}

// ToMaster is the Dest of a strip routed to the master.
const ToMaster = -1

// Send is a compiled auxiliary send.
type Send struct {
	Address  string // e.g. track.vocals.send.verb
	Bus      string // the destination's name
	Dest     int    // index into Graph.Buses
	LevelDB  float64
	PreFader bool
}

// Track is a compiled track.
type Track struct {
	Address string
	Model   *lang.Track
	// Source is the header of the track's first clip: its one file, for
	// source = "...".
	Source audiofile.Info
	// Clips are the clips that play, by start (clips.go); clips of an
	// empty file are left out.
	Clips    []*Clip
	channels int
	// Active is false when the track is muted, or silenced because another
	// track is soloed. An inactive track contributes nothing, sends
	// included, and is not processed.
	Active bool
	Strip
}

// Channels is the channel count through the track's chain: its clips'
// (stereo when any clip is; mono clips play on both channels), or its
// source's.
func (t *Track) Channels() int { return t.channels }

// Bus is a compiled bus.
type Bus struct {
	Address string
	Model   *lang.Bus
	Active  bool // false when muted
	Strip
}

// Master is the compiled master strip.
type Master struct {
	Address    string
	GainDB     float64
	Effects    []*Effect
	Automation []*lang.Automation
}

// Output is a compiled output file.
type Output struct {
	Address  string
	Model    *lang.Output
	Path     string
	Encoding audiofile.Encoding
	// From is the track or bus a stem output takes, or nil for the master.
	From *NodeRef
}

// tailHoldMS is the silence, beyond the longest gap any effect may leave
// in its tail (a delay's echo spacing, a reverb's predelay), that ends a
// tail.
const tailHoldMS = 200

// Build compiles a loaded mix into a graph. It reads the headers of the
// source and impulse-response files, but no audio.
func Build(m *lang.Mix) (*Graph, hcl.Diagnostics) {
	g := &Graph{
		Mix:        m,
		SampleRate: m.SampleRate,
		Master:     &Master{Address: "master", GainDB: m.Master.GainDB, Automation: m.Master.Automation},
	}
	var diags hcl.Diagnostics
	maxIR := m.Limits.OrDefaults().MaxIRSeconds

	sched, d := schedule(m)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	dest := func(r lang.Ref) int {
		if r.Kind == lang.RefBus {
			return sched.busIndex[r.Name]
		}
		return ToMaster
	}
	strip := func(owner string, st *lang.Strip) Strip {
		s := Strip{GainDB: st.GainDB, Pan: st.Pan, Polarity: st.Polarity, Dest: dest(st.Output), Automation: st.Automation}
		effects, d := compileEffects(owner, st.Effects, m.SampleRate, maxIR)
		diags = append(diags, d...)
		s.Effects = effects
		for _, send := range st.Sends {
			s.Sends = append(s.Sends, &Send{
				Address:  send.Address(owner),
				Bus:      send.To.Name,
				Dest:     dest(send.To),
				LevelDB:  send.LevelDB,
				PreFader: send.PreFader,
			})
		}
		return s
	}

	inputs := newInputFiles()
	rates := &rateSet{mix: m.SampleRate}
	anySolo := m.AnySolo()
	var longest *Track
	sourcesFit := true
	for _, t := range m.Tracks {
		clips, channels, d := compileClips(t, m, rates, inputs)
		diags = append(diags, d...)
		sourcesFit = sourcesFit && !hasSummary(d, "Render too long")
		tr := &Track{
			Address: t.Address(),
			Model:   t,
			Clips:   clips,
			Active:  !t.Mute && (!anySolo || t.Solo),
			Strip:   strip(t.Address(), &t.Strip),
		}
		tr.channels = channels
		if len(clips) > 0 {
			tr.Source = clips[0].Info
		}
		if end := tr.End(); end > g.Frames {
			g.Frames, longest = end, tr
		}
		g.Tracks = append(g.Tracks, tr)
	}
	for _, b := range sched.buses {
		g.Buses = append(g.Buses, &Bus{
			Address: b.Address(),
			Model:   b,
			Active:  !b.Mute,
			Strip:   strip(b.Address(), &b.Strip),
		})
	}
	masterEffects, d := compileEffects("master", m.Master.Effects, m.SampleRate, maxIR)
	diags = append(diags, d...)
	g.Master.Effects = masterEffects
	g.Levels = sched.levels

	// Resolve sidechain keys, now that every node has its index.
	gap := 0.0
	resolveKeys := func(effects []*Effect) {
		for _, e := range effects {
			gap = max(gap, gapMS(e.Model))
			if v := e.Model.Get("sidechain"); v != nil {
				ref := &NodeRef{Track: -1, Bus: -1}
				if v.Ref.Kind == lang.RefTrack {
					ref.Track = sched.trackIndex[v.Ref.Name]
				} else {
					ref.Bus = sched.busIndex[v.Ref.Name]
				}
				e.Key = ref
			}
		}
	}
	for _, t := range g.Tracks {
		resolveKeys(t.Effects)
	}
	for _, b := range g.Buses {
		resolveKeys(b.Effects)
	}
	resolveKeys(g.Master.Effects)
	for _, t := range g.Tracks {
		gap = max(gap, automatedGapMS(&t.Strip))
	}
	for _, b := range g.Buses {
		gap = max(gap, automatedGapMS(&b.Strip))
	}
	gap = max(gap, automatedGapMS(&Strip{Effects: g.Master.Effects, Automation: g.Master.Automation}))
	rate := float64(m.SampleRate)
	g.TailHoldFrames = int64((gap + tailHoldMS) * rate / 1000)
	g.TailCapFrames = int64(m.TailSeconds * rate)
	if sourcesFit {
		diags = append(diags, renderTooLong(m, longest, g.Frames)...)
	}

	for _, t := range g.Tracks {
		inputs.addIRs(t.Effects)
	}
	for _, b := range g.Buses {
		inputs.addIRs(b.Effects)
	}
	inputs.addIRs(g.Master.Effects)

	for _, o := range m.Outputs {
		if d := rates.add(o.SampleRate, true, o.SampleRateRange); d != nil {
			diags = append(diags, d...)
		} else if o.SampleRate != m.SampleRate {
			if _, err := resample.New(m.SampleRate, o.SampleRate, 2); err != nil {
				rng := o.SampleRateRange
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unsupported sample rate",
					Detail:   fmt.Sprintf("output %q cannot be converted from the mix's %d Hz to %d Hz: %s.", o.Name, m.SampleRate, o.SampleRate, trimErr(err)),
					Subject:  &rng,
				})
			}
		}
		if src := inputs.find(o.FilePath); src != "" {
			rng := o.FileRange
			detail := fmt.Sprintf("output %q would write over %q, which this mix reads. Choose another file.", o.Name, o.File)
			if src != o.File {
				detail = fmt.Sprintf("output %q would write over %q: %q is that file (through a link, or spelled another way). Choose another file.", o.Name, src, o.File)
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Output overwrites a source",
				Detail:   detail,
				Subject:  &rng,
			})
		}
		out := &Output{
			Address:  o.Address(),
			Model:    o,
			Path:     o.FilePath,
			Encoding: audiofile.Encoding{BitDepth: o.BitDepth, Float: o.Float},
		}
		if o.From != nil {
			out.From = &NodeRef{Track: -1, Bus: -1}
			if o.From.Kind == lang.RefTrack {
				out.From.Track = sched.trackIndex[o.From.Name]
			} else {
				out.From.Bus = sched.busIndex[o.From.Name]
			}
		}
		g.Outputs = append(g.Outputs, out)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return g, diags
}

// readSourceHeader checks that a source (written as written, resolved to
// path, at rng) of the track named track exists, is readable, and fits
// the mix.
func readSourceHeader(track, written, path string, rng hcl.Range, m *lang.Mix, rates *rateSet) (audiofile.Info, hcl.Diagnostics) {
	diag := func(summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return audiofile.Info{}, diag("Missing source file",
				fmt.Sprintf("Track %q reads %q, but there is no such file. Paths are relative to the folder holding the mix file.", track, written))
		}
		return audiofile.Info{}, diag("Unreadable source file", fmt.Sprintf("Track %q cannot read %q: %s.", track, written, err))
	}
	info, err := audiofile.ReadInfo(path)
	if err != nil {
		return audiofile.Info{}, diag("Unreadable source file", fmt.Sprintf("Track %q cannot read %q: %s.", track, written, trimErr(err)))
	}
	if info.Channels > 2 {
		return info, diag("Too many channels",
			fmt.Sprintf("%q has %d channels; a track takes mono or stereo. Downmix it to stereo first (for example: sox IN.wav OUT.wav remix 1,3 2,4 for quad).", written, info.Channels))
	}
	// Before the resampler is designed (it allocates): a header can claim
	// a thousand hours.
	if d := sourceTooLong(written, rng, m, timelineFrames(info.Frames, info.SampleRate, m.SampleRate)); d != nil {
		return info, d
	}
	if d := rates.add(info.SampleRate, false, rng); d != nil {
		return info, d
	}
	if info.SampleRate != m.SampleRate {
		if _, err := resample.New(info.SampleRate, m.SampleRate, max(info.Channels, 1)); err != nil {
			return info, diag("Unsupported sample rate",
				fmt.Sprintf("%q is %d Hz and cannot be converted to the mix's %d Hz: %s.", written, info.SampleRate, m.SampleRate, trimErr(err)))
		}
	}
	return info, nil
}

func trimErr(err error) string { return strings.TrimSuffix(err.Error(), ".") }

func hasSummary(diags hcl.Diagnostics, summary string) bool {
	for _, d := range diags {
		if d.Summary == summary {
			return true
		}
	}
	return false
}
