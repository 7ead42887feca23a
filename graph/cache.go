package graph

import (
	"bufio"
	"container/list"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Key is a node's content key: a SHA-256 over everything its rendered
// signal depends on (see key.go). Two renders that give a node the same key
// give it the same samples, bit for bit.
type Key [32]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Cache holds rendered node signals under their keys, so a render can take
// a node whose key has not changed instead of rendering it again. It lives
// in memory, bounded by MaxBytes, with an optional folder on disk (Dir)
// that outlives the process. A Cache is safe for one render at a time;
// renders in sequence share it.
//
// A cached signal is exactly the float64 samples the node produced, so a
// render that takes it sums the same numbers in the same order as a render
// that does not: the output is bit-identical either way.
type Cache struct {
	// MaxBytes bounds the memory the cache keeps (0 means none: every
	// entry goes to Dir, if set, and nothing is kept in memory).
	MaxBytes int64
	// Dir, when set, keeps entries on disk too (e.g. .mixdown/cache);
	// DirMaxBytes bounds it, oldest entries going first.
	Dir         string
	DirMaxBytes int64

	mu      sync.Mutex
	entries map[Key]*list.Element // of *cacheEntry; looked up, never iterated
	lru     list.List             // front is most recently used
	used    int64

	// free holds whole chunks of evicted entries for new recordings, so a
	// watch that records the same few nodes render after render reuses
	// memory instead of faulting in fresh pages; by chunk length
	// (channels x cacheChunk). Which spares are dropped when there are too
	// many changes no output.
	free      map[int][][]float64
	freeBytes int64
	// versions lists, per node address, the keys of its entries in
	// memory, newest last (looked up, never iterated). An address keeps
	// maxVersions: the signal now and the one before it, so undoing an
	// edit is free, while older versions give their memory to the next
	// recordings.
	versions map[string][]Key
}

// DefaultCacheBytes is the memory a watch keeps for rendered nodes when not
// told otherwise: enough for about 14 stereo tracks of 3 minutes at 48 kHz.
const DefaultCacheBytes = 2 << 30

// DefaultCacheDirBytes bounds the on-disk cache when not told otherwise.
const DefaultCacheDirBytes = 8 << 30

// NewCache returns an empty in-memory cache bounded to maxBytes.
func NewCache(maxBytes int64) *Cache { return &Cache{MaxBytes: maxBytes} }

// cacheChunk is the frames per chunk of a stored signal: chunks keep single
// allocations small and let a recording grow without copying.
const cacheChunk = 1 << 16

// cacheEntry is one node's rendered signal: planar chunks, each chans x
// cacheChunk frames (the last may be shorter).
type cacheEntry struct {
	key    Key
	addr   string // the node it was rendered for
	chans  int
	frames int64
	chunks [][]float64
}

func (e *cacheEntry) bytes() int64 { return int64(e.chans) * e.frames * 8 }

// Len is the number of entries in memory, for tests and reports.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Bytes is the memory the entries hold.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// lookup returns a reader for key's signal with the given channel count,
// or nil.
//
// limit is the last raw frame the render can use (the song, the latency
// and the tail cap).
func (c *Cache) lookup(key Key, chans int, limit int64) cacheSource {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		e := el.Value.(*cacheEntry)
		c.mu.Unlock()
		if e.chans != chans {
			return nil
		}
		return &memReader{e: e, limit: limit}
	}
	c.mu.Unlock()
	if c.Dir == "" {
		return nil
	}
	r, err := openDiskEntry(c.path(key), chans, limit)
	if err != nil {
		return nil // a missing or damaged file is a miss
	}
	return r
}

// store keeps the finished recordings, evicting the least recently used
// entries to stay within MaxBytes, and writes them to Dir when set. A
// failure to write the disk cache loses nothing but speed.
func (c *Cache) store(recs []*recorder) error {
	var errs []error
	for _, r := range recs {
		e := r.entry()
		if c.Dir != "" {
			if err := c.writeDisk(e); err != nil {
				errs = append(errs, err)
			}
		}
		c.mu.Lock()
		c.insert(e)
		c.mu.Unlock()
	}
	if c.Dir != "" {
		if err := c.trimDisk(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Cache) insert(e *cacheEntry) {
	if c.entries == nil {
		c.entries = map[Key]*list.Element{}
	}
	if el, ok := c.entries[e.key]; ok {
		c.used -= el.Value.(*cacheEntry).bytes()
		c.lru.Remove(el)
		delete(c.entries, e.key)
		c.forget(el.Value.(*cacheEntry))
	}
	if e.bytes() > c.MaxBytes {
		return
	}
	for c.used+e.bytes() > c.MaxBytes {
		c.evictOldest()
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.used += e.bytes()
	if c.versions == nil {
		c.versions = map[string][]Key{}
	}
	v := append(c.versions[e.addr], e.key)
	for len(v) > maxVersions {
		if el, ok := c.entries[v[0]]; ok {
			c.lru.MoveToBack(el)
			c.evictOldest()
		}
		v = v[1:]
	}
	c.versions[e.addr] = v
	// Spare chunks beyond what the bound leaves room for go to the GC.
	for c.freeBytes > 0 && c.used+c.freeBytes > c.MaxBytes {
		for n, list := range c.free {
			c.freeBytes -= int64(len(list)) * int64(n) * 8
			delete(c.free, n)
			break
		}
	}
}

// maxVersions is how many signals of one node the memory cache keeps.
const maxVersions = 2

// forget removes e from its address's versions.
func (c *Cache) forget(e *cacheEntry) {
	v := c.versions[e.addr]
	for i, k := range v {
		if k == e.key {
			c.versions[e.addr] = append(v[:i:i], v[i+1:]...)
			break
		}
	}
	if len(c.versions[e.addr]) == 0 {
		delete(c.versions, e.addr)
	}
}

// evictOldest drops the least recently used entry, keeping its whole
// chunks for reuse.
func (c *Cache) evictOldest() {
	old := c.lru.Back()
	oe := old.Value.(*cacheEntry)
	c.lru.Remove(old)
	delete(c.entries, oe.key)
	c.forget(oe)
	c.used -= oe.bytes()
	if c.free == nil {
		c.free = map[int][][]float64{}
	}
	for _, ch := range oe.chunks {
		if len(ch) == oe.chans*cacheChunk {
			c.free[len(ch)] = append(c.free[len(ch)], ch)
			c.freeBytes += int64(len(ch)) * 8
		}
	}
}

// makeRoom evicts the least recently used entries that this render does
// not read until need more bytes fit within MaxBytes beside the rest:
// what a render records never takes the cache past its bound.
func (c *Cache) makeRoom(need int64, reading map[Key]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.lru.Back(); el != nil && c.used+need > c.MaxBytes; {
		prev := el.Prev()
		if e := el.Value.(*cacheEntry); !reading[e.key] {
			c.lru.MoveToBack(el)
			c.evictOldest()
		}
		el = prev
	}
}

// chunk returns a chunk of n float64s: a spare one, or a new one.
func (c *Cache) chunk(n int) []float64 {
	c.mu.Lock()
	if list := c.free[n]; len(list) > 0 {
		ch := list[len(list)-1]
		c.free[n] = list[:len(list)-1]
		c.freeBytes -= int64(n) * 8
		c.mu.Unlock()
		return ch
	}
	c.mu.Unlock()
	return make([]float64, n)
}

// budget is the memory a render may spend recording new entries.
func (c *Cache) budget() int64 {
	if c.Dir != "" {
		return max(c.MaxBytes, c.DirMaxBytes)
	}
	return c.MaxBytes
}

// cacheSource feeds a node its cached signal, block by block.
type cacheSource interface {
	// read fills dst[ch][:n] with the next n frames. It returns
	// errCacheShort when the entry ends first, unless it ends at or after
	// the render's limit (see lookup): frames beyond it never reach an
	// output, so they read as silence.
	read(dst [][]float64, n int) error
	// view points dst[ch] at the next n frames where the entry holds
	// them, without copying, and reports whether it could (it cannot
	// when they straddle two chunks, or come from disk).
	view(dst [][]float64, n int) bool
	close()
}

// errCacheShort reports an entry shorter than the render needs: this
// render's tail runs longer than the one that recorded it. Render starts
// over without reading the cache.
var errCacheShort = errors.New("cached signal ends before the render does")

type memReader struct {
	e     *cacheEntry
	pos   int64
	limit int64
}

// tail handles a read that runs past the entry's end: what remains of the
// entry is m frames; the rest of dst reads as silence when the entry
// covers the limit.
func tail(dst [][]float64, m, n int, frames, limit int64) error {
	if frames < limit {
		return errCacheShort
	}
	for ch := range dst {
		clear(dst[ch][m:n])
	}
	return nil
}

func (r *memReader) close() {}

func (r *memReader) view(dst [][]float64, n int) bool {
	if r.pos+int64(n) > r.e.frames {
		return false
	}
	ci, off := int(r.pos/cacheChunk), int(r.pos%cacheChunk)
	chunk := r.e.chunks[ci]
	size := len(chunk) / r.e.chans
	if off+n > size {
		return false
	}
	for ch := range dst {
		dst[ch] = chunk[ch*size+off : ch*size+off+n : ch*size+off+n]
	}
	r.pos += int64(n)
	return true
}

func (r *memReader) read(dst [][]float64, n int) error {
	if over := r.pos + int64(n) - r.e.frames; over > 0 {
		m := int(max(0, r.e.frames-r.pos))
		if err := tail(dst, m, n, r.e.frames, r.limit); err != nil {
			return err
		}
		n = m
	}
	done := 0
	for done < n {
		ci := int((r.pos + int64(done)) / cacheChunk)
		off := int((r.pos + int64(done)) % cacheChunk)
		chunk := r.e.chunks[ci]
		size := len(chunk) / r.e.chans
		k := min(n-done, size-off)
		for ch := 0; ch < r.e.chans; ch++ {
			copy(dst[ch][done:done+k], chunk[ch*size+off:ch*size+off+k])
		}
		done += k
	}
	r.pos += int64(n)
	return nil
}

// recorder collects a node's signal as it is rendered.
type recorder struct {
	cache  *Cache
	addr   string
	key    Key
	chans  int
	frames int64
	chunks [][]float64
	cur    []float64 // chans x cacheChunk, filled up to fill
	fill   int
	slots  [][]float64 // slot's views, reused
}

func newRecorder(c *Cache, addr string, key Key, chans int) *recorder {
	return &recorder{cache: c, addr: addr, key: key, chans: chans}
}

// slot returns the next n frames of the chunk being filled, one slice per
// channel, for the node to render into; nil when they would cross into
// the next chunk (then the node renders into its own buffer and add
// copies). filled records them once rendered.
func (r *recorder) slot(n int) [][]float64 {
	if r.cur == nil {
		r.cur = r.cache.chunk(r.chans * cacheChunk)
		r.fill = 0
	}
	if r.fill+n > cacheChunk {
		return nil
	}
	if r.slots == nil {
		r.slots = make([][]float64, r.chans)
	}
	for ch := range r.slots {
		at := ch*cacheChunk + r.fill
		r.slots[ch] = r.cur[at : at+n : at+n]
	}
	return r.slots
}

// filled records that the last slot's n frames hold the node's signal.
func (r *recorder) filled(n int) {
	r.fill += n
	r.frames += int64(n)
	if r.fill == cacheChunk {
		r.chunks = append(r.chunks, r.cur)
		r.cur = nil
	}
}

// add appends buf[ch][:n]. It allocates one chunk per cacheChunk frames,
// outside the sample loops.
func (r *recorder) add(buf [][]float64, n int) {
	done := 0
	for done < n {
		if r.cur == nil {
			r.cur = r.cache.chunk(r.chans * cacheChunk)
			r.fill = 0
		}
		k := min(n-done, cacheChunk-r.fill)
		for ch := 0; ch < r.chans; ch++ {
			copy(r.cur[ch*cacheChunk+r.fill:ch*cacheChunk+r.fill+k], buf[ch][done:done+k])
		}
		r.fill += k
		done += k
		if r.fill == cacheChunk {
			r.chunks = append(r.chunks, r.cur)
			r.cur = nil
		}
	}
	r.frames += int64(n)
}

// entry finishes the recording: the last partial chunk is repacked to its
// length so every chunk's planes are contiguous.
func (r *recorder) entry() *cacheEntry {
	chunks := r.chunks
	if r.cur != nil && r.fill > 0 {
		last := make([]float64, r.chans*r.fill)
		for ch := 0; ch < r.chans; ch++ {
			copy(last[ch*r.fill:(ch+1)*r.fill], r.cur[ch*cacheChunk:ch*cacheChunk+r.fill])
		}
		chunks = append(chunks, last)
	}
	r.cur = nil
	return &cacheEntry{key: r.key, addr: r.addr, chans: r.chans, frames: r.frames, chunks: chunks}
}

// On disk, an entry is a file named by its key: a 16-byte header (magic
// "MXDC", version, channels, frames) then the frames interleaved as
// little-endian float64.
const diskMagic = "MXDC\x00\x01"

func (c *Cache) path(k Key) string { return filepath.Join(c.Dir, k.String()+".f64") }

func (c *Cache) writeDisk(e *cacheEntry) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	path := c.path(e.key)
	if _, err := os.Stat(path); err == nil {
		now := timeNowForCache()
		return os.Chtimes(path, now, now) // keep it young: it was just used
	}
	f, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [16]byte
	copy(hdr[:], diskMagic)
	binary.LittleEndian.PutUint16(hdr[6:], uint16(e.chans))
	binary.LittleEndian.PutUint64(hdr[8:], uint64(e.frames))
	w.Write(hdr[:])
	var b [8]byte
	for _, chunk := range e.chunks {
		size := len(chunk) / e.chans
		for i := 0; i < size; i++ {
			for ch := 0; ch < e.chans; ch++ {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(chunk[ch*size+i]))
				w.Write(b[:])
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}

// trimDisk deletes the oldest entries beyond DirMaxBytes, and temp files
// an interrupted process left.
func (c *Cache) trimDisk() error {
	ents, err := os.ReadDir(c.Dir)
	if err != nil {
		return err
	}
	type file struct {
		path string
		size int64
		mod  int64
	}
	var files []file
	var total int64
	for _, de := range ents {
		name := de.Name()
		info, err := de.Info()
		if err != nil {
			continue
		}
		if strings.HasPrefix(name, ".tmp-") {
			// Another process may be writing it; only clear old ones.
			if timeNowForCache().Sub(info.ModTime()).Hours() > 1 {
				os.Remove(filepath.Join(c.Dir, name))
			}
			continue
		}
		if !strings.HasSuffix(name, ".f64") {
			continue
		}
		files = append(files, file{filepath.Join(c.Dir, name), info.Size(), info.ModTime().UnixNano()})
		total += info.Size()
	}
	limit := c.DirMaxBytes
	if limit <= 0 {
		limit = DefaultCacheDirBytes
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].mod != files[j].mod {
			return files[i].mod < files[j].mod
		}
		return files[i].path < files[j].path
	})
	for _, f := range files {
		if total <= limit {
			break
		}
		if err := os.Remove(f.path); err == nil {
			total -= f.size
		}
	}
	return nil
}

type diskReader struct {
	f      *os.File
	r      *bufio.Reader
	chans  int
	n      int64
	pos    int64
	limit  int64
	raw    []byte
	closed bool
}

func openDiskEntry(path string, chans int, limit int64) (*diskReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var hdr [16]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		f.Close()
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	c := int(binary.LittleEndian.Uint16(hdr[6:]))
	n := int64(binary.LittleEndian.Uint64(hdr[8:]))
	if string(hdr[:6]) != diskMagic || c != chans || n < 0 || n > (info.Size()-16)/int64(8*c) || info.Size() != 16+n*int64(8*c) {
		f.Close()
		return nil, fmt.Errorf("%s: not a cache entry for %d channels", path, chans)
	}
	return &diskReader{f: f, r: bufio.NewReaderSize(f, 1<<20), chans: c, n: n, limit: limit}, nil
}

func (d *diskReader) view([][]float64, int) bool { return false }

func (d *diskReader) read(dst [][]float64, n int) error {
	if over := d.pos + int64(n) - d.n; over > 0 {
		m := int(max(0, d.n-d.pos))
		if err := tail(dst, m, n, d.n, d.limit); err != nil {
			return err
		}
		n = m
	}
	need := n * d.chans * 8
	if cap(d.raw) < need {
		d.raw = make([]byte, need) // once per block size, not per block
	}
	raw := d.raw[:need]
	if _, err := io.ReadFull(d.r, raw); err != nil {
		return errCacheShort // damaged underneath us: render it instead
	}
	k := 0
	for i := 0; i < n; i++ {
		for ch := 0; ch < d.chans; ch++ {
			dst[ch][i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[k:]))
			k += 8
		}
	}
	d.pos += int64(n)
	return nil
}

func (d *diskReader) close() {
	if !d.closed {
		d.f.Close()
		d.closed = true
	}
}
