package audiofile

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

// TestReadIntExact checks every integer depth against the documented
// convention x = v / 2^(N-1), including the extremes.
func TestReadIntExact(t *testing.T) {
	for _, bits := range []int{8, 16, 24, 32} {
		for _, channels := range []int{1, 2, 5} {
			planar := randomInts(bits, channels, 777, uint64(bits*10+channels))
			r := readBytes(t, intWAV(bits, 44100, planar))
			info := r.Info()
			want := Info{SampleRate: 44100, Channels: channels, Frames: 777, BitDepth: bits, ValidBits: bits}
			if info != want {
				t.Fatalf("%d-bit %dch: Info = %+v, want %+v", bits, channels, info, want)
			}
			got := readAll(t, r, 100)
			s := IntScale(bits)
			for ch := range planar {
				for i, v := range planar[ch] {
					if w := float64(v) / s; got[ch][i] != w {
						t.Fatalf("%d-bit ch%d[%d]: got %v, want %v (v=%d)", bits, ch, i, got[ch][i], w, v)
					}
					if got[ch][i] < -1 || got[ch][i] >= 1 {
						t.Fatalf("%d-bit: %v outside [-1, 1)", bits, got[ch][i])
					}
				}
			}
		}
	}
}

// TestReadKnownValues pins the convention with hand-written bytes, so a
// symmetric mistake in both builder and reader cannot hide.
func TestReadKnownValues(t *testing.T) {
	cases := []struct {
		bits int
		data []byte
		want []float64
	}{
		{8, []byte{0x00, 0x80, 0xFF, 0x7F, 0x40}, []float64{-1, 0, 127.0 / 128, -1.0 / 128, -0.5}},
		{16, []byte{0x00, 0x80, 0xFF, 0x7F, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x40}, []float64{-1, 32767.0 / 32768, 0, -1.0 / 32768, 0.5}},
		{24, []byte{0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC0}, []float64{-1, 8388607.0 / 8388608, -1.0 / 8388608, -0.5}},
		{32, []byte{0, 0, 0, 0x80, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0, 0, 0}, []float64{-1, 2147483647.0 / 2147483648, 1.0 / 2147483648}},
	}
	for _, c := range cases {
		r := readBytes(t, riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, c.bits)), chunk("data", c.data)))
		got := readAll(t, r, 64)[0]
		if len(got) != len(c.want) {
			t.Fatalf("%d-bit: %d frames, want %d", c.bits, len(got), len(c.want))
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%d-bit sample %d: got %v, want %v", c.bits, i, got[i], c.want[i])
			}
		}
	}
}

func TestReadFloatExact(t *testing.T) {
	f32 := []float32{0, 0.5, -1, 1.5, -0.0, math.SmallestNonzeroFloat32, math.MaxFloat32, -3.14159265, 1e-20}
	r := readBytes(t, float32WAV(48000, [][]float32{f32}))
	if i := r.Info(); !i.Float || i.BitDepth != 32 || i.Frames != int64(len(f32)) {
		t.Fatalf("Info = %+v", i)
	}
	got := readAll(t, r, 3)[0]
	for i, v := range f32 {
		if got[i] != float64(v) || math.Signbit(got[i]) != math.Signbit(float64(v)) {
			t.Errorf("float32[%d]: got %v, want %v", i, got[i], v)
		}
	}

	f64 := []float64{0, math.Pi, -1e-300, math.SmallestNonzeroFloat64, 1e300, -0.75, 1 - 1.0/(1<<53)}
	stereo := [][]float64{f64, make([]float64, len(f64))}
	for i, v := range f64 {
		stereo[1][i] = -v
	}
	r = readBytes(t, float64WAV(96000, stereo))
	if i := r.Info(); !i.Float || i.BitDepth != 64 || i.Channels != 2 {
		t.Fatalf("Info = %+v", i)
	}
	got2 := readAll(t, r, 2)
	for ch := range stereo {
		for i, v := range stereo[ch] {
			if got2[ch][i] != v {
				t.Errorf("float64 ch%d[%d]: got %v, want %v", ch, i, got2[ch][i], v)
			}
		}
	}
}

// TestReadNonFinite checks that NaN and ±Inf never leave the reader.
func TestReadNonFinite(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	r := readBytes(t, float32WAV(48000, [][]float32{{0.25, nan, -inf, inf, -0.25}}))
	got := readAll(t, r, 16)[0]
	want := []float64{0.25, 0, 0, 0, -0.25}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if r.NonFinite() != 3 {
		t.Errorf("NonFinite = %d, want 3", r.NonFinite())
	}
	r = readBytes(t, float64WAV(48000, [][]float64{{math.NaN(), math.Inf(-1), 1}}))
	if got := readAll(t, r, 16)[0]; got[0] != 0 || got[1] != 0 || got[2] != 1 || r.NonFinite() != 2 {
		t.Errorf("float64: got %v, NonFinite %d", got, r.NonFinite())
	}
}

func TestReadExtensible(t *testing.T) {
	// 6-channel 5.1 PCM: 20 valid bits in a 24-bit container.
	planar := randomInts(24, 6, 50, 7)
	for ch := range planar {
		for i := range planar[ch] {
			planar[ch][i] &^= 0xF // 20 significant bits, left-justified
		}
	}
	file := riffWave(chunk("fmt ", fmtExt(6, 48000, 24, 20, 0x3F, tagPCM)), chunk("data", encodeInts(24, planar)))
	r := readBytes(t, file)
	want := Info{SampleRate: 48000, Channels: 6, Frames: 50, BitDepth: 24, ValidBits: 20, ChannelMask: 0x3F}
	if r.Info() != want {
		t.Fatalf("Info = %+v, want %+v", r.Info(), want)
	}
	got := readAll(t, r, 7)
	for ch := range planar {
		for i, v := range planar[ch] {
			if got[ch][i] != float64(v)/(1<<23) {
				t.Fatalf("ch%d[%d]: got %v, want %v", ch, i, got[ch][i], float64(v)/(1<<23))
			}
		}
	}

	// Extensible float, with a fact chunk, and valid bits left 0.
	var d []byte
	vals := []float32{0.5, -0.125, 2, -2}
	for _, v := range vals {
		d = le.AppendUint32(d, math.Float32bits(v))
	}
	file = riffWave(chunk("fmt ", fmtExt(2, 44100, 32, 0, 0x3, tagFloat)), chunk("fact", le.AppendUint32(nil, 2)), chunk("data", d))
	r = readBytes(t, file)
	if i := r.Info(); !i.Float || i.BitDepth != 32 || i.ValidBits != 32 || i.Frames != 2 || i.ChannelMask != 3 {
		t.Fatalf("float Info = %+v", i)
	}
	got = readAll(t, r, 5)
	if got[0][0] != 0.5 || got[1][0] != -0.125 || got[0][1] != 2 || got[1][1] != -2 {
		t.Fatalf("float extensible: got %v", got)
	}

	// 32-bit integer extensible with a larger-than-40-byte fmt chunk.
	big := append(fmtExt(1, 8000, 32, 32, 0, tagPCM), 1, 2, 3, 4, 5, 6)
	r = readBytes(t, riffWave(chunk("fmt ", big), chunk("data", []byte{0, 0, 0, 0x40})))
	if got := readAll(t, r, 5)[0]; len(got) != 1 || got[0] != 0.5 {
		t.Fatalf("int32 extensible: got %v", got)
	}
}

// TestReadChunkLayout covers odd-sized chunks with pad bytes, chunks before
// and after data, data before fmt, a trailing partial frame and a missing
// final pad byte.
func TestReadChunkLayout(t *testing.T) {
	pcm8 := []byte{0x80, 0x90, 0x70} // 3 bytes: odd data chunk
	want8 := []float64{0, 16.0 / 128, -16.0 / 128}
	list := chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00mixd\x00")) // odd-sized, padded
	cases := []struct {
		name string
		file []byte
	}{
		{"odd LIST before data", riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), list, chunk("data", pcm8))},
		{"odd chunks everywhere", riffWave(chunk("junk", []byte{1}), chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("bext", []byte{1, 2, 3}), chunk("data", pcm8), list)},
		{"data before fmt", riffWave(list, chunk("data", pcm8), chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)))},
		{"fmt chunk of 18 bytes", riffWave(chunk("fmt ", append(fmtStd(tagPCM, 1, 8000, 8), 0, 0)), chunk("data", pcm8))},
		{"fmt chunk of odd size", riffWave(chunk("fmt ", append(fmtStd(tagPCM, 1, 8000, 8), 0)), chunk("data", pcm8))},
		{"missing final pad byte", func() []byte {
			f := riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("data", pcm8))
			return f[:len(f)-1] // RIFF size now one more than the file holds
		}()},
		{"second data chunk ignored", riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("data", pcm8), chunk("data", []byte{1, 2, 3, 4}))},
		{"RIFF size too small", func() []byte {
			f := riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("data", pcm8))
			le.PutUint32(f[4:], 4+24) // covers fmt only
			return f
		}()},
		{"trailing garbage after RIFF", append(riffWave(chunk("fmt ", fmtStd(tagPCM, 1, 8000, 8)), chunk("data", pcm8)), "garbage!"...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := readBytes(t, c.file)
			if got := readAll(t, r, 2)[0]; !equal(got, want8) {
				t.Fatalf("got %v, want %v", got, want8)
			}
		})
	}

	// A partial trailing frame is ignored.
	r := readBytes(t, riffWave(chunk("fmt ", fmtStd(tagPCM, 2, 8000, 16)), chunk("data", []byte{0, 0x40, 0, 0xC0, 0xFF})))
	if r.Info().Frames != 1 {
		t.Fatalf("Frames = %d, want 1", r.Info().Frames)
	}
	if got := readAll(t, r, 4); got[0][0] != 0.5 || got[1][0] != -0.5 {
		t.Fatalf("got %v", got)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReadBlockSizes requires identical data however the stream is cut.
func TestReadBlockSizes(t *testing.T) {
	for _, bits := range []int{8, 16, 24, 32} {
		planar := randomInts(bits, 3, 5003, 99)
		file := intWAV(bits, 48000, planar)
		ref := readAll(t, readBytes(t, file), 5003)
		for _, block := range []int{1, 2, 3, 7, 64, 1000, 4096, 5002, 5003, 100000} {
			got := readAll(t, readBytes(t, file), block)
			for ch := range ref {
				if !equal(got[ch], ref[ch]) {
					t.Fatalf("%d-bit block %d: channel %d differs", bits, block, ch)
				}
			}
		}
	}
	// Varying sizes within one stream, including 0, and a buffer larger
	// than the internal limit so Read has to loop.
	planar := randomInts(16, 2, 200000, 5)
	r := readBytes(t, intWAV(16, 48000, planar))
	buf := [][]float64{make([]float64, 150000), make([]float64, 150000)}
	pos := 0
	for i, size := range []int{0, 1, 13, 150000, 0, 7, 49970, 5, 100} {
		n, err := r.Read([][]float64{buf[0][:size], buf[1][:size]})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if n != min(size, 200000-pos) {
			t.Fatalf("call %d: n=%d", i, n)
		}
		for ch := range buf {
			for j := 0; j < n; j++ {
				if buf[ch][j] != float64(planar[ch][pos+j])/32768 {
					t.Fatalf("call %d ch%d frame %d wrong", i, ch, pos+j)
				}
			}
		}
		pos += n
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("after end: %d, %v", n, err)
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("after end, again: %d, %v", n, err)
	}
}

func TestSeekFrame(t *testing.T) {
	planar := randomInts(24, 2, 1000, 3)
	path := writeTemp(t, "seek.wav", intWAV(24, 48000, planar))
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ref := readAll(t, r, 1000)
	buf := [][]float64{make([]float64, 100), make([]float64, 100)}
	for _, f := range []int64{0, 999, 500, 1, 900, 0, 950} {
		if err := r.SeekFrame(f); err != nil {
			t.Fatal(err)
		}
		if r.Position() != f {
			t.Fatalf("Position = %d, want %d", r.Position(), f)
		}
		n, err := r.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(100, 1000-int(f)); n != want {
			t.Fatalf("seek %d: n=%d, want %d", f, n, want)
		}
		for ch := range buf {
			if !equal(buf[ch][:n], ref[ch][f:f+int64(n)]) {
				t.Fatalf("seek %d: channel %d differs", f, ch)
			}
		}
	}
	if err := r.SeekFrame(1000); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("at end: %d, %v", n, err)
	}
	for _, bad := range []int64{-1, 1001, math.MaxInt64} {
		err := r.SeekFrame(bad)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("SeekFrame(%d) = %v, want an error naming the file", bad, err)
		}
	}
}

func TestReadArgumentErrors(t *testing.T) {
	r := readBytes(t, intWAV(16, 48000, randomInts(16, 2, 10, 1)))
	if _, err := r.Read([][]float64{make([]float64, 4)}); err == nil || !strings.Contains(err.Error(), "test.wav") {
		t.Errorf("wrong channel count: %v", err)
	}
	if _, err := r.Read([][]float64{make([]float64, 4), make([]float64, 3)}); err == nil {
		t.Errorf("short channel buffer: no error")
	}
	r.Close()
	if _, err := r.Read([][]float64{make([]float64, 4), make([]float64, 4)}); err == nil {
		t.Errorf("Read after Close: no error")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestReadTruncatedWhileReading: the header was valid, then the file shrank.
func TestReadTruncatedWhileReading(t *testing.T) {
	file := intWAV(16, 48000, randomInts(16, 1, 1000, 1))
	path := writeTemp(t, "shrink.wav", file)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := os.Truncate(path, int64(len(file)-1000)); err != nil {
		t.Fatal(err)
	}
	buf := [][]float64{make([]float64, 2000)}
	n, err := r.Read(buf)
	if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("Read = %d, %v; want a truncation error naming the file", n, err)
	}
}

func TestReadAllocs(t *testing.T) {
	file := intWAV(24, 48000, randomInts(24, 2, 48000, 1))
	r := readBytes(t, file)
	buf := [][]float64{make([]float64, 512), make([]float64, 512)}
	r.Read(buf) // first call sizes the buffer
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := r.Read(buf); err != nil {
			r.SeekFrame(0)
		}
	})
	if allocs != 0 {
		t.Fatalf("Read allocates %v times per call", allocs)
	}
}

func TestReadInfo(t *testing.T) {
	path := writeTemp(t, "info.wav", intWAV(16, 22050, randomInts(16, 2, 22050, 1)))
	info, err := ReadInfo(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 22050 || info.Duration() != 1 || info.Channels != 2 {
		t.Fatalf("Info = %+v, Duration %v", info, info.Duration())
	}
	if _, err := ReadInfo(path + ".missing"); err == nil || !strings.Contains(err.Error(), "info.wav.missing") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Open(path + ".missing"); err == nil || !strings.Contains(err.Error(), "info.wav.missing") {
		t.Fatalf("missing file: %v", err)
	}
}

// countingReader records how far into the file a header parse reads.
type countingReader struct {
	*bytes.Reader
	maxOff int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	off, _ := c.Reader.Seek(0, io.SeekCurrent)
	c.maxOff = max(c.maxOff, off)
	return n, err
}

// TestHeaderTouchesNoSamples: parsing reads headers only.
func TestHeaderTouchesNoSamples(t *testing.T) {
	file := intWAV(16, 48000, randomInts(16, 2, 100000, 1))
	cr := &countingReader{Reader: bytes.NewReader(file)}
	if _, err := NewReader(cr, "x.wav"); err != nil {
		t.Fatal(err)
	}
	if cr.maxOff > 44 {
		t.Fatalf("header parse read up to byte %d of a 44-byte header", cr.maxOff)
	}
}
