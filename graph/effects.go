package graph

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/delay"
	"github.com/mixdown/mixdown/dsp/dynamics"
	"github.com/mixdown/mixdown/dsp/eq"
	"github.com/mixdown/mixdown/dsp/reverb"
	"github.com/mixdown/mixdown/dsp/saturation"
	"github.com/mixdown/mixdown/dsp/stereo"
	"github.com/mixdown/mixdown/lang"
)

// Effect is one compiled effect of a chain.
type Effect struct {
	Address string
	Model   *lang.Effect
	// Key is the node whose signal drives a keyed effect's detector (a
	// compressor's sidechain), or nil.
	Key *NodeRef
	// IR is an impulse response's header, for a convolution reverb.
	IR *audiofile.Info
}

// NodeRef points at a track or bus of the graph.
type NodeRef struct {
	Track int // index into Graph.Tracks, or -1
	Bus   int // index into Graph.Buses, or -1
}

// Seed derives a processor's random seed from its stable address, so two
// reverbs in one mix differ and a mix always renders the same (FNV-1a).
func Seed(address string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, address)
	return h.Sum64()
}

// compileEffects checks what the chain needs from outside the language:
// impulse-response files.
func compileEffects(owner string, effects []*lang.Effect, rate int, maxIRSeconds float64) ([]*Effect, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*Effect
	for _, e := range effects {
		ce := &Effect{Address: e.Address(owner), Model: e}
		if ir := e.Get("ir"); ir != nil {
			info, d := readIRHeader(ir, rate, maxIRSeconds)
			diags = append(diags, d...)
			ce.IR = &info
		}
		out = append(out, ce)
	}
	return out, diags
}

func readIRHeader(v *lang.Value, rate int, maxSeconds float64) (audiofile.Info, hcl.Diagnostics) {
	rng := v.Range
	diag := func(summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}}
	}
	if _, err := os.Stat(v.Path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return audiofile.Info{}, diag("Missing impulse response file",
				fmt.Sprintf("There is no file %q. Paths are relative to the folder holding the mix file.", v.Text))
		}
		return audiofile.Info{}, diag("Unreadable impulse response file", fmt.Sprintf("Cannot read %q: %s.", v.Text, err))
	}
	info, err := audiofile.ReadInfo(v.Path)
	switch {
	case err != nil:
		return info, diag("Unreadable impulse response file", fmt.Sprintf("Cannot read %q: %s.", v.Text, trimErr(err)))
	case info.Channels > 2:
		return info, diag("Too many channels", fmt.Sprintf("%q has %d channels; an impulse response is mono or stereo.", v.Text, info.Channels))
	case info.SampleRate != rate:
		return info, diag("Unsupported sample rate",
			fmt.Sprintf("%q is %d Hz, but the mix renders at %d Hz. mixdown does not resample impulse responses yet: convert the file.", v.Text, info.SampleRate, rate))
	case info.Frames == 0:
		return info, diag("Empty impulse response", fmt.Sprintf("%q holds no samples.", v.Text))
	case info.Duration() > maxSeconds:
		return info, diag("Impulse response too long",
			fmt.Sprintf("%q is %s long; the longest accepted is %s. The -max-ir-seconds option raises the limit.", v.Text, duration(info.Duration()), duration(maxSeconds)))
	}
	return info, nil
}

// testProcessor lets a test replace an effect's processor (with one
// that misbehaves, say) by returning non-nil. Nil outside tests.
var testProcessor func(ce *Effect) dsp.Processor

// newProcessor builds and prepares the processor for a compiled effect.
func newProcessor(ce *Effect, spec dsp.Spec) (dsp.Processor, error) {
	if testProcessor != nil {
		if p := testProcessor(ce); p != nil {
			p.Prepare(spec)
			return p, nil
		}
	}
	e := ce.Model
	var p dsp.Processor
	switch e.Kind {
	case "eq":
		var params eq.Params
		for _, b := range e.Bands {
			kind, ok := eq.ParseKind(b.Kind)
			if !ok {
				return nil, fmt.Errorf("%s: unknown band %q", ce.Address, b.Kind)
			}
			band := eq.NewBand(kind)
			for _, v := range b.Values {
				band.SetParam(v.Name, v.Num)
			}
			params.Bands = append(params.Bands, band)
		}
		p = eq.New(params)
	case "compressor":
		c := dynamics.DefaultCompressorParams()
		c.ThresholdDB = e.Num("threshold")
		c.Ratio = e.Num("ratio")
		c.KneeDB = e.Num("knee")
		c.AttackMS = e.Num("attack")
		c.ReleaseMS = e.Num("release")
		if e.Text("makeup") == "auto" {
			c.AutoMakeup = true
		} else {
			c.MakeupDB = e.Num("makeup")
		}
		c.Detector, _ = dynamics.ParseDetector(e.Text("detector"))
		c.LookaheadMS = e.Num("lookahead")
		c.Mix = e.Num("mix")
		c.SidechainHighpassHz = e.Num("sidechain_highpass")
		comp := dynamics.NewCompressor(c)
		p = comp
	case "gate":
		p = dynamics.NewGate(dynamics.GateParams{
			ThresholdDB: e.Num("threshold"),
			RangeDB:     e.Num("range"),
			AttackMS:    e.Num("attack"),
			HoldMS:      e.Num("hold"),
			ReleaseMS:   e.Num("release"),
		})
	case "limiter":
		p = dynamics.NewLimiter(dynamics.LimiterParams{
			CeilingDB:   e.Num("ceiling"),
			ReleaseMS:   e.Num("release"),
			LookaheadMS: e.Num("lookahead"),
			TruePeak:    e.Bool("true_peak"),
		})
	case "deesser":
		p = dynamics.NewDeesser(dynamics.DeesserParams{
			FreqHz:      e.Num("freq"),
			ThresholdDB: e.Num("threshold"),
			RangeDB:     e.Num("range"),
		})
	case "delay":
		p = delay.New(delay.Params{
			TimeMs:    e.Num("time"),
			Feedback:  e.Num("feedback"),
			Mix:       e.Num("mix"),
			PingPong:  e.Bool("pingpong"),
			HighCutHz: e.Num("highcut"),
			LowCutHz:  e.Num("lowcut"),
		})
	case "reverb":
		if ce.IR != nil {
			ir, err := readAll(e.Get("ir").Path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ce.Address, err)
			}
			conv, err := reverb.NewConvolver(ir, reverb.ConvParams{Mix: e.Num("mix")})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ce.Address, err)
			}
			p = conv
			break
		}
		p = reverb.New(reverb.Params{
			DecaySec:   e.Num("decay"),
			PredelayMs: e.Num("predelay"),
			Size:       e.Num("size"),
			Damping:    e.Num("damping"),
			Width:      e.Num("width"),
			Mix:        e.Num("mix"),
			Seed:       Seed(ce.Address),
		})
	case "saturation":
		typ, _ := saturation.ParseType(e.Text("type"))
		p = saturation.New(saturation.Params{DriveDB: e.Num("drive"), Type: typ, Mix: e.Num("mix")})
	case "stereo":
		p = stereo.New(stereo.Params{Width: e.Num("width"), MonoBelowHz: e.Num("mono_below")})
	default:
		return nil, fmt.Errorf("%s: unknown effect %q", ce.Address, e.Kind)
	}
	p.Prepare(spec)
	return p, nil
}

// gapMS is how long an effect may stay silent before more of its tail
// arrives: a delay's echo spacing, a reverb's predelay.
func gapMS(e *lang.Effect) float64 {
	switch e.Kind {
	case "delay":
		return e.Num("time")
	case "reverb":
		return e.Num("predelay")
	}
	return 0
}

// readAll reads a whole (short) audio file, such as an impulse response.
func readAll(path string) ([][]float64, error) {
	r, err := audiofile.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info := r.Info()
	out := make([][]float64, info.Channels)
	for ch := range out {
		out[ch] = make([]float64, info.Frames)
	}
	view := make([][]float64, info.Channels)
	got := 0
	for got < int(info.Frames) {
		for ch := range view {
			view[ch] = out[ch][got:]
		}
		n, err := r.Read(view)
		got += n
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: read returned no data", path)
		}
	}
	return out[:], nil
}
