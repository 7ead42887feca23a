package graph

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/detmath"
	"github.com/mixdown/mixdown/dsp/resample"
	"github.com/mixdown/mixdown/lang"
)

// A track plays its clips on the mix's timeline, at the mix rate: silence
// before and between them, each clip's audio from its offset for its
// length, times its gain and fades. Where two clips overlap, the overlap is
// a crossfade: the earlier clip fades out and the later one fades in over
// exactly the overlap, with the later clip's fade curve. A clip's own fades
// multiply with a crossfade where they meet. At most two clips may sound at
// once, and no clip may lie inside another (Build reports both).
//
// Every gain is a function of the frame's position in its clip, never of
// how the timeline is cut into blocks, so the output is the same for every
// block size.

// Clip is a compiled clip. Frames are at the mix rate.
type Clip struct {
	Model *lang.Clip
	Info  audiofile.Info // the source's header
	// Start and End are where the clip plays on the timeline, End
	// exclusive.
	Start, End int64
	Offset     int64   // frames of the (resampled) source skipped
	Gain       float64 // linear clip gain
	// FadeIn and FadeOut are the clip's own fades; XIn and XOut the
	// crossfades with the clips overlapping its head and tail.
	FadeIn, FadeOut int64
	XIn, XOut       int64
	curve           fadeCurve // fades, and the crossfade into this clip
	xOutCurve       fadeCurve // the crossfade out: the next clip's curve
}

// Frames is the clip's length on the timeline.
func (c *Clip) Frames() int64 { return c.End - c.Start }

// Files returns the absolute paths of the files the track reads, in clip
// order (source order), each once.
func (t *Track) Files() []string {
	var out []string
	for _, c := range t.Model.Clips {
		if c.SourcePath != "" && !containsString(out, c.SourcePath) {
			out = append(out, c.SourcePath)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// End is the frame after the track's last clip ends: the track's length.
func (t *Track) End() int64 {
	var end int64
	for _, c := range t.Clips {
		end = max(end, c.End)
	}
	return end
}

// fadeCurve is a fade shape: in(x) rises from 0 to 1 over x in [0, 1],
// and a fade out is its mirror, in(1-x).
type fadeCurve uint8

const (
	fadeEqualPower fadeCurve = iota
	fadeLinear
	fadeLog
)

func curveOf(name string) fadeCurve {
	switch name {
	case "linear":
		return fadeLinear
	case "log":
		return fadeLog
	}
	return fadeEqualPower
}

// logFloor is where the log curve starts: -60 dB.
const logFloor = 0.001

// in is the fade-in gain at x in (0, 1):
//
//	linear:      x
//	equal_power: sin(πx/2)           (with the fade out cos(πx/2): in² + out² = 1)
//	log:         (10^(3(x−1)) − 0.001) / 0.999   (linear in dB from −60 dB, pulled to 0 at x = 0)
func (c fadeCurve) in(x float64) float64 {
	switch c {
	case fadeLinear:
		return x
	case fadeLog:
		return (detmath.Pow(10, 3*(x-1)) - logFloor) / (1 - logFloor)
	}
	return detmath.Sin(float64(x * (math.Pi / 2)))
}

// out is the fade-out gain at x in (0, 1), the mirror of in.
func (c fadeCurve) out(x float64) float64 {
	if c == fadeEqualPower {
		return detmath.Cos(float64(x * (math.Pi / 2)))
	}
	return c.in(1 - x)
}

// fadeX is where frame j of an n-frame fade sits: at the middle of its
// sample, so a fade and its mirror take the same points, and an n-frame
// fade out is exactly the reverse of an n-frame fade in.
func fadeX(j, n int64) float64 { return (float64(j) + 0.5) / float64(n) }

// gainAt is the clip's gain at frame k of the clip (0 <= k < Frames).
func (c *Clip) gainAt(k int64) float64 {
	g, n := c.Gain, c.Frames()
	if k < c.FadeIn {
		g *= c.curve.in(fadeX(k, c.FadeIn))
	}
	if j := k - (n - c.FadeOut); j >= 0 {
		g *= c.curve.out(fadeX(j, c.FadeOut))
	}
	if k < c.XIn {
		g *= c.curve.in(fadeX(k, c.XIn))
	}
	if j := k - (n - c.XOut); j >= 0 {
		g *= c.xOutCurve.out(fadeX(j, c.XOut))
	}
	return g
}

// flat reports whether frames [k0, k1) of the clip have the plain clip
// gain: no fade or crossfade touches them.
func (c *Clip) flat(k0, k1 int64) bool {
	n := c.Frames()
	return k0 >= max(c.FadeIn, c.XIn) && k1 <= n-max(c.FadeOut, c.XOut)
}

// compileClips reads the headers of a track's clip sources and places the
// clips on the timeline: by start, crossfading where they overlap. Clips
// that fail, or have nothing to play, are left out.
// channels is the widest clip's channel count, empty files included.
func compileClips(t *lang.Track, m *lang.Mix, rates *rateSet, inputs *inputFiles) (kept []*Clip, channels int, diags hcl.Diagnostics) {
	var clips []*Clip
	diag := func(rng hcl.Range, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng})
	}
	for _, c := range t.Clips {
		if c.SourcePath == "" {
			continue // already reported by lang
		}
		inputs.add(c.SourcePath, c.Source)
		info, d := readClipHeader(t, c, m, rates)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		channels = max(channels, info.Channels)
		avail := timelineFrames(info.Frames, info.SampleRate, m.SampleRate)
		cl := &Clip{
			Model: c, Info: info,
			Start: c.AtFrame, Offset: c.OffsetFrames,
			Gain:   dsp.DBToGain(c.GainDB),
			FadeIn: c.FadeInFrames, FadeOut: c.FadeOutFrames,
			curve: curveOf(c.FadeCurve),
		}
		long := fmt.Sprintf("%q is %s long at the mix rate", c.Source, seconds(avail, m.SampleRate))
		if c.OffsetFrames > 0 && c.OffsetFrames >= avail {
			diag(c.OffsetRange, "Offset past the end of the source",
				fmt.Sprintf("%s; an offset of %g s leaves nothing of it to play.", long, c.OffsetSeconds))
			continue
		}
		n := avail - c.OffsetFrames
		if c.LengthFrames > 0 {
			if c.LengthFrames > n {
				diag(c.LengthRange, "Clip longer than its source",
					fmt.Sprintf("%s; from the offset (%g s) it has %s to play, not %g s. Shorten the clip, or leave length out to play to the end.",
						long, c.OffsetSeconds, seconds(n, m.SampleRate), c.LengthSeconds))
				continue
			}
			n = c.LengthFrames
		}
		if c.FadeInFrames+c.FadeOutFrames > n {
			rng := c.FadeOutRange
			if c.FadeOutFrames == 0 {
				rng = c.FadeInRange
			}
			diag(rng, "Fades longer than the clip",
				fmt.Sprintf("The clip plays for %s, and its fade_in (%g s) and fade_out (%g s) together are longer.", seconds(n, m.SampleRate), c.FadeInSeconds, c.FadeOutSeconds))
			continue
		}
		if n == 0 {
			continue // an empty file: nothing to play
		}
		cl.End = cl.Start + n
		clips = append(clips, cl)
	}
	// By start; clips starting together keep their source order (and are
	// refused below: one lies inside the other).
	sort.SliceStable(clips, func(i, j int) bool { return clips[i].Start < clips[j].Start })
	for _, b := range clips {
		if k := len(kept); k > 0 {
			a := kept[k-1]
			if b.Start < a.End {
				if b.End <= a.End {
					diag(b.Model.AtRange, "Clip inside another clip",
						fmt.Sprintf("This clip (%s to %s) lies inside the clip of %q at %s (to %s). Overlapping clips crossfade over their overlap, so each must start and end after the one before it. Shorten or move one of them.",
							seconds(b.Start, m.SampleRate), seconds(b.End, m.SampleRate), a.Model.Source, seconds(a.Start, m.SampleRate), seconds(a.End, m.SampleRate)))
					continue
				}
				if k > 1 && b.Start < kept[k-2].End {
					diag(b.Model.AtRange, "More than two clips overlap",
						fmt.Sprintf("This clip starts at %s, while the clips of %q and %q both still play. At most two clips may overlap at any moment (one crossfade at a time).",
							seconds(b.Start, m.SampleRate), kept[k-2].Model.Source, a.Model.Source))
					continue
				}
				ov := a.End - b.Start
				a.XOut, a.xOutCurve = ov, b.curve
				b.XIn = ov
			}
		}
		kept = append(kept, b)
	}
	return kept, channels, diags
}

// seconds prints frames at rate as seconds, for diagnostics.
func seconds(frames int64, rate int) string {
	return fmt.Sprintf("%.6g s", float64(frames)/float64(rate))
}

// readClipHeader checks that a clip's source exists, is readable, and fits
// the mix.
func readClipHeader(t *lang.Track, c *lang.Clip, m *lang.Mix, rates *rateSet) (audiofile.Info, hcl.Diagnostics) {
	return readSourceHeader(t.Name, c.Source, c.SourcePath, c.SourceRange, m, rates)
}

// clipChunk is how many frames a clip player reads from a source at a time.
const clipChunk = 1024

// clipPlayer is the source of a track of clips. It opens a clip's file
// when the timeline reaches the clip and closes it when the clip ends, so
// a track holds at most two files open however many clips it has; opening
// allocates (the reader, and a resampler for a source at another rate),
// once per clip. Blocks inside clips allocate nothing.
type clipPlayer struct {
	clips    []*Clip
	readers  []source // open readers, by clip; nil when closed or not opened
	mixRate  int
	pos      int64 // the next frame on the timeline
	first    int   // clips before it have ended
	end      int64
	scratch  [][]float64 // channels x clipChunk
	view     [][]float64
	tail     [][]float64
	channels int
}

func newClipPlayer(t *Track, mixRate int) *clipPlayer {
	p := &clipPlayer{
		clips:    t.Clips,
		readers:  make([]source, len(t.Clips)),
		mixRate:  mixRate,
		end:      t.End(),
		channels: t.Channels(),
		scratch:  make([][]float64, t.Channels()),
		view:     make([][]float64, t.Channels()),
		tail:     make([][]float64, t.Channels()),
	}
	for ch := range p.scratch {
		p.scratch[ch] = make([]float64, clipChunk)
	}
	return p
}

// Read fills dst with the next frames of the timeline.
func (p *clipPlayer) Read(dst [][]float64) (int, error) {
	if p.pos >= p.end {
		return 0, io.EOF
	}
	n := int(min(int64(len(dst[0])), p.end-p.pos))
	for ch := range dst {
		clear(dst[ch][:n])
	}
	from, to := p.pos, p.pos+int64(n)
	for i := p.first; i < len(p.clips); i++ {
		c := p.clips[i]
		if c.Start >= to {
			break
		}
		lo, hi := max(from, c.Start), min(to, c.End)
		if lo >= hi {
			continue
		}
		// Frames before the previous clip's end are its crossfade: add
		// to them; write the rest, so a lone clip's samples pass through
		// untouched (gain 1 keeps every bit, -0 included).
		overlapEnd := lo
		if i > 0 {
			overlapEnd = min(max(p.clips[i-1].End, lo), hi)
		}
		if err := p.play(i, dst, int(lo-from), lo, overlapEnd, true); err != nil {
			return 0, err
		}
		if err := p.play(i, dst, int(overlapEnd-from), overlapEnd, hi, false); err != nil {
			return 0, err
		}
		if hi == c.End {
			p.close(i)
		}
	}
	for p.first < len(p.clips) && p.clips[p.first].End <= to {
		p.first++
	}
	p.pos = to
	return n, nil
}

// play renders frames [lo, hi) of the timeline from clip i into dst from
// offset at, adding or writing.
func (p *clipPlayer) play(i int, dst [][]float64, at int, lo, hi int64, add bool) error {
	c := p.clips[i]
	if lo >= hi {
		return nil
	}
	r := p.readers[i]
	if r == nil {
		var err error
		if r, err = p.open(c); err != nil {
			return err
		}
		p.readers[i] = r
	}
	chans := c.Info.Channels
	for lo < hi {
		k := int(min(hi-lo, clipChunk))
		for ch := range chans {
			p.view[ch] = p.scratch[ch][:k]
		}
		if err := p.readFull(r, p.view[:chans], c.Model.Source); err != nil {
			return err
		}
		k0 := lo - c.Start
		for ch := range dst {
			src := p.scratch[min(ch, chans-1)][:k] // a mono clip plays on every channel
			d := dst[ch][at : at+k]
			switch {
			case c.flat(k0, k0+int64(k)) && c.Gain == 1:
				if add {
					for j := range d {
						d[j] += src[j]
					}
				} else {
					copy(d, src)
				}
			case c.flat(k0, k0+int64(k)):
				g := c.Gain
				for j := range d {
					if add {
						d[j] += float64(src[j] * g)
					} else {
						d[j] = src[j] * g
					}
				}
			default:
				for j := range d {
					g := c.gainAt(k0 + int64(j))
					if add {
						d[j] += float64(src[j] * g)
					} else {
						d[j] = src[j] * g
					}
				}
			}
		}
		lo += int64(k)
		at += k
	}
	return nil
}

// readFull fills dst from r, reading again after a short read (the
// readers here make one only at a file's end, which a clip never reads
// past unless the file changed).
func (p *clipPlayer) readFull(r source, dst [][]float64, name string) error {
	want := len(dst[0])
	for got := 0; got < want; {
		view := p.tail[:len(dst)]
		for ch := range dst {
			view[ch] = dst[ch][got:want]
		}
		k, err := r.Read(view)
		got += k
		if got == want {
			return nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%s ended %d frames early (changed since the mix was checked?)", name, want-got)
			}
			return err
		}
		if k == 0 {
			return fmt.Errorf("%s: read returned no data", name)
		}
	}
	return nil
}

// open opens a clip's source at the mix rate, positioned at its offset.
func (p *clipPlayer) open(c *Clip) (source, error) {
	r, err := audiofile.Open(c.Model.SourcePath)
	if err != nil {
		return nil, err
	}
	info := r.Info()
	if info.Channels != c.Info.Channels || info.SampleRate != c.Info.SampleRate {
		r.Close()
		return nil, fmt.Errorf("%s changed since the mix was checked", c.Model.Source)
	}
	if info.SampleRate == p.mixRate {
		if err := r.SeekFrame(min(c.Offset, info.Frames)); err != nil {
			r.Close()
			return nil, err
		}
		return r, nil
	}
	rr, err := resample.NewReader(r, info.SampleRate, p.mixRate, info.Channels)
	if err != nil {
		r.Close()
		return nil, err
	}
	// The offset is in frames of the resampled source: skip them.
	for skip := c.Offset; skip > 0; {
		k := int(min(skip, clipChunk))
		for ch := range info.Channels {
			p.view[ch] = p.scratch[ch][:k]
		}
		if err := p.readFull(rr, p.view[:info.Channels], c.Model.Source); err != nil {
			rr.Close()
			return nil, err
		}
		skip -= int64(k)
	}
	return rr, nil
}

func (p *clipPlayer) close(i int) {
	if p.readers[i] != nil {
		p.readers[i].Close()
		p.readers[i] = nil
	}
}

// Close closes every open clip.
func (p *clipPlayer) Close() error {
	for i := range p.readers {
		p.close(i)
	}
	return nil
}
