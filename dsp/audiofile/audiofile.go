// Package audiofile reads WAV and FLAC files and writes WAV files for
// mixdown.
//
// Reading streams planar float64 frames from PCM (8/16/24/32-bit integer)
// and IEEE float (32/64-bit) data, in plain WAVE_FORMAT_PCM /
// WAVE_FORMAT_IEEE_FLOAT files and in WAVE_FORMAT_EXTENSIBLE ones, and
// from 8/16/24-bit FLAC. Open, NewReader and ReadInfo tell the formats
// apart by their first bytes ("RIFF" or "fLaC"), so every caller reads
// both. Writing
// produces 8/16/24/32-bit integer or 32/64-bit float files atomically: into a
// temporary file beside the target that is renamed over it only on Commit.
//
// # Conversion convention
//
// For N-bit integer PCM (N = 8, 16, 24, 32) let S = IntScale(N) = 2^(N-1).
//
//	read:  x = v / S                      v is the signed sample; 8-bit data is
//	                                      unsigned and stored as v + 128
//	write: v = roundHalfEven(x * S), clipped to [-S, S-1]; NaN writes 0
//
// FLAC samples are integers too and read by the same rule, so a FLAC and a
// WAV of the same PCM give identical float64s.
//
// So int16 reads as v/32768 in [-1, 32767/32768] and +1.0 writes as 32767.
// S is a power of two, so v/S and (v/S)*S are exact in float64 for N <= 32:
// reading integer PCM and writing it back at the same depth is bit-exact,
// and so is writing any value already quantised to k/S (what a dither stage
// produces). Quantize is the writer's exact rounding rule, exported for that
// stage. Float data is read exactly (float32 widens to float64 without
// loss); float output is written as float32 unless 64-bit is asked for.
//
// Non-finite samples never leave this package: NaN and ±Inf read from a
// float file become 0 (counted by Reader.NonFinite), and on writing NaN
// becomes 0 and ±Inf the largest representable value (Writer.NonFinite).
//
// # Hostile input
//
// Stems come from other people's pull requests, so the reader treats every
// declared size as untrusted: sizes are checked against the real file length
// before anything is read, nothing is allocated from a declared size, and
// every problem is returned as an error that names the file (a *FormatError,
// matching ErrFormat) rather than a panic.
//
// # Why not go-audio/wav for the container
//
// go.mod carries github.com/go-audio/wav and the design card suggested it for
// the RIFF container. Probing v1.1.0 (with go-audio/riff v1.0.0) showed it
// cannot be used on untrusted input, so this package parses RIFF itself and
// keeps go-audio only as the baseline in the benchmarks:
//   - riff.Chunk.DecodeWavHeader allocates make([]byte, size-16) from the
//     declared fmt size: a 256 MiB claim in a 60-byte file allocated 512 MiB,
//     and a 4 GiB claim would take the process down.
//   - riff.Parser.IDnSize ignores read errors (it tests err != err).
//   - IEEE float data is decoded as integers (0.5f comes back as 1056964608),
//     and the extensible sub-format GUID is never looked at.
//   - Errors carry neither the file name nor the problem: a truncated
//     file gives "error reading chunk header - EOF", zero channels gives
//     "PCM Chunk not found in audio file".
//
// # FLAC
//
// FLAC is decoded by github.com/mewkiz/flac: pure Go (mixdown has no cgo),
// maintained, and it decodes every FLAC feature encoders use (LPC up to
// order 32, Rice partitions, all stereo decorrelations, variable block
// sizes). flac.go wraps it: STREAMINFO and every frame header are checked
// before samples are trusted, decoding is one frame at a time (memory is
// bounded by one frame), and a panic inside the decoder becomes an error
// naming the file. The total length must be declared in STREAMINFO, as
// every encoder writing a file does: mixdown sizes the timeline up front.
//
// The encoder writes a plain 16-byte fmt chunk only (no extensible, no fact
// chunk for float) and goes through binary.Write once per sample. The
// benchmarks in bench_test.go compare both paths.
package audiofile

import (
	"errors"
	"math"
)

// Limits on what a file may declare. They are generous for audio and exist
// so that a corrupt or hostile header cannot make a caller allocate
// channel- or rate-proportional buffers of absurd size.
const (
	MaxChannels   = 1024      // far beyond Atmos ADM (128) and HOA order 7 (64)
	MaxSampleRate = 4_000_000 // Hz; covers ultrasonic and SDR recordings
)

// Info describes the audio in a WAV or FLAC file.
type Info struct {
	SampleRate int
	Channels   int
	Frames     int64 // frames in the data chunk
	BitDepth   int   // bits per sample as stored: 8, 16, 24, 32, 64
	Float      bool  // IEEE float samples

	// ValidBits is the number of meaningful bits in each sample: BitDepth
	// except for WAVE_FORMAT_EXTENSIBLE files that say otherwise (e.g. 20
	// bits in a 24-bit container). The reader scales by the container, so
	// this is informational.
	ValidBits int
	// ChannelMask is the speaker-position mask of a WAVE_FORMAT_EXTENSIBLE
	// file, 0 when absent or unassigned.
	ChannelMask uint32
}

// Duration returns the length of the audio in seconds.
func (i Info) Duration() float64 {
	if i.SampleRate <= 0 {
		return 0
	}
	return float64(i.Frames) / float64(i.SampleRate)
}

// Encoding selects the sample format the Writer produces: BitDepth 8, 16, 24
// or 32 with Float false, or 32 or 64 with Float true.
type Encoding struct {
	BitDepth int
	Float    bool

	// ChannelMask, when non-zero, is written as the speaker-position mask
	// and forces WAVE_FORMAT_EXTENSIBLE. Leave it 0 when the mix does not
	// define a speaker layout: integer files with more than two channels
	// are then EXTENSIBLE with mask 0 ("no speaker assignment").
	ChannelMask uint32
}

// Common encodings.
var (
	PCM16   = Encoding{BitDepth: 16}
	PCM24   = Encoding{BitDepth: 24}
	PCM32   = Encoding{BitDepth: 32}
	Float32 = Encoding{BitDepth: 32, Float: true}
)

// ErrFormat is matched (errors.Is) by every error about malformed or
// unsupported WAV content, as opposed to I/O errors.
var ErrFormat = errors.New("malformed or unsupported WAV file")

// FormatError reports a WAV file that is malformed or uses something this
// package does not read or write.
type FormatError struct {
	Name string // the file, as given to Open, NewReader or Create
	Msg  string // what is wrong, in words
}

func (e *FormatError) Error() string { return e.Name + ": " + e.Msg }

// Unwrap makes errors.Is(err, ErrFormat) true.
func (e *FormatError) Unwrap() error { return ErrFormat }

// IntScale returns S = 2^(bitDepth-1), the integer full scale: an N-bit
// sample v stands for v/S. It returns 0 for depths other than 8, 16, 24, 32.
func IntScale(bitDepth int) float64 {
	switch bitDepth {
	case 8, 16, 24, 32:
		return float64(int64(1) << (bitDepth - 1))
	}
	return 0
}

// IntRange returns the smallest and largest sample value of N-bit integer
// PCM, as signed values (8-bit is stored offset by 128): [-S, S-1].
func IntRange(bitDepth int) (lo, hi int32) {
	s := int64(IntScale(bitDepth))
	if s == 0 {
		return 0, 0
	}
	return int32(-s), int32(s - 1)
}

// Quantize converts x to an N-bit integer sample exactly as the Writer
// does: round half to even of x*IntScale(bitDepth), clipped to
// IntRange(bitDepth); NaN gives 0. It returns 0 for unsupported depths.
func Quantize(x float64, bitDepth int) int32 {
	s := IntScale(bitDepth)
	if s == 0 {
		return 0
	}
	v, _ := quantize(x*s, -s, s-1)
	return int32(v)
}

// quantize rounds v half to even and clips it to [lo, hi]. state is 0 for an
// in-range value, 1 for a clipped finite value, 2 for NaN or ±Inf.
// Rounding is exact IEEE arithmetic, so the result is the same on every
// machine.
func quantize(v, lo, hi float64) (q float64, state int) {
	r := roundHalfEven(v)
	switch {
	case r >= lo && r <= hi:
		return r, 0
	case r > hi:
		if math.IsInf(r, 1) {
			return hi, 2
		}
		return hi, 1
	case r < lo:
		if math.IsInf(r, -1) {
			return lo, 2
		}
		return lo, 1
	}
	return 0, 2 // NaN
}
