package graph

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/dsp/delay"
	"github.com/mixdown/mixdown/lang"
)

// writeClaimingWAV writes an 8-bit mono WAV header at rate whose data
// chunk holds frames frames, as a sparse file: the header's claim is true,
// but the file takes no room on disk.
func writeClaimingWAV(t *testing.T, path string, rate int, frames int64) {
	t.Helper()
	le := binary.LittleEndian
	h := []byte("RIFF....WAVEfmt \x10\x00\x00\x00")
	h = le.AppendUint16(h, 1) // PCM
	h = le.AppendUint16(h, 1) // mono
	h = le.AppendUint32(h, uint32(rate))
	h = le.AppendUint32(h, uint32(rate)) // bytes per second
	h = le.AppendUint16(h, 1)            // block align
	h = le.AppendUint16(h, 8)            // bits
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(frames))
	le.PutUint32(h[4:], uint32(int64(len(h))-8+frames+frames&1))
	if err := os.WriteFile(path, h, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(len(h))+frames+frames&1); err != nil {
		t.Fatal(err)
	}
}

func buildMixLimits(t *testing.T, dir, src string, limits lang.Limits) (*Graph, hcl.Diagnostics) {
	t.Helper()
	file := filepath.Join(dir, "test.mix.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, diags := lang.NewParser().LoadMix(file, lang.Options{Limits: limits})
	if diags.HasErrors() {
		return nil, diags
	}
	g, more := Build(m)
	return g, append(diags, more...)
}

// onlyDiag checks diags hold exactly one error, with summary, on line.
func onlyDiag(t *testing.T, what string, diags hcl.Diagnostics, summary string, line int) *hcl.Diagnostic {
	t.Helper()
	if len(diags) != 1 || diags[0].Summary != summary || diags[0].Subject == nil || diags[0].Subject.Start.Line != line {
		t.Fatalf("%s: diagnostics %v, want one %q on line %d", what, diags, summary, line)
	}
	return diags[0]
}

// TestThousandHourRender: a source whose header claims 1000 hours (a
// 1 kHz 8-bit file of 3.6 GB, sparse, that the mix would resample to
// 48 kHz) fails at Build, at its source attribute, at once and without
// allocating for it. Unchecked, the render would run for days, and the
// output meters alone would reserve over a gigabyte up front.
func TestThousandHourRender(t *testing.T) {
	dir := t.TempDir()
	writeClaimingWAV(t, filepath.Join(dir, "long.wav"), 1000, 1000*3600*1000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, diags := buildMixLimits(t, dir, "track \"long\" {\n  source = \"long.wav\"\n}\n", lang.Limits{})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	d := onlyDiag(t, "1000 hours", diags, "Render too long", 2)
	if !strings.Contains(d.Detail, "1000.0 hours") || !strings.Contains(d.Detail, "-max-render-seconds") {
		t.Errorf("detail %q", d.Detail)
	}
	if elapsed > time.Second {
		t.Errorf("took %v", elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d KiB", alloc>>10)
	}
}

// TestRenderLengthCountsTheTail: the limit covers the longest source plus
// mix.tail; the diagnostic is at mix.tail when that is what tips it over,
// else at the longest source; -max-render-seconds moves it.
func TestRenderLengthCountsTheTail(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "short.wav"), 8000, make([]float64, 8000)) // 1 s
	writeWAV(t, filepath.Join(dir, "long.wav"), 8000, make([]float64, 16000)) // 2 s
	const tracks = "track \"a\" {\n  source = \"short.wav\"\n}\ntrack \"b\" {\n  source = \"long.wav\"\n}\n"
	withTail := "mix {\n  sample_rate = 8000\n  tail = 3\n}\n" + tracks

	_, diags := buildMixLimits(t, dir, withTail, lang.Limits{MaxRenderSeconds: 4.5})
	d := onlyDiag(t, "tail", diags, "Render too long", 3)
	if !strings.Contains(d.Detail, `track "b"`) {
		t.Errorf("detail %q does not name the longest track", d.Detail)
	}
	if _, diags := buildMixLimits(t, dir, withTail, lang.Limits{MaxRenderSeconds: 5}); diags.HasErrors() {
		t.Errorf("2 s + 3 s under 5 s: %v", diags)
	}
	// Without mix.tail, the default tail (10 s) counts, at the source.
	_, diags = buildMixLimits(t, dir, "mix {\n  sample_rate = 8000\n}\n"+tracks, lang.Limits{MaxRenderSeconds: 11})
	onlyDiag(t, "default tail", diags, "Render too long", 8)
	// A source longer than the limit by itself is reported at the source.
	_, diags = buildMixLimits(t, dir, withTail, lang.Limits{MaxRenderSeconds: 1.5})
	onlyDiag(t, "source", diags, "Render too long", 9)
}

// TestHugeDelayFailsAtLoad: a delay of 10^9 samples (at 48 kHz, 5.8
// hours) fails when the mix loads, at the time attribute, as does a note
// value that long. The delay's buffers are sized for delay.MaxTimeMs
// whatever the time asked, so the load-time range is the only limit.
func TestHugeDelayFailsAtLoad(t *testing.T) {
	if p := delay.ParamTable[0]; p.Name != "time" || p.Max != delay.MaxTimeMs || delay.MaxTimeMs != 10000 {
		t.Fatalf("the delay's time parameter is %+v", p)
	}
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, make([]float64, 100))
	for _, time := range []string{"20833333.4", `"64/1"`, "1e300", "-1"} {
		src := "mix { tempo = 20 }\ntrack \"a\" {\n  source = \"a.wav\"\n  delay {\n    time = " + time + "\n  }\n}\n"
		_, diags := buildMixLimits(t, dir, src, lang.Limits{})
		onlyDiag(t, "delay "+time, diags, "Value out of range", 5)
	}
}

// TestIRLimit: an impulse response longer than the limit is refused at
// its ir attribute; the option moves the limit.
func TestIRLimit(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, make([]float64, 100))
	writeWAV(t, filepath.Join(dir, "hall.wav"), 48000, make([]float64, 96000)) // 2 s
	const src = "track \"a\" {\n  source = \"a.wav\"\n  reverb {\n    ir = \"hall.wav\"\n  }\n}\n"
	_, diags := buildMixLimits(t, dir, src, lang.Limits{MaxIRSeconds: 1.5})
	d := onlyDiag(t, "ir", diags, "Impulse response too long", 4)
	if !strings.Contains(d.Detail, "-max-ir-seconds") {
		t.Errorf("detail %q", d.Detail)
	}
	if _, diags := buildMixLimits(t, dir, src, lang.Limits{MaxIRSeconds: 2}); diags.HasErrors() {
		t.Errorf("a 2 s IR under a 2 s limit: %v", diags)
	}
	if _, diags := buildMixLimits(t, dir, src, lang.Limits{}); diags.HasErrors() {
		t.Errorf("a 2 s IR under the default: %v", diags)
	}
}

// TestOutputNeverOverwritesAnInput: an output that is a source or an
// impulse response of the same mix, by name, through a symbolic link, or
// as a hard link, is refused at its file attribute.
func TestOutputNeverOverwritesAnInput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "a.wav"), 48000, make([]float64, 100))
	writeWAV(t, filepath.Join(dir, "hall.wav"), 48000, make([]float64, 100))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "out"), 0o755))
	must(os.Symlink("../a.wav", filepath.Join(dir, "out", "link.wav")))
	must(os.Symlink("../hall.wav", filepath.Join(dir, "out", "ir.wav")))
	must(os.Link(filepath.Join(dir, "a.wav"), filepath.Join(dir, "out", "hard.wav")))
	must(os.Symlink(".", filepath.Join(dir, "same")))
	for _, file := range []string{"a.wav", "./a.wav", "out/link.wav", "out/hard.wav", "same/a.wav", "hall.wav", "out/ir.wav"} {
		src := "track \"a\" {\n  source = \"a.wav\"\n  reverb { ir = \"hall.wav\" }\n}\noutput \"main\" {\n  file = \"" + file + "\"\n}\n"
		_, diags := buildMixLimits(t, dir, src, lang.Limits{})
		onlyDiag(t, file, diags, "Output overwrites a source", 6)
	}
	src := "track \"a\" {\n  source = \"a.wav\"\n}\noutput \"main\" {\n  file = \"out/mix.wav\"\n}\n"
	if _, diags := buildMixLimits(t, dir, src, lang.Limits{}); diags.HasErrors() {
		t.Errorf("a fresh output: %v", diags)
	}
}

// TestSampleRateLimit: a mix may convert at most MaxSampleRates other
// rates; the first source or output past it is refused, before its
// converter is designed (up to 45 MiB each).
func TestSampleRateLimit(t *testing.T) {
	dir := t.TempDir()
	rates := []int{8000, 11025, 16000, 22050, 24000, 32000, 44100, 88200, 96000, 192000}
	var src strings.Builder
	for i, rate := range rates[:MaxSampleRates+1] {
		writeWAV(t, filepath.Join(dir, strconv.Itoa(rate)+".wav"), rate, make([]float64, 16))
		fmt.Fprintf(&src, "track \"t%d\" {\n  source = \"%d.wav\"\n}\n", i, rate)
	}
	// The mix's own rate costs nothing; an output at a source's rate is
	// another conversion.
	fmt.Fprintf(&src, "track \"same\" {\n  source = \"48000.wav\"\n}\n")
	writeWAV(t, filepath.Join(dir, "48000.wav"), 48000, make([]float64, 16))
	fmt.Fprintf(&src, "output \"o\" {\n  file = \"o.wav\"\n  sample_rate = 8000\n}\n")
	_, diags := buildMixLimits(t, dir, src.String(), lang.Limits{})
	var got []int
	for _, d := range diags {
		if d.Summary != "Too many sample rates" {
			t.Errorf("unexpected %v", d)
			continue
		}
		got = append(got, d.Subject.Start.Line)
	}
	if want := []int{3*MaxSampleRates + 2, 3*(MaxSampleRates+2) + 3}; !slices.Equal(got, want) {
		t.Errorf("diagnostics on lines %v, want %v", got, want)
	}
}
