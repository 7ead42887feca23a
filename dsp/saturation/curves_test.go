package saturation

import (
	"math"
	"testing"
)

// TestLangevin holds the Langevin function L(u) = coth(u) - 1/u, series
// and direct formula, to 1e-13 relative.
func TestLangevin(t *testing.T) {
	// Langevin against coth(u) - 1/u in extended care: for u >= 0.1 the
	// direct formula is accurate to ~1e-14, and the series must meet it.
	for u := 0.0005; u < 40; u *= 1.01 {
		ref := 1/math.Tanh(u) - 1/u
		if u < 0.1 {
			// Reference by the series in big steps is itself the thing
			// tested; use the continued fraction u/(3+u²/(5+u²/(7+...))).
			cf := 0.0
			for k := 60; k >= 2; k-- {
				cf = u * u / (float64(2*k+1) + cf)
			}
			ref = u / (3 + cf)
		}
		if math.Abs(langevin(u)-ref) > 1e-13*math.Abs(ref) || langevin(-u) != -langevin(u) {
			t.Fatalf("L(%g) = %.17g, want %.17g", u, langevin(u), ref)
		}
	}
}

// TestCurves checks each curve's defining properties: f(0) = 0, slope 1
// at 0, ceilings, continuity, symmetry (tanh, soft) or asymmetry (tape).
func TestCurves(t *testing.T) {
	curves := []struct {
		name     string
		f        func(float64) float64
		hi, lo   float64
		symmetic bool
	}{
		{"tanh", curveTanh, 1, -1, true},
		{"soft", curveSoft, 1, -1, true},
		{"tape", curveTape, (1 - tapeOffset) * tapeScale, (-1 - tapeOffset) * tapeScale, false},
	}
	for _, c := range curves {
		if c.f(0) != 0 {
			t.Errorf("%s: f(0) = %g", c.name, c.f(0))
		}
		const h = 1e-6
		if d := (c.f(h) - c.f(-h)) / (2 * h); math.Abs(d-1) > 1e-9 {
			t.Errorf("%s: slope at 0 = %.12f, want 1", c.name, d)
		}
		if v := c.f(1e9); math.Abs(v-c.hi) > 1e-8 {
			t.Errorf("%s: f(+big) = %g, want %g", c.name, v, c.hi)
		}
		if v := c.f(-1e9); math.Abs(v-c.lo) > 1e-8 {
			t.Errorf("%s: f(-big) = %g, want %g", c.name, v, c.lo)
		}
		prev := c.f(-20)
		for u := -20.0; u <= 20; u += 0.001 {
			v := c.f(u)
			if v < prev || v-prev > 0.0011 {
				t.Fatalf("%s: not monotone/continuous at %g: %g -> %g", c.name, u, prev, v)
			}
			prev = v
			if c.symmetic && c.f(-u) != -v {
				t.Fatalf("%s: not odd at %g", c.name, u)
			}
		}
	}
	// Soft: the Cookbook-style closed form at a few points.
	for _, u := range []float64{0.3, 1, 1.4999} {
		if v, want := curveSoft(u), u-4.0/27*u*u*u; math.Abs(v-want) > 1e-15 {
			t.Errorf("soft(%g) = %g, want %g", u, v, want)
		}
	}
	// Tape ceilings as documented: ≈ +0.92 and -1.12.
	hi, lo := curves[2].hi, curves[2].lo
	if math.Abs(hi-0.917) > 0.005 || math.Abs(lo+1.121) > 0.005 {
		t.Errorf("tape ceilings %g, %g", hi, lo)
	}
}
