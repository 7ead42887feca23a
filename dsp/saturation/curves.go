package saturation

import (
	"math"

	"github.com/mixdown/mixdown/dsp/detmath"
)

// The transfer curves run once per oversampled sample. Their tanh and
// exp are dsp/detmath's, not the math package's: math.Tanh and math.Exp
// take an FMA code path on amd64 CPUs that have FMA and other code on
// arm64 and 386, so their last bit depends on the machine.

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
	return 1/detmath.Tanh(u) - 1/u
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
	sh := (detmath.Exp(v) - detmath.Exp(-v)) / 2
	return 1/(v*v) - 1/(sh*sh)
}

// curveTanh, curveSoft and curveTape map the driven signal u; each has
// slope 1 at 0, so dividing by the drive gain afterwards gives unity
// small-signal gain.
func curveTanh(u float64) float64 { return detmath.Tanh(u) }

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
