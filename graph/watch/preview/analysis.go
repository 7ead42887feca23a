package preview

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/loudness"
)

// overviewBuckets is the number of columns of the waveform overview: more
// than a screen's width shows, few enough that the JSON stays small (two
// numbers per column).
const overviewBuckets = 1600

// analysisBlock is the frames read at a time: the reader and the meter
// stream, so a long output costs a few hundred KB, not its length.
const analysisBlock = 8192

// Analysis is what the page draws for one snapshot.
type Analysis struct {
	Output     string `json:"output"`
	Seq        int    `json:"seq"`
	SampleRate int    `json:"sampleRate"`
	Channels   int    `json:"channels"`
	Frames     int64  `json:"frames"`
	Seconds    num    `json:"seconds"`

	// Min and Max are the waveform overview: for each of len(Min) equal
	// spans of the file, the smallest and largest sample of any channel.
	Min []num `json:"min"`
	Max []num `json:"max"`

	// ShortTerm is the short-term (3 s) loudness in LUFS every
	// ShortTermStep seconds, ShortTerm[i] ending at (i+1)*step (EBU Tech
	// 3341, from dsp/loudness); null where silent.
	ShortTerm     []num `json:"shortTerm"`
	ShortTermStep num   `json:"shortTermStep"`
	Integrated    num   `json:"integrated"`
	LRA           num   `json:"lra"`
}

// analyzeOnce measures the snapshot the first time it is asked; every
// later call returns the same result.
func (sn *snapshot) analyzeOnce() ([]byte, error) {
	sn.once.Do(func() {
		a, err := analyze(sn.path)
		if err != nil {
			sn.err = fmt.Errorf("output %s render %d: %w", sn.name, sn.seq, err)
			return
		}
		a.Output, a.Seq = sn.name, sn.seq
		sn.analysis, sn.err = json.Marshal(a)
	})
	return sn.analysis, sn.err
}

// analyze reads an audio file once, streaming, and returns its waveform
// overview and loudness curve.
func analyze(path string) (*Analysis, error) {
	r, err := audiofile.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info := r.Info()
	a := &Analysis{
		SampleRate:    info.SampleRate,
		Channels:      info.Channels,
		Frames:        info.Frames,
		Seconds:       num(info.Duration()),
		ShortTerm:     []num{}, // stays empty below loudness.MinSampleRate
		ShortTermStep: loudness.ShortTermStepSeconds,
		Integrated:    num(math.Inf(-1)),
		LRA:           num(math.NaN()),
	}
	nb := int(min(int64(overviewBuckets), info.Frames))
	lo := make([]float64, nb)
	hi := make([]float64, nb)

	var m *loudness.Meter
	if info.SampleRate >= loudness.MinSampleRate {
		m = loudness.NewMeterOptions(float64(info.SampleRate), info.Channels, loudness.Options{NoTruePeak: true})
		m.Reserve(info.Duration() + 1)
	}
	buf := make([][]float64, info.Channels)
	for ch := range buf {
		buf[ch] = make([]float64, analysisBlock)
	}
	var pos int64 // frames read
	b := 0        // current bucket
	// end of bucket b: frames [b*F/nb, (b+1)*F/nb)
	bucketEnd := func(b int) int64 { return (int64(b) + 1) * info.Frames / int64(nb) }
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if m != nil {
				view := buf
				if n < analysisBlock {
					view = make([][]float64, len(buf))
					for ch := range buf {
						view[ch] = buf[ch][:n]
					}
				}
				m.Process(view)
			}
			for i := 0; i < n; {
				for pos+int64(i) >= bucketEnd(b) {
					b++
				}
				j := min(n, int(bucketEnd(b)-pos))
				l, h := lo[b], hi[b]
				for ch := range buf {
					for _, v := range buf[ch][i:j] {
						l = min(l, v)
						h = max(h, v)
					}
				}
				lo[b], hi[b] = l, h
				i = j
			}
			pos += int64(n)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	a.Min = round4(lo)
	a.Max = round4(hi)
	if m != nil {
		res := m.Result()
		a.Integrated, a.LRA = num(res.IntegratedLUFS), num(res.LoudnessRangeLU)
		a.ShortTerm = make([]num, len(res.ShortTerm))
		for i, v := range res.ShortTerm {
			a.ShortTerm[i] = num(math.Round(v*100) / 100)
		}
	}
	return a, nil
}

// round4 rounds to 4 decimals: finer than a pixel, and a third of the JSON.
func round4(x []float64) []num {
	out := make([]num, len(x))
	for i, v := range x {
		out[i] = num(math.Round(v*1e4) / 1e4)
	}
	return out
}

// num is a float64 that is written to JSON as null when it is not finite
// (silence has no loudness: -Inf).
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}
