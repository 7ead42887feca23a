package graph

import (
	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/resample"
)

// source is a track's audio on the mix's timeline at the mix rate. Read
// fills dst (planar, the track's channel count) and returns io.EOF once
// the track has nothing more to play.
type source interface {
	Read(dst [][]float64) (int, error)
	Close() error
}

// openSource opens a track's audio: the file, resampled to the mix rate
// when it is at another rate.
func openSource(t *Track, mixRate int) (source, error) {
	r, err := audiofile.Open(t.Model.SourcePath)
	if err != nil {
		return nil, err
	}
	if info := r.Info(); info.SampleRate != mixRate {
		rr, err := resample.NewReader(r, info.SampleRate, mixRate, info.Channels)
		if err != nil {
			r.Close()
			return nil, err
		}
		return rr, nil
	}
	return r, nil
}
