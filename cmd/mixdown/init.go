package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/mixdown/mixdown/dsp/audiofile"
	"github.com/mixdown/mixdown/graph"
	"github.com/mixdown/mixdown/lang"
	"github.com/mixdown/mixdown/lang/format"
)

var cmdInit = &Command{
	Name:      "init",
	UsageLine: "init [-o FILE] STEMS_DIR",
	Short:     "start a mix from a folder of stems",
	Long: `
Init writes a starting mix for the audio files in STEMS_DIR: one track per
.wav or .flac file directly in the folder (not in subfolders; hidden files
are skipped), in the order of their file names (byte order, so number them
"01 ...", "02 ..." to choose it). Each track reads its file, with its fader
at 0 dB and its pan centred, under a comment giving the file's channels,
format and duration.

Track names are the file names made into names: lowercase letters, digits,
"_" and "-", starting with a letter, so "01 Lead Vox (take 2).wav" becomes
lead_vox_take_2. Names used twice get _2, _3, ...; a file name with no
letter at all gives track_N, N its place in the list.

The mix's sample_rate is the stems' rate. When they differ it is the most
common one (of equally common rates, the highest), and a comment says
which stems will be resampled. The master gets a streaming loudness target
(preset "spotify": -14 LUFS, -1 dBTP), and one output, "main", writes
out/NAME.wav at 24 bits.

The mix is written to NAME.mix.hcl in the current directory, or to FILE
with -o, with sources relative to it. NAME is the stems folder's name made
into a name, or the name of the folder that holds it when the stems
folder has a generic name (stems, audio, tracks, ...) and is not the
current directory.
With -o, NAME is FILE's name without .mix.hcl.

A mix may only read files inside the folder that holds it, so STEMS_DIR
must be inside the folder the mix is written to: run init from the
project's folder, as in

	cd song && mixdown init stems

Init never overwrites a file: if the mix file exists it exits 1 and writes
nothing. The file appears complete or not at all. Before writing, init
checks the mix as validate would, and the result is formatted as fmt
would lay it out.
`,
}

var initFlags struct {
	out string
}

func init() {
	register(cmdInit)
	cmdInit.Flags = func(fs *flag.FlagSet) {
		initFlags.out = ""
		fs.StringVar(&initFlags.out, "o", "", "write the mix to `FILE` instead of NAME.mix.hcl in the current directory")
	}
	cmdInit.Run = runInit
}

// initStem is one audio file init makes a track of.
type initStem struct {
	file   string // the name in STEMS_DIR
	source string // the path as the mix writes it, relative to the mix, with "/"
	name   string // the track name
	info   audiofile.Info
}

func runInit(env *Env, args []string) int {
	dir, ok := oneFile(env, cmdInit, args)
	if !ok {
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "mixdown init: "+format+"\n", a...)
		return exitFail
	}

	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("%s: no such folder", dir)
	case err != nil:
		return fail("%s", trimPathError(err))
	case !fi.IsDir():
		return fail("%s is not a folder: give the folder that holds the stems", dir)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return fail("%s", err)
	}

	// Where the mix goes, and its NAME.
	mixPath := initFlags.out
	var name string
	if mixPath == "" {
		cwd, err := os.Getwd()
		if err != nil {
			return fail("%s", err)
		}
		name = initMixName(absDir, cwd)
		mixPath = name + ".mix.hcl"
	} else {
		base := filepath.Base(mixPath)
		base = strings.TrimSuffix(strings.TrimSuffix(base, ".hcl"), ".mix")
		name = safeName(base)
		if name == "" {
			name = "mix"
		}
	}
	absMix, err := filepath.Abs(mixPath)
	if err != nil {
		return fail("%s", err)
	}
	mixDir := filepath.Dir(absMix)
	if _, err := os.Lstat(mixPath); err == nil {
		return fail("%s already exists; init never overwrites a file. Remove it, or choose another name with -o FILE.", mixPath)
	}

	// Confinement: the mix may only read inside its own folder, so the
	// stems must be there, symbolic links followed as lang follows them.
	realRoot, err1 := lang.RealPath(mixDir)
	realDir, err2 := lang.RealPath(absDir)
	rel, err3 := filepath.Rel(mixDir, absDir)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fail("%s", err)
	}
	if !lang.Within(realRoot, realDir) || !lang.Within(mixDir, absDir) {
		return fail("%s is outside %s, the folder the mix is written to. A mix may only read files inside its own folder, so its sources must be there. Run init from the project folder that holds the stems (cd PROJECT && mixdown init stems), or write the mix there with -o PROJECT/NAME.mix.hcl.", dir, mixDir)
	}

	stems, bad, err := scanStems(absDir, filepath.ToSlash(rel), realRoot)
	if err != nil {
		return fail("%s", trimPathError(err))
	}
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintf(env.Stderr, "\t%s\n", b)
		}
		return fail("%d file%s in %s cannot be a track (above); move %s out of the folder or convert %s, then run init again. Nothing was written.",
			len(bad), plural(len(bad)), dir, them(len(bad)), them(len(bad)))
	}
	if len(stems) == 0 {
		return fail("%s has no .wav or .flac files (init does not look in subfolders)", dir)
	}
	nameTracks(stems)

	src, err := format.Source(initMix(stems, name, filepath.ToSlash(rel)))
	if err != nil {
		return fail("formatting the new mix: %s. Please report this.", err)
	}

	// Belt and braces: check the mix as validate would before writing it.
	p := lang.NewParser()
	m, diags := p.LoadMixSource(mixPath, src, lang.Options{Limits: lang.DefaultLimits()})
	if m != nil && !diags.HasErrors() {
		var more hcl.Diagnostics
		_, more = graph.Build(m)
		diags = append(diags, more...)
	}
	if diags.HasErrors() {
		lang.WriteDiagnostics(env.Stderr, p.Files(), diags)
		return fail("the mix for these stems would not validate (above); nothing was written")
	}

	if err := writeNew(mixPath, src); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fail("%s already exists; init never overwrites a file. Remove it, or choose another name with -o FILE.", mixPath)
		}
		return fail("%s", err)
	}
	fmt.Fprintf(env.Stdout, "%s: %d track%s from %s\n", mixPath, len(stems), plural(len(stems)), dir)
	return exitOK
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// scanStems lists the .wav and .flac files directly in dir (absolute),
// sorted by name, with their headers. rel is dir relative to the mix's
// folder, with "/". Files that cannot be tracks come back as reasons in
// bad, so that one run names them all.
func scanStems(dir, rel, realRoot string) (stems []*initStem, bad []string, err error) {
	entries, err := os.ReadDir(dir) // sorted by file name
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		file := e.Name()
		ext := strings.ToLower(filepath.Ext(file))
		if strings.HasPrefix(file, ".") || ext != ".wav" && ext != ".wave" && ext != ".flac" {
			continue // hidden files include macOS's ._NAME.wav resource forks
		}
		path := filepath.Join(dir, file)
		fi, err := os.Stat(path) // follows a link, to skip links to folders
		if err != nil {
			bad = append(bad, file+": "+fileErr(err))
			continue
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		if !utf8.ValidString(file) {
			bad = append(bad, fmt.Sprintf("%q: the name is not valid UTF-8, which a mix file cannot spell; rename the file", file))
			continue
		}
		if real, err := lang.RealPath(path); err != nil || !lang.Within(realRoot, real) {
			bad = append(bad, fmt.Sprintf("%s: a symbolic link to a file outside the mix's folder", file))
			continue
		}
		info, err := audiofile.ReadInfo(path)
		if err != nil {
			bad = append(bad, file+": "+fileErr(err))
			continue
		}
		if info.Channels > 2 {
			bad = append(bad, fmt.Sprintf("%s: %d channels; a track takes mono or stereo", file, info.Channels))
			continue
		}
		source := file
		if rel != "." {
			source = rel + "/" + file
		}
		stems = append(stems, &initStem{file: file, source: source, info: info})
	}
	return stems, bad, nil
}

// fileErr is what is wrong with a file, without its path.
func fileErr(err error) string {
	var fe *audiofile.FormatError
	var pe *fs.PathError
	switch {
	case errors.As(err, &fe):
		return fe.Msg
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// genericFolders are stems folder names that say nothing about the song;
// the mix is named after the folder that holds them instead.
var genericFolders = []string{"stems", "stem", "audio", "tracks", "multitracks", "multitrack",
	"bounces", "bounce", "exports", "export", "wav", "wavs", "flac", "files", "samples"}

// initMixName is NAME for a stems folder (absolute) and the current
// directory: the folder's name, or its parent's when that is generic or
// the folder is the current directory.
func initMixName(dir, cwd string) string {
	dir, cwd = filepath.Clean(dir), filepath.Clean(cwd)
	if dir != cwd && slices.Contains(genericFolders, strings.ToLower(filepath.Base(dir))) {
		dir = filepath.Dir(dir)
	}
	if n := safeName(filepath.Base(dir)); n != "" {
		return n
	}
	return "mix"
}

// safeName makes s (a file name without its extension) into a name mixdown
// accepts: lowercase ASCII letters, digits, "_" and "-", starting with a
// letter. Runs of other characters become one "_" (or "-" when the run is
// only dashes); anything before the first letter and any trailing "_" or
// "-" is dropped. It returns "" when s has no ASCII letter.
func safeName(s string) string {
	var b strings.Builder
	sep := "" // a pending separator, written before the next letter or digit
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0:
			if b.Len() > 0 {
				b.WriteString(sep)
			}
			sep = ""
			b.WriteRune(r)
		case r == '-' && (sep == "" || sep == "-"):
			sep = "-"
		default:
			sep = "_"
		}
	}
	return b.String()
}

// nameTracks gives each stem a distinct track name. A name that several
// files want goes to the first; the others get NAME_2, NAME_3, ..., skipping
// names another file wants for itself. Names made from file names come
// before the track_N fallbacks, so a file called track_1.wav keeps its name.
func nameTracks(stems []*initStem) {
	want := make([]string, len(stems))
	fallback := make([]bool, len(stems))
	wanted := map[string]bool{}
	for i, s := range stems {
		want[i] = safeName(strings.TrimSuffix(s.file, filepath.Ext(s.file)))
		if want[i] == "" {
			want[i], fallback[i] = fmt.Sprintf("track_%d", i+1), true
		}
		wanted[want[i]] = true
	}
	taken := map[string]bool{}
	for _, pass := range []bool{false, true} {
		for i, s := range stems {
			if fallback[i] != pass {
				continue
			}
			n := want[i]
			for k := 2; taken[n]; k++ {
				n = fmt.Sprintf("%s_%d", want[i], k)
				if wanted[n] {
					n = want[i] // keep looking: another file is called that
				}
			}
			taken[n] = true
			s.name = n
		}
	}
}

// initRate picks the mix rate: the most common of the stems' rates, the
// highest of equally common ones.
func initRate(stems []*initStem) int {
	count := map[int]int{}
	best := 0
	for _, s := range stems {
		r := s.info.SampleRate
		count[r]++
		if count[r] > count[best] || count[r] == count[best] && r > best {
			best = r
		}
	}
	return best
}

// initMix writes the mix's HCL (fmt then lays it out).
func initMix(stems []*initStem, name, rel string) []byte {
	var b bytes.Buffer
	rate := initRate(stems)
	from := rel + "/"
	if rel == "." {
		from = "this folder"
	}
	fmt.Fprintf(&b, "# Started by mixdown init from %s: faders at 0 dB and pans centred, so the\n", from)
	fmt.Fprintf(&b, "# mix starts as the plain sum of the stems. Add effect blocks, buses and sends\n")
	fmt.Fprintf(&b, "# from there (mixdown's docs: language.md, effects.md).\n\n")

	b.WriteString("mix {\n")
	var others []int
	count := map[int]int{}
	for _, s := range stems {
		if r := s.info.SampleRate; r != rate {
			if count[r] == 0 {
				others = append(others, r)
			}
			count[r]++
		}
	}
	if len(others) > 0 {
		slices.Sort(others)
		var parts []string
		for _, r := range others {
			parts = append(parts, fmt.Sprintf("%d at %d Hz", count[r], r))
		}
		fmt.Fprintf(&b, "  # The stems' most common rate; the others are resampled: %s.\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "  sample_rate = %d\n}\n", rate)

	for _, s := range stems {
		fmt.Fprintf(&b, "\n# %s\n", stemSummary(s.info, rate))
		fmt.Fprintf(&b, "track %q {\n", s.name)
		fmt.Fprintf(&b, "  source = %s\n", hclString(s.source))
		b.WriteString("  gain = 0\n  pan = 0\n}\n")
	}

	b.WriteString("\nmaster {\n  target {\n    preset = \"spotify\" # -14 LUFS, -1 dBTP\n  }\n}\n")
	fmt.Fprintf(&b, "\noutput \"main\" {\n  file = %s\n  bit_depth = 24\n}\n", hclString("out/"+name+".wav"))
	return b.Bytes()
}

// hclString quotes s as an HCL string literal, escaping quotes,
// backslashes, control characters and template sequences ("${", "%{").
func hclString(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

// stemSummary describes a stem's audio in a line: channels, format, rate
// and duration.
func stemSummary(info audiofile.Info, mixRate int) string {
	ch := "mono"
	switch info.Channels {
	case 2:
		ch = "stereo"
	case 1:
	default:
		ch = fmt.Sprintf("%d channels", info.Channels)
	}
	enc := fmt.Sprintf("%d-bit", info.BitDepth)
	if info.Float {
		enc += " float"
	}
	rate := fmt.Sprintf("%d Hz", info.SampleRate)
	if info.SampleRate != mixRate {
		rate += fmt.Sprintf(" (resampled to %d Hz)", mixRate)
	}
	return fmt.Sprintf("%s, %s, %s, %s", ch, enc, rate, clock(info.Frames, info.SampleRate))
}

// clock formats a length in frames as [h:]m:ss.mmm, rounded to the
// millisecond.
func clock(frames int64, rate int) string {
	if rate <= 0 {
		return "?"
	}
	ms := (frames*1000 + int64(rate)/2) / int64(rate)
	s, ms := ms/1000, ms%1000
	m, s := s/60, s%60
	if m >= 60 {
		return fmt.Sprintf("%d:%02d:%02d.%03d", m/60, m%60, s, ms)
	}
	return fmt.Sprintf("%d:%02d.%03d", m, s, ms)
}

// writeNew writes a file that must not exist: atomically where the file
// system has hard links (a temporary file published with a link, which
// fails if something appeared at path meanwhile), else with an exclusive
// create. Either way an existing file is never replaced; the error then
// matches fs.ErrExist.
func writeNew(path string, data []byte) error {
	f, err := audiofile.CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	err = f.CommitNoReplace()
	var le *os.LinkError
	if err == nil || errors.Is(err, fs.ErrExist) || !errors.As(err, &le) {
		return err
	}
	// No hard links here (FAT and exFAT drives, some network shares).
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	if _, err = out.Write(data); err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // ours: O_EXCL created it
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
