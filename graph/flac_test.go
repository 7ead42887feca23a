package graph

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"

	"github.com/mixdown/mixdown/dsp/audiofile"
)

// flacPCM returns deterministic integer audio at the given depth: a
// decaying chord with a few LSB of noise, full scale at the start.
func flacPCM(bits, chans, frames int, seed uint32) [][]int32 {
	lo, hi := audiofile.IntRange(bits)
	s := audiofile.IntScale(bits)
	out := make([][]int32, chans)
	for ch := range out {
		state := seed + uint32(ch)
		out[ch] = make([]int32, frames)
		for i := range out[ch] {
			state = state*1664525 + 1013904223
			t := float64(i) / 44100
			x := math.Exp(-3*t) * (0.4*math.Sin(2*math.Pi*(196+float64(ch))*t) + 0.2*math.Sin(2*math.Pi*523.25*t))
			v := int64(math.Round(x*s)) + int64(state>>29) - 4
			out[ch][i] = int32(max(int64(lo), min(int64(hi), v)))
		}
		out[ch][0], out[ch][1] = lo, hi
	}
	return out
}

// writePCMWAV writes integer samples as a bits-deep WAV; the writer maps
// v/S back to v exactly.
func writePCMWAV(t testing.TB, path string, rate, bits int, pcm [][]int32) {
	t.Helper()
	x := make([][]float64, len(pcm))
	for ch := range pcm {
		x[ch] = make([]float64, len(pcm[ch]))
		for i, v := range pcm[ch] {
			x[ch][i] = float64(v) / audiofile.IntScale(bits)
		}
	}
	w, err := audiofile.Create(path, rate, len(pcm), audiofile.Encoding{BitDepth: bits})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

// writeFLAC encodes integer samples with mewkiz/flac's encoder (fixed
// predictors chosen by its analysis) in blocks of 1000 samples, the last
// one short.
func writeFLAC(t testing.TB, path string, rate, bits int, pcm [][]int32) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const block = 1000
	info := &meta.StreamInfo{
		BlockSizeMin:  16,
		BlockSizeMax:  block,
		SampleRate:    uint32(rate),
		NChannels:     uint8(len(pcm)),
		BitsPerSample: uint8(bits),
		NSamples:      uint64(len(pcm[0])),
	}
	enc, err := flac.NewEncoder(f, info)
	if err != nil {
		t.Fatal(err)
	}
	layout := frame.ChannelsMono
	if len(pcm) == 2 {
		layout = frame.ChannelsLR
	}
	for at := 0; at < len(pcm[0]); at += block {
		n := min(block, len(pcm[0])-at)
		fr := &frame.Frame{Header: frame.Header{
			HasFixedBlockSize: true,
			BlockSize:         uint16(n),
			SampleRate:        uint32(rate),
			Channels:          layout,
			BitsPerSample:     uint8(bits),
		}}
		for ch := range pcm {
			fr.Subframes = append(fr.Subframes, &frame.Subframe{
				SubHeader: frame.SubHeader{Pred: frame.PredVerbatim},
				Samples:   pcm[ch][at : at+n],
				NSamples:  n,
			})
		}
		if err := enc.WriteFrame(fr); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil { // rewrites STREAMINFO, closes f
		t.Fatal(err)
	}
}

// A mix of FLAC stems renders to exactly the bytes of the same mix of WAV
// stems holding the same PCM: 16- and 24-bit, mono and stereo, a source
// at another rate (resampled) and an impulse response.
func TestFLACRendersLikeWAV(t *testing.T) {
	dir := t.TempDir()
	type stem struct {
		name              string
		rate, bits, chans int
	}
	stems := []stem{
		{"drums", 48000, 16, 2},
		{"bass", 48000, 24, 1},
		{"keys", 44100, 24, 2}, // resampled to the mix's 48 kHz
		{"ir", 48000, 16, 2},   // a reverb's impulse response
	}
	for i, s := range stems {
		frames := 9000
		if s.name == "ir" {
			frames = 2400
		}
		pcm := flacPCM(s.bits, s.chans, frames, uint32(17*i+1))
		writePCMWAV(t, filepath.Join(dir, s.name+".wav"), s.rate, s.bits, pcm)
		writeFLAC(t, filepath.Join(dir, s.name+".flac"), s.rate, s.bits, pcm)
		info, err := audiofile.ReadInfo(filepath.Join(dir, s.name+".flac"))
		if err != nil {
			t.Fatal(err)
		}
		if info.BitDepth != s.bits || info.Channels != s.chans || info.Frames != int64(frames) {
			t.Fatalf("%s.flac: Info %+v", s.name, info)
		}
	}
	mix := func(ext string) string {
		return `mix { sample_rate = 48000 }
track "drums" {
  source = "drums.` + ext + `"
  compressor { threshold = -20, ratio = 3 }
  send { to = bus.room }
}
track "bass" {
  source = "bass.` + ext + `"
  pan    = -0.2
}
track "keys" {
  source = "keys.` + ext + `"
  gain   = -3
  send { to = bus.room }
}
bus "room" {
  reverb { ir = "ir.` + ext + `", mix = 1 }
}
output "o" {
  file      = "out-` + ext + `.wav"
  bit_depth = "float"
}
`
	}
	sums := map[string]string{}
	for _, ext := range []string{"wav", "flac"} {
		g := mustBuild(t, dir, mix(ext))
		res, err := Render(context.Background(), g, Options{BlockSize: 333})
		if err != nil {
			t.Fatal(err)
		}
		sums[ext] = res[0].SHA256
		if res[0].Loudness.TruePeakDBTP < -40 {
			t.Fatalf("%s: the render is (nearly) silent: %+v", ext, res[0].Loudness)
		}
	}
	if sums["wav"] != sums["flac"] {
		t.Fatalf("WAV stems render %s, FLAC stems %s", sums["wav"], sums["flac"])
	}
}
