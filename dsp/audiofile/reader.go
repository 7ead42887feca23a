package audiofile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// readBufBytes caps the Reader's byte buffer; larger requests are converted
// in slices of this size. It is large enough that a read costs one system
// call per 256 KiB, and bounded so that Read never allocates more than
// this (or one frame, if a frame is larger) whatever it is asked for.
const readBufBytes = 256 << 10

// Reader streams planar float64 frames from a WAV or FLAC file, normalised so that
// integer full scale maps to [-1, 1) (see the package comment for the exact
// convention). A Reader is not safe for concurrent use.
type Reader struct {
	name       string
	rs         io.ReadSeeker
	closer     io.Closer // the file Open opened; nil for NewReader
	info       Info
	kind       sampleKind
	frameBytes int
	dataOff    int64

	pos         int64 // next frame Read returns
	seekPending bool  // rs is not known to be at dataOff + pos*frameBytes
	buf         []byte
	nonFinite   int64
	closed      bool

	fl *flacState // non-nil for a FLAC stream
}

// Open opens a WAV or FLAC file for reading and parses its header. The
// format is told by the first bytes ("RIFF" or "fLaC"), not the name.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *os.PathError names the file
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader parses the header of the WAV or FLAC data in rs; name is used
// in error messages. Close does not close rs.
func NewReader(rs io.ReadSeeker, name string) (*Reader, error) {
	if rs == nil {
		return nil, fmt.Errorf("%s: nil reader", name)
	}
	if ok, err := isFLAC(rs); err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", name, err)
	} else if ok {
		s, info, err := openFLAC(rs, name)
		if err != nil {
			return nil, err
		}
		return &Reader{name: name, rs: rs, info: info, fl: newFLACState(s, info)}, nil
	}
	h, err := parseHeader(rs, name)
	if err != nil {
		return nil, err
	}
	return &Reader{
		name:        name,
		rs:          rs,
		info:        h.info,
		kind:        h.kind,
		frameBytes:  h.frameBytes,
		dataOff:     h.dataOff,
		seekPending: true,
	}, nil
}

// ReadInfo returns the format of the WAV or FLAC file at path, reading only
// its headers.
func ReadInfo(path string) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	if ok, err := isFLAC(f); err != nil {
		return Info{}, fmt.Errorf("%s: reading the header: %w", path, err)
	} else if ok {
		_, info, err := openFLAC(f, path)
		return info, err
	}
	h, err := parseHeader(f, path)
	if err != nil {
		return Info{}, err
	}
	return h.info, nil
}

// Info describes the file's audio.
func (r *Reader) Info() Info { return r.info }

// Name is the name the Reader uses in errors.
func (r *Reader) Name() string { return r.name }

// Position returns the index of the next frame Read will return.
func (r *Reader) Position() int64 { return r.pos }

// NonFinite returns how many NaN or infinite float samples have been read
// so far; each was replaced by 0.
func (r *Reader) NonFinite() int64 { return r.nonFinite }

// Read fills dst[ch][0:n] for every channel with the next n frames, where n
// is at most len(dst[0]) and at most the frames remaining. len(dst) must
// equal Info().Channels and every dst[ch] must be at least len(dst[0])
// long. Read returns n > 0 with a nil error while frames remain, then
// 0, io.EOF. After the first call with a given size it does not allocate.
func (r *Reader) Read(dst [][]float64) (int, error) {
	if r.closed {
		return 0, fmt.Errorf("%s: Read after Close", r.name)
	}
	if len(dst) != r.info.Channels {
		return 0, fmt.Errorf("%s: Read given %d channel buffers, the file has %d channels", r.name, len(dst), r.info.Channels)
	}
	want := len(dst[0])
	for ch := 1; ch < len(dst); ch++ {
		if len(dst[ch]) < want {
			return 0, fmt.Errorf("%s: Read given channel %d buffer of %d frames, shorter than channel 0 (%d)", r.name, ch, len(dst[ch]), want)
		}
	}
	remain := r.info.Frames - r.pos
	if remain <= 0 {
		return 0, io.EOF
	}
	if want == 0 {
		return 0, nil
	}
	if int64(want) > remain {
		want = int(remain)
	}
	if r.fl != nil {
		return r.readFLAC(dst, want)
	}
	if r.seekPending {
		if _, err := r.rs.Seek(r.dataOff+r.pos*int64(r.frameBytes), io.SeekStart); err != nil {
			return 0, fmt.Errorf("%s: seeking to frame %d: %w", r.name, r.pos, err)
		}
		r.seekPending = false
	}

	step := max(1, readBufBytes/r.frameBytes)
	if need := min(want, step) * r.frameBytes; cap(r.buf) < need {
		r.buf = make([]byte, need)
	}
	done := 0
	for done < want {
		k := min(want-done, step)
		b := r.buf[:k*r.frameBytes]
		if _, err := io.ReadFull(r.rs, b); err != nil {
			r.pos += int64(done)
			r.seekPending = true
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return done, formatErr(r.name, "file ends at frame %d of %d declared (truncated while reading?)", r.pos, r.info.Frames)
			}
			return done, fmt.Errorf("%s: reading frame %d: %w", r.name, r.pos, err)
		}
		r.nonFinite += int64(decodeFrames(r.kind, dst, done, b, k, r.frameBytes))
		done += k
	}
	r.pos += int64(done)
	return done, nil
}

// SeekFrame makes the next Read start at frame, 0 <= frame <= Frames.
// Seeking to Frames is allowed; Read then returns io.EOF.
func (r *Reader) SeekFrame(frame int64) error {
	if r.closed {
		return fmt.Errorf("%s: SeekFrame after Close", r.name)
	}
	if frame < 0 || frame > r.info.Frames {
		return fmt.Errorf("%s: SeekFrame(%d) outside the file's %d frames", r.name, frame, r.info.Frames)
	}
	r.pos = frame
	r.seekPending = true
	return nil
}

// Close closes the file if the Reader came from Open. It is safe to call
// more than once.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.buf = nil
	r.fl = nil
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}
