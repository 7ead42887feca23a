package lang

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestChains: uses expand into ordinary effects addressed under the use,
// with each use's parameter values, in the strip's order.
func TestChains(t *testing.T) {
	m, diags := NewParser().LoadMix(filepath.Join("testdata", "valid", "chains.mix.hcl"), Options{})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %s", diags)
	}
	lead := m.Track("lead")
	var ids []string
	for _, e := range lead.Effects {
		ids = append(ids, e.ID)
	}
	want := "vocal.eq vocal.compressor vocal.deesser vocal.delay delay vox2.eq vox2.compressor vox2.deesser vox2.delay"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("effect IDs\n got %s\nwant %s", got, want)
	}
	fx := func(id string) *Effect {
		for _, e := range lead.Effects {
			if e.ID == id {
				return e
			}
		}
		t.Fatalf("no effect %s", id)
		return nil
	}
	if a := fx("vocal.compressor").Address(lead.Address()); a != "track.lead.vocal.compressor" {
		t.Errorf("address %s", a)
	}
	c := fx("vox2.compressor")
	if c.Chain != "vocal" || c.Use != "vox2" || c.ChainID != "compressor" {
		t.Errorf("chain %q use %q chain ID %q", c.Chain, c.Use, c.ChainID)
	}
	checks := []struct {
		id, name  string
		want      float64
		fromParam bool
	}{
		{"vocal.compressor", "threshold", -22, true}, // overridden
		{"vox2.compressor", "threshold", -18, true},  // default
		{"vocal.compressor", "ratio", 3, false},
		{"vocal.delay", "time", 250, true}, // "1/8" at 120 BPM
		{"vox2.delay", "time", 250, true},
		{"vocal.deesser", "threshold", -30, false},
	}
	for _, k := range checks {
		v := fx(k.id).Get(k.name)
		if v.Num != k.want || v.FromParam != k.fromParam {
			t.Errorf("%s.%s = %v (from param %v), want %v (%v)", k.id, k.name, v.Num, v.FromParam, k.want, k.fromParam)
		}
	}
	// A band's param: var.air (2) by default, var.air + 1 in vox2.
	if g := fx("vocal.eq").Bands[1].Num("gain"); g != 2 {
		t.Errorf("vocal.eq highshelf gain %v, want 2", g)
	}
	if g := fx("vox2.eq").Bands[1].Num("gain"); g != 3 {
		t.Errorf("vox2.eq highshelf gain %v, want 3", g)
	}
	// An overridden bare param.NAME takes the override's place, for
	// diagnostics and automation.
	if r := fx("vocal.compressor").Get("threshold").Range; r.Start.Line != 22 {
		t.Errorf("overridden threshold's range starts on line %d, want 22 (the use)", r.Start.Line)
	}
	if got := strings.Join(m.Chains[0].Uses, " "); got != "track.lead track.lead" {
		t.Errorf("uses %q", got)
	}
}

// TestChainDiagnosticsOnce: a mistake inside a chain is reported once,
// however many strips use it.
func TestChainDiagnosticsOnce(t *testing.T) {
	src := `chain "c" {
  compressor { ratio = 1000 }
}
track "a" {
  source = "a.wav"
  use "c" {}
}
track "b" {
  source = "b.wav"
  use "c" {}
}
`
	_, diags := NewParser().LoadMixSource(filepath.Join(t.TempDir(), "m.mix.hcl"), []byte(src), Options{})
	if len(diags) != 1 || diags[0].Summary != "Value out of range" || diags[0].Subject.Start.Line != 2 {
		t.Fatalf("want one Value out of range on line 2, got %s", diags)
	}
}
