package dynamics

import (
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// The tables are the documented contract: every entry is well formed,
// names are unique mix-language names, and the defaults agree with the
// Default*Params constructors.
func TestParamTables(t *testing.T) {
	known := map[string]bool{"threshold": true, "ratio": true, "knee": true, "attack": true, "release": true,
		"makeup": true, "lookahead": true, "mix": true, "sidechain_highpass": true, "range": true, "hold": true,
		"ceiling": true, "freq": true}
	cp, gp, lp, dp := DefaultCompressorParams(), DefaultGateParams(), DefaultLimiterParams(), DefaultDeesserParams()
	for _, tc := range []struct {
		name     string
		table    []dsp.Param
		defaults map[string]float64
	}{
		{"compressor", CompressorParamTable, map[string]float64{"threshold": cp.ThresholdDB, "ratio": cp.Ratio, "knee": cp.KneeDB,
			"attack": cp.AttackMS, "release": cp.ReleaseMS, "makeup": cp.MakeupDB, "lookahead": cp.LookaheadMS, "mix": cp.Mix,
			"sidechain_highpass": cp.SidechainHighpassHz}},
		{"gate", GateParamTable, map[string]float64{"threshold": gp.ThresholdDB, "range": gp.RangeDB, "attack": gp.AttackMS,
			"hold": gp.HoldMS, "release": gp.ReleaseMS}},
		{"limiter", LimiterParamTable, map[string]float64{"ceiling": lp.CeilingDB, "release": lp.ReleaseMS, "lookahead": lp.LookaheadMS}},
		{"deesser", DeesserParamTable, map[string]float64{"freq": dp.FreqHz, "threshold": dp.ThresholdDB, "range": dp.RangeDB}},
	} {
		if len(tc.table) != len(tc.defaults) {
			t.Errorf("%s: table has %d entries, want %d", tc.name, len(tc.table), len(tc.defaults))
		}
		seen := map[string]bool{}
		for _, p := range tc.table {
			if !known[p.Name] || seen[p.Name] {
				t.Errorf("%s: unknown or duplicate parameter %q", tc.name, p.Name)
			}
			seen[p.Name] = true
			if !(p.Min <= p.Default && p.Default <= p.Max) || p.Doc == "" {
				t.Errorf("%s.%s: range [%v, %v] default %v doc %q", tc.name, p.Name, p.Min, p.Max, p.Default, p.Doc)
			}
			if d, ok := tc.defaults[p.Name]; !ok || d != p.Default {
				t.Errorf("%s.%s: table default %v, Default*Params %v", tc.name, p.Name, p.Default, d)
			}
		}
	}
	for _, name := range []string{"peak", "rms"} {
		if d, ok := ParseDetector(name); !ok || d.String() != name {
			t.Errorf("ParseDetector(%q) = %v, %v", name, d, ok)
		}
	}
	if _, ok := ParseDetector("vca"); ok {
		t.Errorf("ParseDetector accepted an unknown name")
	}
}

// A key with more channels than DefaultKeyChannels works after PrepareKey,
// with the sidechain highpass (the only per-key-channel state) on.
func TestCompressorPrepareKey(t *testing.T) {
	p := DefaultCompressorParams()
	p.SidechainHighpassHz = 100
	c := newPrepared(p, 2)
	c.PrepareKey(12)
	n := 20000
	// Only the last key channel is loud: the linked detector must see it.
	key := zeros(12, n)
	key[11] = sine(1, n, 1, 1000)[0]
	in := sine(2, n, 0.01, 500)
	out := render(withKey(c), in, key, []int{512})
	if g := rms(out[0][n-4800:]) / rms(in[0][n-4800:]); g > 0.5 {
		t.Errorf("12-channel key did not compress: gain %v", g)
	}
	checkAllocs(t, withKey(c), 2, sine(12, 4096, 1, 1000))
}
