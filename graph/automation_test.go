package graph

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/lang"
)

func lane(curve string, pts ...[2]float64) *lang.Automation {
	a := &lang.Automation{Curve: curve}
	for _, p := range pts {
		a.Points = append(a.Points, lang.AutoPoint{Frame: int64(p[0]), Value: p[1]})
	}
	return a
}

// TestEnvelopeCurves checks each curve's formula at sampled frames.
func TestEnvelopeCurves(t *testing.T) {
	cases := []struct {
		a    *lang.Automation
		t    int64
		want float64
	}{
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 0, -60}, // before the first point
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 100, -60},
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 150, -45},
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 299, -0.3},
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 300, 0},
		{lane("linear", [2]float64{100, -60}, [2]float64{300, 0}), 1e9, 0}, // after the last
		{lane("step", [2]float64{0, 1}, [2]float64{10, 2}, [2]float64{20, 3}), 9, 1},
		{lane("step", [2]float64{0, 1}, [2]float64{10, 2}, [2]float64{20, 3}), 10, 2},
		{lane("step", [2]float64{0, 1}, [2]float64{10, 2}, [2]float64{20, 3}), 25, 3},
		// smoothstep: x = 1/4 gives 5/32 of the way.
		{lane("smooth", [2]float64{0, 0}, [2]float64{400, 32}), 100, 5},
		{lane("smooth", [2]float64{0, 0}, [2]float64{400, 32}), 200, 16},
		{lane("smooth", [2]float64{0, 0}, [2]float64{400, 32}), 300, 27},
		// Two points at one time jump: the curve arrives at the first and
		// leaves from the second.
		{lane("linear", [2]float64{0, 0}, [2]float64{100, 10}, [2]float64{100, 20}, [2]float64{200, 0}), 99, 9.9},
		{lane("linear", [2]float64{0, 0}, [2]float64{100, 10}, [2]float64{100, 20}, [2]float64{200, 0}), 100, 20},
		{lane("linear", [2]float64{0, 0}, [2]float64{100, 10}, [2]float64{100, 20}, [2]float64{200, 0}), 150, 10},
	}
	for i, c := range cases {
		e := newEnvelope(c.a)
		if got := e.at(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("case %d: at(%d) = %v, want %v", i, c.t, got, c.want)
		}
		// The cursor also walks backwards.
		e.at(1 << 40)
		if got := e.at(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("case %d after a seek past the end: at(%d) = %v, want %v", i, c.t, got, c.want)
		}
	}
}

// TestEnvelopeSmoother: a step is a smoothstep ramp of the smoother's
// length starting at the step's frame, cut short before the next point.
func TestEnvelopeSmoother(t *testing.T) {
	e := newEnvelope(lane("step", [2]float64{0, 0}, [2]float64{1000, -20}, [2]float64{1100, 0}))
	e.smooth = 240
	for _, c := range []struct {
		t    int64
		want float64
	}{
		{999, 0}, {1000, 0}, {1050, -20 * smoothstep(50.0/100)}, {1099, -20 * smoothstep(99.0/100)},
		{1100, -20}, {1160, -20 * (1 - smoothstep(60.0/240))}, {1340, 0}, {5000, 0},
	} {
		if got := e.smoothed(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("smoothed(%d) = %v, want %v", c.t, got, c.want)
		}
	}
	// fill agrees with smoothed frame by frame, from any start.
	for _, t0 := range []int64{-50, 990, 1099, 1339} {
		buf := make([]float64, 400)
		e.fill(buf, t0)
		for i, v := range buf {
			if w := newEnvelopeLike(e).smoothed(t0 + int64(i)); v != w {
				t.Fatalf("fill from %d: frame %d = %v, smoothed %v", t0, i, v, w)
			}
		}
	}
}

func newEnvelopeLike(e *envelope) *envelope {
	c := *e
	c.k = -1
	return &c
}

// TestEnvelopeControl: a ramping effect parameter holds the value of the
// latest multiple of ControlPeriod (or of the point, when later), and a
// step lands on its frame.
func TestEnvelopeControl(t *testing.T) {
	e := newEnvelope(lane("linear", [2]float64{40, 0}, [2]float64{200, 160}))
	for _, c := range []struct {
		t, next int64
		want    float64
	}{
		{0, 40, 0}, {39, 40, 0}, {40, 64, 0}, {63, 64, 0}, {64, 96, 24}, {95, 96, 24}, {192, 200, 152}, {200, math.MaxInt64, 160},
	} {
		v, next := e.control(c.t)
		if v != c.want || next != c.next {
			t.Errorf("control(%d) = %v, %d; want %v, %d", c.t, v, next, c.want, c.next)
		}
	}
	s := newEnvelope(lane("step", [2]float64{0, 0}, [2]float64{4801, 1}))
	if v, next := s.control(100); v != 0 || next != 4801 {
		t.Errorf("step control(100) = %v, %d", v, next)
	}
	if v, _ := s.control(4801); v != 1 {
		t.Errorf("step control(4801) = %v", v)
	}
}

// TestAutomationGainRamp: a gain ramp from -60 to 0 dB over 2 s hits the
// expected level at sampled times within 0.01 dB (it is exact to float
// rounding: the curve is evaluated for every frame).
func TestAutomationGainRamp(t *testing.T) {
	dir := t.TempDir()
	const n = 3 * 48000
	dc := make([]float64, n)
	for i := range dc {
		dc[i] = 0.5
	}
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, dc, dc)
	g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  automate "gain" {
    points = [[0, -60], [2, 0]]
  }
}
`)
	for _, bs := range []int{1, 7, 4096} {
		out := renderMaster(t, g, Options{BlockSize: bs})
		if bs == 1 && len(out[0]) != n {
			t.Fatalf("%d frames, want %d", len(out[0]), n)
		}
		for _, sec := range []float64{0, 0.001, 0.25, 0.5, 1, 1.5, 1.9, 1.99999, 2, 2.5} {
			f := int(math.Round(sec * 48000))
			want := -60 + 60*math.Min(float64(f)/96000, 1)
			for ch := range out {
				got := dsp.GainToDB(out[ch][f] / 0.5)
				if math.Abs(got-want) > 0.01 {
					t.Errorf("block %d, ch %d, %.5f s: %.4f dB, want %.4f dB", bs, ch, sec, got, want)
				}
			}
		}
	}
}

// delayMixRender renders a mix whose delay throws on one frame and
// checks that the switch lands on that frame of the output, the same for
// every block size and worker count.
func checkDelayThrow(t *testing.T, dir, mix string, switchAt int, x []float64) {
	t.Helper()
	g := mustBuild(t, dir, mix)
	var ref [][]float64
	for _, opts := range []Options{{BlockSize: 1}, {BlockSize: 7}, {BlockSize: 64}, {BlockSize: 4096}, {BlockSize: 64, Workers: 1}, {BlockSize: 333, Workers: 3}} {
		out := renderMaster(t, g, opts)
		if ref == nil {
			ref = out
			// Dry before the frame, the 480-frame echo only from it on
			// (mix 0 and mix 1 pass one side exactly).
			for f := 0; f < len(x); f++ {
				want := x[f]
				if f >= switchAt {
					want = 0
					if f >= 480 {
						want = x[f-480]
					}
				}
				if out[0][f] != want {
					t.Fatalf("frame %d = %v, want %v (the throw switches at %d)", f, out[0][f], want, switchAt)
				}
			}
			continue
		}
		if !equalPlanar(ref, out) {
			t.Errorf("%+v renders different samples from block size 1", opts)
		}
	}
}

func equalPlanar(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for ch := range a {
		if len(a[ch]) != len(b[ch]) {
			return false
		}
		for i := range a[ch] {
			if a[ch][i] != b[ch][i] {
				return false
			}
		}
	}
	return true
}

// TestAutomationDelayMixStep: a step automation of delay.mix switches on
// the exact frame, whatever the block size. 0.1 s is frame 4800; 4801
// frames is 0.10002083... s, which rounds back to 4801, off the control
// grid.
func TestAutomationDelayMixStep(t *testing.T) {
	dir := t.TempDir()
	x := f32(noise(12000, 3, 0.25))
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	for _, at := range []int{4800, 4801, 4807} {
		sec := fmt.Sprintf("%.10f", float64(at)/48000)
		checkDelayThrow(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  delay {
    time     = 10
    feedback = 0
    mix      = 0.5
  }
  automate "delay.mix" {
    points = [[0, 0], [`+sec+`, 1]]
    curve  = "step"
  }
}
`, at, x)
	}
}

// TestAutomationNamedAndChainEffects: a named effect and an effect a use
// of a chain brought are addressed NAME.PARAM and USE.ID.PARAM.
func TestAutomationNamedAndChainEffects(t *testing.T) {
	dir := t.TempDir()
	x := f32(noise(12000, 5, 0.25))
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	throw := `
  delay {
    name = "slap"
    time = 80
    mix  = 0
  }
  delay {
    name     = "throw"
    time     = 10
    feedback = 0
    mix      = 0
  }`
	checkDelayThrow(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  `+throw+`
  automate "throw.mix" {
    points = [[0, 0], [0.1, 1]]
    curve  = "step"
  }
}
`, 4800, x)
	checkDelayThrow(t, dir, `
chain "vocal" {
  `+throw+`
}
track "x" {
  source = "x.wav"
  pan    = -1
  use "vocal" {}
  automate "vocal.throw.mix" {
    points = [[0, 0], [0.1, 1]]
    curve  = "step"
  }
}
`, 4800, x)
}

// TestAutomationLatencyAlignment: automation follows the audio it was
// written against, whatever latency sits upstream: a 3 ms lookahead on
// the track ahead of the delay, a bus behind a lookahead track, and a
// lookahead on the master do not move the throw off frame 4800.
func TestAutomationLatencyAlignment(t *testing.T) {
	dir := t.TempDir()
	x := f32(noise(12000, 7, 0.25))
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x)
	// A compressor at 0 dB threshold never acts on a -12 dBFS signal, and
	// a limiter with its ceiling at 0 dBFS neither: they only delay.
	look := `
  compressor {
    threshold = 0
    lookahead = 3
  }`
	throw := `
  delay {
    time     = 10
    feedback = 0
    mix      = 0
  }
  automate "delay.mix" {
    points = [[0, 0], [0.1, 1]]
    curve  = "step"
  }`
	master := `
master {
  limiter {
    ceiling   = 0
    lookahead = 5
  }
}`
	checkDelayThrow(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  `+look+throw+`
}
`+master, 4800, x)
	checkDelayThrow(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  output = bus.fx
  `+look+`
}
bus "fx" {
  `+throw+`
}
`+master, 4800, x)
	// On the master itself, behind its own lookahead.
	checkDelayThrow(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  `+look+`
}
master {
  limiter {
    ceiling   = 0
    lookahead = 5
  }
  `+throw+`
}
`, 4800, x)
	// A gain step behind latency: the smoother starts on frame 4800.
	g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  pan    = -1
  `+look+`
  automate "gain" {
    points = [[0, 0], [0.1, -120]]
    curve  = "step"
  }
}
`+master)
	out := renderMaster(t, g, Options{BlockSize: 100})
	if out[0][4800] != x[4800] || out[0][4801] == x[4801] {
		t.Errorf("frames 4800, 4801: %v, %v; want %v unchanged, then the ramp", out[0][4800], out[0][4801], x[4800])
	}
}

// TestAutomationPan: a pan sweep follows the mono constant-power law at
// every sampled frame, and a pan step ramps over the smoother without a
// jump.
func TestAutomationPan(t *testing.T) {
	dir := t.TempDir()
	dc := make([]float64, 48000)
	for i := range dc {
		dc[i] = 0.5
	}
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, dc)
	g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  automate "pan" { points = [[0, -1], [0.5, 1]] }
}
`)
	out := renderMaster(t, g, Options{BlockSize: 1000})
	for _, f := range []int{0, 1, 6000, 12000, 18000, 23999, 24000, 30000} {
		p := -1 + 2*math.Min(float64(f)/24000, 1)
		l, r := 0.5*math.Cos((1+p)*math.Pi/4), 0.5*math.Cos((1-p)*math.Pi/4)
		if math.Abs(out[0][f]-l) > 1e-12 || math.Abs(out[1][f]-r) > 1e-12 {
			t.Errorf("frame %d: (%v, %v), want (%v, %v)", f, out[0][f], out[1][f], l, r)
		}
	}

	g = mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  automate "pan" {
    points = [[0, -1], [0.25, 1]]
    curve  = "step"
  }
}
`)
	out = renderMaster(t, g, Options{BlockSize: 64})
	smooth := SmootherMS * 48
	if out[0][12000] != 0.5 || out[1][12000] != 0 || out[1][12000+smooth] != 0.5 || out[0][12000+smooth] != 0 {
		t.Errorf("step: frames 12000 and %d: L %v %v, R %v %v", 12000+smooth, out[0][12000], out[0][12000+smooth], out[1][12000], out[1][12000+smooth])
	}
	// No jump: the biggest change from one frame to the next is the
	// smoothstep's steepest slope, 1.5/L of the swing, plus a little for
	// the sine law's curvature.
	for ch := range out {
		for f := 11990; f < 12000+smooth+10; f++ {
			if d := math.Abs(out[ch][f+1] - out[ch][f]); d > 1.5*0.5/float64(smooth)*1.6 {
				t.Fatalf("ch %d frame %d: jump of %v", ch, f, d)
			}
		}
	}
}

// TestAutomationSendLevel: a send's level follows its lane (dB-linear),
// for post- and pre-fader sends.
func TestAutomationSendLevel(t *testing.T) {
	dir := t.TempDir()
	dc := make([]float64, 48000)
	for i := range dc {
		dc[i] = 0.5
	}
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, dc, dc)
	for _, pre := range []string{"false", "true"} {
		g := mustBuild(t, dir, `
track "x" {
  source = "x.wav"
  output = bus.sink
  gain   = -6
  send {
    to        = bus.fx
    pre_fader = `+pre+`
  }
  automate "send.fx.level" { points = [[0, -30], [0.5, -12]] }
}
bus "sink" { mute = true }
bus "fx" {}
`)
		out := renderMaster(t, g, Options{BlockSize: 777})
		fader := -6.0
		if pre == "true" {
			fader = 0
		}
		for _, f := range []int{0, 100, 12000, 23999, 24000, 40000} {
			want := fader - 30 + 18*math.Min(float64(f)/24000, 1)
			if got := dsp.GainToDB(out[0][f] / 0.5); math.Abs(got-want) > 0.01 {
				t.Errorf("pre_fader %s, frame %d: %.4f dB, want %.4f", pre, f, got, want)
			}
		}
	}
}

// TestAutomationParamsMatchStatic: for every parameter automation can
// drive, a constant lane renders exactly what the same value written in
// the effect renders: the engine hands each value to the right field.
func TestAutomationParamsMatchStatic(t *testing.T) {
	dir := t.TempDir()
	x := noise(6000, 11, 0.5)
	writeWAV(t, filepath.Join(dir, "x.wav"), 48000, x, noise(6000, 12, 0.5))
	writeWAV(t, filepath.Join(dir, "ir.wav"), 48000, noise(500, 13, 0.1))
	cases := []struct{ effect, target, attr, value string }{
		{"eq {\n bell { freq = 1000 }\n }", "eq.bell", "", ""},
		{"compressor { makeup = 0 }", "compressor", "", ""},
		{"gate {}", "gate", "", ""},
		{"limiter {}", "limiter", "", ""},
		{"deesser {}", "deesser", "", ""},
		{"delay { time = 20 }", "delay", "", ""},
		{"reverb {}", "reverb", "", ""},
		{`reverb { ir = "ir.wav" }`, "reverb", "", ""},
		{"saturation {}", "saturation", "", ""},
		{"stereo {}", "stereo", "", ""},
	}
	n := 0
	for _, c := range cases {
		kind, _, _ := strings.Cut(c.target, ".")
		spec := lang.LookupEffect(kind)
		var attrs []lang.AttrSpec
		if len(spec.Bands) > 0 {
			for _, b := range spec.Bands {
				if b.Kind == "bell" {
					attrs = b.Attrs
				}
			}
		} else {
			attrs = spec.Attrs
		}
		for _, a := range attrs {
			if a.Type != lang.TypeNumber || a.Name == "lookahead" || len(a.Whole) > 0 {
				continue
			}
			if c.effect == `reverb { ir = "ir.wav" }` && a.Name != "mix" {
				continue
			}
			// A value between the default and the top of the range.
			v := a.Param.Default + (a.Param.Max-a.Param.Default)/3
			if a.Param.Max > 1e5 || math.IsInf(a.Param.Max, 0) {
				v = a.Param.Default * 1.5
			}
			if v == a.Param.Default {
				v = (a.Param.Min + a.Param.Max) / 2
			}
			val := fmt.Sprintf("%g", v)
			static := setAttr(c.effect, a.Name, val, c.target != "eq.bell")
			auto := c.effect + "\n  automate \"" + c.target + "." + a.Name + "\" { points = [[0, " + val + "]] }"
			render := func(chain string) [][]float64 {
				src := "track \"x\" {\n  source = \"x.wav\"\n  " + chain + "\n}\n"
				g, diags := buildMix(t, dir, src)
				if diags.HasErrors() {
					t.Fatalf("%s\n%s", src, diags)
				}
				return renderMaster(t, g, Options{BlockSize: 500})
			}
			want, got := render(static), render(auto)
			if !equalPlanar(want, got) {
				t.Errorf("%s.%s = %s: automated render differs from the static one", c.target, a.Name, val)
			}
			n++
		}
	}
	if n < 30 {
		t.Errorf("only %d parameters checked", n)
	}
}

// setAttr writes name = value into an effect block (the eq's bell when
// !top).
func setAttr(effect, name, value string, top bool) string {
	if !top {
		if name == "freq" {
			return "eq {\n bell { freq = " + value + " }\n }"
		}
		return "eq {\n bell {\n freq = 1000\n " + name + " = " + value + "\n }\n }"
	}
	open := 0
	for i := range effect {
		if effect[i] == '{' {
			open = i
			break
		}
	}
	body := strings.TrimSuffix(strings.TrimSpace(effect[open+1:]), "}")
	if strings.HasPrefix(strings.TrimSpace(body), name+" =") {
		body = "" // the base sets it already ("makeup = 0"): replace it
	}
	return effect[:open+1] + "\n " + name + " = " + value + "\n" + body + "\n}"
}

// automatedMix exercises every kind of lane at once.
const automatedMix = `
chain "vocal" {
  compressor { threshold = -20 }
}
track "a" {
  source = "a.wav"
  eq {
    bell { freq = 800 }
  }
  use "vocal" {}
  delay {
    time     = 12
    feedback = 0.4
  }
  send { to = bus.verb }
  automate "gain"            { points = [[0, -20], [0.05, 0], [0.1, 0], [0.1, -6]] }
  automate "pan"             { points = [[0, -1], [0.2, 1]], curve = "smooth" }
  automate "send.verb.level" { points = [[0, -40], [0.15, -6]] }
  automate "eq.bell.gain"    { points = [[0, -12], [0.2, 12]] }
  automate "eq.bell.freq"    { points = [[0, 200], [0.2, 4000]], curve = "smooth" }
  automate "compressor.threshold" { points = [[0, -40], [0.1, -10]] }
  automate "delay.mix"       { points = [[0, 0], [0.0701, 0.8], [0.12, 0.1]], curve = "step" }
}
track "b" {
  source = "b.wav"
  output = bus.verb
  automate "gain" { points = [[0.02, -3], [0.021, -60]], curve = "step" }
}
bus "verb" {
  reverb { decay = 0.3 }
  automate "reverb.mix" { points = [[0, 0.2], [0.2, 0.9]] }
}
master {
  limiter { lookahead = 2 }
  automate "gain" { points = [[0, 0], [0.25, -6]] }
  automate "limiter.ceiling" { points = [[0, -1], [0.1, -3]], curve = "step" }
}
output "main" { file = "out.wav" }
output "a" {
  file        = "a-stem.wav"
  from        = track.a
}
output "verb" {
  file        = "verb-stem.wav"
  from        = bus.verb
  master_chain = true
}
`

// TestAutomationBlockSizes: a mix with every kind of lane renders the
// same bytes for every block size and worker count.
func TestAutomationBlockSizes(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(14000, 21, 0.4))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(9000, 22, 0.3), noise(9000, 23, 0.3))
	g := mustBuild(t, dir, automatedMix)
	var ref []string
	for _, opts := range []Options{{BlockSize: 1}, {BlockSize: 7}, {BlockSize: 64}, {BlockSize: 4096}, {BlockSize: 31, Workers: 1}, {BlockSize: 500, Workers: 3}} {
		res, err := Render(context.Background(), g, opts)
		if err != nil {
			t.Fatal(err)
		}
		var sums []string
		for _, r := range res {
			sums = append(sums, r.SHA256)
		}
		if ref == nil {
			ref = sums
			continue
		}
		if fmt.Sprint(sums) != fmt.Sprint(ref) {
			t.Errorf("%+v: %v, want %v", opts, sums, ref)
		}
	}
}

// TestAutomationAllocs: automated nodes render their blocks without
// allocating.
func TestAutomationAllocs(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(48000, 21, 0.4))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(48000, 22, 0.3), noise(48000, 23, 0.3))
	checkAllocs(t, mustBuild(t, dir, automatedMix))
}

// f32 rounds x to float32, as a float WAV stores it.
func f32(x []float64) []float64 {
	for i := range x {
		x[i] = float64(float32(x[i]))
	}
	return x
}

// BenchmarkAutomation is the cost of automation on one stereo track: the
// plain strip, gain and pan ramps (per frame), and an eq band and a
// compressor threshold ramping at the control rate. ns/frame is per
// stereo frame of the whole render (go test ./graph -run - -bench Automation).
func BenchmarkAutomation(b *testing.B) {
	dir := b.TempDir()
	const n = 10 * 48000
	writeWAV(b, filepath.Join(dir, "a.wav"), 48000, noise(n, 1, 0.3), noise(n, 2, 0.3))
	chain := `
  eq { bell { freq = 1000 } }
  compressor { threshold = -20 }`
	for _, c := range []struct{ name, lanes string }{
		{"none", ""},
		{"gain+pan", `
  automate "gain" { points = [[0, -60], [10, 0]] }
  automate "pan"  { points = [[0, -1], [10, 1]], curve = "smooth" }`},
		{"effects", `
  automate "eq.bell.gain"         { points = [[0, -12], [10, 12]] }
  automate "compressor.threshold" { points = [[0, -40], [10, -10]] }`},
	} {
		b.Run(c.name, func(b *testing.B) {
			g := mustBuild(b, dir, "track \"a\" {\n  source = \"a.wav\"\n"+chain+c.lanes+"\n}\n")
			for b.Loop() {
				e, err := NewEngine(g, Options{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := e.Next(context.Background()); err != nil {
						break
					}
				}
				e.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/frame")
		})
	}
}
