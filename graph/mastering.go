package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/mixdown/mixdown/dsp"
	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/dither"
	"github.com/mixdown/mixdown/dsp/dynamics"
	"github.com/mixdown/mixdown/dsp/loudness"
	"github.com/mixdown/mixdown/dsp/oversample"
	"github.com/mixdown/mixdown/dsp/resample"
	"github.com/mixdown/mixdown/lang"
)

// The mastering stage turns the master into one output file:
//
//	master -> target gain -> resample -> true-peak limiter -> quantise (dither) -> meter -> file
//
// Everything after the resampler runs at the output's rate, so the limiter
// and the meter see the samples the file will hold.
//
// A loudness target needs the whole master measured before the gain is
// known. The master is rendered once into a spool (a temporary file of
// exact float64 samples, so memory does not grow with the song), then the
// stage runs over the spool: a few measuring passes find the gain that
// puts the final file, after limiting and quantisation, within 0.02 LU of
// the target with its true peak under the ceiling; a last pass writes it.
// Every pass is deterministic, so the search always lands on the same gain.

// Limits of the target search.
const (
	targetToleranceLU = 0.02 // aim well inside the promised ±0.1 LU
	maxTargetPasses   = 10
	// limitingWarnDB is the gain reduction past which a target is
	// reported as needing heavy limiting.
	limitingWarnDB = 6
	// peakOnlyWindowDB: a peak-only target lands its true peak in
	// [ceiling-window, ceiling].
	peakOnlyWindowDB = 0.05
)

// quantizer reduces word length in place, onto exactly the values the
// file will hold, so what is metered is what is written.
type quantizer interface {
	Process(buf [][]float64)
	Reset()
	Clipped() int64 // samples clipped at full scale since Reset
}

// stage is one output's mastering chain.
type stage struct {
	gain    float64
	src     *resample.Resampler // nil when the output is at the mix rate
	srcOut  [][]float64
	lim     *dynamics.Limiter // nil without a loudness target
	latency int               // the limiter's, dropped from the start
	skip    int
	quant   quantizer // nil for float outputs
	meter   *loudness.Meter
	// ref is a second, independent true-peak reading (see refPeakDB), on
	// for outputs with a target.
	ref     *oversample.PeakReader
	refPeak float64
	buf     [][]float64
	view    [][]float64
	zeros   [][]float64
	tail    stageTail
}

// newStage builds the stage from the mix rate to an output's rate.
func newStage(mixRate, outRate int, block int, quant quantizer) (*stage, error) {
	s := &stage{
		gain:  1,
		quant: quant,
		meter: loudness.NewMeter(float64(outRate), 2),
		buf:   alloc(2, block),
		view:  make([][]float64, 2),
		zeros: alloc(2, block),
	}
	if outRate != mixRate {
		r, err := resample.New(mixRate, outRate, 2)
		if err != nil {
			return nil, err
		}
		s.src, s.srcOut = r, alloc(2, block)
	}
	return s, nil
}

// setLimiter turns the true-peak limiter on at ceilingDB.
func (s *stage) setLimiter(rate float64, block int, ceilingDB float64) {
	p := dynamics.DefaultLimiterParams()
	p.CeilingDB, p.TruePeak = ceilingDB, true
	if s.lim == nil {
		s.lim = dynamics.NewLimiter(p)
		s.lim.Prepare(dsp.Spec{SampleRate: rate, MaxBlock: block, Channels: 2})
	} else {
		s.lim.SetParams(p)
	}
	s.latency = s.lim.Latency()
}

func (s *stage) reset() {
	if s.ref != nil {
		s.ref.Reset()
	}
	s.refPeak = 0
	if s.src != nil {
		s.src.Reset()
	}
	if s.lim != nil {
		s.lim.Reset()
	}
	if s.quant != nil {
		s.quant.Reset()
	}
	s.meter.Reset()
	s.skip = s.latency
}

// push runs a block of any length through the stage and hands the
// results to emit, in pieces of at most the stage's block size.
func (s *stage) push(in [][]float64, emit func([][]float64) error) error {
	size := len(s.buf[0])
	for off := 0; off < len(in[0]); off += size {
		end := min(off+size, len(in[0]))
		var piece [2][]float64
		piece[0], piece[1] = in[0][off:end], in[1][off:end]
		if err := s.pushBlock(piece[:], emit); err != nil {
			return err
		}
	}
	return nil
}

func (s *stage) pushBlock(in [][]float64, emit func([][]float64) error) error {
	n := len(in[0])
	for ch := range s.buf {
		dst, src := s.buf[ch][:n], in[ch]
		for i, x := range src {
			dst[i] = x * s.gain
		}
		s.view[ch] = dst
	}
	if s.src == nil {
		return s.finish(s.view, emit)
	}
	gained := [2][]float64{s.view[0], s.view[1]}
	for off := 0; off < n; {
		var part [2][]float64
		part[0], part[1] = gained[0][off:], gained[1][off:]
		off += s.src.Write(part[:])
		if err := s.drain(emit); err != nil {
			return err
		}
	}
	return nil
}

// drain passes whatever the resampler has ready on to the output rate's
// part of the stage.
func (s *stage) drain(emit func([][]float64) error) error {
	for {
		k := s.src.Read(s.srcOut)
		if k == 0 {
			return nil
		}
		var out [2][]float64
		out[0], out[1] = s.srcOut[0][:k], s.srcOut[1][:k]
		if err := s.finish(out[:], emit); err != nil {
			return err
		}
	}
}

// finish runs the output-rate part of the stage: limiter, latency skip,
// quantiser, meter.
func (s *stage) finish(x [][]float64, emit func([][]float64) error) error {
	n := len(x[0])
	if s.lim != nil {
		s.lim.Process(x)
	}
	from := min(s.skip, n)
	s.skip -= from
	if from == n {
		return nil
	}
	for ch := range x {
		x[ch] = x[ch][from:]
	}
	if s.quant != nil {
		s.quant.Process(x)
	}
	return s.tail.send(s, x, emit)
}

// measure meters a finished block and hands it to emit: the tail of the
// stage, which runs on its own goroutine (see stageTail).
func (s *stage) measure(x [][]float64, emit func([][]float64) error) error {
	s.meter.Process(x)
	if emit != nil {
		return emit(x)
	}
	return nil
}

// measureRef takes a finished block's reference true peak, on a goroutine
// of its own after measure's (see stageTail).
func (s *stage) measureRef(x [][]float64) {
	for ch := range x {
		s.refPeak = s.ref.MaxAbs(ch, x[ch], s.refPeak)
	}
}

// stageTail runs a stage's meters and emit (the file's writer) on a
// goroutine of its own, and the reference peak reading, when on, on
// another after it, each a few blocks behind the limiter and quantiser:
// the stage's work spreads over the cores. Each goroutine processes its
// blocks in order, so what is computed and written does not change. The
// tail's state (the meters, refPeak, the emit function's sink) belongs to
// those goroutines from the first block until sync returns; every reader
// of it reads after sync (run and flush end with it, Render's abort calls
// it).
type stageTail struct {
	on   bool
	jobs chan tailJob
	free chan [][]float64
	done chan error
}

type tailJob struct {
	buf  [][]float64
	n    int
	emit func([][]float64) error
}

const tailDepth = 4

func (t *stageTail) send(s *stage, x [][]float64, emit func([][]float64) error) error {
	if !t.on {
		if t.free == nil {
			t.free = make(chan [][]float64, tailDepth)
			for range tailDepth {
				t.free <- alloc(2, len(s.buf[0]))
			}
		}
		t.jobs = make(chan tailJob, tailDepth)
		t.done = make(chan error, 1)
		t.on = true
		var refJobs chan tailJob
		refDone := make(chan struct{})
		if s.ref != nil {
			refJobs = make(chan tailJob, tailDepth)
			go func() {
				view := make([][]float64, 2)
				for j := range refJobs {
					view[0], view[1] = j.buf[0][:j.n], j.buf[1][:j.n]
					s.measureRef(view)
					t.free <- j.buf
				}
				close(refDone)
			}()
		} else {
			close(refDone)
		}
		go func(jobs <-chan tailJob, done chan<- error) {
			var err error
			view := make([][]float64, 2)
			for j := range jobs {
				if err == nil {
					view[0], view[1] = j.buf[0][:j.n], j.buf[1][:j.n]
					err = s.measure(view, j.emit)
				}
				if refJobs != nil {
					refJobs <- j
				} else {
					t.free <- j.buf
				}
			}
			if refJobs != nil {
				close(refJobs)
			}
			<-refDone
			done <- err
		}(t.jobs, t.done)
	}
	buf := <-t.free
	n := len(x[0])
	for ch := range buf {
		if cap(buf[ch]) < n {
			buf[ch] = make([]float64, n) // a resampler's burst: rare
		}
		copy(buf[ch][:n], x[ch])
	}
	t.jobs <- tailJob{buf: buf, n: n, emit: emit}
	return nil
}

// sync waits until the tail has processed every block sent, and returns
// the first error emit reported.
func (t *stageTail) sync() error {
	if !t.on {
		return nil
	}
	close(t.jobs)
	err := <-t.done
	t.on = false
	return err
}

// flush ends the input: the resampler's last frames, then the limiter's
// latency worth of silence, so the output is exactly as long as the input
// at the output's rate.
func (s *stage) flush(emit func([][]float64) error) error {
	if s.src != nil {
		s.src.End()
		if err := s.drain(emit); err != nil {
			return errors.Join(err, s.tail.sync())
		}
	}
	for left := s.latency; left > 0; {
		n := min(left, len(s.zeros[0]))
		for ch := range s.zeros {
			clear(s.zeros[ch][:n]) // the limiter may have written here
		}
		z := [][]float64{s.zeros[0][:n], s.zeros[1][:n]}
		if err := s.finish(z, emit); err != nil {
			return errors.Join(err, s.tail.sync())
		}
		left -= n
	}
	return s.tail.sync()
}

// run feeds the whole spool through the stage.
func (s *stage) run(ctx context.Context, sp *spool, block int, emit func([][]float64) error) error {
	s.reset()
	r, err := sp.reader(block)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, s.tail.sync())
		}
		b, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errors.Join(err, s.tail.sync())
		}
		if err := s.push(b, emit); err != nil {
			return errors.Join(err, s.tail.sync())
		}
	}
	return s.flush(emit)
}

// refPeakDB is the true peak read by a 4x oversampler independent of
// BS.1770-4's Annex 2 filter (dsp/oversample: Kaiser-windowed sinc, flat to
// 0.45 fs, 100 dB stop band), the largest |v| of its Up output. The
// PeakReader gives exactly that value while skipping stretches that
// provably cannot raise it. The Annex 2 filter, which the meter and the
// limiter's detector use as the standard asks, under-reads peaks near the
// top of the band (up to 0.6 dB at 20 kHz), which other meters (ffmpeg's
// ebur128, libebur128) then report above the ceiling. A target is met only
// when both readings are at or under the ceiling.
func (s *stage) refPeakDB() float64 { return dsp.GainToDB(s.refPeak) }

// enableRefPeak turns the independent true-peak reading on.
func (s *stage) enableRefPeak(block int) {
	if s.ref == nil {
		s.ref = oversample.NewPeakReader(2, block)
	}
}

// TargetReport says what a target did to one output.
type TargetReport struct {
	Target        *lang.Target
	GainDB        float64 // applied before the limiter
	LimitingDB    float64 // the limiter's largest gain reduction (0 without one)
	LimiterCeilDB float64 // the ceiling the limiter ran at
	Passes        int     // measuring passes the search took
	// RefTruePeakDBTP is the file's true peak by the independent 4x
	// oversampler (see refPeakDB).
	RefTruePeakDBTP float64

	// written is set when the pass that met the target also wrote the
	// file: a final pass at the same settings would write the same bytes.
	written bool
}

// planTarget finds the stage settings that meet t, measuring passes over
// the spool. It returns warnings for a target that needs heavy limiting or
// cannot be met.
//
// Every measuring pass also writes the file through sink (when not nil),
// starting it over each time: the pass that meets the target has then
// written exactly what a final pass at its settings would, and the report
// says so (written), which saves the render that pass.
func planTarget(ctx context.Context, s *stage, sp *spool, t *lang.Target, pre loudness.Result, o *Output, block int, sink *fileSink) (*TargetReport, []string, error) {
	rate, addr := float64(o.Model.SampleRate), o.Address
	rep := &TargetReport{Target: t}
	var warnings []string
	s.enableRefPeak(block)
	truePeak := func(res loudness.Result) float64 { return max(res.TruePeakDBTP, s.refPeakDB()) }
	if t.HasLoudness && loudness.NoValue(pre.IntegratedLUFS) || !t.HasLoudness && loudness.NoValue(pre.TruePeakDBTP) {
		warnings = append(warnings, fmt.Sprintf("%s: the target cannot be reached: the master is silent", addr))
		return rep, warnings, nil
	}

	measure := func(gainDB float64) (loudness.Result, error) {
		s.gain = dsp.DBToGain(gainDB)
		rep.Passes++
		var emit func([][]float64) error
		if sink != nil {
			if err := sink.restart(); err != nil {
				return loudness.Result{}, fmt.Errorf("%s: %w", addr, err)
			}
			emit = sink.write
		}
		if err := s.run(ctx, sp, block, emit); err != nil {
			return loudness.Result{}, err
		}
		return s.meter.Result(), nil
	}

	if !t.HasLoudness {
		// Peak-only: a gain puts the true peak at the ceiling; no limiter.
		g := t.TruePeakDBTP - pre.TruePeakDBTP
		for pass := 0; pass < maxTargetPasses; pass++ {
			res, err := measure(g)
			if err != nil {
				return nil, nil, err
			}
			over := truePeak(res) - t.TruePeakDBTP
			if over <= 0 && over >= -peakOnlyWindowDB {
				rep.GainDB, rep.RefTruePeakDBTP = g, s.refPeakDB()
				rep.written = sink != nil
				return rep, warnings, nil
			}
			g -= over + peakOnlyWindowDB/4
		}
		rep.GainDB = g
		s.gain = dsp.DBToGain(g)
		return rep, append(warnings, fmt.Sprintf("%s: the true peak could not be placed at %.1f dBTP", addr, t.TruePeakDBTP)), nil
	}

	// Loudness target: gain into a true-peak limiter at the ceiling. The
	// quantiser moves a sample by at most its dither's largest error (half
	// a step without dither, 1.5 with TPDF, 14 with noise shaping); the
	// limiter leaves that much room, plus a step for inter-sample peaks.
	ceiling := t.TruePeakDBTP
	if !o.Encoding.Float {
		kind, _ := dither.ParseKind(o.Model.Dither)
		step := (1 + kind.MaxErrorLSB()) / audiofile.IntScale(o.Encoding.BitDepth)
		ceiling += dsp.GainToDB(1 - step/dsp.DBToGain(ceiling))
	}
	s.setLimiter(rate, block, ceiling)
	g := t.LoudnessLUFS - pre.IntegratedLUFS
	var prevG, prevL float64
	havePrev := false
	var res loudness.Result
	for pass := 0; pass < maxTargetPasses; pass++ {
		var err error
		res, err = measure(g)
		if err != nil {
			return nil, nil, err
		}
		miss := t.LoudnessLUFS - res.IntegratedLUFS
		over := truePeak(res) - t.TruePeakDBTP
		if math.Abs(miss) <= targetToleranceLU && over <= 0 {
			rep.written = sink != nil // at g and this ceiling, as measured
			break
		}
		if over > 0 {
			// The limiter's ceiling is a little optimistic for this
			// material: lower it by what got through.
			ceiling -= over + 0.01
			s.setLimiter(rate, block, ceiling)
		}
		// Secant step on loudness against gain: limiting makes the
		// slope less than one. Keep it sane.
		slope := 1.0
		if havePrev && g != prevG {
			slope = (res.IntegratedLUFS - prevL) / (g - prevG)
			slope = min(max(slope, 0.1), 1.5)
		}
		prevG, prevL, havePrev = g, res.IntegratedLUFS, true
		g += miss / slope
	}
	rep.GainDB = g
	rep.RefTruePeakDBTP = s.refPeakDB()
	rep.LimiterCeilDB = ceiling
	rep.LimitingDB = s.lim.MaxGainReductionDB()
	s.gain = dsp.DBToGain(g)
	if miss := t.LoudnessLUFS - res.IntegratedLUFS; math.Abs(miss) > 0.1 {
		warnings = append(warnings, fmt.Sprintf("%s: the target of %.1f LUFS cannot be reached: the file measures %.1f LUFS", addr, t.LoudnessLUFS, res.IntegratedLUFS))
	}
	if rep.LimitingDB > limitingWarnDB {
		warnings = append(warnings, fmt.Sprintf("%s: reaching %.1f LUFS takes %.1f dB of limiting (more than %d dB): expect audible squashing; lower the target or control peaks earlier in the chain",
			addr, t.LoudnessLUFS, rep.LimitingDB, limitingWarnDB))
	}
	return rep, warnings, nil
}

// newPreMeter is the meter of the master before the output stages, whose
// Result planTarget starts from. Only a peak-only target reads its true
// peak (loudness targets start from the integrated loudness), so without
// one the meter leaves true peak out: 4x oversampling is most of a
// meter's cost.
func newPreMeter(g *Graph, rate float64) *loudness.Meter {
	peakOnly := false
	for _, o := range g.Outputs {
		if t := o.Model.EffectiveTarget(g.Mix); t != nil && !t.HasLoudness {
			peakOnly = true
		}
	}
	return loudness.NewMeterOptions(rate, 2, loudness.Options{NoTruePeak: !peakOnly})
}

// newQuantizer returns the word-length reduction for an output: its
// dither kind at its bit depth, seeded from its address so the output is
// bit-identical run to run; or float32 rounding for a float output.
func newQuantizer(o *Output) quantizer {
	if o.Encoding.Float {
		return &float32Quantizer{}
	}
	kind, _ := dither.ParseKind(o.Model.Dither)
	q := dither.New(kind, o.Encoding.BitDepth, 2, Seed(o.Address))
	q.Prepare(dsp.Spec{Channels: 2})
	return q
}

// float32Quantizer rounds to the 32-bit float a float output stores.
type float32Quantizer struct{ clipped int64 }

func (q *float32Quantizer) Process(buf [][]float64) {
	for _, x := range buf {
		for i, v := range x {
			x[i] = float64(float32(v))
		}
	}
}

func (q *float32Quantizer) Reset()         {}
func (q *float32Quantizer) Clipped() int64 { return 0 }
