package graph

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// dc returns n samples of v.
func dc(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// playTrack plays track 0 of g through its source, reading block frames
// at a time, and returns every channel until io.EOF.
func playTrack(t testing.TB, g *Graph, track, block int) [][]float64 {
	t.Helper()
	tr := g.Tracks[track]
	src, err := openSource(tr, g.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return drain(t, src, tr.Channels(), block)
}

func drain(t testing.TB, src source, chans, block int) [][]float64 {
	t.Helper()
	out := make([][]float64, chans)
	buf := make([][]float64, chans)
	for ch := range buf {
		buf[ch] = make([]float64, block)
	}
	for {
		n, err := src.Read(buf)
		for ch := range out {
			out[ch] = append(out[ch], buf[ch][:n]...)
		}
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("Read returned 0 frames and no error")
		}
	}
}

// TestClipAtBar: a clip at "5:1" at 120 BPM in 4/4 starts at exactly 8 s,
// frame 384000 at 48 kHz, in the rendered master.
func TestClipAtBar(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "dc.wav"), 48000, dc(100, 0.5))
	g := mustBuild(t, dir, `
mix {
  sample_rate = 48000
  tempo       = 120
  meter       = "4/4"
  tail        = 0
}
track "a" {
  clip { source = "dc.wav", at = "5:1" }
}
`)
	if g.Frames != 384100 {
		t.Errorf("Frames = %d, want 384100 (the clip's end)", g.Frames)
	}
	out := renderMaster(t, g, Options{})
	first := -1
	for i, x := range out[0] {
		if x != 0 {
			first = i
			break
		}
	}
	if first != 384000 {
		t.Errorf("first sound at frame %d, want 384000", first)
	}
	if len(out[0]) < 384100 || out[0][384099] == 0 {
		t.Errorf("the clip's last frame is missing: %d frames", len(out[0]))
	}
}

// TestClipFades: fades follow their curves' formulas (docs/language.md)
// at every frame, for each curve; clip gain scales them.
func TestClipFades(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "one.wav"), 8000, dc(1000, 1))
	curves := map[string]func(x float64) float64{
		"linear":      func(x float64) float64 { return x },
		"equal_power": func(x float64) float64 { return math.Sin(math.Pi / 2 * x) },
		"log":         func(x float64) float64 { return (math.Pow(10, 3*(x-1)) - 0.001) / 0.999 },
	}
	for _, name := range []string{"linear", "equal_power", "log"} {
		in := curves[name]
		// fade_in 100 frames, fade_out 200 frames, at 0.05 s = 400.
		g := mustBuild(t, dir, fmt.Sprintf(`
mix { sample_rate = 8000 }
track "a" {
  clip { source = "one.wav", at = 0.05, gain = -6, fade_in = 0.0125, fade_out = 0.025, fade_curve = %q }
}
`, name))
		out := playTrack(t, g, 0, 64)[0]
		if len(out) != 1400 {
			t.Fatalf("%s: %d frames, want 1400", name, len(out))
		}
		gain := math.Pow(10, -6.0/20)
		for i, got := range out {
			want := 0.0
			switch k := i - 400; {
			case k < 0:
			case k < 100:
				want = gain * in((float64(k)+0.5)/100)
			case k < 800:
				want = gain
			default:
				want = gain * in(1-(float64(k-800)+0.5)/200)
			}
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: frame %d = %.15f, want %.15f", name, i, got, want)
				break
			}
		}
		// Sampled points, stated: the middle of the fade in.
		mid := out[400+50] / gain
		wantMid := map[string]float64{"linear": 0.505, "equal_power": math.Sin(math.Pi / 2 * 0.505), "log": (math.Pow(10, 3*(0.505-1)) - 0.001) / 0.999}[name]
		if math.Abs(mid-wantMid) > 1e-12 {
			t.Errorf("%s: fade in at its middle = %g, want %g", name, mid, wantMid)
		}
	}
}

// TestCrossfadeConstantPower: two independent noise clips overlapping by
// four seconds keep the power of the sources, within ±0.2 dB in every
// half-second window across the overlap (equal power); a linear crossfade
// dips 3 dB in the middle, which shows the measurement can fail. The
// reference in each window is the mean power of the two sources there, so
// what remains is the correlation of finite noise, about 0.07 dB rms.
func TestCrossfadeConstantPower(t *testing.T) {
	const rate = 8000
	dir := t.TempDir()
	a, b := f32(noise(8*rate, 1, 1)), f32(noise(8*rate, 2, 1))
	writeWAV(t, filepath.Join(dir, "a.wav"), rate, a)
	writeWAV(t, filepath.Join(dir, "b.wav"), rate, b)
	power := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v * v
		}
		return s / float64(len(x))
	}
	for _, c := range []struct {
		curve    string
		tolDB    float64 // in every window
		middleDB float64 // in the middle of the overlap
	}{
		{"equal_power", 0.2, 0},
		{"linear", 3.2, -3.01},
	} {
		// a: 0..8 s; b from 4 s: the overlap is 4..8 s.
		g := mustBuild(t, dir, fmt.Sprintf(`
mix { sample_rate = %d }
track "a" {
  clip { source = "a.wav" }
  clip { source = "b.wav", at = 4, fade_curve = %q }
}
`, rate, c.curve))
		out := playTrack(t, g, 0, 4096)[0]
		if len(out) != 12*rate {
			t.Fatalf("%d frames, want %d", len(out), 12*rate)
		}
		const win = rate / 2
		db := func(at int) float64 {
			ref := (power(a[at:at+win]) + power(b[at-4*rate:at-4*rate+win])) / 2
			return 10 * math.Log10(power(out[at:at+win])/ref)
		}
		worst := 0.0
		for at := 4 * rate; at < 8*rate; at += win {
			worst = max(worst, math.Abs(db(at)))
		}
		t.Logf("%s: worst window %.3f dB, middle %.3f dB", c.curve, worst, db(6*rate-win/2))
		if worst > c.tolDB {
			t.Errorf("%s: power across the overlap is off by up to %.3f dB, want within %.1f dB", c.curve, worst, c.tolDB)
		}
		if mid := db(6*rate - win/2); math.Abs(mid-c.middleDB) > 0.2 {
			t.Errorf("%s: power in the middle of the overlap %.3f dB, want %.2f ± 0.2", c.curve, mid, c.middleDB)
		}
		// Outside the overlap each clip plays untouched.
		for i := 0; i < 4*rate; i++ {
			if out[i] != a[i] {
				t.Fatalf("%s: frame %d = %g, want a's %g", c.curve, i, out[i], a[i])
			}
		}
		for i := 8 * rate; i < 12*rate; i++ {
			if out[i] != b[i-4*rate] {
				t.Fatalf("%s: frame %d = %g, want b's %g", c.curve, i, out[i], b[i-4*rate])
			}
		}
		if c.curve == "equal_power" {
			// The gains themselves: sin² + cos² = 1 at every frame.
			for k := int64(0); k < 4*rate; k++ {
				ga := g.Tracks[0].Clips[0].gainAt(4*rate + k)
				gb := g.Tracks[0].Clips[1].gainAt(k)
				if math.Abs(ga*ga+gb*gb-1) > 1e-15 {
					t.Fatalf("frame %d of the overlap: gains %g, %g, power %g", k, ga, gb, ga*ga+gb*gb)
				}
			}
		}
	}
}

// TestClipOffsetLength: offset and length cut exactly the samples they
// name, at the mix rate.
func TestClipOffsetLength(t *testing.T) {
	dir := t.TempDir()
	src := ramp(2000, 1)
	writeWAV(t, filepath.Join(dir, "r.wav"), 8000, src)
	// offset 80 frames, length 160, at 800.
	g := mustBuild(t, dir, `
mix { sample_rate = 8000 }
track "a" {
  clip { source = "r.wav", at = 0.1, offset = 0.01, length = 0.02 }
  clip { source = "r.wav", at = 0.2, offset = 0.24 }
}
`)
	out := playTrack(t, g, 0, 7)[0]
	// The second clip plays frames 1920..1999 at 1600..1679.
	if len(out) != 1680 {
		t.Fatalf("%d frames, want 1680", len(out))
	}
	for i, got := range out {
		want := 0.0
		switch {
		case i >= 800 && i < 960:
			want = src[80+i-800]
		case i >= 1600:
			want = src[1920+i-1600]
		}
		if got != want {
			t.Fatalf("frame %d = %g, want %g", i, got, want)
		}
	}
}

// TestClipsFLACAndWAV: the same audio as FLAC and as WAV renders to the
// same bits through clips with offsets, fades and a crossfade, also when
// resampled.
func TestClipsFLACAndWAV(t *testing.T) {
	dir := t.TempDir()
	pcm := flacPCM(16, 2, 30000, 7)
	for _, rate := range []int{48000, 44100} {
		wav := filepath.Join(dir, fmt.Sprintf("s%d.wav", rate))
		fl := filepath.Join(dir, fmt.Sprintf("s%d.flac", rate))
		writePCMWAV(t, wav, rate, 16, pcm)
		writeFLAC(t, fl, rate, 16, pcm)
	}
	mix := func(ext string) string {
		return strings.ReplaceAll(`
mix { sample_rate = 48000, tail = 0 }
track "a" {
  clip { source = "s48000.EXT", offset = 0.05, length = 0.3, fade_in = 0.01, fade_out = 0.1 }
  clip { source = "s44100.EXT", at = 0.25, offset = 0.1, gain = -3, fade_curve = "log" }
}
`, "EXT", ext)
	}
	gw := mustBuild(t, dir, mix("wav"))
	gf := mustBuild(t, dir, mix("flac"))
	ow := renderMaster(t, gw, Options{BlockSize: 64})
	of := renderMaster(t, gf, Options{BlockSize: 64})
	if len(ow[0]) == 0 || len(ow[0]) != len(of[0]) {
		t.Fatalf("lengths %d and %d", len(ow[0]), len(of[0]))
	}
	for ch := range ow {
		for i := range ow[ch] {
			if ow[ch][i] != of[ch][i] {
				t.Fatalf("channel %d frame %d: WAV %g, FLAC %g", ch, i, ow[ch][i], of[ch][i])
			}
		}
	}
}

// clipArrangement is a track with everything clips do: a resampled source,
// a mono clip on a stereo track, offsets, fades, a crossfade, gaps.
const clipArrangement = `
mix { sample_rate = 48000, tempo = 120, tail = 0 }
track "a" {
  clip { source = "st.wav", at = 0.01, offset = 0.003, fade_in = 0.002, fade_out = 0.004, fade_curve = "log" }
  clip { source = "mono44.wav", at = 0.05, length = 0.03, gain = -2, fade_curve = "linear" }
  clip { source = "st.wav", at = "1:2.25", fade_out = 0.01 }
}
`

func writeArrangement(t testing.TB, dir string) {
	writeWAV(t, filepath.Join(dir, "st.wav"), 48000, noise(3000, 3, 1), noise(3000, 4, 1))
	writeWAV(t, filepath.Join(dir, "mono44.wav"), 44100, noise(2000, 5, 1))
}

// TestClipsBlockSizes: the clip player's output is identical for every
// block size, and a whole render too.
func TestClipsBlockSizes(t *testing.T) {
	dir := t.TempDir()
	writeArrangement(t, dir)
	g := mustBuild(t, dir, clipArrangement)
	if g.Tracks[0].Channels() != 2 {
		t.Fatalf("a track with a stereo clip has %d channels", g.Tracks[0].Channels())
	}
	ref := playTrack(t, g, 0, 4096)
	// "1:2.25" is 1.25 quarters = 0.625 s; st.wav is 3000 frames.
	if want := 30000 + 3000; len(ref[0]) != want {
		t.Fatalf("%d frames, want %d", len(ref[0]), want)
	}
	for _, bs := range []int{1, 7, 64, 1000, 4096} {
		got := playTrack(t, g, 0, bs)
		for ch := range ref {
			for i := range ref[ch] {
				if got[ch][i] != ref[ch][i] {
					t.Fatalf("block %d: channel %d frame %d = %g, want %g", bs, ch, i, got[ch][i], ref[ch][i])
				}
			}
		}
	}
	// The mono clip plays on both channels.
	at := 3500 // after the crossfade from st.wav
	if ref[0][at] != ref[1][at] || ref[0][at] == 0 {
		t.Errorf("mono clip: %g and %g", ref[0][at], ref[1][at])
	}
	master := renderMaster(t, g, Options{BlockSize: 4096})
	for _, bs := range []int{7, 64} {
		got := renderMaster(t, g, Options{BlockSize: bs})
		for ch := range master {
			for i := range master[ch] {
				if got[ch][i] != master[ch][i] {
					t.Fatalf("render, block %d: channel %d frame %d differs", bs, ch, i)
				}
			}
		}
	}
}

// TestClipPlayerPlainFile: a track that is one file, played by the clip
// player, gives the file's samples bit for bit, as the direct reader does
// (the demo's lock depends on it).
func TestClipPlayerPlainFile(t *testing.T) {
	dir := t.TempDir()
	x := noise(5000, 9, 1)
	x[10] = math.Copysign(0, -1)
	writeWAV(t, filepath.Join(dir, "n.wav"), 48000, x)
	g := mustBuild(t, dir, `
track "a" {
  source = "n.wav"
}
track "b" {
  clip { source = "n.wav" }
}
`)
	for i := range 2 {
		if !g.Tracks[i].Clips[0].plain(48000) {
			t.Fatalf("track %d is not plain", i)
		}
	}
	direct := playTrack(t, g, 0, 64)[0]
	viaClips := drain(t, newClipPlayer(g.Tracks[1], 48000), 1, 64)[0]
	if len(direct) != 5000 || len(viaClips) != 5000 {
		t.Fatalf("%d and %d frames", len(direct), len(viaClips))
	}
	for i := range direct {
		if math.Float64bits(direct[i]) != math.Float64bits(viaClips[i]) {
			t.Fatalf("frame %d: %g and %g", i, direct[i], viaClips[i])
		}
	}
}

// TestClipPlayerAllocs: blocks inside clips allocate nothing.
func TestClipPlayerAllocs(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, noise(200000, 1, 1))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, noise(200000, 2, 1))
	g := mustBuild(t, dir, `
track "a" {
  clip { source = "a.wav", fade_in = 0.5 }
  clip { source = "b.wav", at = 2, fade_curve = "log" }
}
`)
	p := newClipPlayer(g.Tracks[0], 48000)
	defer p.Close()
	buf := [][]float64{make([]float64, 512)}
	for range 4 { // open the first clip; its reader sizes its buffer
		p.Read(buf)
	}
	// Inside the first clip's fade in (per-sample gains), then flat.
	if n := testing.AllocsPerRun(100, func() { p.Read(buf) }); n != 0 {
		t.Errorf("Read allocates %g times per block", n)
	}
	// Into the crossfade: b opens at 2 s (once), then blocks are free.
	for p.pos < 2*48000+4096 {
		p.Read(buf)
	}
	if n := testing.AllocsPerRun(100, func() { p.Read(buf) }); n != 0 {
		t.Errorf("Read in a crossfade allocates %g times per block", n)
	}
}

// TestClipDiagnostics: Build checks each clip against its source's header
// and reports at the clip's own attribute.
func TestClipDiagnostics(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "one.wav"), 48000, dc(48000, 0.1)) // 1 s
	writeWAV(t, filepath.Join(dir, "quad.wav"), 48000, dc(10, 0), dc(10, 0), dc(10, 0), dc(10, 0))
	_, diags := buildMix(t, dir, `track "a" {
  clip { source = "one.wav" }
  clip { source = "missing.wav", at = 5 }
  clip { source = "quad.wav", at = 7 }
  clip { source = "one.wav", at = 10, offset = 1 }
  clip { source = "one.wav", at = 12, offset = 0.5, length = 0.6 }
  clip { source = "one.wav", at = 14, fade_in = 0.5, fade_out = 0.6 }
  clip { source = "one.wav", at = 0.2, length = 0.5 }
  clip { source = "one.wav", at = 20 }
  clip { source = "one.wav", at = 20.5 }
  clip { source = "one.wav", at = 20.9 }
  clip { source = "missing.wav", at = 30 }
}
`)
	want := []string{
		"3: Missing source file",
		"4: Too many channels",
		"5: Offset past the end of the source",
		"6: Clip longer than its source",
		"7: Fades longer than the clip",
		"8: Clip inside another clip",
		"11: More than two clips overlap",
		"12: Missing source file",
	}
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int { return cmp.Compare(a.Subject.Start.Line, b.Subject.Start.Line) })
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d: %s", d.Subject.Start.Line, d.Summary))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s\n(%s)", strings.Join(got, "\n"), strings.Join(want, "\n"), diags)
	}
}

// TestTrackFiles: Files lists every file a track reads, once, in clip
// order.
func TestTrackFiles(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, dc(100, 0.1))
	writeWAV(t, filepath.Join(dir, "b.wav"), 48000, dc(100, 0.1))
	g := mustBuild(t, dir, `
track "t" {
  clip { source = "b.wav", at = 1 }
  clip { source = "a.wav" }
  clip { source = "b.wav", at = 2 }
}
track "u" {
  source = "a.wav"
}
`)
	got := fmt.Sprint(g.Tracks[0].Files(), g.Tracks[1].Files())
	abs, _ := filepath.Abs(dir)
	want := fmt.Sprint([]string{filepath.Join(abs, "b.wav"), filepath.Join(abs, "a.wav")}, []string{filepath.Join(abs, "a.wav")})
	if got != want {
		t.Errorf("Files = %s, want %s", got, want)
	}
	if g.Frames != 2*48000+100 {
		t.Errorf("Frames = %d, want the last clip's end", g.Frames)
	}
}

// TestEmptyClipSource: a clip of an empty file plays nothing but still
// gives its track its channels, as an empty source always did.
func TestEmptyClipSource(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "empty.wav"), 48000, nil, nil)
	writeWAV(t, filepath.Join(dir, "one.wav"), 48000, dc(100, 0.5))
	g := mustBuild(t, dir, `
track "a" {
  source = "empty.wav"
}
track "b" {
  clip { source = "one.wav" }
  clip { source = "empty.wav", at = 0.001 }
  clip { source = "one.wav", at = 0.0015 }
}
`)
	if c := g.Tracks[0].Channels(); c != 2 {
		t.Errorf("empty stereo source: %d channels", c)
	}
	if c := g.Tracks[1].Channels(); c != 2 || len(g.Tracks[1].Clips) != 2 {
		t.Errorf("track b: %d channels, %d clips", g.Tracks[1].Channels(), len(g.Tracks[1].Clips))
	}
	if out := playTrack(t, g, 0, 64); len(out[0]) != 0 {
		t.Errorf("empty source played %d frames", len(out[0]))
	}
	out := playTrack(t, g, 1, 7)
	if len(out[0]) != 172 || out[0][50] != 0.5 || out[1][50] != 0.5 || out[0][85] <= 0.5 || out[0][150] != 0.5 {
		t.Errorf("track b: %d frames, %v", len(out[0]), out[0][:10])
	}
	renderMaster(t, g, Options{})
}
