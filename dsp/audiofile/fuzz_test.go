package audiofile

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The seed corpus of FuzzReader lives in testdata/fuzz/FuzzReader, so plain
// `go test` runs every seed. The files named good-* and bad-* are generated
// from goodSeeds and brokenCases; TestFuzzSeeds fails if they drift, and
//
//	go test ./dsp/audiofile -run TestFuzzSeeds -update-seeds
//
// rewrites them. Other files there are inputs the fuzzer found; keep them.
//
// To fuzz:
//
//	go test ./dsp/audiofile -run '^$' -fuzz FuzzReader -fuzztime 3m -fuzzminimizetime 2s
//
// (the default minimise time of 60 s per new input stalls both workers for
// most of a short run).
var updateSeeds = flag.Bool("update-seeds", false, "rewrite the generated FuzzReader seed corpus")

const seedDir = "testdata/fuzz/FuzzReader"

// goodSeeds are small valid files covering every format and layout the
// reader accepts.
func goodSeeds(t testing.TB) map[string][]byte {
	ints := func(bits, channels, frames int) [][]int64 {
		return randomInts(bits, channels, frames, uint64(bits*channels+frames))
	}
	f32 := [][]float32{{0, 0.5, -1, 1.5, float32(math.Inf(1))}, {float32(math.NaN()), -0.25, 1e-40, 3, -3}}
	odd := chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00mixd\x00"))
	seeds := map[string][]byte{
		"pcm8-mono":            intWAV(8, 8000, ints(8, 1, 7)),
		"pcm16-stereo":         intWAV(16, 44100, ints(16, 2, 6)),
		"pcm24-stereo":         intWAV(24, 48000, ints(24, 2, 5)),
		"pcm32-mono":           intWAV(32, 96000, ints(32, 1, 5)),
		"pcm16-3ch":            intWAV(16, 48000, ints(16, 3, 4)),
		"float32-stereo":       float32WAV(48000, f32),
		"float64-mono":         float64WAV(48000, [][]float64{{0, math.Pi, -1e300, math.NaN(), 0.5}}),
		"ext-pcm24-6ch":        riffWave(chunk("fmt ", fmtExt(6, 48000, 24, 20, 0x3F, tagPCM)), chunk("data", encodeInts(24, ints(24, 6, 3)))),
		"ext-pcm32-mono":       riffWave(chunk("fmt ", fmtExt(1, 48000, 32, 32, 0, tagPCM)), chunk("data", encodeInts(32, ints(32, 1, 4)))),
		"ext-float32-stereo":   riffWave(chunk("fmt ", fmtExt(2, 44100, 32, 32, 3, tagFloat)), chunk("fact", le.AppendUint32(nil, 2)), chunk("data", make([]byte, 16))),
		"ext-float64-4ch":      riffWave(chunk("fmt ", fmtExt(4, 44100, 64, 0, 0, tagFloat)), chunk("data", make([]byte, 64))),
		"odd-list-before-data": riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), odd, chunk("data", []byte{1, 2, 3})),
		"data-before-fmt":      riffWave(odd, chunk("data", encodeInts(16, ints(16, 2, 3))), chunk("fmt ", fmtStd(tagPCM, 2, 8000, 16))),
		"zero-frames":          riffWave(chunk("fmt ", fmtStd(tagPCM, 2, 8000, 16)), chunk("data", nil)),
		"partial-frame":        riffWave(chunk("fmt ", fmtStd(tagPCM, 2, 8000, 24)), chunk("data", make([]byte, 9))),
		"missing-final-pad": func() []byte {
			f := riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("data", []byte{1, 2, 3}))
			return f[:len(f)-1]
		}(),
	}
	// Files as the Writer makes them.
	for _, c := range []struct {
		name     string
		channels int
		enc      Encoding
	}{
		{"writer-pcm24-stereo", 2, PCM24},
		{"writer-pcm16-6ch", 6, PCM16},
		{"writer-float32-3ch", 3, Float32},
		{"writer-pcm8-odd", 1, Encoding{BitDepth: 8}},
	} {
		p := make([][]float64, c.channels)
		for ch := range p {
			p[ch] = []float64{0.5, -0.5, 1, -1, 0.1}
		}
		seeds[c.name] = writeFile(t, 48000, c.enc, p, 5)
	}
	return seeds
}

// encodeSeed formats a corpus file the way `go test -fuzz` writes them.
func encodeSeed(data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
}

func seedName(s string) string {
	return strings.NewReplacer(" ", "-", ",", "", ">", "gt", "/", "-").Replace(strings.ToLower(s))
}

func TestFuzzSeeds(t *testing.T) {
	want := map[string][]byte{}
	for name, data := range goodSeeds(t) {
		want["good-"+name] = encodeSeed(data)
	}
	for _, c := range brokenCases() {
		want["bad-"+seedName(c.name)] = encodeSeed(c.data)
	}
	if *updateSeeds {
		if err := os.MkdirAll(seedDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range want {
			if err := os.WriteFile(filepath.Join(seedDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join(seedDir, name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("seed %s missing or stale; run go test ./dsp/audiofile -run TestFuzzSeeds -update-seeds", name)
		}
	}
}

// FuzzReader: no input may panic, hang or allocate from a declared size; a
// rejected input gets an error naming the file; an accepted one yields
// exactly Info().Frames finite frames, the same however it is read.
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz.wav")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.wav: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if r.fl != nil {
			return // FLAC: FuzzFLAC's business
		}
		info := r.Info()
		switch {
		case info.Channels < 1 || info.Channels > MaxChannels,
			info.SampleRate < 1 || info.SampleRate > MaxSampleRate,
			kindOf(info.BitDepth, info.Float) == 0,
			info.ValidBits < 1 || info.ValidBits > info.BitDepth,
			info.Frames < 0 || r.dataOff+info.Frames*int64(r.frameBytes) > int64(len(data)):
			t.Fatalf("implausible Info %+v accepted", info)
		}
		block := 1 + len(data)%61
		all := readAll(t, r, block)
		for ch := range all {
			if int64(len(all[ch])) != info.Frames {
				t.Fatalf("channel %d: read %d frames, Info says %d", ch, len(all[ch]), info.Frames)
			}
			for _, v := range all[ch] {
				if math.IsNaN(v) || math.IsInf(v, 0) || (!info.Float && (v < -1 || v >= 1)) {
					t.Fatalf("sample %v out of range for %+v", v, info)
				}
			}
		}
		if info.Frames == 0 {
			return
		}
		mid := info.Frames / 2
		if err := r.SeekFrame(mid); err != nil {
			t.Fatal(err)
		}
		again := readAll(t, r, 7)
		for ch := range all {
			if !equal(again[ch], all[ch][mid:]) {
				t.Fatalf("channel %d differs after SeekFrame(%d)", ch, mid)
			}
		}
	})
}
