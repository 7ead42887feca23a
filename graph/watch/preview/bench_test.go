package preview

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAnalyze3Min measures the waveform and short-term loudness of a
// 3-minute 24-bit stereo output at 48 kHz (52 MB), the size the page must
// handle without fuss:
//
//	go test ./graph/watch/preview -run '^$' -bench Analyze3Min -benchmem
func BenchmarkAnalyze3Min(b *testing.B) {
	path := filepath.Join(b.TempDir(), "song.wav")
	writeSine(b, path, 48000, 180, 1000, 0.5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := analyze(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublish3Min measures Publish of an OK event with one 3-minute
// 24-bit stereo output: the snapshot (a hard link, or a copy across file
// systems) and the state's JSON. It runs on the watch goroutine.
//
//	go test ./graph/watch/preview -run '^$' -bench Publish3Min -benchmem
func BenchmarkPublish3Min(b *testing.B) {
	root := b.TempDir()
	out := filepath.Join(root, "out", "song.wav")
	shas := []string{writeSine(b, out, 48000, 180, 1000, 0.5)}
	s := New(Config{Root: root, TempDir: b.TempDir()})
	defer s.Close()
	b.ResetTimer()
	seq := 0
	for b.Loop() {
		seq++
		s.Publish(okEvent(root, seq, shas[0]+string(rune('a'+seq%2)), -14))
	}
}

// BenchmarkSnapshotCopy3Min is the snapshot's fallback when the snapshot
// folder is on another file system than the outputs: a copy of 52 MB.
//
//	go test ./graph/watch/preview -run '^$' -bench SnapshotCopy3Min -benchmem
func BenchmarkSnapshotCopy3Min(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "song.wav")
	writeSine(b, src, 48000, 180, 1000, 0.5)
	dst := filepath.Join(dir, "copy.wav")
	b.ResetTimer()
	for b.Loop() {
		os.Remove(dst)
		if err := copyFile(src, dst); err != nil {
			b.Fatal(err)
		}
	}
}
