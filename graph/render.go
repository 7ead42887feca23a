package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/loudness"
)

// OutputResult describes one written output file.
type OutputResult struct {
	Address  string
	Path     string
	Frames   int64
	Seconds  float64
	PeakDBFS float64 // sample peak of what was written; -Inf for silence
	Clipped  int64   // samples beyond full scale, clipped by an integer format
	SHA256   string  // hex digest of the file's bytes
	// Loudness is the file's measurement (EBU R 128: integrated loudness,
	// true peak, loudness range, ...).
	Loudness loudness.Result
}

// Render renders g and writes every output. Outputs are written to temp
// files and renamed into place only when the whole render has succeeded:
// a failed or cancelled render leaves no output and never damages an
// earlier one.
func Render(ctx context.Context, g *Graph, opts Options) ([]OutputResult, error) {
	e, err := NewEngine(g, opts)
	if err != nil {
		return nil, err
	}
	defer e.Close()

	sinks := make([]*fileSink, 0, len(g.Outputs))
	abort := func() {
		for _, s := range sinks {
			s.w.Abort()
		}
	}
	for _, o := range g.Outputs {
		if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
			abort()
			return nil, fmt.Errorf("%s: %w", o.Address, err)
		}
		w, err := audiofile.Create(o.Path, g.SampleRate, 2, o.Encoding)
		if err != nil {
			abort()
			return nil, fmt.Errorf("%s: %w", o.Address, err)
		}
		m := loudness.NewMeter(float64(g.SampleRate), 2)
		m.Reserve(float64(g.Frames)/float64(g.SampleRate) + float64(g.TailCapFrames)/float64(g.SampleRate))
		sinks = append(sinks, &fileSink{o: o, w: w, limit: !o.Encoding.Float, meter: m})
	}

	for {
		block, err := e.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			abort()
			return nil, err
		}
		for _, s := range sinks {
			if err := s.write(block); err != nil {
				abort()
				return nil, fmt.Errorf("%s: %w", s.o.Address, err)
			}
		}
	}

	results := make([]OutputResult, 0, len(sinks))
	for i, s := range sinks {
		if err := s.w.Commit(); err != nil {
			for _, rest := range sinks[i+1:] {
				rest.w.Abort()
			}
			return nil, fmt.Errorf("%s: %w", s.o.Address, err)
		}
		sum, err := fileSHA256(s.o.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.o.Address, err)
		}
		results = append(results, OutputResult{
			Address:  s.o.Address,
			Path:     s.o.Path,
			Frames:   s.frames,
			Seconds:  float64(s.frames) / float64(g.SampleRate),
			PeakDBFS: 20 * math.Log10(s.peak),
			Clipped:  s.clipped,
			SHA256:   sum,
			Loudness: s.meter.Result(),
		})
	}
	return results, nil
}

type fileSink struct {
	o       *Output
	w       *audiofile.Writer
	limit   bool // an integer format clips at full scale
	peak    float64
	clipped int64
	frames  int64
	meter   *loudness.Meter
}

func (s *fileSink) write(block [][]float64) error {
	for _, ch := range block {
		for _, x := range ch {
			a := math.Abs(x)
			if s.limit && a > 1 {
				s.clipped++
				a = 1
			}
			if a > s.peak {
				s.peak = a
			}
		}
	}
	s.frames += int64(len(block[0]))
	s.meter.Process(block)
	return s.w.Write(block)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
