package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// spool keeps the pre-target master on disk, so a target can be measured
// on the whole song and applied afterwards while memory stays bounded by
// the block size, whatever the song's length. It stores exact float64
// samples, interleaved stereo, in a temporary file that is removed on
// Close.
type spool struct {
	f      *os.File
	w      *bufio.Writer
	bytes  []byte
	frames int64
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "mixdown-spool-*")
	if err != nil {
		return nil, fmt.Errorf("creating the mastering spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *spool) write(block [][]float64) error {
	n := len(block[0])
	if need := n * 16; cap(s.bytes) < need {
		s.bytes = make([]byte, need)
	}
	b := s.bytes[:n*16]
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint64(b[i*16:], math.Float64bits(block[0][i]))
		binary.LittleEndian.PutUint64(b[i*16+8:], math.Float64bits(block[1][i]))
	}
	s.frames += int64(n)
	_, err := s.w.Write(b)
	return err
}

func (s *spool) finish() error { return s.w.Flush() }

// reader returns a reader of the spooled frames from the start.
func (s *spool) reader(block int) (*spoolReader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &spoolReader{r: bufio.NewReaderSize(s.f, 1<<20), left: s.frames, bytes: make([]byte, block*16), buf: alloc(2, block), view: make([][]float64, 2)}, nil
}

func (s *spool) Close() error {
	name := s.f.Name()
	s.f.Close()
	return os.Remove(name)
}

type spoolReader struct {
	r     *bufio.Reader
	left  int64
	bytes []byte
	buf   [][]float64
	view  [][]float64
}

// next returns the next block, or io.EOF.
func (r *spoolReader) next() ([][]float64, error) {
	if r.left == 0 {
		return nil, io.EOF
	}
	n := int(min(int64(len(r.buf[0])), r.left))
	b := r.bytes[:n*16]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("the mastering spool was cut short")
		}
		return nil, err
	}
	for i := 0; i < n; i++ {
		r.buf[0][i] = math.Float64frombits(binary.LittleEndian.Uint64(b[i*16:]))
		r.buf[1][i] = math.Float64frombits(binary.LittleEndian.Uint64(b[i*16+8:]))
	}
	r.left -= int64(n)
	r.view[0], r.view[1] = r.buf[0][:n], r.buf[1][:n]
	return r.view, nil
}
