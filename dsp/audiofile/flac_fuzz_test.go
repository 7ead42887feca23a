package audiofile

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFLAC feeds arbitrary bytes behind the FLAC signature to the reader.
// Its seed corpus in testdata/fuzz/FuzzFLAC holds the fixtures and their
// hostile variations (flacBroken), so plain `go test` runs them all. To
// fuzz:
//
//	go test ./dsp/audiofile -run '^$' -fuzz FuzzFLAC -fuzztime 3m -fuzzminimizetime 2s
//
// Properties: no panic (the decoder's are recovered at the boundary);
// every error names the file; a file that opens has a plausible Info and
// either reads exactly Info.Frames samples per channel, all in [-1, 1), or
// fails with a format error; SeekFrame then re-reading gives the same
// samples.
func FuzzFLAC(f *testing.F) {
	for _, fx := range flacFixtures {
		good, err := readFixtureErr(fx.name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(good)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte(flacMagic)) {
			data = append([]byte(flacMagic), data...)
		}
		r, err := NewReader(bytes.NewReader(data), "fuzz.flac")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.flac: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		info := r.Info()
		if info.Channels < 1 || info.Channels > 8 || info.SampleRate < 1 || info.SampleRate > MaxSampleRate ||
			!flacDepthOK(info.BitDepth) || info.Frames < 1 {
			t.Fatalf("implausible Info %+v accepted", info)
		}
		// A hostile header can claim 2^36 samples; reading stops at the
		// first bad frame, and the data is finite, so this ends quickly.
		block := 1 + len(data)%611
		buf := make([][]float64, info.Channels)
		for ch := range buf {
			buf[ch] = make([]float64, block)
		}
		var first []float64
		var total int64
		for {
			n, err := r.Read(buf)
			for ch := range buf {
				for _, v := range buf[ch][:n] {
					if math.IsNaN(v) || v < -1 || v >= 1 {
						t.Fatalf("sample %v out of range", v)
					}
				}
			}
			if total < 64 {
				first = append(first, buf[0][:min(n, int(64-total))]...)
			}
			total += int64(n)
			if err == io.EOF {
				break
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz.flac: ") || !errors.Is(err, ErrFormat) {
					t.Fatalf("read error %q does not name the file or is not ErrFormat", err)
				}
				break
			}
		}
		if total > info.Frames {
			t.Fatalf("read %d frames, Info says %d", total, info.Frames)
		}
		if len(first) == 0 {
			return
		}
		if err := r.SeekFrame(0); err != nil {
			t.Fatal(err)
		}
		again := make([][]float64, info.Channels)
		for ch := range again {
			again[ch] = make([]float64, len(first))
		}
		if n, err := r.Read(again); err != nil || n != len(first) || !equal(again[0][:n], first) {
			t.Fatalf("re-read after SeekFrame(0): n=%d err=%v, samples differ", n, err)
		}
	})
}

// TestFLACFuzzSeeds writes the hostile variations of a fixture into
// FuzzFLAC's seed corpus with -update-seeds (the fixtures themselves are
// added by FuzzFLAC). Other files there are inputs the fuzzer found.
func TestFLACFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("-update-seeds not set")
	}
	dir := "testdata/fuzz/FuzzFLAC"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range flacBroken(readFixture(t, flacFixtures[0].name)) {
		if err := os.WriteFile(filepath.Join(dir, "bad-"+name), encodeSeed(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
