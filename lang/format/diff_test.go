package format

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedExample(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	b := "a\nB\nc\nd\ne\nf\ng\nh\ni\nk\nl"
	want := `--- old/x
+++ new/x
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -7,5 +7,5 @@
 g
 h
 i
-j
 k
+l
\ No newline at end of file
`
	if got := string(Unified("old/x", "new/x", []byte(a), []byte(b))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := Unified("a", "b", []byte(a), []byte(a)); got != nil {
		t.Errorf("equal inputs: got %q, want nil", got)
	}
	// Inserting into an empty file, and emptying one.
	if got, want := string(Unified("a", "b", nil, []byte("x\n"))), "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"; got != want {
		t.Errorf("from empty: got %q, want %q", got, want)
	}
	if got, want := string(Unified("a", "b", []byte("x\ny\n"), nil)), "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n"; got != want {
		t.Errorf("to empty: got %q, want %q", got, want)
	}
}

// TestUnifiedRandom applies the diffs of random line sequences and checks
// the result, and that the edit script is as short as the longest common
// subsequence allows.
func TestUnifiedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 2000 {
		a := randomText(rng)
		b := randomText(rng)
		if iter%3 == 0 { // similar texts: b is a edited
			b = mutate(rng, a)
		}
		d := Unified("a", "b", []byte(a), []byte(b))
		got, err := applyUnified(a, string(d))
		if err != nil {
			t.Fatalf("%q -> %q: %v\n%s", a, b, err, d)
		}
		if got != b {
			t.Fatalf("%q -> %q: applying the diff gives %q\n%s", a, b, got, d)
		}
		al, bl := splitLines([]byte(a)), splitLines([]byte(b))
		edits := 0
		for _, o := range editScript(al, bl) {
			if o.kind != opKeep {
				edits++
			}
		}
		if want := len(al) + len(bl) - 2*lcs(al, bl); edits != want {
			t.Fatalf("%q -> %q: %d edits, the shortest has %d", a, b, edits, want)
		}
	}
}

// TestUnifiedFallback: beyond maxEditLines the diff replaces the file,
// and still applies.
func TestUnifiedFallback(t *testing.T) {
	var a, b strings.Builder
	for i := range maxEditLines + 10 {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	d := Unified("a", "b", []byte(a.String()), []byte(b.String()))
	got, err := applyUnified(a.String(), string(d))
	if err != nil || got != b.String() {
		t.Fatalf("fallback diff does not apply: %v", err)
	}
}

func randomText(rng *rand.Rand) string {
	var s strings.Builder
	for range rng.IntN(12) {
		s.WriteString(string(rune('a' + rng.IntN(4))))
		s.WriteByte('\n')
	}
	if rng.IntN(4) == 0 {
		s.WriteString("z") // no final newline
	}
	return s.String()
}

func mutate(rng *rand.Rand, a string) string {
	lines := strings.SplitAfter(a, "\n")
	for range rng.IntN(3) + 1 {
		i := rng.IntN(len(lines) + 1)
		switch rng.IntN(3) {
		case 0:
			lines = append(lines[:i], append([]string{"new\n"}, lines[i:]...)...)
		case 1:
			if i < len(lines) {
				lines = append(lines[:i], lines[i+1:]...)
			}
		case 2:
			if i < len(lines) {
				lines[i] = "changed\n"
			}
		}
	}
	return strings.Join(lines, "")
}

func lcs(a, b [][]byte) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if bytes.Equal(a[i], b[j]) {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyUnified applies a unified diff to a, checking every context and
// deleted line and the hunk headers' counts.
func applyUnified(a, diff string) (string, error) {
	if diff == "" {
		return a, nil
	}
	src := strings.SplitAfter(a, "\n")
	if src[len(src)-1] == "" {
		src = src[:len(src)-1]
	}
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return "", fmt.Errorf("no file header")
	}
	var out []string
	pos := 0 // next line of src to copy
	for i := 2; i < len(lines) && lines[i] != ""; {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			return "", fmt.Errorf("bad hunk header %q", lines[i])
		}
		count := func(s string) int {
			if s == "" {
				return 1
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		aStart, aLen, bLen := atoi(m[1]), count(m[2]), count(m[4])
		if aLen > 0 {
			aStart-- // 1-based; an empty range names the line before
		}
		if aStart < pos {
			return "", fmt.Errorf("hunks overlap")
		}
		out = append(out, src[pos:aStart]...)
		pos = aStart
		i++
		gotA, gotB := 0, 0
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			l := lines[i]
			i++
			body := l[1:]
			if i < len(lines) && strings.HasPrefix(lines[i], `\ No newline at end of file`) {
				body = strings.TrimSuffix(body, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(src) || src[pos] != body {
					return "", fmt.Errorf("line %d: want %q, have %q", pos+1, body, src[min(pos, len(src)-1)])
				}
				pos++
				gotA++
				if l[0] == ' ' {
					out = append(out, body)
					gotB++
				}
			case '+':
				out = append(out, body)
				gotB++
			default:
				return "", fmt.Errorf("bad line %q", l)
			}
		}
		if gotA != aLen || gotB != bLen {
			return "", fmt.Errorf("hunk counts -%d +%d, header says -%d +%d", gotA, gotB, aLen, bLen)
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, ""), nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
