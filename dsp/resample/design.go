package resample

import (
	"fmt"
	"sync"

	"github.com/mixdown/mixdown/dsp/oversample"
)

// The prototype specification, relative to the lower of the two rates
// fmin = min(inRate, outRate), the same for every ratio:
//
//   - pass band 0..PassEdge·fmin (20 kHz at 44.1 kHz, 21.77 kHz at 48 kHz),
//   - stop band from StopEdge·fmin = fmin/2, i.e. the lower Nyquist
//     frequency: every image (upsampling) and every alias (downsampling)
//     comes from it, so none reaches the output above the stop-band level
//     (designed for AttenuationDB, measured at least 128.8 dB down).
const (
	PassEdge = 200.0 / 441 // 0.4535...
	StopEdge = 0.5
	// AttenuationDB is the Kaiser design attenuation. The contract is
	// 120 dB; the 10 dB margin covers Kaiser's length estimate and the
	// per-phase normalisation (see designBank).
	AttenuationDB = 130
)

// MaxRatioTerm bounds max(L, M) of the reduced ratio L/M = outRate/inRate.
// The filter bank holds about 190·max(L, M) coefficients (8 bytes each),
// so this caps it near 25 MB. Every pair of the rates 8, 11.025, 16,
// 22.05, 24, 32, 44.1, 48, 88.2, 96, 176.4, 192, 352.8, 384, 705.6 and
// 768 kHz is within it (the largest is 11025 -> 768000, L = 10240).
const MaxRatioTerm = 1 << 14

// Sample rates outside MinRate..MaxRate are refused.
const (
	MinRate = 1000
	MaxRate = 1 << 20
)

// Design describes the polyphase filter bank for one ratio.
type Design struct {
	L, M         int     // output/input rate ratio, reduced: outRate/inRate = L/M
	Taps         int     // prototype length N at the rate L·inRate (odd)
	TapsPerPhase int     // K: products per output sample per channel
	Beta         float64 // Kaiser window β
	Cutoff       float64 // -6 dB point of the prototype, cycles per prototype sample
	Transition   float64 // stop minus pass edge, cycles per prototype sample
	// Centre is D = (N-1)/2, the prototype's group delay in prototype
	// samples (1/(L·inRate) s each). The resampler removes it.
	Centre int
}

// bank is the designed filter for one ratio, shared read-only by every
// Resampler with that ratio.
type bank struct {
	Design
	// c holds L phases of K coefficients; phase p is c[p·K : (p+1)·K],
	// stored oldest input first: c[p·K+K-1-i] = L·h[p+i·L], the tap for
	// the input i frames before the newest one in the window.
	c []float64
}

func (b *bank) phase(p int) []float64 { return b.c[p*b.TapsPerPhase : (p+1)*b.TapsPerPhase] }

var banks struct {
	mu sync.Mutex
	m  map[[2]int]*bankOnce
}

type bankOnce struct {
	once sync.Once
	b    *bank
}

// getBank returns the bank for L/M, designing it once per process.
func getBank(l, m int) *bank {
	banks.mu.Lock()
	if banks.m == nil {
		banks.m = make(map[[2]int]*bankOnce)
	}
	e := banks.m[[2]int{l, m}]
	if e == nil {
		e = new(bankOnce)
		banks.m[[2]int{l, m}] = e
	}
	banks.mu.Unlock()
	e.once.Do(func() { e.b = designBank(l, m) })
	return e.b
}

// ratio reduces outRate/inRate to L/M and checks the limits.
func ratio(inRate, outRate int) (l, m int, err error) {
	for _, r := range [2]int{inRate, outRate} {
		if r < MinRate || r > MaxRate {
			return 0, 0, fmt.Errorf("resample: sample rate %d Hz is outside %d..%d Hz", r, MinRate, MaxRate)
		}
	}
	g := gcd(inRate, outRate)
	l, m = outRate/g, inRate/g
	if max(l, m) > MaxRatioTerm {
		return 0, 0, fmt.Errorf("resample: %d Hz -> %d Hz reduces to %d/%d, beyond the largest supported ratio term %d (the filter bank would need about %d MB)",
			inRate, outRate, l, m, MaxRatioTerm, 190*max(l, m)*8>>20)
	}
	return l, m, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// DesignFor returns the design the resampler uses for inRate -> outRate,
// without building the filter bank.
func DesignFor(inRate, outRate int) (Design, error) {
	l, m, err := ratio(inRate, outRate)
	if err != nil {
		return Design{}, err
	}
	return designFor(l, m), nil
}

// designFor sizes the prototype for L/M.
//
// The prototype runs at the rate L·inRate = M·outRate, where fmin is
// 1/max(L, M) cycles per sample, so both edges scale with 1/max(L, M).
// Kaiser's order estimate N-1 = (A-7.95)/(2.285·2π·Δf) then gives about
// 183·max(L, M) taps for A = 130 dB and Δf = (0.5-0.4535)/max(L, M): 183
// taps per phase when upsampling (K = N/L), 183·M/L when downsampling,
// where each output sample spans more input. K is rounded up to a
// multiple of 4 (the dot product's unrolling) and N is the odd one of
// K·L and K·L-1, so the spare capacity lengthens the filter rather than
// padding it; an even K·L leaves one zero tap at the end of the last
// phase.
func designFor(l, m int) Design {
	r := float64(max(l, m))
	pass, stop := PassEdge/r, StopEdge/r
	n := oversample.KaiserOrder(AttenuationDB, stop-pass) + 1
	k := (n + l - 1) / l
	k = (k + 3) &^ 3
	n = k * l
	if n%2 == 0 {
		n--
	}
	return Design{
		L: l, M: m,
		Taps:         n,
		TapsPerPhase: k,
		Beta:         oversample.KaiserBeta(AttenuationDB),
		Cutoff:       (pass + stop) / 2,
		Transition:   stop - pass,
		Centre:       (n - 1) / 2,
	}
}

// designBank designs the Kaiser-windowed sinc prototype for L/M (the
// shared portable code of dsp/oversample: FMA-free sin, I0 series) and
// splits it into L phases.
//
// Each phase is scaled to sum to exactly 1 (to rounding), rather than the
// whole prototype to L. Unscaled, phase sums differ from 1 by the
// prototype's response at multiples of inRate (below 1e-6), which would
// put a faint period-L ripple on a DC input; scaled, DC passes with gain
// 1 at every output sample. The change to each tap is of the same
// relative size, so it cannot lift the stop band by more than about that
// much (TestPrototype and the sine tests measure the result).
func designBank(l, m int) *bank {
	d := designFor(l, m)
	h := oversample.KaiserLowpass(d.Taps, d.Cutoff, d.Beta)
	k := d.TapsPerPhase
	b := &bank{Design: d, c: make([]float64, l*k)}
	for p := 0; p < l; p++ {
		ph := b.phase(p)
		for i := 0; i < k; i++ {
			if j := p + i*l; j < len(h) {
				ph[k-1-i] = h[j]
			}
		}
		var sum float64
		for _, v := range ph {
			sum += v
		}
		for i := range ph {
			ph[i] /= sum
		}
	}
	return b
}
