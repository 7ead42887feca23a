package biquad

import (
	"math"
	"testing"
)

func ulpDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
}

// TestPortableMath holds the design functions to the math package:
// sin/cos within 1e-16 absolute (they are used as coefficients, where an
// absolute error is what matters) and 2 ulp away from their zeros, exp
// within 2 ulp, pow10 within 8 ulp (the rounding of x·ln10 costs a few) over the EQ's gain range and beyond.
func TestPortableMath(t *testing.T) {
	for x := -200.0; x < 200; x += 0.000917 {
		s, c := sincos(x)
		ms, mc := math.Sincos(x)
		if math.Abs(s-ms) > 1.2e-16 || math.Abs(c-mc) > 1.2e-16 {
			t.Fatalf("sincos(%g) = %g, %g; math %g, %g", x, s, c, ms, mc)
		}
		if (math.Abs(ms) > 0.01 && ulpDiff(s, ms) > 2) || (math.Abs(mc) > 0.01 && ulpDiff(c, mc) > 2) {
			t.Fatalf("sincos(%g): %g / %g ulp", x, ulpDiff(s, ms), ulpDiff(c, mc))
		}
	}
	// The design range: w0 = 2πf/fs for f from 1 Hz to 0.49·fs.
	for f := 1.0; f < 0.49*192000; f *= 1.001 {
		w := 2 * math.Pi * f / 192000
		s, c := sincos(w)
		ms, mc := math.Sincos(w)
		if ulpDiff(s, ms) > 1 || math.Abs(c-mc) > 1.2e-16 {
			t.Fatalf("sincos(%g): %g ulp sin, %g abs cos", w, ulpDiff(s, ms), math.Abs(c-mc))
		}
	}
	for x := -700.0; x < 700; x += 0.0131 {
		if u := ulpDiff(exp(x), math.Exp(x)); u > 2 {
			t.Fatalf("exp(%g): %g ulp", x, u)
		}
	}
	for db := -60.0; db <= 60; db += 0.001 {
		if u := ulpDiff(pow10(db/40), math.Pow(10, db/40)); u > 8 {
			t.Fatalf("pow10(%g): %g ulp", db/40, u)
		}
	}
	if pow10(0) != 1 || exp(0) != 1 {
		t.Error("10^0 or e^0 is not exactly 1")
	}
	if s, c := sincos(0); s != 0 || c != 1 {
		t.Error("sincos(0) is not exactly (0, 1)")
	}
}
