package audiofile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The RIFF/WAVE container is parsed here rather than by go-audio/wav (see
// the package comment for why). The parser:
//   - measures the real file length first and checks every declared size
//     against it, so a size never drives an allocation or a long read;
//   - reads only fixed-size headers (8 bytes per chunk, at most 40 of fmt);
//   - accepts chunks in any order (a data chunk before fmt included, as
//     ffmpeg does for seekable input), skips unknown chunks, and honours
//     the pad byte after odd-sized chunks;
//   - tolerates a missing pad byte after the last chunk, a RIFF size that
//     is too small, trailing bytes after the RIFF chunk and a trailing
//     partial frame in the data chunk (ignored): all seen in the wild and
//     harmless. A RIFF or chunk size beyond the end of the file is an
//     error, so truncated files and streamed WAVs whose sizes were never
//     filled in (0xFFFFFFFF) are reported rather than guessed at.

// WAVE format tags.
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

// ksGUIDTail is bytes 2..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs, whose first
// two bytes are the plain format tag: 00000001-0000-0010-8000-00aa00389b71
// is PCM and 00000003-... is IEEE float.
var ksGUIDTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// maxChunks bounds the chunk walk before both fmt and data are found. Real
// files have a handful of chunks; the bound keeps a file made of millions
// of empty chunks from costing millions of reads.
const maxChunks = 1024

// header is what the parser learns from a file.
type header struct {
	info       Info
	kind       sampleKind
	frameBytes int
	dataOff    int64 // byte offset of the first sample
}

func formatErr(name, format string, args ...any) error {
	return &FormatError{Name: name, Msg: fmt.Sprintf(format, args...)}
}

// readAt reads exactly len(b) bytes at off.
func readAt(rs io.ReadSeeker, off int64, b []byte) error {
	if _, err := rs.Seek(off, io.SeekStart); err != nil {
		return err
	}
	_, err := io.ReadFull(rs, b)
	return err
}

// parseHeader reads the RIFF structure of a WAV file up to and including
// the fmt and data chunk headers. It reads no sample data.
func parseHeader(rs io.ReadSeeker, name string) (header, error) {
	var h header
	ioErr := func(what string, err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return formatErr(name, "file ends while reading %s (truncated or changed while reading?)", what)
		}
		return fmt.Errorf("%s: reading %s: %w", name, what, err)
	}

	size, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return h, ioErr("file size", err)
	}
	if size == 0 {
		return h, formatErr(name, "empty file, not a WAV file")
	}
	if size < 12 {
		return h, formatErr(name, "file is only %d bytes, too short for a RIFF/WAVE header (12 bytes); truncated?", size)
	}

	var b [12]byte
	if err := readAt(rs, 0, b[:12]); err != nil {
		return h, ioErr("RIFF header", err)
	}
	switch id := string(b[0:4]); id {
	case "RIFF":
	case "RIFX":
		return h, formatErr(name, "big-endian RIFX files are not supported")
	case "RF64", "BW64":
		return h, formatErr(name, "%s (WAV larger than 4 GiB) is not supported; split the file or convert it to FLAC", id)
	default:
		return h, formatErr(name, "not a WAV file: starts with %q, not \"RIFF\"", b[0:4])
	}
	if form := string(b[8:12]); form != "WAVE" {
		return h, formatErr(name, "RIFF file of type %q, not a WAVE file", b[8:12])
	}
	riffSize := int64(binary.LittleEndian.Uint32(b[4:8]))
	if riffSize < 4 {
		return h, formatErr(name, "RIFF header declares a size of %d bytes, too small to hold anything", riffSize)
	}
	// A RIFF size beyond the file means truncation (one byte over is a
	// writer that forgot the last pad byte). One that is too small is a
	// writer that did not update it; the chunks are then bounded by the
	// real file length instead, which is all safety needs.
	if riffEnd := 8 + riffSize; riffEnd > size+1 {
		return h, formatErr(name, "RIFF header declares %d bytes but the file has only %d (truncated file?)", riffEnd, size)
	}
	end := size

	var (
		haveFmt, haveData bool
		dataOff, dataSize int64
		fmtBuf            [40]byte // the first 40 bytes of fmt are all we use
		fmtBytes          []byte
	)
	off := int64(12)
	for chunks := 0; off+8 <= end && !(haveFmt && haveData); chunks++ {
		if chunks == maxChunks {
			return h, formatErr(name, "more than %d chunks before the fmt and data chunks; not a plausible WAV file", maxChunks)
		}
		if err := readAt(rs, off, b[:8]); err != nil {
			return h, ioErr("chunk header", err)
		}
		id := string(b[0:4])
		csize := int64(binary.LittleEndian.Uint32(b[4:8]))
		body := off + 8
		if remain := end - body; csize > remain {
			if id == "data" {
				return h, formatErr(name, "data chunk declares %d bytes but only %d remain in the file (truncated file?)", csize, remain)
			}
			return h, formatErr(name, "chunk %q at byte %d declares %d bytes but only %d remain in the file (truncated or corrupt file?)", b[0:4], off, csize, remain)
		}
		switch id {
		case "fmt ":
			if haveFmt {
				return h, formatErr(name, "more than one fmt chunk")
			}
			if csize < 16 {
				return h, formatErr(name, "fmt chunk is %d bytes, need at least 16", csize)
			}
			fmtBytes = fmtBuf[:min(csize, int64(len(fmtBuf)))]
			if err := readAt(rs, body, fmtBytes); err != nil {
				return h, ioErr("fmt chunk", err)
			}
			haveFmt = true
		case "data":
			// A second data chunk is ignored, as by other readers.
			if !haveData {
				dataOff, dataSize = body, csize
				haveData = true
			}
		}
		off = body + csize + csize&1
	}
	if !haveFmt {
		return h, formatErr(name, "no fmt chunk, so the sample format is unknown")
	}
	if !haveData {
		return h, formatErr(name, "no data chunk (no audio in the file, or it is truncated)")
	}
	if err := parseFmt(fmtBytes, &h, name); err != nil {
		return h, err
	}
	h.dataOff = dataOff
	h.info.Frames = dataSize / int64(h.frameBytes)
	return h, nil
}

// formatTagNames names the tags people are most likely to meet, so the error
// says "MPEG Layer 3" rather than a bare number.
var formatTagNames = map[uint16]string{
	0x0002: "Microsoft ADPCM",
	0x0006: "A-law",
	0x0007: "mu-law",
	0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10",
	0x0050: "MPEG",
	0x0055: "MPEG Layer 3",
	0x2000: "AC-3",
}

// parseFmt validates the fmt chunk (16 to 40 bytes of it) and fills h.
func parseFmt(f []byte, h *header, name string) error {
	le := binary.LittleEndian
	tag := le.Uint16(f[0:])
	channels := int(le.Uint16(f[2:]))
	rate := int64(le.Uint32(f[4:]))
	blockAlign := int(le.Uint16(f[12:]))
	bits := int(le.Uint16(f[14:]))
	validBits := bits
	var mask uint32

	isFloat := false
	switch tag {
	case tagPCM:
	case tagFloat:
		isFloat = true
	case tagExtensible:
		if len(f) < 40 {
			return formatErr(name, "WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes, need 40", len(f))
		}
		if cb := le.Uint16(f[16:]); cb < 22 {
			return formatErr(name, "WAVE_FORMAT_EXTENSIBLE fmt chunk has cbSize %d, need 22", cb)
		}
		validBits = int(le.Uint16(f[18:]))
		mask = le.Uint32(f[20:])
		guid := f[24:40]
		sub := le.Uint16(guid[0:])
		if [14]byte(guid[2:]) != ksGUIDTail || (sub != tagPCM && sub != tagFloat) {
			return formatErr(name, "unsupported WAVE_FORMAT_EXTENSIBLE sub-format %s; only PCM and IEEE float are supported", guidString(guid))
		}
		isFloat = sub == tagFloat
		if validBits == 0 { // some writers leave it unset
			validBits = bits
		}
	default:
		what := formatTagNames[tag]
		if what == "" {
			what = "unknown"
		}
		return formatErr(name, "unsupported format tag 0x%04X (%s); only PCM and IEEE float WAV files are supported", tag, what)
	}

	switch {
	case channels == 0:
		return formatErr(name, "fmt chunk declares zero channels")
	case channels > MaxChannels:
		return formatErr(name, "fmt chunk declares %d channels, more than the supported maximum of %d", channels, MaxChannels)
	case rate == 0:
		return formatErr(name, "fmt chunk declares a sample rate of 0 Hz")
	case rate > MaxSampleRate:
		return formatErr(name, "fmt chunk declares a sample rate of %d Hz, more than the supported maximum of %d", rate, MaxSampleRate)
	}
	kind := kindOf(bits, isFloat)
	if kind == 0 {
		if isFloat {
			return formatErr(name, "unsupported float bit depth %d (want 32 or 64)", bits)
		}
		return formatErr(name, "unsupported PCM bit depth %d (want 8, 16, 24 or 32)", bits)
	}
	if validBits > bits {
		return formatErr(name, "fmt chunk declares %d valid bits in a %d-bit sample container", validBits, bits)
	}
	if isFloat {
		validBits = bits // a float's precision is its format's, whatever a writer claims
	}
	frameBytes := channels * bits / 8
	if blockAlign != frameBytes {
		return formatErr(name, "fmt chunk declares a block align of %d bytes, but %d channels of %d-bit samples need %d", blockAlign, channels, bits, frameBytes)
	}

	h.kind = kind
	h.frameBytes = frameBytes
	h.info = Info{
		SampleRate:  int(rate),
		Channels:    channels,
		BitDepth:    bits,
		Float:       isFloat,
		ValidBits:   validBits,
		ChannelMask: mask,
	}
	return nil
}

// guidString formats a little-endian Windows GUID the usual way.
func guidString(g []byte) string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(g[0:]), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}
