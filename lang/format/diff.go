package format

import (
	"bytes"
	"fmt"
)

// Unified returns a unified diff (diff -u, three lines of context) that
// turns a into b, with the given file names on its --- and +++ lines, or
// nil when a and b are equal. The line sequence is a shortest edit script
// (Myers' O(ND) algorithm) unless the files differ in more than
// maxEditLines lines, when it falls back to replacing the whole file.
func Unified(aName, bName string, a, b []byte) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	al, bl := splitLines(a), splitLines(b)
	ops := compact(editScript(al, bl), al, bl)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	const context = 3
	// Group the edits into hunks: edits closer than 2·context lines share
	// one.
	for i := 0; i < len(ops); {
		if ops[i].kind == opKeep {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != opKeep {
				end = j + 1
				continue
			}
			if j-end >= 2*context {
				break
			}
		}
		end = min(end+context, len(ops))
		writeHunk(&out, ops[start:end], al, bl)
		i = end
	}
	return out.Bytes()
}

type opKind uint8

const (
	opKeep opKind = iota
	opDelete
	opInsert
)

// op is one line of an edit script: a line of a (keep, delete) or of b
// (insert), by index; ai and bi are the positions in a and b before it.
type op struct {
	kind   opKind
	ai, bi int
}

func writeHunk(out *bytes.Buffer, ops []op, a, b [][]byte) {
	aStart, bStart := ops[0].ai, ops[0].bi
	aLen, bLen := 0, 0
	for _, o := range ops {
		switch o.kind {
		case opKeep:
			aLen++
			bLen++
		case opDelete:
			aLen++
		case opInsert:
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, o := range ops {
		var line []byte
		switch o.kind {
		case opKeep:
			out.WriteByte(' ')
			line = a[o.ai]
		case opDelete:
			out.WriteByte('-')
			line = a[o.ai]
		case opInsert:
			out.WriteByte('+')
			line = b[o.bi]
		}
		out.Write(line)
		if !bytes.HasSuffix(line, []byte("\n")) {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk's line range as diff -u does: 1-based start,
// the length omitted when it is 1, and an empty range placed after the
// line it follows.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits after each "\n"; the last line lacks one when the
// text does not end with a newline.
func splitLines(s []byte) [][]byte {
	var lines [][]byte
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}

// maxEditLines bounds the edit distance the diff searches for, and so its
// memory (quadratic in it, 8 MB at most): beyond it, the diff replaces the
// whole file.
const maxEditLines = 1000

// editScript returns a shortest edit script from a to b (Myers 1986,
// "An O(ND) difference algorithm and its variations"), deletions before
// insertions within each change.
func editScript(a, b [][]byte) []op {
	n, m := len(a), len(b)
	limit := min(n+m, maxEditLines)
	offset := limit + 1
	v := make([]int, 2*limit+3)
	// trace[d] keeps the frontier before step d, on diagonals -d-1..d+1.
	var trace [][]int
	found := -1
	for d := 0; d <= limit && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[offset-d-1:offset+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1] // down: an insertion
			} else {
				x = v[offset+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && bytes.Equal(a[x], b[y]) {
				x, y = x+1, y+1
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		ops := make([]op, 0, n+m)
		for i := range a {
			ops = append(ops, op{opDelete, i, 0})
		}
		for j := range b {
			ops = append(ops, op{opInsert, n, j})
		}
		return ops
	}
	// Walk back from (n, m) through the saved frontiers.
	var rev []op
	x, y := n, m
	for d := found; d > 0; d-- {
		vd := trace[d] // the frontier before step d; diagonal k is at vd[k+d+1]
		k := x - y
		var prevK int
		if k == -d || k != d && vd[k-1+d+1] < vd[k+1+d+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[prevK+d+1]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, op{opKeep, x, y})
		}
		if prevK == k+1 {
			y--
			rev = append(rev, op{opInsert, x, y})
		} else {
			x--
			rev = append(rev, op{opDelete, x, y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, op{opKeep, x, y})
	}
	ops := make([]op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}

// compact makes an edit script read as diff -u's do: a run of deleted (or
// inserted) lines that can slide up over equal lines to join the change
// above it does, and each change lists its deletions before its
// insertions. The script stays as short.
func compact(ops []op, a, b [][]byte) []op {
	kinds := make([]opKind, len(ops))
	for i, o := range ops {
		kinds[i] = o.kind
	}
	for s := 0; s < len(kinds); {
		if kinds[s] == opKeep {
			s++
			continue
		}
		e := s
		for e < len(kinds) && kinds[e] != opKeep {
			e++
		}
		k, pure := kinds[s], true
		for _, kk := range kinds[s:e] {
			pure = pure && kk == k
		}
		if pure && s > 0 {
			// ops[s] still holds its original positions: slides only
			// change ops above the block being slid.
			lines, p := a, ops[s].ai
			if k == opInsert {
				lines, p = b, ops[s].bi
			}
			n, t := e-s, s
			for t > 0 && kinds[t-1] == opKeep && p > 0 && bytes.Equal(lines[p-1], lines[p+n-1]) {
				t, p = t-1, p-1
			}
			if t < s && t > 0 && kinds[t-1] != opKeep {
				for j := t; j < e; j++ {
					kinds[j] = k
					if j >= t+n {
						kinds[j] = opKeep
					}
				}
			}
		}
		s = e
	}
	// Deletions first within each change, then the positions again.
	for s := 0; s < len(kinds); {
		if kinds[s] == opKeep {
			s++
			continue
		}
		e, dels := s, 0
		for e < len(kinds) && kinds[e] != opKeep {
			if kinds[e] == opDelete {
				dels++
			}
			e++
		}
		for j := s; j < e; j++ {
			kinds[j] = opInsert
			if j < s+dels {
				kinds[j] = opDelete
			}
		}
		s = e
	}
	out := make([]op, len(kinds))
	x, y := 0, 0
	for i, k := range kinds {
		out[i] = op{k, x, y}
		switch k {
		case opKeep:
			x, y = x+1, y+1
		case opDelete:
			x++
		case opInsert:
			y++
		}
	}
	return out
}
