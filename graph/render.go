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

	"github.com/mixdown/mixdown/dsp"
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
	// Target reports the mastering target's gain and limiting, or is nil.
	Target *TargetReport
	// Warnings name the output and say what could not be done well.
	Warnings []string
}

// Render renders g and writes every output. Outputs are written to temp
// files and renamed into place only when the whole render has succeeded:
// a failed or cancelled render leaves no output and never damages an
// earlier one.
//
// Without mastering targets, the master streams straight to every output.
// With one, the master is spooled and each output is mastered from the
// spool (see the mastering stage).
//
// With Options.Cache, nodes whose key has not changed are read from the
// cache instead of rendered, and the nodes rendered are kept for the next
// render; the files written are the same bytes either way.
func Render(ctx context.Context, g *Graph, opts Options) ([]OutputResult, error) {
	res, err := render(ctx, g, opts)
	if errors.Is(err, errCacheShort) {
		// A cached signal ended before this render's tail did: render
		// again, reading nothing from the cache.
		opts.noCacheReads = true
		res, err = render(ctx, g, opts)
	}
	return res, err
}

func render(ctx context.Context, g *Graph, opts Options) ([]OutputResult, error) {
	e, err := NewEngine(g, opts)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	block := e.blockSize
	rate := float64(g.SampleRate)

	sinks := make([]*fileSink, 0, len(g.Outputs))
	stems := 0
	abort := func() {
		for _, s := range sinks {
			s.stage.tail.sync() // the writer is the tail's until then
			s.w.Abort()
		}
	}
	for _, o := range g.Outputs {
		if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
			abort()
			return nil, fmt.Errorf("%s: %w", o.Address, err)
		}
		st, err := newStage(g.SampleRate, o.Model.SampleRate, block, newQuantizer(o))
		if err != nil {
			abort()
			return nil, fmt.Errorf("%s: %w", o.Address, err)
		}
		st.meter.Reserve(float64(g.Frames)/rate + float64(g.TailCapFrames)/rate)
		w, err := audiofile.Create(o.Path, o.Model.SampleRate, 2, o.Encoding)
		if err != nil {
			abort()
			return nil, fmt.Errorf("%s: %w", o.Address, err)
		}
		sink := &fileSink{o: o, w: w, stage: st, stem: -1}
		if o.From != nil {
			sink.stem = stems
			stems++
		}
		sinks = append(sinks, sink)
	}
	// blockFor returns what sink s takes of a bundle (the master's two
	// channels, then each stem's two): the master, or its stem.
	blockFor := func(s *fileSink, bundle [][]float64) [][]float64 {
		if s.stem < 0 {
			return bundle[:2]
		}
		return bundle[2+2*s.stem : 4+2*s.stem]
	}
	for _, s := range sinks {
		s.stage.reset()
	}

	var sp *spool
	var pre loudness.Result
	if g.hasTargets() {
		if sp, err = newSpool(); err != nil {
			abort()
			return nil, err
		}
		defer sp.Close()
		// The master goes to the spool; stems (which have no target) are
		// written in the same pass.
		preMeter := newPreMeter(g, rate)
		if err := pump(ctx, e, func(b [][]float64) error {
			preMeter.Process(b[:2])
			for _, s := range sinks {
				if s.stem >= 0 {
					if err := s.stage.push(blockFor(s, b), s.write); err != nil {
						return fmt.Errorf("%s: %w", s.o.Address, err)
					}
				}
			}
			return sp.write(b[:2])
		}); err != nil {
			abort()
			return nil, err
		}
		if err := sp.finish(); err != nil {
			abort()
			return nil, err
		}
		pre = preMeter.Result()
		for _, s := range sinks {
			if s.stem >= 0 {
				if err := s.stage.flush(s.write); err != nil {
					abort()
					return nil, fmt.Errorf("%s: %w", s.o.Address, err)
				}
			}
		}
	} else {
		// Stream: every sink's stage sees the master, or its stem, as it
		// is rendered.
		err := pump(ctx, e, func(b [][]float64) error {
			for _, s := range sinks {
				if err := s.stage.push(blockFor(s, b), s.write); err != nil {
					return fmt.Errorf("%s: %w", s.o.Address, err)
				}
			}
			return nil
		})
		if err != nil {
			abort()
			return nil, err
		}
		for _, s := range sinks {
			if err := s.stage.flush(s.write); err != nil {
				abort()
				return nil, fmt.Errorf("%s: %w", s.o.Address, err)
			}
		}
	}

	if sp != nil {
		for _, s := range sinks {
			if s.stem >= 0 {
				continue // written during the spool pass
			}
			t := s.o.Model.EffectiveTarget(g.Mix)
			if t != nil {
				rep, warnings, err := planTarget(ctx, s.stage, sp, t, pre, s.o, block, s)
				if err != nil {
					abort()
					return nil, err
				}
				s.report, s.warnings = rep, warnings
			}
			if s.report == nil || !s.report.written {
				if err := s.restart(); err != nil {
					abort()
					return nil, fmt.Errorf("%s: %w", s.o.Address, err)
				}
				if err := s.stage.run(ctx, sp, block, s.write); err != nil {
					abort()
					return nil, fmt.Errorf("%s: %w", s.o.Address, err)
				}
			}
			if s.report != nil && s.stage.lim != nil {
				s.report.LimitingDB = s.stage.lim.MaxGainReductionDB()
			}
		}
	}

	results := make([]OutputResult, 0, len(sinks))
	for i, s := range sinks {
		// The hash of the file is read back while it syncs to disk.
		fileSum, err := s.w.CommitSum()
		if err != nil {
			for _, rest := range sinks[i+1:] {
				rest.w.Abort()
			}
			return nil, fmt.Errorf("%s: %w", s.o.Address, err)
		}
		sum := hex.EncodeToString(fileSum[:])
		results = append(results, OutputResult{
			Address:  s.o.Address,
			Path:     s.o.Path,
			Frames:   s.frames,
			Seconds:  float64(s.frames) / float64(s.o.Model.SampleRate),
			PeakDBFS: dsp.GainToDB(s.peak),
			Clipped:  s.stage.quant.Clipped(),
			SHA256:   sum,
			Loudness: s.stage.meter.Result(),
			Target:   s.report,
			Warnings: s.warnings,
		})
	}
	if opts.Stats != nil {
		*opts.Stats = e.Stats()
	}
	// The outputs are in place; a cache that cannot keep this render's
	// nodes costs the next render time, not this one its result.
	if err := e.finishRecording(ctx); err == nil {
		_ = e.commitCache()
	}
	return results, nil
}

// hasTargets reports whether any output is mastered to a target.
func (g *Graph) hasTargets() bool {
	for _, o := range g.Outputs {
		if o.Model.EffectiveTarget(g.Mix) != nil {
			return true
		}
	}
	return false
}

// pump renders every block of the engine into f, which gets the whole
// bundle (the master, then the stems). The graph renders the next blocks on
// a goroutine of its own while f works on this one, so the output stage
// (limiter, meters, writing) runs beside the graph instead of after it.
// That changes when work happens, never what it computes: each side runs
// its blocks in order, and f sees exactly the blocks Next returns. pump
// returns only once the engine is idle again.
func pump(outer context.Context, e *Engine, f func([][]float64) error) error {
	ctx, cancel := context.WithCancel(outer)
	defer cancel()
	const depth = 2 // blocks rendered ahead
	type item struct {
		buf [][]float64
		n   int
		err error
	}
	free := make(chan [][]float64, depth+1)
	for range depth + 1 {
		free <- alloc(len(e.view), e.blockSize)
	}
	full := make(chan item, depth)
	go func() {
		defer close(full)
		for {
			var buf [][]float64
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			if _, err := e.Next(outer); err != nil { // the caller's context decides
				full <- item{err: err} // room: the consumer holds at most depth items
				return
			}
			n := len(e.view[0])
			for ch, x := range e.view {
				if cap(buf[ch]) < n {
					buf[ch] = make([]float64, n) // a tail longer than a block: rare
				}
				copy(buf[ch][:n], x)
			}
			select {
			case full <- item{buf: buf, n: n}:
			case <-ctx.Done():
				return
			}
		}
	}()
	// finish stops the producer and waits until it has left the engine.
	finish := func(err error) error {
		cancel()
		for range full {
		}
		return err
	}
	view := make([][]float64, len(e.view))
	for it := range full {
		if it.err != nil {
			if errors.Is(it.err, io.EOF) {
				return finish(nil)
			}
			return finish(it.err)
		}
		for ch := range view {
			view[ch] = it.buf[ch][:it.n]
		}
		if err := f(view); err != nil {
			return finish(err)
		}
		free <- it.buf
	}
	// The producer stopped without a result: the context ended.
	return finish(outer.Err())
}

type fileSink struct {
	o        *Output
	w        *audiofile.Writer
	peak     float64
	frames   int64
	stem     int // index among the stems, or -1 for the master
	stage    *stage
	used     bool // restart has handed the writer out once
	report   *TargetReport
	warnings []string
}

// restart discards what the sink has written and starts its file over.
func (s *fileSink) restart() error {
	if s.frames == 0 && !s.used {
		s.used = true
		return nil
	}
	s.w.Abort()
	w, err := audiofile.Create(s.o.Path, s.o.Model.SampleRate, 2, s.o.Encoding)
	if err != nil {
		return err
	}
	s.w, s.peak, s.frames = w, 0, 0
	return nil
}

func (s *fileSink) write(block [][]float64) error {
	for _, ch := range block {
		for _, x := range ch {
			if a := math.Abs(x); a > s.peak {
				s.peak = a
			}
		}
	}
	s.frames += int64(len(block[0]))
	return s.w.Write(block)
}

// FileSHA256 returns the hex SHA-256 of a file's bytes, as render reports
// it for outputs and the lock records it for inputs.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
