package lang

import (
	"math"
	"path/filepath"
	"testing"
)

func TestEffects(t *testing.T) {
	m, diags := NewParser().LoadMix(filepath.Join("testdata", "valid", "effects.mix.hcl"), Options{})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %s", diags)
	}
	if m.Tempo != 120 || m.TailSeconds != 4 {
		t.Errorf("tempo %v tail %v, want 120 and 4", m.Tempo, m.TailSeconds)
	}
	v := m.Track("vocals")
	var ids []string
	for _, e := range v.Effects {
		ids = append(ids, e.ID)
	}
	wantIDs := []string{"eq", "compressor", "glue", "delay[0]", "delay[1]", "delay[2]"}
	if len(ids) != len(wantIDs) {
		t.Fatalf("effect ids %v, want %v", ids, wantIDs)
	}
	for i := range ids {
		if ids[i] != wantIDs[i] {
			t.Fatalf("effect ids %v, want %v", ids, wantIDs)
		}
	}
	if got := v.Effects[1].Address(v.Address()); got != "track.vocals.compressor" {
		t.Errorf("address %q", got)
	}

	eqe := v.Effects[0]
	if len(eqe.Bands) != 3 || eqe.Bands[0].Kind != "highpass" || eqe.Bands[0].Num("slope") != 24 ||
		eqe.Bands[1].Num("q") != 1.4 || eqe.Bands[2].Num("gain") != 1.5 {
		t.Errorf("eq bands decoded wrong: %+v", eqe.Bands)
	}
	// An unset band parameter takes the eq package's default.
	if q := eqe.Bands[2].Num("q"); math.Abs(q-0.7071) > 1e-4 {
		t.Errorf("highshelf default q = %v, want 0.7071", q)
	}

	comp := v.Effects[1]
	if comp.Num("threshold") != -18 || comp.Text("makeup") != "auto" || comp.Text("detector") != "rms" {
		t.Errorf("compressor decoded wrong: makeup %q detector %q", comp.Text("makeup"), comp.Text("detector"))
	}
	if sc := comp.Get("sidechain"); sc == nil || sc.Ref.Address() != "track.kick" {
		t.Errorf("sidechain = %+v, want track.kick", sc)
	}
	if comp.Num("attack") != 10 || comp.Get("attack").Set {
		t.Errorf("unset attack should default to 10 ms and not be Set")
	}
	if glue := v.Effects[2]; glue.Get("sidechain") != nil || glue.Text("detector") != "peak" {
		t.Errorf("glue: optional sidechain should be absent, detector default peak")
	}

	// Note values resolve against mix.tempo: at 120 BPM a quarter is 500 ms.
	for i, want := range []float64{375, 250, 1000.0 / 3} {
		d := v.Effects[3+i]
		if math.Abs(d.Num("time")-want) > 1e-9 {
			t.Errorf("%s time = %v ms, want %v", d.ID, d.Num("time"), want)
		}
	}
	if !v.Effects[3].Bool("pingpong") || v.Effects[4].Bool("pingpong") {
		t.Errorf("pingpong decoded wrong")
	}

	verb := m.Bus("verb")
	if verb.Effects[0].Num("decay") != 2.5 || verb.Effects[1].Get("ir") == nil {
		t.Errorf("reverbs decoded wrong")
	}
	if p := verb.Effects[1].Get("ir").Path; p != filepath.Join(m.Dir, "irs", "plate.wav") {
		t.Errorf("ir path %q not resolved against the mix folder", p)
	}
	if lim := m.Master.Effects[0]; lim.Kind != "limiter" || lim.Num("ceiling") != -1 || !lim.Bool("true_peak") {
		t.Errorf("master limiter decoded wrong")
	}
}

func TestParseNoteValue(t *testing.T) {
	cases := []struct {
		in   string
		want float64 // quarter notes
	}{
		{"1/4", 1}, {"1/8", 0.5}, {"1/8d", 0.75}, {"1/8t", 1.0 / 3}, {"1/1", 4}, {"3/16", 0.75}, {"1/2d", 3},
	}
	for _, c := range cases {
		got, err := ParseNoteValue(c.in)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ParseNoteValue(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "1", "1/3", "0/4", "1/4x", "a/b", "1/0", "-1/4", "65/4", "1/128", "d", "/4d"} {
		if _, err := ParseNoteValue(bad); err == nil {
			t.Errorf("ParseNoteValue(%q) accepted", bad)
		}
	}
}

func TestTargets(t *testing.T) {
	m, diags := NewParser().LoadMix(filepath.Join("testdata", "valid", "mastering.mix.hcl"), Options{})
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %s", diags)
	}
	mt := m.Master.Target
	if mt == nil || !mt.HasLoudness || mt.LoudnessLUFS != -14 || mt.TruePeakDBTP != -1 {
		t.Fatalf("master target = %+v", mt)
	}
	cases := []struct {
		name        string
		rate        int
		dither      string
		hasLoudness bool
		lufs, tp    float64
		preset      string
	}{
		{"streaming", 48000, "none", true, -14, -1, ""},
		{"cd", 44100, "shaped", false, 0, -0.3, "cd"},
		{"broadcast", 48000, "none", true, -23, -2, "ebu-r128"},
		{"plain16", 48000, "tpdf", true, -14, -1, ""}, // 16-bit defaults to TPDF dither
	}
	for i, c := range cases {
		o := m.Outputs[i]
		tg := o.EffectiveTarget(m)
		if o.Name != c.name || o.SampleRate != c.rate || o.Dither != c.dither ||
			tg.HasLoudness != c.hasLoudness || tg.LoudnessLUFS != c.lufs || tg.TruePeakDBTP != c.tp || tg.Preset != c.preset {
			t.Errorf("output %s: rate %d dither %q target %+v", o.Name, o.SampleRate, o.Dither, tg)
		}
	}
}
