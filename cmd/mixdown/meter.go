package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/dsp/loudness"
)

var cmdMeter = &Command{
	Name:      "meter",
	UsageLine: "meter FILE.wav [-json]",
	Short:     "measure a file's loudness and peaks (EBU R 128)",
	Long: `
Meter measures a WAV or FLAC file as ITU-R BS.1770-4 and EBU R 128 define it:
integrated loudness (gated), loudness range (EBU Tech 3342), true peak (4x
oversampled, BS.1770-4 Annex 2), sample peak, and the maxima of momentary
(400 ms) and short-term (3 s) loudness.

With -json it prints one object with the keys integrated_lufs,
loudness_range_lu, true_peak_dbtp, sample_peak_dbfs, max_momentary_lufs and
max_short_term_lufs (plus file and seconds). A value that does not exist,
such as the loudness of silence, is null.
`,
}

var meterFlags struct{ json bool }

func init() {
	register(cmdMeter)
	cmdMeter.Flags = func(fs *flag.FlagSet) {
		meterFlags.json = false
		fs.BoolVar(&meterFlags.json, "json", false, "print JSON")
	}
	cmdMeter.Run = runMeter
}

func runMeter(env *Env, args []string) int {
	file, ok := oneFile(env, cmdMeter, args)
	if !ok {
		return exitUsage
	}
	res, err := meterFile(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: cannot meter %s\n\n%s\n", file, err)
		return exitFail
	}
	if meterFlags.json {
		out := meterJSON{
			File:             file,
			Seconds:          res.Seconds,
			IntegratedLUFS:   jsonNum(res.IntegratedLUFS),
			LoudnessRangeLU:  jsonNum(res.LoudnessRangeLU),
			TruePeakDBTP:     jsonNum(res.TruePeakDBTP),
			SamplePeakDBFS:   jsonNum(res.SamplePeakDBFS),
			MaxMomentaryLUFS: jsonNum(res.MaxMomentaryLUFS),
			MaxShortTermLUFS: jsonNum(res.MaxShortTermLUFS),
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return exitOK
	}
	fmt.Fprintf(env.Stdout, "%s  %s\n", file, formatDuration(res.Seconds))
	rows := []struct {
		name string
		v    float64
		unit string
	}{
		{"integrated", res.IntegratedLUFS, "LUFS"},
		{"loudness range", res.LoudnessRangeLU, "LU"},
		{"true peak", res.TruePeakDBTP, "dBTP"},
		{"sample peak", res.SamplePeakDBFS, "dBFS"},
		{"max momentary", res.MaxMomentaryLUFS, "LUFS"},
		{"max short-term", res.MaxShortTermLUFS, "LUFS"},
	}
	for _, r := range rows {
		fmt.Fprintf(env.Stdout, "  %-15s %7s %s\n", r.name, formatLevel(r.v), r.unit)
	}
	return exitOK
}

// meterJSON is the -json shape. Its keys are a contract.
type meterJSON struct {
	File             string   `json:"file"`
	Seconds          float64  `json:"seconds"`
	IntegratedLUFS   *float64 `json:"integrated_lufs"`
	LoudnessRangeLU  *float64 `json:"loudness_range_lu"`
	TruePeakDBTP     *float64 `json:"true_peak_dbtp"`
	SamplePeakDBFS   *float64 `json:"sample_peak_dbfs"`
	MaxMomentaryLUFS *float64 `json:"max_momentary_lufs"`
	MaxShortTermLUFS *float64 `json:"max_short_term_lufs"`
}

// jsonNum turns a meter value into a JSON number rounded to 0.01, or null
// when there is no value.
func jsonNum(v float64) *float64 {
	if loudness.NoValue(v) {
		return nil
	}
	r := math.Round(v*100) / 100
	return &r
}

// formatLevel prints a meter value with one decimal, or "-" for none.
func formatLevel(v float64) string {
	if loudness.NoValue(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

// meterFile measures a whole WAV file.
func meterFile(path string) (loudness.Result, error) {
	r, err := audiofile.Open(path)
	if err != nil {
		return loudness.Result{}, err
	}
	defer r.Close()
	info := r.Info()
	if info.SampleRate < loudness.MinSampleRate {
		return loudness.Result{}, fmt.Errorf("%s: %d Hz is below the %d Hz that BS.1770 metering needs", path, info.SampleRate, loudness.MinSampleRate)
	}
	if info.Channels == 0 {
		return loudness.Result{}, fmt.Errorf("%s: the file has no channels", path)
	}
	m := loudness.NewMeter(float64(info.SampleRate), info.Channels)
	m.Reserve(info.Duration())
	buf := make([][]float64, info.Channels)
	for ch := range buf {
		buf[ch] = make([]float64, 8192)
	}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			view := make([][]float64, len(buf))
			for ch := range buf {
				view[ch] = buf[ch][:n]
			}
			m.Process(view)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return loudness.Result{}, err
		}
	}
	return m.Result(), nil
}
