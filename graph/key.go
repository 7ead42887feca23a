package graph

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"math"
	"reflect"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/graph/digest"
)

var timeNowForCache = time.Now

// keyVersion changes whenever what a node renders changes for the same
// input: a new build that renders differently must not take old entries.
// Bump it with every change that moves the demo's lock.
const keyVersion = "mixdown-node-v1"

// keyWriter feeds a hash with a canonical, self-delimiting encoding of
// values, so two different sequences of values never hash alike.
type keyWriter struct {
	h     hash.Hash
	files *digest.Cache
	err   error
	b     [8]byte
}

func newKeyWriter(files *digest.Cache) *keyWriter {
	return &keyWriter{h: sha256.New(), files: files}
}

func (w *keyWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(w.b[:], v)
	w.h.Write(w.b[:])
}

func (w *keyWriter) str(s string) {
	w.u64(uint64(len(s)))
	io.WriteString(w.h, s)
}

func (w *keyWriter) f64(v float64) { w.u64(math.Float64bits(v)) }

func (w *keyWriter) key(k Key) { w.h.Write(k[:]) }

// file mixes in a file's content.
func (w *keyWriter) file(path string) {
	w.str("file")
	w.str(path)
	s, err := w.files.Sum(path)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.h.Write(s[:])
}

func (w *keyWriter) sum() (Key, error) {
	var k Key
	w.h.Sum(k[:0])
	return k, w.err
}

var rangeType = reflect.TypeOf(hcl.Range{})

// model mixes in a model value (a lang strip, effect, output...) by
// reflection: every exported field, in declaration order, except source
// ranges, which move when a line above is edited but change no sound.
// Fields named in skip are left out at the top level. Any new field the
// language grows is covered without touching this code.
func (w *keyWriter) model(v any, skip ...string) {
	w.value(reflect.ValueOf(v), skip, map[uintptr]bool{})
}

func (w *keyWriter) value(v reflect.Value, skip []string, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Invalid:
		w.str("nil")
	case reflect.Pointer:
		if v.IsNil() {
			w.str("nil")
			return
		}
		if seen[v.Pointer()] {
			w.str("cycle")
			return
		}
		seen[v.Pointer()] = true
		w.value(v.Elem(), skip, seen)
		delete(seen, v.Pointer())
	case reflect.Interface:
		if v.IsNil() {
			w.str("nil")
			return
		}
		w.str(v.Elem().Type().String())
		w.value(v.Elem(), nil, seen)
	case reflect.Struct:
		if v.Type() == rangeType {
			return
		}
		t := v.Type()
		w.str(t.String())
	fields:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Type == rangeType {
				continue
			}
			for _, s := range skip {
				if f.Name == s {
					continue fields
				}
			}
			w.str(f.Name)
			if f.Anonymous {
				w.value(v.Field(i), skip, seen) // an embedded Strip skips the same fields
				continue
			}
			w.value(v.Field(i), nil, seen)
		}
	case reflect.Slice, reflect.Array:
		w.u64(uint64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i), nil, seen)
		}
	case reflect.String:
		w.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			w.u64(1)
		} else {
			w.u64(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.u64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.u64(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.f64(v.Float())
	case reflect.Map:
		// The model has no maps; one appearing would make keys depend on
		// iteration order, so refuse loudly rather than hash it.
		panic(fmt.Sprintf("graph: cannot key a map (%s)", v.Type()))
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Behaviour, not data.
	default:
		panic(fmt.Sprintf("graph: cannot key a %s", v.Kind()))
	}
}
