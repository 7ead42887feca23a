package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mixdown/mixdown/dsp/audiofile"
)

func TestSafeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"01 Lead Vox (take 2)", "lead_vox_take_2"},
		{"Kick-In", "kick-in"},
		{"kick--in", "kick-in"},
		{"a - b", "a_b"},
		{"snare__top_", "snare_top"},
		{"  BASS DI  ", "bass_di"},
		{"808", ""},
		{"2pac", "pac"},
		{"Café Piano", "caf_piano"},
		{"_-_", ""},
		{"vox.double", "vox_double"},
	} {
		if got := safeName(c.in); got != c.want {
			t.Errorf("safeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNameTracks(t *testing.T) {
	files := []string{"808.wav", "Lead.wav", "lead!.wav", "lead_2.wav", "LEAD.flac", "track_1.wav", "909.wav"}
	want := []string{"track_1_2", "lead", "lead_3", "lead_2", "lead_4", "track_1", "track_7"}
	var stems []*initStem
	for _, f := range files {
		stems = append(stems, &initStem{file: f})
	}
	nameTracks(stems)
	for i, s := range stems {
		if s.name != want[i] {
			t.Errorf("%s: name %q, want %q", s.file, s.name, want[i])
		}
	}
}

func TestInitRate(t *testing.T) {
	for _, c := range []struct {
		rates []int
		want  int
	}{
		{[]int{48000}, 48000},
		{[]int{44100, 48000, 44100}, 44100},
		{[]int{44100, 48000}, 48000},
		{[]int{96000, 44100, 44100, 96000, 48000}, 96000},
	} {
		var stems []*initStem
		for _, r := range c.rates {
			stems = append(stems, &initStem{info: audiofile.Info{SampleRate: r}})
		}
		if got := initRate(stems); got != c.want {
			t.Errorf("initRate(%v) = %d, want %d", c.rates, got, c.want)
		}
	}
}

func TestClock(t *testing.T) {
	for _, c := range []struct {
		frames int64
		rate   int
		want   string
	}{
		{0, 48000, "0:00.000"},
		{48000*205 + 5760, 48000, "3:25.120"},
		{44100*3600 + 22050, 44100, "1:00:00.500"},
		{1, 48000, "0:00.000"},
		{24, 48000, "0:00.001"}, // 0.5 ms rounds up
	} {
		if got := clock(c.frames, c.rate); got != c.want {
			t.Errorf("clock(%d, %d) = %q, want %q", c.frames, c.rate, got, c.want)
		}
	}
}

func TestInitMixName(t *testing.T) {
	for _, c := range []struct{ dir, cwd, want string }{
		{"/p/song/stems", "/p/song", "song"},
		{"/p/song/Audio", "/p/song", "song"},
		{"/p/song", "/p/song", "song"},
		{"/p/music/My Song Stems", "/p/music", "my_song_stems"},
		{"/p/music/stems", "/p/music/stems", "stems"},
		{"/p/123/stems", "/p/123", "mix"},
	} {
		if got := initMixName(c.dir, c.cwd); got != c.want {
			t.Errorf("initMixName(%q, %q) = %q, want %q", c.dir, c.cwd, got, c.want)
		}
	}
}

// TestInitFLAC starts a mix from FLAC stems (and a WAV) and checks that it
// validates.
func TestInitFLAC(t *testing.T) {
	src, err := filepath.Abs("../../dsp/audiofile/testdata/flac")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "song")
	if err := os.MkdirAll(filepath.Join(dir, "stems"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"s16-mono.flac", "s24-stereo.flac"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "stems", strings.ToUpper(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"init", "stems"}, &out, &errs); code != exitOK {
		t.Fatalf("init: exit %d\n%s", code, errs.String())
	}
	mix, err := os.ReadFile("song.mix.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`track "s16-mono" {`, `source = "stems/S16-MONO.FLAC"`, "# mono, 16-bit, 48000 Hz,",
		`track "s24-stereo" {`, "# stereo, 24-bit, 48000 Hz,", "sample_rate = 48000",
	} {
		if !strings.Contains(string(mix), want) {
			t.Errorf("the mix lacks %q:\n%s", want, mix)
		}
	}
	out.Reset()
	errs.Reset()
	if code := run(context.Background(), []string{"validate", "song.mix.hcl"}, &out, &errs); code != exitOK {
		t.Fatalf("validate: exit %d\n%s", code, errs.String())
	}
}
