package lang

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const automationSrc = `
mix {
  sample_rate = 48000
  tempo       = 120
}
chain "vocal" {
  compressor { threshold = -18 }
}
bus "verb" {
  use "vocal" {}
  automate "compressor.knee" { points = [[0, 6]] }
}
track "vox" {
  source = "vox.wav"
  send { to = bus.verb }
  delay { time = 250 }
  compressor { name = "glue" }
  eq {
    bell { freq = 300 }
    bell { freq = 3000 }
    highshelf { freq = 9000 }
  }
  use "vocal" {}
  automate "gain" {
    points = [[0, -60], ["2:1", 0], ["2:1", 3]]
  }
  automate "pan"             { points = [[0, -1], [1.5, 1]], curve = "smooth" }
  automate "send.verb.level" { points = [[0, -30], [10, -12]] }
  automate "delay.mix"       { points = [[0, 0], [4.5, 0.6], [5, 0]], curve = "step" }
  automate "glue.threshold"  { points = [[0.25, -20]] }
  automate "vocal.compressor.ratio" { points = [[0, 2], [1, 4]] }
  automate "eq.bell[1].gain" { points = [[0, 0], [1, -6]] }
  automate "eq.highshelf.gain" { points = [[0, 0]] }
}
master {
  compressor {}
  automate "gain" { points = [[0, 0], [3, -120]] }
  automate "compressor.mix" { points = [[0, 1]] }
}
`

func TestAutomationModel(t *testing.T) {
	m, diags := NewParser().LoadMixSource("auto.mix.hcl", []byte(automationSrc), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	pt := func(frame int64, v float64) AutoPoint { return AutoPoint{Frame: frame, Value: v} }
	effect := func(idx int, id string, band int, param, lane, unit, curve string, pts ...AutoPoint) *Automation {
		return &Automation{Kind: AutoEffect, Effect: idx, EffectID: id, Band: band, Param: param, Lane: lane, Unit: unit, Curve: curve, Points: pts}
	}
	want := []*Automation{
		{Target: "gain", Kind: AutoGain, Band: -1, Lane: "gain", Unit: "dB", Curve: "linear",
			Points: []AutoPoint{pt(0, -60), {Frame: 96000, At: "2:1"}, {Frame: 96000, At: "2:1", Value: 3}}},
		{Target: "pan", Kind: AutoPan, Band: -1, Lane: "pan", Curve: "smooth", Points: []AutoPoint{pt(0, -1), pt(72000, 1)}},
		{Target: "send.verb.level", Kind: AutoSend, Send: "verb", Band: -1, Lane: "send.verb.level", Unit: "dB", Curve: "linear",
			Points: []AutoPoint{pt(0, -30), pt(480000, -12)}},
		effect(0, "delay", -1, "mix", "delay.mix", "", "step", pt(0, 0), pt(216000, 0.6), pt(240000, 0)),
		effect(1, "glue", -1, "threshold", "glue.threshold", "dB", "linear", pt(12000, -20)),
		effect(3, "vocal.compressor", -1, "ratio", "vocal.compressor.ratio", "ratio", "linear", pt(0, 2), pt(48000, 4)),
		effect(2, "eq", 1, "gain", "eq.bell[1].gain", "dB", "linear", pt(0, 0), pt(48000, -6)),
		effect(2, "eq", 2, "gain", "eq.highshelf.gain", "dB", "linear", pt(0, 0)),
	}
	for i, target := range []string{"", "", "", "delay.mix", "glue.threshold", "vocal.compressor.ratio", "eq.bell[1].gain", "eq.highshelf.gain"} {
		if target != "" {
			want[i].Target = target
		}
	}
	opts := cmp.Options{cmpOpts, cmpopts.IgnoreFields(AutoPoint{}, "TimeRange", "ValueRange")}
	if diff := cmp.Diff(want, m.Track("vox").Automation, opts); diff != "" {
		t.Errorf("vox automation (-want +got):\n%s", diff)
	}
	// A chain's effect, by its kind alone when the strip has one.
	knee := effect(0, "vocal.compressor", -1, "knee", "vocal.compressor.knee", "dB", "linear", pt(0, 6))
	knee.Target = "compressor.knee"
	if diff := cmp.Diff([]*Automation{knee}, m.Bus("verb").Automation, opts); diff != "" {
		t.Errorf("verb automation (-want +got):\n%s", diff)
	}
	wantMaster := []*Automation{
		{Target: "gain", Kind: AutoGain, Band: -1, Lane: "gain", Unit: "dB", Curve: "linear", Points: []AutoPoint{pt(0, 0), pt(144000, -120)}},
		effect(0, "compressor", -1, "mix", "compressor.mix", "", "linear", pt(0, 1)),
	}
	wantMaster[1].Target = "compressor.mix"
	if diff := cmp.Diff(wantMaster, m.Master.Automation, opts); diff != "" {
		t.Errorf("master automation (-want +got):\n%s", diff)
	}
	if got := m.Track("vox").Automation[0].Address("track.vox"); got != "track.vox.gain.automation" {
		t.Errorf("address %q", got)
	}
}

// TestAutomationPointLimit: the mix-wide limit counts every lane's points
// and reports the first point past it.
func TestAutomationPointLimit(t *testing.T) {
	src := `
track "a" {
  source = "a.wav"
  automate "gain" { points = [[0, 0], [1, 0]] }
  automate "pan" { points = [[0, 0], [1, 0]] }
}
`
	_, diags := NewParser().LoadMixSource("limit.mix.hcl", []byte(src), Options{Limits: Limits{MaxAutomationPoints: 3}})
	if len(diags) != 1 || diags[0].Summary != "Too many automation points" || diags[0].Subject.Start.Line != 5 || diags[0].Subject.Start.Column != 38 {
		t.Fatalf("got %v, want one Too many automation points at 5:38", diags)
	}
	if _, diags := NewParser().LoadMixSource("limit.mix.hcl", []byte(src), Options{Limits: Limits{MaxAutomationPoints: 4}}); diags.HasErrors() {
		t.Fatal(diags)
	}
}
