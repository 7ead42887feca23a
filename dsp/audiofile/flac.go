package audiofile

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
)

// FLAC reading. The bitstream is decoded by github.com/mewkiz/flac (pure
// Go; see the package comment for why that one); this file owns everything
// around it that mixdown depends on:
//   - STREAMINFO is checked before anything is decoded: the total length
//     must be declared (mixdown lays out the timeline before rendering),
//     and channels, rate and depth must be ones the package supports;
//   - every frame header is checked against STREAMINFO (channels, depth,
//     rate, block size), so a file cannot change shape half-way through;
//   - decoding is frame by frame: the Reader keeps the current frame's
//     samples and hands them out across Read calls, so memory is bounded
//     by one frame (at most 65535 samples per channel) whatever the file's
//     length;
//   - the library is not trusted to fail gracefully on hostile input:
//     every call into it goes through guard, which turns a panic into a
//     *FormatError naming the file.
//
// Integer samples are scaled exactly like WAV: v / 2^(bits-1), so a FLAC
// and a WAV of the same PCM read as identical float64s.

// flacMagic starts every FLAC stream.
const flacMagic = "fLaC"

// FLAC depths the reader accepts. The format allows 4 to 32 bits; 8, 16
// and 24 are what encoders write in practice and what WAV can hold too.
// 32-bit FLAC is new (libFLAC 1.4) and its side channel needs 33 bits,
// which the decoder's int32 samples cannot carry, so it is refused.
func flacDepthOK(bits int) bool { return bits == 8 || bits == 16 || bits == 24 }

// flacState is a Reader's decoder state for a FLAC stream.
type flacState struct {
	stream *flac.Stream
	scale  float64 // 1 / 2^(bits-1)
	maxBS  int     // STREAMINFO's maximum block size

	// The current frame: cur[ch][off:n] are the samples not yet returned.
	cur [][]int32
	off int
	n   int
}

// isFLAC reports whether rs starts with the FLAC signature, and leaves rs
// at its start.
func isFLAC(rs io.ReadSeeker) (bool, error) {
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	var b [4]byte
	n, err := io.ReadFull(rs, b[:])
	if _, serr := rs.Seek(0, io.SeekStart); serr != nil {
		return false, serr
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, err
	}
	return n == 4 && string(b[:]) == flacMagic, nil
}

// guard runs f, converting a panic inside the decoder into an error that
// names the file: hostile input must never take the process down.
func guard(name string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = formatErr(name, "corrupt FLAC data (the decoder failed: %v)", p)
		}
	}()
	return f()
}

// flacErr wraps an error from the decoder. Running out of data is a
// truncated file; anything else the decoder rejects is malformed FLAC.
func flacErr(name, what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(name, "file ends while reading %s (truncated FLAC file?)", what)
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		return err
	}
	return formatErr(name, "malformed FLAC %s: %v", what, err)
}

// openFLAC parses the FLAC signature and metadata of rs (at its start) and
// returns the stream positioned at the first audio frame.
func openFLAC(rs io.ReadSeeker, name string) (*flac.Stream, Info, error) {
	var s *flac.Stream
	err := guard(name, func() error {
		var err error
		s, err = flac.New(rs)
		return err
	})
	if err != nil {
		return nil, Info{}, flacErr(name, "header", err)
	}
	si := s.Info
	if si == nil {
		return nil, Info{}, formatErr(name, "FLAC file without a STREAMINFO block")
	}
	bits := int(si.BitsPerSample)
	switch {
	case si.NChannels == 0:
		return nil, Info{}, formatErr(name, "STREAMINFO declares zero channels")
	case si.SampleRate == 0:
		return nil, Info{}, formatErr(name, "STREAMINFO declares a sample rate of 0 Hz")
	case si.SampleRate > MaxSampleRate:
		return nil, Info{}, formatErr(name, "STREAMINFO declares a sample rate of %d Hz, more than the supported maximum of %d", si.SampleRate, MaxSampleRate)
	case !flacDepthOK(bits):
		return nil, Info{}, formatErr(name, "unsupported FLAC bit depth %d (want 8, 16 or 24)", bits)
	case si.BlockSizeMin > si.BlockSizeMax:
		return nil, Info{}, formatErr(name, "STREAMINFO declares a minimum block size (%d) above its maximum (%d)", si.BlockSizeMin, si.BlockSizeMax)
	case si.NSamples == 0:
		return nil, Info{}, formatErr(name, "STREAMINFO does not declare the length (total samples 0 = unknown); mixdown needs it up front: re-encode the file (flac -f --decode then flac), which fills it in")
	}
	return s, Info{
		SampleRate: int(si.SampleRate),
		Channels:   int(si.NChannels),
		Frames:     int64(si.NSamples),
		BitDepth:   bits,
		ValidBits:  bits,
	}, nil
}

// newFLACState starts decoding s.
func newFLACState(s *flac.Stream, info Info) *flacState {
	return &flacState{
		stream: s,
		scale:  1 / IntScale(info.BitDepth),
		maxBS:  int(s.Info.BlockSizeMax),
		cur:    make([][]int32, info.Channels),
	}
}

// nextFrame decodes the next audio frame into st.cur; at is the index of
// its first sample, for messages.
func (r *Reader) nextFrame(at int64) error {
	st := r.fl
	var f *frame.Frame
	err := guard(r.name, func() error {
		var err error
		if f, err = st.stream.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return formatErr(r.name, "file ends at frame %d of %d declared (truncated FLAC file?)", at, r.info.Frames)
			}
			return flacErr(r.name, fmt.Sprintf("frame header at sample %d", at), err)
		}
		h := &f.Header
		switch {
		case h.Channels.Count() != r.info.Channels:
			return formatErr(r.name, "FLAC frame at sample %d has %d channels, STREAMINFO declares %d", at, h.Channels.Count(), r.info.Channels)
		case h.BitsPerSample != 0 && int(h.BitsPerSample) != r.info.BitDepth:
			return formatErr(r.name, "FLAC frame at sample %d is %d-bit, STREAMINFO declares %d-bit", at, h.BitsPerSample, r.info.BitDepth)
		case h.SampleRate != 0 && int(h.SampleRate) != r.info.SampleRate:
			return formatErr(r.name, "FLAC frame at sample %d is at %d Hz, STREAMINFO declares %d Hz", at, h.SampleRate, r.info.SampleRate)
		case h.BlockSize == 0 || int(h.BlockSize) > st.maxBS:
			return formatErr(r.name, "FLAC frame at sample %d holds %d samples, outside STREAMINFO's maximum block size of %d", at, h.BlockSize, st.maxBS)
		}
		// 000 in the header means "as in STREAMINFO"; the decoder needs
		// the actual depth.
		h.BitsPerSample = uint8(r.info.BitDepth)
		if err := f.Parse(); err != nil {
			return flacErr(r.name, fmt.Sprintf("frame at sample %d", at), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	n := int(f.BlockSize)
	for ch, sf := range f.Subframes {
		if len(sf.Samples) != n {
			return formatErr(r.name, "FLAC frame at sample %d decoded %d samples in channel %d, its header says %d", at, len(sf.Samples), ch, n)
		}
		st.cur[ch] = sf.Samples
	}
	st.off, st.n = 0, n
	return nil
}

// readFLAC is Read for a FLAC stream; dst has been checked and want is at
// least 1 and at most the frames remaining.
func (r *Reader) readFLAC(dst [][]float64, want int) (int, error) {
	st := r.fl
	if r.seekPending {
		if err := r.restartFLAC(); err != nil {
			return 0, err
		}
	}
	done := 0
	for done < want {
		if st.off == st.n {
			if err := r.nextFrame(r.pos + int64(done)); err != nil {
				r.pos += int64(done)
				st.off, st.n = 0, 0
				r.seekPending = true // the stream may be mid-frame now
				return done, err
			}
		}
		k := min(want-done, st.n-st.off)
		for ch, d := range dst {
			src := st.cur[ch][st.off : st.off+k]
			d = d[done : done+k]
			for i, v := range src {
				d[i] = float64(v) * st.scale
			}
		}
		st.off += k
		done += k
	}
	r.pos += int64(done)
	return done, nil
}

// restartFLAC positions the stream so that the next sample decoded is
// frame r.pos: it reopens the stream at its start and decodes forward.
// FLAC frames carry no byte length, so finding a sample means decoding up
// to it; that costs as much as reading there, and SeekFrame is rare.
func (r *Reader) restartFLAC() error {
	if _, err := r.rs.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: seeking to the start: %w", r.name, err)
	}
	s, _, err := openFLAC(r.rs, r.name)
	if err != nil {
		return err
	}
	st := r.fl
	st.stream, st.off, st.n = s, 0, 0
	for pos := int64(0); pos < r.pos; {
		if err := r.nextFrame(pos); err != nil {
			st.off, st.n = 0, 0
			return err
		}
		if pos+int64(st.n) > r.pos {
			st.off = int(r.pos - pos)
			break
		}
		pos += int64(st.n)
		st.off = st.n
	}
	r.seekPending = false
	return nil
}
