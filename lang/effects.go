package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/delay"
	"github.com/mixdown/mixdown/dsp/dynamics"
	"github.com/mixdown/mixdown/dsp/reverb"
	"github.com/mixdown/mixdown/dsp/saturation"
	"github.com/mixdown/mixdown/dsp/stereo"
)

// effectSpecs is the language's list of effects, in documentation order.
// Numeric parameters come from the dsp packages' tables, so the ranges
// checked here, the docs and the processors never disagree.
var effectSpecs = []*EffectSpec{
	{
		Kind:  "eq",
		Doc:   "Parametric equaliser: RBJ Audio EQ Cookbook biquads, one or more per band, in source order.",
		Bands: eqBands(),
	},
	{
		Kind: "compressor",
		Doc:  "Feed-forward downward compressor after Giannoulis, Massberg & Reiss (2012): soft-knee gain computer, smooth attack/release on the gain reduction, stereo-linked.",
		Attrs: append(withOptions(numbers(dynamics.CompressorParamTable), "makeup", func(a *AttrSpec) { a.Auto = true }),
			AttrSpec{Name: "detector", Type: TypeText, Choices: []string{"peak", "rms"},
				Doc: `Level detector: "peak" follows the sample peak; "rms" a 10 ms mean square.`},
			AttrSpec{Name: "sidechain", Type: TypeRef, Optional: true, RefKinds: []RefKind{RefTrack, RefBus},
				Doc: "A track or bus whose signal drives the detector instead of this strip's own input (its post-effects, pre-fader signal)."},
		),
	},
	{
		Kind:  "gate",
		Doc:   "Noise gate: closes to `range` when the peak level falls below `threshold` (minus 3 dB hysteresis) for longer than `hold`.",
		Attrs: numbers(dynamics.GateParamTable),
	},
	{
		Kind: "limiter",
		Doc:  "Brickwall lookahead limiter: the output never exceeds `ceiling` (sample peak, or 4x-oversampled true peak).",
		Attrs: append(numbers(dynamics.LimiterParamTable),
			AttrSpec{Name: "true_peak", Type: TypeBool, BoolValue: dynamics.DefaultLimiterParams().TruePeak,
				Doc: "Detect the 4x-oversampled (ITU-R BS.1770-4 Annex 2) true peak, so inter-sample peaks stay under the ceiling too."},
		),
	},
	{
		Kind:  "deesser",
		Doc:   "Split-band de-esser: turns down only the band above `freq` when it exceeds `threshold`, by at most `range`.",
		Attrs: numbers(dynamics.DeesserParamTable),
	},
	{
		Kind: "delay",
		Doc:  "Feedback delay with optional ping-pong and filters in the feedback loop.",
		Attrs: append(withOptions(numbers(delay.ParamTable), "time", func(a *AttrSpec) { a.Time = true }),
			AttrSpec{Name: "pingpong", Type: TypeBool,
				Doc: "Echoes alternate left and right (stereo strips; a mono strip gets the plain delay)."},
		),
		check: checkDelay,
	},
	{
		Kind: "reverb",
		Doc:  "Algorithmic reverb (a 16-line feedback delay network after Jot), or, with `ir`, convolution with an impulse response.",
		Attrs: append(numbers(reverb.ParamTable),
			AttrSpec{Name: "ir", Type: TypeText, Path: true, Optional: true,
				Doc: "An impulse response: a WAV or FLAC file, mono or stereo, at the mix's sample rate, relative to the mix file. With `ir`, only `mix` applies."},
		),
		check: checkReverb,
	},
	{
		Kind: "saturation",
		Doc:  "Waveshaping saturator, 16x oversampled so harmonics do not alias; level-compensated so quiet material passes at unity.",
		Attrs: append(numbers(saturation.ParamTable),
			AttrSpec{Name: "type", Type: TypeText, Choices: []string{"tanh", "soft", "tape"},
				Doc: `Curve: "tanh"; "soft", a cubic soft clipper; "tape", an asymmetric Langevin (Jiles-Atherton anhysteretic) curve that adds even harmonics.`},
		),
	},
	{
		Kind:  "stereo",
		Doc:   "Mid/side width, with bass made mono below a frequency. On a mono strip it passes the signal unchanged.",
		Attrs: numbers(stereo.ParamTable),
	},
}

// withOptions applies f to the named attribute.
func withOptions(attrs []AttrSpec, name string, f func(*AttrSpec)) []AttrSpec {
	for i := range attrs {
		if attrs[i].Name == name {
			f(&attrs[i])
		}
	}
	return attrs
}

// checkDelay rejects a note-value time when the mix has no tempo; that is
// reported where the note is parsed. Nothing else to check yet.
func checkDelay(e *Effect) hcl.Diagnostics { return nil }

// checkReverb: with an impulse response, the algorithmic parameters do
// not apply, and setting one is a mistake worth reporting.
func checkReverb(e *Effect) hcl.Diagnostics {
	if e.Get("ir") == nil {
		return nil
	}
	var diags hcl.Diagnostics
	for _, v := range e.Values {
		if v.Set && v.Name != "ir" && v.Name != "mix" {
			rng := v.Range
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Parameter does not apply",
				Detail:   fmt.Sprintf("%q shapes the algorithmic reverb; a reverb with an impulse response (ir) takes only \"mix\". Remove %q, or remove ir.", v.Name, v.Name),
				Subject:  &rng,
			})
		}
	}
	if mix := e.Get("mix"); mix != nil && !mix.Set {
		mix.Num = reverb.ConvParamTable[0].Default
	}
	return diags
}
