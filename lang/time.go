package lang

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// ParseNoteValue reads a note value such as "1/4", "1/8d" (dotted) or
// "1/16t" (triplet) and returns its length in quarter notes. The
// denominator is a power of two from 1 to 64; the numerator 1 to 64.
func ParseNoteValue(s string) (quarters float64, err error) {
	body, mult := s, 1.0
	switch {
	case strings.HasSuffix(s, "d"):
		body, mult = s[:len(s)-1], 1.5
	case strings.HasSuffix(s, "t"):
		body, mult = s[:len(s)-1], 2.0/3
	}
	num, den, ok := strings.Cut(body, "/")
	if !ok {
		return 0, fmt.Errorf("a note value is written N/D, like \"1/4\", \"1/8d\" (dotted) or \"1/8t\" (triplet)")
	}
	n, err1 := strconv.Atoi(num)
	d, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil || n < 1 || n > 64 {
		return 0, fmt.Errorf("a note value is written N/D with N from 1 to 64, like \"1/4\" or \"3/16\"")
	}
	switch d {
	case 1, 2, 4, 8, 16, 32, 64:
	default:
		return 0, fmt.Errorf("the note's denominator must be 1, 2, 4, 8, 16, 32 or 64")
	}
	return float64(n) * 4 / float64(d) * mult, nil
}

// noteMS converts a note value to milliseconds at tempo (quarter notes per
// minute).
func noteMS(text string, tempo float64, rng hcl.Range) (float64, hcl.Diagnostics) {
	q, err := ParseNoteValue(text)
	if err != nil {
		return 0, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid note value",
			Detail:   fmt.Sprintf("%q is not a time: give milliseconds as a number, or a note value; %s.", text, err),
			Subject:  &rng,
		}}
	}
	if tempo == 0 {
		return 0, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Note value without a tempo",
			Detail:   fmt.Sprintf("%q is a note value, so it needs the song's tempo: set tempo (beats per minute) in the mix block, or give the time in milliseconds.", text),
			Subject:  &rng,
		}}
	}
	return q * 60000 / tempo, nil
}
