package audiofile

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// Benchmarks of the bulk conversion against go-audio/wav's per-sample path
// (binary.Write per sample when encoding, a reader call per sample when
// decoding). Both sides produce or consume the same planar float64
// normalised stereo signal, 10 s at 48 kHz, in 4096-frame blocks; MB/s is
// WAV sample bytes. Run:
//
//	go test ./dsp/audiofile -run '^$' -bench . -benchtime 20x
//
// go-audio cannot decode float, so float rows have no go-audio twin.

const (
	benchFrames = 480000
	benchBlock  = 4096
)

func benchSignal() [][]float64 {
	p := [][]float64{make([]float64, benchFrames), make([]float64, benchFrames)}
	for i := range p[0] {
		p[0][i] = 0.9 * math.Sin(float64(i)*0.0123)
		p[1][i] = 0.7 * math.Sin(float64(i)*0.0071+1)
	}
	return p
}

// benchBlocks cuts the signal into planar blocks once, so the loops below
// measure conversion and I/O, not slicing.
func benchBlocks(p [][]float64) [][][]float64 {
	var out [][][]float64
	for off := 0; off < len(p[0]); off += benchBlock {
		end := min(off+benchBlock, len(p[0]))
		out = append(out, [][]float64{p[0][off:end], p[1][off:end]})
	}
	return out
}

var benchEncodings = []struct {
	name string
	enc  Encoding
}{
	{"pcm16", PCM16},
	{"pcm24", PCM24},
	{"float32", Float32},
}

func reportPerFrame(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchFrames, "ns/frame")
}

func BenchmarkRead(b *testing.B) {
	sig := benchSignal()
	for _, e := range benchEncodings {
		file := writeFile(b, 48000, e.enc, sig, benchFrames)
		dataBytes := int64(benchFrames * 2 * e.enc.BitDepth / 8)
		b.Run(e.name+"/mixdown", func(b *testing.B) {
			buf := [][]float64{make([]float64, benchBlock), make([]float64, benchBlock)}
			b.SetBytes(dataBytes)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := NewReader(bytes.NewReader(file), "bench.wav")
				if err != nil {
					b.Fatal(err)
				}
				total := 0
				for {
					n, err := r.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					total += n
				}
				if total != benchFrames {
					b.Fatalf("read %d frames", total)
				}
			}
			reportPerFrame(b)
		})
		if e.enc.Float {
			continue
		}
		b.Run(e.name+"/go-audio", func(b *testing.B) {
			buf := [][]float64{make([]float64, benchBlock), make([]float64, benchBlock)}
			ib := &audio.IntBuffer{Data: make([]int, 2*benchBlock)}
			scale := 1 / IntScale(e.enc.BitDepth)
			b.SetBytes(dataBytes)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				d := wav.NewDecoder(bytes.NewReader(file))
				total := 0
				for {
					n, err := d.PCMBuffer(ib)
					if err != nil {
						b.Fatal(err)
					}
					if n == 0 {
						break
					}
					// Same output as Reader.Read: planar, normalised.
					for j := 0; j < n/2; j++ {
						buf[0][j] = float64(ib.Data[2*j]) * scale
						buf[1][j] = float64(ib.Data[2*j+1]) * scale
					}
					total += n / 2
				}
				if total != benchFrames {
					b.Fatalf("read %d frames", total)
				}
			}
			reportPerFrame(b)
		})
	}
}

// noSync hides *os.File from go-audio's Encoder.Close, which would
// otherwise fsync; the mixdown side is timed without Commit's fsync too.
type noSync struct{ *os.File }

func BenchmarkWrite(b *testing.B) {
	blocks := benchBlocks(benchSignal())
	for _, e := range benchEncodings {
		dataBytes := int64(benchFrames * 2 * e.enc.BitDepth / 8)
		b.Run(e.name+"/mixdown", func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "out.wav")
			b.SetBytes(dataBytes)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				w, err := Create(path, 48000, 2, e.enc)
				if err != nil {
					b.Fatal(err)
				}
				for _, blk := range blocks {
					if err := w.Write(blk); err != nil {
						b.Fatal(err)
					}
				}
				w.Abort()
			}
			reportPerFrame(b)
		})
		if e.enc.Float {
			continue
		}
		b.Run(e.name+"/go-audio", func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "out.wav")
			bits := e.enc.BitDepth
			ib := &audio.IntBuffer{
				Format:         &audio.Format{NumChannels: 2, SampleRate: 48000},
				Data:           make([]int, 2*benchBlock),
				SourceBitDepth: bits,
			}
			b.SetBytes(dataBytes)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				enc := wav.NewEncoder(noSync{f}, 48000, bits, 2, 1)
				for _, blk := range blocks {
					n := len(blk[0])
					ib.Data = ib.Data[:2*n]
					quantizeInterleaved(ib.Data, blk, bits)
					if err := enc.Write(ib); err != nil {
						b.Fatal(err)
					}
				}
				if err := enc.Close(); err != nil {
					b.Fatal(err)
				}
				f.Close()
				os.Remove(path)
			}
			reportPerFrame(b)
		})
	}
}

// memWriteSeeker is an in-memory io.WriteSeeker for go-audio's Encoder.
type memWriteSeeker struct {
	buf []byte
	pos int
}

func (m *memWriteSeeker) Write(p []byte) (int, error) {
	if need := m.pos + len(p); need > len(m.buf) {
		m.buf = append(m.buf, make([]byte, need-len(m.buf))...)
	}
	copy(m.buf[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memWriteSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		m.pos = int(off)
	case io.SeekCurrent:
		m.pos += int(off)
	case io.SeekEnd:
		m.pos = len(m.buf) + int(off)
	}
	if m.pos < 0 {
		return 0, errors.New("negative position")
	}
	return int64(m.pos), nil
}

// BenchmarkEncode isolates sample conversion from file I/O: the bulk
// encoder into a byte buffer, against go-audio's Encoder writing to memory.
func BenchmarkEncode(b *testing.B) {
	blocks := benchBlocks(benchSignal())
	for _, e := range benchEncodings {
		kind := kindOf(e.enc.BitDepth, e.enc.Float)
		frameBytes := 2 * e.enc.BitDepth / 8
		b.Run(e.name+"/mixdown", func(b *testing.B) {
			out := make([]byte, 0, benchFrames*frameBytes)
			buf := make([]byte, benchBlock*frameBytes)
			b.SetBytes(int64(benchFrames * frameBytes))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out = out[:0]
				for _, blk := range blocks {
					n := len(blk[0])
					encodeFrames(kind, buf, blk, 0, n, frameBytes)
					out = append(out, buf[:n*frameBytes]...)
				}
			}
			reportPerFrame(b)
		})
		if e.enc.Float {
			continue
		}
		b.Run(e.name+"/go-audio", func(b *testing.B) {
			bits := e.enc.BitDepth
			ib := &audio.IntBuffer{
				Format:         &audio.Format{NumChannels: 2, SampleRate: 48000},
				Data:           make([]int, 2*benchBlock),
				SourceBitDepth: bits,
			}
			ws := &memWriteSeeker{buf: make([]byte, 0, benchFrames*frameBytes+64)}
			b.SetBytes(int64(benchFrames * frameBytes))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ws.buf, ws.pos = ws.buf[:0], 0
				enc := wav.NewEncoder(ws, 48000, bits, 2, 1)
				for _, blk := range blocks {
					n := len(blk[0])
					ib.Data = ib.Data[:2*n]
					quantizeInterleaved(ib.Data, blk, bits)
					if err := enc.Write(ib); err != nil {
						b.Fatal(err)
					}
				}
				enc.Close()
			}
			reportPerFrame(b)
		})
	}
}

// quantizeInterleaved is the caller's share of go-audio's path: it takes
// ints, so float64 must be quantised (the same rule as encodeFrames) and
// interleaved first.
func quantizeInterleaved(dst []int, blk [][]float64, bits int) {
	s := IntScale(bits)
	for j := range blk[0] {
		l, _ := quantize(blk[0][j]*s, -s, s-1)
		r, _ := quantize(blk[1][j]*s, -s, s-1)
		dst[2*j], dst[2*j+1] = int(l), int(r)
	}
}

// BenchmarkDecode isolates the bulk decoder (bytes in memory to planar
// float64), for every stored format.
func BenchmarkDecode(b *testing.B) {
	for _, e := range []struct {
		name string
		kind sampleKind
		bits int
	}{{"pcm8", kindU8, 8}, {"pcm16", kindS16, 16}, {"pcm24", kindS24, 24}, {"pcm32", kindS32, 32}, {"float32", kindF32, 32}, {"float64", kindF64, 64}} {
		b.Run(e.name, func(b *testing.B) {
			frameBytes := 2 * e.bits / 8
			src := make([]byte, benchBlock*frameBytes)
			for i := range src {
				src[i] = byte(i * 7 % 61) // finite values for the float kinds
			}
			dst := [][]float64{make([]float64, benchBlock), make([]float64, benchBlock)}
			b.SetBytes(int64(len(src)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				decodeFrames(e.kind, dst, 0, src, benchBlock, frameBytes)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBlock, "ns/frame")
		})
	}
}
