package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/mixdown/mixdown/dsp/loudness"
	"github.com/mixdown/mixdown/graph"
)

// Measurement is what a render of a mix measured.
type Measurement struct {
	Outputs []OutputMeasure // in the graph's output order
	Buses   []BusMeasure    // in the graph's bus order
}

// OutputMeasure is one output file's measurement.
type OutputMeasure struct {
	Address  string // output.NAME
	Path     string // the rendered file
	Loudness loudness.Result
	Spectrum *Spectrum
	Bands    []float64 // dB relative to the total, per BandNames
}

// BusMeasure is one bus's measurement: its post-fader output, as it
// leaves the bus.
type BusMeasure struct {
	Address  string // bus.NAME
	Rendered bool   // false for a muted bus: nothing was measured
	Loudness loudness.Result
}

// Measure renders g with every output redirected into dir, measures the
// files (the loudness graph.Render reports, and each file's spectrum),
// then renders the graph once more, without writing, to meter every bus
// through graph.Engine.Tap. It changes the output paths of g.
func Measure(ctx context.Context, g *graph.Graph, dir string, opts graph.Options) (*Measurement, error) {
	for i, o := range g.Outputs {
		// The index keeps apart outputs whose files share a name.
		o.Path = filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(o.Path)))
	}
	results, err := graph.Render(ctx, g, opts)
	if err != nil {
		return nil, err
	}
	m := &Measurement{}
	for _, r := range results {
		s, err := AnalyzeFile(r.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Address, err)
		}
		m.Outputs = append(m.Outputs, OutputMeasure{Address: r.Address, Path: r.Path, Loudness: r.Loudness,
			Spectrum: s, Bands: s.Bands()})
	}
	buses, err := MeterBuses(ctx, g, opts)
	if err != nil {
		return nil, err
	}
	m.Buses = buses
	return m, nil
}

// MeterBuses renders g without writing anything and measures the
// loudness, true peak and loudness range of every bus's output over
// exactly the output's timeline (see graph.Engine.Tap): the latency's
// pre-roll and what the engine renders past the end are left out.
func MeterBuses(ctx context.Context, g *graph.Graph, opts graph.Options) ([]BusMeasure, error) {
	out := make([]BusMeasure, len(g.Buses))
	if len(g.Buses) == 0 {
		return out, nil
	}
	e, err := graph.NewEngine(g, opts)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rate := float64(g.SampleRate)
	block := opts.BlockSize
	if block <= 0 {
		block = graph.DefaultBlockSize
	}
	// The engine renders at most this far past the output's end before it
	// knows the end: the master's latency, the silence it waits for, and
	// a block.
	lag := int(e.Latency()+g.TailHoldFrames) + 2*block
	meters := make([]*lagMeter, len(g.Buses))
	loud := make([]*loudness.Meter, len(g.Buses))
	for i, b := range g.Buses {
		out[i].Address = b.Address
		if !b.Active {
			continue
		}
		m := loudness.NewMeter(rate, 2)
		m.Reserve(float64(g.Frames+g.TailCapFrames) / rate)
		lm := newLagMeter(m.Process, 2*lag) // feeding half the ring at a time keeps lag frames back
		if err := e.Tap(b.Address, lm.push); err != nil {
			return nil, err
		}
		meters[i], loud[i] = lm, m
		out[i].Rendered = true
	}
	var end int64 // the output's length: frames Next handed out
	for {
		b, err := e.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		end += int64(len(b[0]))
	}
	for i, m := range meters {
		if m == nil {
			continue
		}
		if err := m.finish(end); err != nil {
			return nil, fmt.Errorf("%s: %w", out[i].Address, err)
		}
		out[i].Loudness = loud[i].Result()
	}
	return out, nil
}

// lagMeter feeds a meter the timeline frames 0, 1, ... of a tapped
// stream, holding the latest back in a ring until the output's length is
// known.
type lagMeter struct {
	process func([][]float64)
	ring    [][]float64
	r, w    int64 // timeline frames fed to the meter, and received
	view    [][]float64
}

func newLagMeter(process func([][]float64), size int) *lagMeter {
	return &lagMeter{process: process, ring: [][]float64{make([]float64, size), make([]float64, size)}, view: make([][]float64, 2)}
}

// push takes a tapped block whose first frame is at timeline position at.
func (l *lagMeter) push(block [][]float64, at int64) {
	n := int64(len(block[0]))
	if at+n <= 0 {
		return // latency pre-roll
	}
	from := max(-at, 0)
	size := int64(len(l.ring[0]))
	for from < n {
		// Make room, then copy as much as fits before the ring wraps.
		if l.w-l.r == size {
			l.feed(min(l.w, l.r+size/2))
		}
		pos := l.w % size
		k := min(n-from, size-pos, size-(l.w-l.r))
		for ch := range l.ring {
			copy(l.ring[ch][pos:pos+k], block[ch][from:from+k])
		}
		l.w += k
		from += k
	}
}

// feed passes the frames before timeline position to to the meter.
func (l *lagMeter) feed(to int64) {
	size := int64(len(l.ring[0]))
	for l.r < to {
		pos := l.r % size
		k := min(to-l.r, size-pos)
		for ch := range l.ring {
			l.view[ch] = l.ring[ch][pos : pos+k]
		}
		l.process(l.view)
		l.r += k
	}
}

// finish meters what is left up to the output's length end.
func (l *lagMeter) finish(end int64) error {
	if l.r > end {
		return fmt.Errorf("metered %d frames past the output's end: the lag is too short", l.r-end)
	}
	l.feed(min(l.w, end))
	return nil
}
