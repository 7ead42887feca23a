package audiofile

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
)

type brokenCase struct {
	name string
	data []byte
	want string // substring of the error
}

// brokenCases are malformed or unsupported WAV files, each built to fail in
// one specific way. They double as fuzz seeds.
func brokenCases() []brokenCase {
	stereo16 := fmtStd(tagPCM, 2, 48000, 16)
	samples := chunk("data", make([]byte, 16))
	good := riffWave(chunk("fmt ", stereo16), samples)

	withRIFFSize := func(b []byte, size uint32) []byte {
		b = bytes.Clone(b)
		le.PutUint32(b[4:], size)
		return b
	}
	fmtWith := func(mod func(b []byte)) []byte {
		b := bytes.Clone(stereo16)
		mod(b)
		return riffWave(chunk("fmt ", b), samples)
	}
	flood := make([][]byte, 0, maxChunks+2)
	for range maxChunks + 1 {
		flood = append(flood, chunk("junk", nil))
	}
	flood = append(flood, chunk("fmt ", stereo16), samples)

	ext := fmtExt(2, 48000, 24, 24, 3, tagPCM)
	extWith := func(mod func(b []byte)) []byte {
		b := bytes.Clone(ext)
		mod(b)
		return riffWave(chunk("fmt ", b), chunk("data", make([]byte, 12)))
	}

	return []brokenCase{
		{"empty", nil, "empty file"},
		{"too short", []byte("RIFF\x04\x00\x00\x00WAV"), "too short for a RIFF/WAVE header"},
		{"not RIFF", append([]byte("OggS"), make([]byte, 40)...), `not a WAV file: starts with "OggS"`},
		{"big-endian RIFX", append([]byte("RIFX"), good[4:]...), "big-endian RIFX"},
		{"RF64", append([]byte("RF64"), good[4:]...), "RF64 (WAV larger than 4 GiB) is not supported"},
		{"RIFF AVI", append(append([]byte("RIFF"), good[4:8]...), "AVI LIST"...), `RIFF file of type "AVI "`},
		{"RIFF size too small", withRIFFSize(good, 2), "declares a size of 2 bytes"},
		{"truncated file", good[:50], "the file has only 50 (truncated file?)"},
		{"huge RIFF size", withRIFFSize(good, 0xFFFFFFFF), "declares 4294967303 bytes"},
		{"truncated data chunk", riffWave(chunk("fmt ", stereo16), rawChunk("data", 1000, make([]byte, 16))), "data chunk declares 1000 bytes but only 16 remain"},
		{"huge data size", riffWave(chunk("fmt ", stereo16), rawChunk("data", 0xFFFFFFF0, make([]byte, 16))), "data chunk declares 4294967280 bytes"},
		{"huge fmt size", riffWave(rawChunk("fmt ", 0xFFFFFFF0, stereo16), samples), `chunk "fmt " at byte 12 declares 4294967280 bytes`},
		{"huge LIST size", riffWave(chunk("fmt ", stereo16), rawChunk("LIST", 0x7FFFFFFF, []byte("INFO")), samples), `chunk "LIST" at byte 36 declares 2147483647 bytes`},
		{"no fmt chunk", riffWave(samples), "no fmt chunk"},
		{"data before fmt, fmt missing", riffWave(chunk("LIST", []byte("INFO")), samples, chunk("junk", []byte{1, 2})), "no fmt chunk"},
		{"no data chunk", riffWave(chunk("fmt ", stereo16), chunk("LIST", []byte("INFO"))), "no data chunk"},
		{"header cut inside chunk header", riffWave(chunk("fmt ", stereo16), []byte("dat")), "no data chunk"},
		{"fmt too small", riffWave(chunk("fmt ", stereo16[:14]), samples), "fmt chunk is 14 bytes, need at least 16"},
		{"zero channels", fmtWith(func(b []byte) { le.PutUint16(b[2:], 0) }), "zero channels"},
		{"absurd channels", fmtWith(func(b []byte) { le.PutUint16(b[2:], 65535); le.PutUint16(b[12:], 65535) }), "65535 channels, more than the supported maximum"},
		{"zero sample rate", fmtWith(func(b []byte) { le.PutUint32(b[4:], 0) }), "sample rate of 0 Hz"},
		{"absurd sample rate", fmtWith(func(b []byte) { le.PutUint32(b[4:], 0xFFFFFFFF) }), "sample rate of 4294967295 Hz"},
		{"12-bit PCM", fmtWith(func(b []byte) { le.PutUint16(b[14:], 12) }), "unsupported PCM bit depth 12"},
		{"0-bit PCM", fmtWith(func(b []byte) { le.PutUint16(b[14:], 0) }), "unsupported PCM bit depth 0"},
		{"64-bit PCM", fmtWith(func(b []byte) { le.PutUint16(b[14:], 64); le.PutUint16(b[12:], 16) }), "unsupported PCM bit depth 64"},
		{"16-bit float", fmtWith(func(b []byte) { le.PutUint16(b[0:], tagFloat) }), "unsupported float bit depth 16"},
		{"block align too small", fmtWith(func(b []byte) { le.PutUint16(b[12:], 2) }), "block align of 2 bytes, but 2 channels of 16-bit samples need 4"},
		{"block align zero", fmtWith(func(b []byte) { le.PutUint16(b[12:], 0) }), "block align of 0 bytes"},
		{"ADPCM", fmtWith(func(b []byte) { le.PutUint16(b[0:], 2) }), "format tag 0x0002 (Microsoft ADPCM)"},
		{"MP3", fmtWith(func(b []byte) { le.PutUint16(b[0:], 0x55) }), "format tag 0x0055 (MPEG Layer 3)"},
		{"unknown tag", fmtWith(func(b []byte) { le.PutUint16(b[0:], 0x1234) }), "format tag 0x1234 (unknown)"},
		{"extensible fmt too short", riffWave(chunk("fmt ", ext[:18]), samples), "WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes, need 40"},
		{"extensible cbSize 0", extWith(func(b []byte) { le.PutUint16(b[16:], 0) }), "cbSize 0, need 22"},
		{"extensible unknown GUID", extWith(func(b []byte) { b[39] = 0x70 }), "unsupported WAVE_FORMAT_EXTENSIBLE sub-format 00000001-0000-0010-8000-00aa00389b70"},
		{"extensible ADPCM sub-format", extWith(func(b []byte) { le.PutUint16(b[24:], 2) }), "sub-format 00000002-"},
		{"extensible valid bits > container", extWith(func(b []byte) { le.PutUint16(b[18:], 32) }), "32 valid bits in a 24-bit sample container"},
		{"duplicate fmt", riffWave(chunk("fmt ", stereo16), chunk("fmt ", stereo16), samples), "more than one fmt chunk"},
		{"chunk flood", riffWave(flood...), "more than 1024 chunks"},
	}
}

func TestBrokenFiles(t *testing.T) {
	cases := brokenCases()
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(c.data), "stems/broken.wav")
			if err == nil {
				t.Fatalf("accepted: %+v", r.Info())
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "stems/broken.wav: ") {
				t.Errorf("error does not start with the file name: %q", msg)
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q does not contain %q", msg, c.want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", msg)
			}
			// Through the file-based entry points too.
			path := writeTemp(t, "broken.wav", c.data)
			if _, err := ReadInfo(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ReadInfo: %v", err)
			}
			if _, err := Open(path); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Open: %v", err)
			}
		})
	}
}

// TestNoAllocFromDeclaredSizes: parsing a file that declares gigabytes
// allocates only a small, fixed amount.
func TestNoAllocFromDeclaredSizes(t *testing.T) {
	for _, c := range brokenCases() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		NewReader(bytes.NewReader(c.data), "x.wav")
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<10 {
			t.Errorf("%s: parsing allocated %d bytes", c.name, n)
		}
	}
}
