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

// openSource opens a track's audio. A track that is one whole file from
// the start at unity gain (source = "..." and its clip equivalent) reads
// the file directly, resampled to the mix rate when it is at another rate;
// any other track plays its clips (clips.go).
func openSource(t *Track, mixRate int) (source, error) {
	if len(t.Clips) == 1 && t.Clips[0].plain(mixRate) {
		return openFile(t.Clips[0].Model.SourcePath, mixRate)
	}
	return newClipPlayer(t, mixRate), nil
}

// plain reports whether the clip is its whole source from 0, unchanged.
func (c *Clip) plain(mixRate int) bool {
	return c.Start == 0 && c.Offset == 0 && c.Gain == 1 && c.FadeIn == 0 && c.FadeOut == 0 &&
		c.End == timelineFrames(c.Info.Frames, c.Info.SampleRate, mixRate)
}

// openFile opens a file at the mix rate.
func openFile(path string, mixRate int) (source, error) {
	r, err := audiofile.Open(path)
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
