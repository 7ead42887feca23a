package resample_test

import (
	"fmt"

	"github.com/mixdown/mixdown/dsp/resample"
)

// A 48 kHz mix written to a 44.1 kHz master: push each rendered block,
// drain what is ready, and after the last block call End and drain the
// rest. 4800 frames (0.1 s) at 48 kHz become exactly 4410.
func Example_push() {
	r, err := resample.New(48000, 44100, 2)
	if err != nil {
		panic(err)
	}
	block := [][]float64{make([]float64, 512), make([]float64, 512)}
	out := [][]float64{make([]float64, 1024), make([]float64, 1024)}
	written := 0
	emit := func() {
		for {
			n := r.Read(out)
			if n == 0 {
				return
			}
			written += n // write out[c][:n] to the file here
		}
	}
	for frames := 4800; frames > 0; {
		in := min(frames, len(block[0]))
		view := [][]float64{block[0][:in], block[1][:in]}
		for len(view[0]) > 0 {
			k := r.Write(view)
			view[0], view[1] = view[0][k:], view[1][k:]
			emit()
		}
		frames -= in
	}
	r.End()
	emit()
	d := r.Design()
	fmt.Println(written, resample.OutputFrames(4800, 48000, 44100))
	fmt.Printf("L/M %d/%d, %d taps per phase, lookahead %d input frames, group delay %.3f ms removed\n",
		d.L, d.M, d.TapsPerPhase, r.Lookahead(), 1000*r.GroupDelay())
	// Output:
	// 4410 4410
	// L/M 147/160, 200 taps per phase, lookahead 100 input frames, group delay 2.083 ms removed
}
