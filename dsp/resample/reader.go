package resample

import (
	"errors"
	"fmt"
	"io"
)

// Source is a pull source of planar frames, like dsp/audiofile.Reader: Read
// fills dst[c][:n] for every channel and returns n, and io.EOF at the end
// (with n == 0, or with the last frames).
type Source interface {
	Read(dst [][]float64) (int, error)
}

// Reader resamples a Source: it yields the source's frames at outRate,
// aligned to the source's timeline (output k is the input at k/outRate
// seconds), reading ahead of the source as the filter needs. A source of
// N frames gives exactly ceil(N·outRate/inRate) frames, then io.EOF.
type Reader struct {
	r   *Resampler
	src Source

	in       [][]float64 // frames read from src, pending[0]..pending[1] not yet written
	pending  [2]int
	inView   [][]float64
	outView  [][]float64
	srcEnded bool
	stalls   int // consecutive empty source reads
	err      error
}

// readChunk is how many frames Reader asks its source for at a time.
const readChunk = 1024

// NewReader returns a Reader over src, which yields channels channels at
// inRate. It allocates; Read does not.
func NewReader(src Source, inRate, outRate, channels int) (*Reader, error) {
	r, err := New(inRate, outRate, channels)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, src: src}
	rd.in = make([][]float64, channels)
	for c := range rd.in {
		rd.in[c] = make([]float64, readChunk)
	}
	rd.inView = make([][]float64, channels)
	rd.outView = make([][]float64, channels)
	return rd, nil
}

// Resampler returns the underlying resampler, for Design, GroupDelay and
// the counters. Do not Write to it or Read from it directly.
func (rd *Reader) Resampler() *Resampler { return rd.r }

// Read fills dst[c][:n] for every channel (len(dst) == channels, every
// dst[c] at least len(dst[0]) long). It returns n == len(dst[0]) with a
// nil error until the output runs out, then the remaining frames, then 0,
// io.EOF. A source error other than io.EOF is returned (after any frames
// already produced in this call) and again on every later call.
func (rd *Reader) Read(dst [][]float64) (int, error) {
	if len(dst) != len(rd.in) {
		return 0, fmt.Errorf("resample: Read given %d channel buffers, want %d", len(dst), len(rd.in))
	}
	want := len(dst[0])
	for c := range dst {
		if len(dst[c]) < want {
			return 0, fmt.Errorf("resample: Read given channel %d buffer of %d frames, shorter than channel 0 (%d)", c, len(dst[c]), want)
		}
	}
	done := 0
	for done < want {
		for c := range dst {
			rd.outView[c] = dst[c][done:want]
		}
		done += rd.r.Read(rd.outView)
		if done == want || rd.r.Done() {
			break
		}
		if rd.err != nil {
			break
		}
		// The resampler needs more input: write what is pending, reading
		// more from the source when nothing is.
		if rd.pending[0] == rd.pending[1] && !rd.srcEnded {
			rd.fill()
		}
		if rd.pending[0] < rd.pending[1] {
			for c := range rd.in {
				rd.inView[c] = rd.in[c][rd.pending[0]:rd.pending[1]]
			}
			rd.pending[0] += rd.r.Write(rd.inView)
		} else if rd.srcEnded {
			rd.r.End()
		}
	}
	if done == 0 {
		if rd.err != nil {
			return 0, rd.err
		}
		if rd.r.Done() {
			return 0, io.EOF
		}
	}
	if done < want && rd.err != nil {
		return done, rd.err
	}
	return done, nil
}

// Close closes the source if it is an io.Closer (dsp/audiofile.Reader is).
func (rd *Reader) Close() error {
	if c, ok := rd.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// fill reads the next chunk from the source.
func (rd *Reader) fill() {
	n, err := rd.src.Read(rd.in)
	if n < 0 || n > readChunk {
		rd.err = fmt.Errorf("resample: source returned %d frames for a %d-frame buffer", n, readChunk)
		return
	}
	rd.pending = [2]int{0, n}
	if n == 0 && err == nil {
		// Like io.ReadFull: a source that keeps returning nothing is broken.
		if rd.stalls++; rd.stalls >= 100 {
			rd.err = io.ErrNoProgress
		}
		return
	}
	rd.stalls = 0
	switch {
	case errors.Is(err, io.EOF):
		rd.srcEnded = true
	case err != nil:
		rd.err = err
	}
}

// Convert resamples whole planar buffers (every in[c] the same length N)
// and returns ceil(N·outRate/inRate) frames per channel, aligned as
// Reader's. It allocates its result; use it for material loaded whole,
// such as impulse responses.
func Convert(in [][]float64, inRate, outRate int) ([][]float64, error) {
	if len(in) == 0 {
		return nil, errors.New("resample: Convert given no channels")
	}
	r, err := New(inRate, outRate, len(in))
	if err != nil {
		return nil, err
	}
	n := len(in[0])
	for c := range in {
		if len(in[c]) != n {
			return nil, fmt.Errorf("resample: Convert channel %d has %d frames, channel 0 has %d", c, len(in[c]), n)
		}
	}
	total := int(r.OutputFrames(int64(n)))
	out := make([][]float64, len(in))
	for c := range out {
		out[c] = make([]float64, total)
	}
	inView := make([][]float64, len(in))
	outView := make([][]float64, len(in))
	pos, got := 0, 0
	for got < total {
		if pos < n {
			for c := range in {
				inView[c] = in[c][pos:]
			}
			pos += r.Write(inView)
			if pos == n {
				r.End()
			}
		} else {
			r.End()
		}
		for c := range out {
			outView[c] = out[c][got:]
		}
		got += r.Read(outView)
	}
	return out, nil
}
