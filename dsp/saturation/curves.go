package saturation

import "math"

// The transfer curves run once per oversampled sample, so they are
// written out here with every product rounded (float64 conversions)
// instead of calling math.Tanh: math.Exp is assembly on amd64 and arm64,
// and on amd64 it takes an FMA path only on CPUs that have FMA, so its
// last bit depends on the machine. These functions give the same bits
// everywhere (Floor, Ldexp, Copysign and division are exact or correctly
// rounded on every platform). Tests hold them to within a few ulp of the
// math package.

const (
	// Cody-Waite split of ln 2 (fdlibm): k·ln2Hi is exact for |k| < 2^20.
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	log2e = 1.44269504088896338700e+00
)

// expm1Poly is e^r - 1 for |r| <= ln2/2 by its Taylor series to degree
// 13 (truncation error < 5e-18), in Horner form.
func expm1Poly(r float64) float64 {
	p := 1.0 / 6227020800 // 1/13!
	p = float64(p*r) + 1.0/479001600
	p = float64(p*r) + 1.0/39916800
	p = float64(p*r) + 1.0/3628800
	p = float64(p*r) + 1.0/362880
	p = float64(p*r) + 1.0/40320
	p = float64(p*r) + 1.0/5040
	p = float64(p*r) + 1.0/720
	p = float64(p*r) + 1.0/120
	p = float64(p*r) + 1.0/24
	p = float64(p*r) + 1.0/6
	p = float64(p*r) + 0.5
	p = float64(p*r) + 1
	return float64(p * r)
}

// exp is e^x.
func exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.782712893384:
		return math.Inf(1)
	case x < -745.1332191019412:
		return 0
	}
	k := math.Floor(float64(x*log2e) + 0.5)
	r := (x - float64(k*ln2Hi)) - float64(k*ln2Lo)
	return math.Ldexp(1+expm1Poly(r), int(k))
}

// tanh is the hyperbolic tangent. Near zero it uses e^2x - 1 from the
// polynomial directly, so small signals keep full relative precision.
func tanh(x float64) float64 {
	a := math.Abs(x)
	var t float64
	switch {
	case a > 22: // 1 - tanh(22) < 2^-63: rounds to 1
		t = 1
	case a < 0.17: // 2a within the polynomial's range
		e := expm1Poly(2 * a)
		t = e / (e + 2)
	default:
		t = 1 - 2/(exp(2*a)+1)
	}
	return math.Copysign(t, x)
}

// langevin is the Langevin function L(u) = coth(u) - 1/u, the
// anhysteretic magnetisation curve of the Jiles-Atherton model. Its slope
// at 0 is 1/3 and it tends to ±1.
func langevin(u float64) float64 {
	a := math.Abs(u)
	if a < 0.1 {
		// u/3 - u³/45 + 2u⁵/945 - u⁷/4725 + 2u⁹/93555 - 1382u¹¹/638512875
		// (coefficients 2^2n·B_2n/(2n)!); the next term is < 1e-20 here.
		u2 := float64(u * u)
		p := -1382.0 / 638512875
		p = float64(p*u2) + 2.0/93555
		p = float64(p*u2) - 1.0/4725
		p = float64(p*u2) + 2.0/945
		p = float64(p*u2) - 1.0/45
		p = float64(p*u2) + 1.0/3
		return float64(p * u)
	}
	return 1/tanh(u) - 1/u
}

// The tape curve: the Langevin curve scaled to unit slope and ceiling,
// with its operating point moved by tapeBias so that it is asymmetric,
// re-centred (f(0) = 0) and re-scaled to unit slope at 0.
const tapeBias float64 = 0.1

// tapeArg is the Langevin argument for a driven sample u. tapeOffset goes
// through the same float64 arithmetic so that f(0) is exactly 0.
func tapeArg(u float64) float64 { return 3 * (u + tapeBias) }

var (
	tapeOffset = langevin(tapeArg(0))
	// 1 / (d/du L(3(u+b)) at u = 0) = 1 / (3·L'(3b)), L'(v) = 1/v² - 1/sinh²(v).
	tapeScale = 1 / (3 * langevinSlope(tapeArg(0)))
)

func langevinSlope(v float64) float64 {
	sh := (exp(v) - exp(-v)) / 2
	return 1/(v*v) - 1/(sh*sh)
}

// curveTanh, curveSoft and curveTape map the driven signal u; each has
// slope 1 at 0, so dividing by the drive gain afterwards gives unity
// small-signal gain.
func curveTanh(u float64) float64 { return tanh(u) }

// curveSoft is the cubic soft clipper of J. O. Smith, Physical Audio
// Signal Processing, "Cubic Soft Clipper" (x - x³/3, clipped at ±2/3),
// scaled by 3/2 in and out so its slope at 0 is 1 and its ceiling ±1:
// u - (4/27)u³ for |u| < 3/2, ±1 beyond.
func curveSoft(u float64) float64 {
	if u >= 1.5 {
		return 1
	}
	if u <= -1.5 {
		return -1
	}
	return u - float64(float64(4.0/27*u)*float64(u*u))
}

func curveTape(u float64) float64 {
	return float64((langevin(tapeArg(u)) - tapeOffset) * tapeScale)
}
