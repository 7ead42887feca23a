package audiofile

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes planar samples with the Writer and returns the bytes.
func writeFile(t testing.TB, rate int, enc Encoding, planar [][]float64, block int) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.wav")
	w, err := Create(path, rate, len(planar), enc)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for off := 0; off < len(planar[0]); off += block {
		end := min(off+block, len(planar[0]))
		part := make([][]float64, len(planar))
		for ch := range planar {
			part[ch] = planar[ch][off:end]
		}
		if err := w.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRoundTripIntBitExact: reading integer PCM and writing it at the same
// depth reproduces the data chunk byte for byte, for every depth and for
// plain and extensible layouts.
func TestRoundTripIntBitExact(t *testing.T) {
	for _, bits := range []int{8, 16, 24, 32} {
		for _, channels := range []int{1, 2, 3, 8} {
			planar := randomInts(bits, channels, 3001, uint64(bits+channels))
			src := intWAV(bits, 48000, planar)
			got := readAll(t, readBytes(t, src), 4096)
			out := writeFile(t, 48000, Encoding{BitDepth: bits}, got, 1000)
			if !bytes.Equal(dataChunk(t, out), dataChunk(t, src)) {
				t.Fatalf("%d-bit %dch: data chunk differs after read -> write", bits, channels)
			}
			r := readBytes(t, out)
			want := Info{SampleRate: 48000, Channels: channels, Frames: 3001, BitDepth: bits, ValidBits: bits}
			if r.Info() != want {
				t.Fatalf("%d-bit %dch: Info %+v, want %+v", bits, channels, r.Info(), want)
			}
			again := readAll(t, r, 333)
			for ch := range got {
				if !equal(again[ch], got[ch]) {
					t.Fatalf("%d-bit %dch: samples differ after write -> read", bits, channels)
				}
			}
		}
	}
}

func TestRoundTripFloat(t *testing.T) {
	vals := []float64{0, 0.5, -1, 1.75, -1e-30, 3.0517578125e-05, math.Pi, -100}
	planar := [][]float64{vals, make([]float64, len(vals)), make([]float64, len(vals))}
	for i, v := range vals {
		planar[1][i] = -v / 3
		planar[2][i] = v * 1e10
	}
	for _, channels := range []int{1, 2, 3} {
		for _, enc := range []Encoding{Float32, {BitDepth: 64, Float: true}} {
			out := writeFile(t, 44100, enc, planar[:channels], 3)
			r := readBytes(t, out)
			if i := r.Info(); !i.Float || i.BitDepth != enc.BitDepth || i.Channels != channels || i.Frames != int64(len(vals)) {
				t.Fatalf("Info = %+v", i)
			}
			got := readAll(t, r, 5)
			for ch := range got {
				for i, v := range planar[ch] {
					want := v
					if enc.BitDepth == 32 {
						want = float64(float32(v))
					}
					if got[ch][i] != want {
						t.Fatalf("%v %dch: ch%d[%d] = %v, want %v", enc, channels, ch, i, got[ch][i], want)
					}
				}
			}
		}
	}
}

// TestQuantizeConvention pins the documented rounding and clipping rule.
func TestQuantizeConvention(t *testing.T) {
	cases := []struct {
		x    float64
		bits int
		want int32
	}{
		{0, 16, 0},
		{1, 16, 32767},   // +full scale clips
		{-1, 16, -32768}, // -full scale is exact
		{0.5, 16, 16384},
		{0.5 / 32768, 16, 0}, // half an LSB: ties to even
		{1.5 / 32768, 16, 2}, // ties to even
		{2.5 / 32768, 16, 2}, // ties to even
		{-1.5 / 32768, 16, -2},
		{0.4999 / 32768, 16, 0},
		{32766.5 / 32768, 16, 32766},
		{32767.4 / 32768, 16, 32767},
		{-32768.6 / 32768, 16, -32768},
		{2, 16, 32767},
		{math.Inf(1), 16, 32767},
		{math.Inf(-1), 16, -32768},
		{math.NaN(), 16, 0},
		{1, 8, 127},
		{-1, 8, -128},
		{0.00390625, 8, 0}, // 0.5/128 ties to even
		{1, 24, 8388607},
		{-1, 24, -8388608},
		{1, 32, 2147483647},
		{-1, 32, -2147483648},
		{0.5 / 2147483648, 32, 0},
		{1.5 / 2147483648, 32, 2},
		{0.5, 12, 0}, // unsupported depth
	}
	for _, c := range cases {
		if got := Quantize(c.x, c.bits); got != c.want {
			t.Errorf("Quantize(%v, %d) = %d, want %d", c.x, c.bits, got, c.want)
		}
	}
	for bits, s := range map[int]float64{8: 128, 16: 32768, 24: 8388608, 32: 2147483648, 12: 0, 64: 0} {
		if IntScale(bits) != s {
			t.Errorf("IntScale(%d) = %v, want %v", bits, IntScale(bits), s)
		}
	}
	if lo, hi := IntRange(24); lo != -8388608 || hi != 8388607 {
		t.Errorf("IntRange(24) = %d, %d", lo, hi)
	}
}

// TestWriteMatchesQuantize: the Writer's bulk path and Quantize agree, and
// clip and non-finite counts are right.
func TestWriteMatchesQuantize(t *testing.T) {
	x := []float64{0, 0.25, 1, -1, 1.5, -7, math.NaN(), math.Inf(1), math.Inf(-1), 0.99, -0.99999, 1e-9, 0.5 / 128, 3.5 / 32768}
	for _, bits := range []int{8, 16, 24, 32} {
		path := filepath.Join(t.TempDir(), "q.wav")
		w, err := Create(path, 8000, 1, Encoding{BitDepth: bits})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write([][]float64{x}); err != nil {
			t.Fatal(err)
		}
		// Full scale +1 clips at every depth; so do 1.5 and -7.
		if w.Clipped() != 3 || w.NonFinite() != 3 {
			t.Errorf("%d-bit: Clipped %d, NonFinite %d; want 3, 3", bits, w.Clipped(), w.NonFinite())
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, r, 100)[0]
		r.Close()
		for i, v := range x {
			if want := float64(Quantize(v, bits)) / IntScale(bits); got[i] != want {
				t.Errorf("%d-bit: x=%v read back %v, want %v", bits, v, got[i], want)
			}
		}
	}

	// Float output: NaN -> 0, Inf and out-of-float32-range -> ±MaxFloat32.
	path := filepath.Join(t.TempDir(), "f.wav")
	w, err := Create(path, 8000, 1, Float32)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([][]float64{{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 2}}); err != nil {
		t.Fatal(err)
	}
	if w.Clipped() != 2 || w.NonFinite() != 3 {
		t.Errorf("float32: Clipped %d, NonFinite %d; want 2, 3", w.Clipped(), w.NonFinite())
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m := float64(math.MaxFloat32)
	if got := readAll(t, r, 10)[0]; !equal(got, []float64{0, m, -m, m, -m, 2}) || r.NonFinite() != 0 {
		t.Errorf("float32 sanitising: got %v", got)
	}
}

// TestWriterLayout checks the bytes of the headers the Writer chooses.
func TestWriterLayout(t *testing.T) {
	one := func(channels int) [][]float64 {
		p := make([][]float64, channels)
		for ch := range p {
			p[ch] = []float64{0.5, -0.5, 0.25}
		}
		return p
	}
	cases := []struct {
		name     string
		channels int
		enc      Encoding
		fmtSize  uint32
		tag      uint16
		fact     bool
	}{
		{"pcm16 stereo", 2, PCM16, 16, tagPCM, false},
		{"pcm24 mono", 1, PCM24, 16, tagPCM, false},
		{"pcm32 stereo", 2, PCM32, 16, tagPCM, false},
		{"pcm8 mono", 1, Encoding{BitDepth: 8}, 16, tagPCM, false},
		{"float32 stereo", 2, Float32, 18, tagFloat, true},
		{"float64 mono", 1, Encoding{BitDepth: 64, Float: true}, 18, tagFloat, true},
		{"pcm24 5.1", 6, PCM24, 40, tagExtensible, false},
		{"pcm16 3ch", 3, PCM16, 40, tagExtensible, false},
		{"float32 4ch", 4, Float32, 18, tagFloat, true},
		{"float32 stereo with mask", 2, Encoding{BitDepth: 32, Float: true, ChannelMask: 3}, 40, tagExtensible, true},
		{"pcm16 stereo with mask", 2, Encoding{BitDepth: 16, ChannelMask: 3}, 40, tagExtensible, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := writeFile(t, 48000, c.enc, one(c.channels), 2)
			if string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " {
				t.Fatalf("bad start %q", b[:16])
			}
			if got := le.Uint32(b[4:]); int(got) != len(b)-8 {
				t.Errorf("RIFF size %d, file %d", got, len(b))
			}
			if got := le.Uint32(b[16:]); got != c.fmtSize {
				t.Errorf("fmt size %d, want %d", got, c.fmtSize)
			}
			if got := le.Uint16(b[20:]); got != c.tag {
				t.Errorf("format tag %#x, want %#x", got, c.tag)
			}
			frameBytes := c.channels * c.enc.BitDepth / 8
			if got := le.Uint16(b[32:]); int(got) != frameBytes {
				t.Errorf("block align %d, want %d", got, frameBytes)
			}
			if got := le.Uint32(b[28:]); int(got) != 48000*frameBytes {
				t.Errorf("byte rate %d", got)
			}
			off := 20 + int(c.fmtSize)
			if c.fmtSize == 40 {
				want := c.enc.Float
				sub := le.Uint16(b[44:])
				if (sub == tagFloat) != want || le.Uint16(b[38:]) != uint16(c.enc.BitDepth) || le.Uint16(b[36:]) != 22 {
					t.Errorf("extensible fields wrong: % x", b[36:60])
				}
				if le.Uint32(b[40:]) != c.enc.ChannelMask {
					t.Errorf("channel mask %#x", le.Uint32(b[40:]))
				}
			}
			if c.fact {
				if string(b[off:off+4]) != "fact" || le.Uint32(b[off+4:]) != 4 || le.Uint32(b[off+8:]) != 3 {
					t.Errorf("fact chunk wrong: % x", b[off:off+12])
				}
				off += 12
			}
			if string(b[off:off+4]) != "data" || int(le.Uint32(b[off+4:])) != 3*frameBytes {
				t.Errorf("data chunk header wrong: % x", b[off:off+8])
			}
			if pad := 3 * frameBytes % 2; len(b) != off+8+3*frameBytes+pad {
				t.Errorf("file length %d, want %d", len(b), off+8+3*frameBytes+pad)
			}
		})
	}
}

// TestWriterOddDataPad: an odd-sized data chunk gets its pad byte and the
// result still reads back.
func TestWriterOddDataPad(t *testing.T) {
	b := writeFile(t, 8000, Encoding{BitDepth: 8}, [][]float64{{0.5, 0, -0.5}}, 1)
	if len(b) != 44+3+1 || b[47] != 0 || le.Uint32(b[40:]) != 3 || le.Uint32(b[4:]) != 40 {
		t.Fatalf("odd 8-bit file wrong: % x", b)
	}
	if got := readAll(t, readBytes(t, b), 10)[0]; !equal(got, []float64{0.5, 0, -0.5}) {
		t.Fatalf("got %v", got)
	}
}

func TestWriterEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.wav")
	w, err := Create(path, 48000, 2, PCM24)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	info, err := ReadInfo(path)
	if err != nil || info.Frames != 0 || info.Channels != 2 {
		t.Fatalf("empty file: %+v, %v", info, err)
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		rate, channels int
		enc            Encoding
		want           string
	}{
		{48000, 0, PCM16, "channels"},
		{48000, MaxChannels + 1, PCM16, "channels"},
		{0, 2, PCM16, "sample rate"},
		{48000, 2, Encoding{BitDepth: 12}, "12-bit integer"},
		{48000, 2, Encoding{BitDepth: 16, Float: true}, "16-bit float"},
		{48000, 2, Encoding{BitDepth: 64}, "64-bit integer"},
	} {
		path := filepath.Join(dir, "x.wav")
		_, err := Create(path, c.rate, c.channels, c.enc)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrFormat) {
			t.Errorf("Create(%d, %d, %+v) = %v, want error with %q", c.rate, c.channels, c.enc, err, c.want)
		}
	}
	if _, err := Create(filepath.Join(dir, "no/such/dir/x.wav"), 48000, 2, PCM16); err == nil {
		t.Errorf("Create in a missing directory succeeded")
	}
	assertNoTemps(t, dir)
}

// TestWriterStickyError: a bad Write poisons the Writer; Commit then fails
// and leaves no file, and an existing file is kept.
func TestWriterStickyError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mix.wav")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, 48000, 2, PCM16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([][]float64{{0, 0}, {0, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([][]float64{{0, 0}, {0}}); err == nil {
		t.Fatal("ragged Write succeeded")
	}
	if err := w.Write([][]float64{{0}, {0}}); err == nil {
		t.Fatal("Write after an error succeeded")
	}
	if err := w.Commit(); err == nil {
		t.Fatal("Commit after a failed Write succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("existing file changed to %q", b)
	}
	assertNoTemps(t, dir)
	if err := w.Write([][]float64{{0}, {0}}); err == nil {
		t.Fatal("Write after Commit succeeded")
	}
}

func TestWriterAllocs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	w, err := Create(path, 48000, 2, PCM24)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	buf := [][]float64{make([]float64, 512), make([]float64, 512)}
	for i := range buf[0] {
		buf[0][i] = math.Sin(float64(i) / 10)
		buf[1][i] = -buf[0][i]
	}
	w.Write(buf)
	if allocs := testing.AllocsPerRun(50, func() { w.Write(buf) }); allocs != 0 {
		t.Fatalf("Write allocates %v times per call", allocs)
	}
}

// TestWriterSizeLimit: the 4 GiB RIFF limit is enforced before writing.
func TestWriterSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.wav")
	w, err := Create(path, 48000, 2, PCM16)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.frames = w.maxFrames - 1 // pretend; no need to write 4 GiB
	err = w.Write([][]float64{{0, 0}, {0, 0}})
	if err == nil || !strings.Contains(err.Error(), "4 GiB") {
		t.Fatalf("Write past the limit: %v", err)
	}
	if got := int64(len(w.header())-8) + w.maxFrames*4 + 1; got > 0xFFFFFFFF {
		t.Fatalf("maxFrames allows a RIFF size of %d", got)
	}
}

// assertNoTemps fails if any temporary file is left in dir.
func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestRoundHalfEven: the fast rounding equals math.RoundToEven wherever a
// sample can land, and anything it leaves unrounded is out of every range.
func TestRoundHalfEven(t *testing.T) {
	check := func(y float64) {
		got, want := roundHalfEven(y), math.RoundToEven(y)
		if math.Abs(y) < 1<<51 && got != want {
			t.Fatalf("roundHalfEven(%v) = %v, want %v", y, got, want)
		}
		if math.Abs(y) >= 1<<51 && !(math.Abs(got) >= 1<<50) {
			t.Fatalf("roundHalfEven(%v) = %v: a huge value came back in range", y, got)
		}
	}
	for _, y := range []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
		32767.5, -32768.5, 8388607.5, 2147483647.5, -2147483648.5, 1<<51 - 0.5, -(1<<51 - 0.5), 1 << 51, 1 << 52, 1e300, -1e300,
		math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1)} {
		check(y)
	}
	if !math.IsNaN(roundHalfEven(math.NaN())) {
		t.Fatal("NaN not preserved")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		x := (rng.Float64()*2 - 1) * 1.1
		for _, s := range []float64{1 << 7, 1 << 15, 1 << 23, 1 << 31} {
			check(x * s)
			check(math.Floor(x*s) + 0.5) // exact ties
		}
	}
}
