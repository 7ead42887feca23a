package reverb

import (
	"math"
	"testing"
)

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}

func TestDetExpMatchesMath(t *testing.T) {
	for i := 0; i <= 200000; i++ {
		x := -60 + 62*float64(i)/200000
		got, want := detExp(x), math.Exp(x)
		if math.Abs(got-want) > 2*ulp(want) {
			t.Fatalf("exp(%v) = %v, math.Exp %v", x, got, want)
		}
	}
	if detExp(-800) != 0 || !math.IsInf(detExp(800), 1) || detExp(0) != 1 {
		t.Fatal("exp special cases")
	}
	if got, want := detPow10(-3), 1e-3; math.Abs(got-want) > 4*ulp(want) {
		t.Fatalf("10^-3 = %v", got)
	}
}

func TestDetCosMatchesMath(t *testing.T) {
	for i := 0; i <= 100000; i++ {
		a := math.Pi * float64(i) / 100000
		got, want := detCos(a), math.Cos(a)
		// near pi/2 cos is tiny and the argument's own rounding dominates:
		// compare absolutely there.
		if math.Abs(got-want) > math.Max(2*ulp(want), 2e-16) {
			t.Fatalf("cos(%v) = %v, math.Cos %v", a, got, want)
		}
	}
}
