package audiofile

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// writeBufBytes caps the Writer's conversion buffer, as readBufBytes does
// for the Reader.
const writeBufBytes = 256 << 10

// Writer writes a WAV file atomically (see AtomicFile): samples go to a
// temporary file, and Commit finalises the header, syncs, and renames it
// over the path. A Writer that failed or was aborted leaves no file and
// does not touch an existing file at the path.
//
// Layout written: the conservative choices of the WAV spec, checked by
// hand with sox 14.4.2 (integer layouts read back sample-exact, float
// ones to sox's 32-bit internal precision; sox itself writes the same
// layouts except that it also uses EXTENSIBLE for 24/32-bit stereo) and
// Python's wave module (the plain PCM ones). ffmpeg was not available to
// check; its reader accepts all of these forms.
//   - integer, 1 or 2 channels: WAVE_FORMAT_PCM, 16-byte fmt chunk (the
//     canonical 44-byte header), read by everything including old tools
//     and Python's wave module before 3.12, which reject EXTENSIBLE;
//   - integer, more than 2 channels: WAVE_FORMAT_EXTENSIBLE with the PCM
//     sub-format GUID and valid bits = container bits, as Microsoft's spec
//     asks above two channels;
//   - float, any channel count: WAVE_FORMAT_IEEE_FLOAT, 18-byte fmt chunk
//     (cbSize 0) and a fact chunk, which the RIFF spec requires for every
//     format other than PCM. This is what sox writes; sox warns ("missing
//     extended part of fmt chunk") on EXTENSIBLE float, though it reads it;
//   - a non-zero Encoding.ChannelMask forces EXTENSIBLE (with the float
//     sub-format for float; sox then prints that harmless warning).
//
// Chunks: RIFF/WAVE, fmt, [fact], data, pad byte if the data is odd-sized.
// Files are limited to 4 GiB by the RIFF 32-bit sizes; Write fails before
// exceeding that.
type Writer struct {
	af         *AtomicFile
	path       string
	sampleRate int
	channels   int
	enc        Encoding
	kind       sampleKind
	frameBytes int
	headerLen  int

	frames    int64
	maxFrames int64
	buf       []byte
	hdr       [80]byte
	clipped   int64
	nonFinite int64
	err       error // sticky: the first Write error; Commit then fails
	state     atomicState
}

// Create starts writing a WAV file at path with the given format.
func Create(path string, sampleRate, channels int, enc Encoding) (*Writer, error) {
	switch {
	case channels < 1 || channels > MaxChannels:
		return nil, &FormatError{path, fmt.Sprintf("cannot write %d channels (want 1 to %d)", channels, MaxChannels)}
	case sampleRate < 1 || sampleRate > MaxSampleRate:
		return nil, &FormatError{path, fmt.Sprintf("cannot write a sample rate of %d Hz (want 1 to %d)", sampleRate, MaxSampleRate)}
	}
	kind := kindOf(enc.BitDepth, enc.Float)
	if kind == 0 {
		return nil, &FormatError{path, fmt.Sprintf("cannot write %s", encName(enc))}
	}
	w := &Writer{
		path:       path,
		sampleRate: sampleRate,
		channels:   channels,
		enc:        enc,
		kind:       kind,
		frameBytes: channels * enc.BitDepth / 8,
	}
	w.headerLen = len(w.header())
	// The RIFF size (file length - 8) must fit in 32 bits, pad byte included.
	w.maxFrames = (0xFFFFFFFF - int64(w.headerLen-8) - 1) / int64(w.frameBytes)

	af, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	w.af = af
	if _, err := af.Write(w.header()); err != nil {
		af.Abort()
		return nil, fmt.Errorf("%s: writing header: %w", path, err)
	}
	return w, nil
}

func encName(enc Encoding) string {
	if enc.Float {
		return fmt.Sprintf("%d-bit float samples (want 32 or 64)", enc.BitDepth)
	}
	return fmt.Sprintf("%d-bit integer samples (want 8, 16, 24 or 32)", enc.BitDepth)
}

// extensible reports whether the fmt chunk is WAVE_FORMAT_EXTENSIBLE.
func (w *Writer) extensible() bool {
	return w.enc.ChannelMask != 0 || (w.channels > 2 && !w.enc.Float)
}

// header builds the file header for the frames written so far, in w.hdr.
func (w *Writer) header() []byte {
	le := binary.LittleEndian
	dataBytes := uint32(w.frames * int64(w.frameBytes))
	b := w.hdr[:0]
	b = append(b, "RIFF\x00\x00\x00\x00WAVEfmt "...)
	tag := uint16(tagPCM)
	if w.enc.Float {
		tag = tagFloat
	}
	fmtTag, fmtSize := tag, uint32(16)
	if w.extensible() {
		fmtTag, fmtSize = tagExtensible, 40
	} else if w.enc.Float {
		fmtSize = 18
	}
	b = le.AppendUint32(b, fmtSize)
	b = le.AppendUint16(b, fmtTag)
	b = le.AppendUint16(b, uint16(w.channels))
	b = le.AppendUint32(b, uint32(w.sampleRate))
	b = le.AppendUint32(b, uint32(min(int64(w.sampleRate)*int64(w.frameBytes), 0xFFFFFFFF)))
	b = le.AppendUint16(b, uint16(w.frameBytes))
	b = le.AppendUint16(b, uint16(w.enc.BitDepth))
	switch fmtSize {
	case 18:
		b = le.AppendUint16(b, 0) // cbSize
	case 40:
		b = le.AppendUint16(b, 22)                     // cbSize
		b = le.AppendUint16(b, uint16(w.enc.BitDepth)) // valid bits
		b = le.AppendUint32(b, w.enc.ChannelMask)
		b = le.AppendUint16(b, tag) // sub-format GUID
		b = append(b, ksGUIDTail[:]...)
	}
	if w.enc.Float {
		b = append(b, "fact"...)
		b = le.AppendUint32(b, 4)
		b = le.AppendUint32(b, uint32(w.frames)) // frames per channel
	}
	b = append(b, "data"...)
	b = le.AppendUint32(b, dataBytes)
	riffSize := uint32(len(b)) - 8 + dataBytes + dataBytes&1
	le.PutUint32(b[4:], riffSize)
	return b
}

// Path returns the final path.
func (w *Writer) Path() string { return w.path }

// TempPath returns the temporary file being written.
func (w *Writer) TempPath() string { return w.af.TempPath() }

// Frames returns the number of frames written so far.
func (w *Writer) Frames() int64 { return w.frames }

// Clipped returns how many finite samples were outside the output range
// and clipped (for integer output, those outside [-1, 1) after rounding).
func (w *Writer) Clipped() int64 { return w.clipped }

// NonFinite returns how many NaN or infinite samples were written (NaN as
// 0, ±Inf as the extreme value).
func (w *Writer) NonFinite() int64 { return w.nonFinite }

// Write appends len(src[0]) frames. len(src) must equal the channel count
// and every src[ch] must have the same length. Samples are converted in
// bulk (see the package comment for rounding and clipping). After the first
// call with a given size, Write does not allocate. Any error is sticky: the
// Writer can then only be aborted, and Commit fails.
func (w *Writer) Write(src [][]float64) error {
	if w.state != atomicOpen {
		return w.af.errClosed("Write")
	}
	if w.err != nil {
		return w.err
	}
	if len(src) != w.channels {
		w.err = fmt.Errorf("%s: Write given %d channels, the file has %d", w.path, len(src), w.channels)
		return w.err
	}
	n := len(src[0])
	for ch := 1; ch < len(src); ch++ {
		if len(src[ch]) != n {
			w.err = fmt.Errorf("%s: Write given channels of different lengths (%d and %d frames)", w.path, n, len(src[ch]))
			return w.err
		}
	}
	if n == 0 {
		return nil
	}
	if int64(n) > w.maxFrames-w.frames {
		w.err = &FormatError{w.path, fmt.Sprintf("output would exceed the 4 GiB size limit of a WAV file (%d frames of %d bytes)", w.frames+int64(n), w.frameBytes)}
		return w.err
	}

	step := max(1, writeBufBytes/w.frameBytes)
	if need := min(n, step) * w.frameBytes; cap(w.buf) < need {
		w.buf = make([]byte, need)
	}
	for done := 0; done < n; {
		k := min(n-done, step)
		b := w.buf[:k*w.frameBytes]
		clipped, nonFinite := encodeFrames(w.kind, b, src, done, k, w.frameBytes)
		w.clipped += int64(clipped)
		w.nonFinite += int64(nonFinite)
		if _, err := w.af.Write(b); err != nil {
			w.err = fmt.Errorf("%s: writing samples: %w", w.path, err)
			return w.err
		}
		w.frames += int64(k)
		done += k
	}
	return nil
}

// Commit completes the file: pad byte, final header, fsync, rename over the
// path. If an earlier Write failed, or anything here fails, the temporary
// file is removed, the path is untouched, and the error is returned.
func (w *Writer) Commit() error {
	_, err := w.commit(false)
	return err
}

// CommitSum is Commit that also returns the SHA-256 of the file written
// (AtomicFile.CommitSum).
func (w *Writer) CommitSum() ([sha256.Size]byte, error) { return w.commit(true) }

func (w *Writer) commit(withSum bool) (sum [sha256.Size]byte, _ error) {
	if w.state != atomicOpen {
		return sum, w.af.errClosed("Commit")
	}
	if w.err != nil {
		w.Abort()
		return sum, fmt.Errorf("%s: not written because an earlier write failed: %w", w.path, w.err)
	}
	w.state = atomicCommitted
	err := func() error {
		if (w.frames*int64(w.frameBytes))&1 == 1 {
			if _, err := w.af.Write([]byte{0}); err != nil {
				return err
			}
		}
		_, err := w.af.WriteAt(w.header(), 0)
		return err
	}()
	if err != nil {
		w.state = atomicAborted
		w.af.Abort()
		return sum, fmt.Errorf("%s: finishing WAV file: %w", w.path, err)
	}
	if withSum {
		sum, err = w.af.CommitSum()
	} else {
		err = w.af.Commit()
	}
	if err != nil {
		w.state = atomicAborted
		return sum, err
	}
	return sum, nil
}

// Abort discards the file: the temporary file is removed and the path is
// untouched. It does nothing after Commit or a previous Abort, so it can be
// deferred right after Create.
func (w *Writer) Abort() error {
	if w.state != atomicOpen {
		return nil
	}
	w.state = atomicAborted
	return w.af.Abort()
}
