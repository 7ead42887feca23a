package audiofile

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Test WAV files are built byte by byte here, independently of the Writer,
// so reader tests do not depend on writer code and broken files can be made
// exactly as broken as wanted.

var le = binary.LittleEndian

// chunk returns a well-formed chunk: id, size, body and a pad byte when the
// body is odd-sized.
func chunk(id string, body []byte) []byte {
	b := append([]byte(id), le.AppendUint32(nil, uint32(len(body)))...)
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// rawChunk returns a chunk header declaring size, followed by body as is.
func rawChunk(id string, size uint32, body []byte) []byte {
	b := append([]byte(id), le.AppendUint32(nil, size)...)
	return append(b, body...)
}

// riffWave wraps chunks in a RIFF/WAVE header with the correct size.
func riffWave(chunks ...[]byte) []byte {
	body := []byte("WAVE")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), le.AppendUint32(nil, uint32(len(body)))...), body...)
}

// fmtBody is a 16-byte WAVEFORMAT with an explicit block align.
func fmtBody(tag uint16, channels int, rate uint32, blockAlign, bits int) []byte {
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, rate*uint32(blockAlign))
	b = le.AppendUint16(b, uint16(blockAlign))
	return le.AppendUint16(b, uint16(bits))
}

// fmtStd is a consistent 16-byte fmt body.
func fmtStd(tag uint16, channels int, rate uint32, bits int) []byte {
	return fmtBody(tag, channels, rate, channels*bits/8, bits)
}

// fmtExt is a 40-byte WAVE_FORMAT_EXTENSIBLE body.
func fmtExt(channels int, rate uint32, bits, validBits int, mask uint32, subTag uint16) []byte {
	b := fmtBody(tagExtensible, channels, rate, channels*bits/8, bits)
	b = le.AppendUint16(b, 22)
	b = le.AppendUint16(b, uint16(validBits))
	b = le.AppendUint32(b, mask)
	b = le.AppendUint16(b, subTag)
	return append(b, ksGUIDTail[:]...)
}

// encodeInts interleaves planar signed integer samples as stored in a file
// of the given depth (8-bit offset to unsigned).
func encodeInts(bits int, planar [][]int64) []byte {
	var b []byte
	for i := range planar[0] {
		for ch := range planar {
			v := planar[ch][i]
			switch bits {
			case 8:
				b = append(b, byte(v+128))
			case 16:
				b = le.AppendUint16(b, uint16(v))
			case 24:
				b = append(b, byte(v), byte(v>>8), byte(v>>16))
			case 32:
				b = le.AppendUint32(b, uint32(v))
			}
		}
	}
	return b
}

// randomInts returns planar random samples covering the full range of the
// depth, with the extremes and zero forced in at the start.
func randomInts(bits, channels, frames int, seed uint64) [][]int64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	lo, hi := IntRange(bits)
	out := make([][]int64, channels)
	for ch := range out {
		out[ch] = make([]int64, frames)
		for i := range out[ch] {
			out[ch][i] = int64(lo) + rng.Int64N(int64(hi)-int64(lo)+1)
		}
		special := []int64{int64(lo), int64(hi), 0, -1, 1, int64(lo) + 1, int64(hi) - 1}
		copy(out[ch], special[min(ch, 2):])
	}
	return out
}

// intWAV builds a plain PCM file.
func intWAV(bits int, rate uint32, planar [][]int64) []byte {
	return riffWave(chunk("fmt ", fmtStd(tagPCM, len(planar), rate, bits)), chunk("data", encodeInts(bits, planar)))
}

// float32WAV / float64WAV build IEEE float files (fmt tag 3).
func float32WAV(rate uint32, planar [][]float32) []byte {
	var d []byte
	for i := range planar[0] {
		for ch := range planar {
			d = le.AppendUint32(d, math.Float32bits(planar[ch][i]))
		}
	}
	return riffWave(chunk("fmt ", fmtStd(tagFloat, len(planar), rate, 32)), chunk("fact", le.AppendUint32(nil, uint32(len(planar[0])))), chunk("data", d))
}

func float64WAV(rate uint32, planar [][]float64) []byte {
	var d []byte
	for i := range planar[0] {
		for ch := range planar {
			d = le.AppendUint64(d, math.Float64bits(planar[ch][i]))
		}
	}
	return riffWave(chunk("fmt ", fmtStd(tagFloat, len(planar), rate, 64)), chunk("data", d))
}

// readAll reads a whole stream with blocks of the given size.
func readAll(t testing.TB, r *Reader, block int) [][]float64 {
	t.Helper()
	ch := r.Info().Channels
	out := make([][]float64, ch)
	buf := make([][]float64, ch)
	for c := range buf {
		buf[c] = make([]float64, block)
	}
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			if n != 0 {
				t.Fatalf("Read returned n=%d with io.EOF", n)
			}
			break
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if n == 0 {
			t.Fatalf("Read returned 0, nil")
		}
		for c := range out {
			out[c] = append(out[c], buf[c][:n]...)
		}
	}
	return out
}

// readBytes opens in-memory WAV data.
func readBytes(t testing.TB, data []byte) *Reader {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "test.wav")
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	return r
}

// writeTemp writes data to a file in a fresh temporary directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dataChunk returns the body of the data chunk of a well-formed file, found
// by the parser under test only for its offset.
func dataChunk(t testing.TB, file []byte) []byte {
	t.Helper()
	r := readBytes(t, file)
	n := r.Info().Frames * int64(r.frameBytes)
	return file[r.dataOff : r.dataOff+n]
}
