package audiofile

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The FLAC fixtures in testdata/flac were encoded by the reference encoder
// (libFLAC 1.4.2) from PCM that flacPCM regenerates here, so each test
// compares the decoded FLAC with a WAV of the very same samples:
//
//	go test ./dsp/audiofile -run TestWriteFLACSourceWAVs -flac-wav-dir /tmp/fx
//	flac --best -b 1024 -f -o testdata/flac/s16-stereo.flac /tmp/fx/s16-stereo.wav  (and so on:
//	each fixture's blockSize below is its -b)
//
// --best lets libFLAC choose LPC orders, Rice partitions and mid/side
// stereo per frame, so the fixtures exercise the decoder's paths that a
// simple encoder would not.
var flacWAVDir = flag.String("flac-wav-dir", "", "write the WAV sources of the FLAC fixtures to this directory")

type flacFixture struct {
	name                   string
	bits, channels, frames int
	rate                   uint32
	blockSize              int
}

var flacFixtures = []flacFixture{
	{"s16-stereo", 16, 2, 4410, 44100, 1024},
	{"s16-mono", 16, 1, 3000, 48000, 576},
	{"s24-stereo", 24, 2, 4000, 48000, 1152},
}

// flacPCM is a fixture's audio: two sines a little apart between the
// channels, plus a few LSB of deterministic noise, with full scale (both
// extremes) and zero forced in at the start.
func flacPCM(fx flacFixture) [][]int64 {
	lo, hi := IntRange(fx.bits)
	s := IntScale(fx.bits)
	state := uint32(fx.bits*131 + fx.channels)
	out := make([][]int64, fx.channels)
	for ch := range out {
		out[ch] = make([]int64, fx.frames)
		for i := range out[ch] {
			state = state*1664525 + 1013904223
			noise := int64(state>>28) - 8
			t := float64(i) / float64(fx.rate)
			x := 0.45*math.Sin(2*math.Pi*(220+float64(ch)*3)*t) + 0.2*math.Sin(2*math.Pi*1375*t)
			out[ch][i] = max(int64(lo), min(int64(hi), int64(math.Round(x*s))+noise))
		}
		copy(out[ch], []int64{int64(lo), int64(hi), 0, -1, 1})
	}
	return out
}

func TestWriteFLACSourceWAVs(t *testing.T) {
	if *flacWAVDir == "" {
		t.Skip("-flac-wav-dir not set")
	}
	for _, fx := range flacFixtures {
		p := filepath.Join(*flacWAVDir, fx.name+".wav")
		if err := os.WriteFile(p, intWAV(fx.bits, fx.rate, flacPCM(fx)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFixtureErr(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "flac", name+".flac"))
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := readFixtureErr(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openFLACBytes(t testing.TB, data []byte) *Reader {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "test.flac")
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	return r
}

// A FLAC and a WAV of the same PCM read as identical float64s, whatever
// the read size, and Info agrees.
func TestFLACMatchesWAV(t *testing.T) {
	for _, fx := range flacFixtures {
		t.Run(fx.name, func(t *testing.T) {
			wav := readBytes(t, intWAV(fx.bits, fx.rate, flacPCM(fx)))
			want := readAll(t, wav, 4096)
			data := readFixture(t, fx.name)
			r := openFLACBytes(t, data)
			info := r.Info()
			wantInfo := Info{SampleRate: int(fx.rate), Channels: fx.channels, Frames: int64(fx.frames), BitDepth: fx.bits, ValidBits: fx.bits}
			if info != wantInfo {
				t.Fatalf("Info = %+v, want %+v", info, wantInfo)
			}
			for _, block := range []int{1, 7, 64, 1000, 4096, 10000} {
				r := openFLACBytes(t, data)
				got := readAll(t, r, block)
				for ch := range want {
					if !equal(got[ch], want[ch]) {
						t.Fatalf("block %d: channel %d differs from the WAV", block, ch)
					}
				}
			}
			if got := want[0][0]; got != -1 {
				t.Errorf("most negative sample reads %v, want -1", got)
			}
		})
	}
}

// Open and ReadInfo tell FLAC from WAV by content, not by name.
func TestFLACOpenReadInfo(t *testing.T) {
	fx := flacFixtures[0]
	p := writeTemp(t, "really-flac.wav", readFixture(t, fx.name))
	info, err := ReadInfo(p)
	if err != nil || info.Frames != int64(fx.frames) || info.BitDepth != 16 {
		t.Fatalf("ReadInfo = %+v, %v", info, err)
	}
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := readAll(t, r, 512)
	want := readAll(t, readBytes(t, intWAV(fx.bits, fx.rate, flacPCM(fx))), 512)
	for ch := range want {
		if !equal(got[ch], want[ch]) {
			t.Fatalf("channel %d differs", ch)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFLACSeekFrame(t *testing.T) {
	fx := flacFixtures[2]
	data := readFixture(t, fx.name)
	all := readAll(t, openFLACBytes(t, data), 4096)
	r := openFLACBytes(t, data)
	buf := [][]float64{make([]float64, 100), make([]float64, 100)}
	if _, err := r.Read(buf); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int64{0, 1, 1151, 1152, 1153, 2500, int64(fx.frames) - 1, 7, int64(fx.frames)} {
		if err := r.SeekFrame(at); err != nil {
			t.Fatal(err)
		}
		got := readAll(t, r, 333)
		for ch := range all {
			if !equal(got[ch], all[ch][at:]) {
				t.Fatalf("SeekFrame(%d): channel %d differs", at, ch)
			}
		}
		if r.Position() != int64(fx.frames) {
			t.Fatalf("Position after reading to the end = %d", r.Position())
		}
	}
	if err := r.SeekFrame(int64(fx.frames) + 1); err == nil {
		t.Fatal("SeekFrame past the end succeeded")
	}
}

// Reads within a decoded frame allocate nothing; decoding a frame
// allocates a bounded number of times (the decoder's per-frame buffers),
// never per sample.
func TestFLACAllocs(t *testing.T) {
	fx := flacFixtures[0]
	data := readFixture(t, fx.name)
	r := openFLACBytes(t, data)
	buf := [][]float64{make([]float64, 16), make([]float64, 16)}
	if _, err := r.Read(buf); err != nil { // decodes the first 1024-sample frame
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(50, func() {
		if _, err := r.Read(buf); err != nil {
			t.Fatal(err)
		}
	}); a != 0 { // 51 reads of 16 stay within the first frame
		t.Errorf("Read within a frame: %v allocs, want 0", a)
	}
	frames := float64((fx.frames + fx.blockSize - 1) / fx.blockSize)
	a := testing.AllocsPerRun(5, func() {
		if err := r.SeekFrame(0); err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := r.Read(buf); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	})
	// The restart allocates the stream (about 10); each frame about 12.
	if perFrame := a / frames; perFrame > 40 {
		t.Errorf("%v allocs per FLAC frame of %d samples", perFrame, fx.blockSize)
	}
	t.Logf("%.0f allocs for %v frames", a, frames)
}

// flacBroken are hostile variations of a good file. Each must fail with
// an error naming the file, at open or while reading, and never panic.
func flacBroken(good []byte) map[string][]byte {
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	// STREAMINFO body starts at byte 8: min/max block size (2+2 bytes),
	// min/max frame size (3+3), then 20 bits rate, 3 channels-1, 5 bits-1,
	// 36 total samples.
	const si = 8
	return map[string][]byte{
		"no-length": mut(func(b []byte) []byte {
			b[si+13] &^= 0x0F
			b[si+14], b[si+15], b[si+16], b[si+17] = 0, 0, 0, 0
			return b
		}),
		"rate-0": mut(func(b []byte) []byte {
			b[si+10], b[si+11] = 0, 0
			b[si+12] &= 0x0F
			return b
		}),
		"12-bit": mut(func(b []byte) []byte {
			// bits-1 = 11 = 0b01011: its top bit is byte 12's lowest,
			// the other four are byte 13's high nibble.
			b[si+12] &^= 1
			b[si+13] = b[si+13]&0x0F | 0xB0
			return b
		}),
		"max-block-16": mut(func(b []byte) []byte {
			b[si+0], b[si+1], b[si+2], b[si+3] = 0, 16, 0, 16
			return b
		}),
		"min-above-max": mut(func(b []byte) []byte {
			b[si+0], b[si+1], b[si+2], b[si+3] = 0x10, 0, 0x04, 0
			return b
		}),
		"streaminfo-short": mut(func(b []byte) []byte { return b[:20] }),
		"magic-only":       []byte("fLaC"),
		"frame-flipped": mut(func(b []byte) []byte {
			b[len(b)/2] ^= 0x55
			return b
		}),
		"longer-than-file": mut(func(b []byte) []byte {
			b[si+17]++ // one more sample than there is
			return b
		}),
		"truncated-half": mut(func(b []byte) []byte { return b[:len(b)/2] }),
	}
}

// readToEnd reads everything, returning the first error other than io.EOF.
func readToEnd(r *Reader, block int) (int64, error) {
	buf := make([][]float64, r.Info().Channels)
	for ch := range buf {
		buf[ch] = make([]float64, block)
	}
	var total int64
	for {
		n, err := r.Read(buf)
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func TestFLACBroken(t *testing.T) {
	good := readFixture(t, flacFixtures[0].name)
	for name, data := range flacBroken(good) {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(data), "bad.flac")
			if err == nil {
				_, err = readToEnd(r, 1000)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "bad.flac: ") || !errors.Is(err, ErrFormat) {
				t.Fatalf("error %q does not name the file or is not ErrFormat", err)
			}
			t.Log(err)
		})
	}
}

// Every truncation of a good file fails cleanly, never short-reads in
// silence.
func TestFLACTruncated(t *testing.T) {
	good := readFixture(t, flacFixtures[2].name)
	step := max(1, len(good)/300)
	for n := 0; n < len(good); n += step {
		r, err := NewReader(bytes.NewReader(good[:n]), "cut.flac")
		if err == nil {
			var got int64
			got, err = readToEnd(r, 4096)
			if err == nil {
				t.Fatalf("cut at %d of %d bytes: read %d frames without error", n, len(good), got)
			}
		}
		if !strings.HasPrefix(err.Error(), "cut.flac: ") {
			t.Fatalf("cut at %d: error does not name the file: %v", n, err)
		}
	}
}
