// Package detmath is deterministic elementary functions: Exp, Expm1, Exp2,
// Log, Log2, Log10, Pow, Sin, Cos, Sincos, Tan and Tanh that return the
// same bits on every machine Go runs on.
//
// mixdown promises bit-identical renders everywhere, and the math package
// does not give that (docs/determinism.md has the measurements):
//
//   - math.Exp, and with it math.Pow and math.Tanh, is assembly on amd64
//     that picks an FMA code path at run time when the CPU has FMA, so two
//     amd64 machines disagree (try GODEBUG=cpu.fma=off); it is FMA
//     assembly on arm64 and pure Go on 386, and the three disagree.
//   - math.Log is assembly on amd64 and pure Go elsewhere; the amd64
//     version is also wrong for subnormal arguments (golang/go#56600).
//   - math.Sin, math.Cos and math.Tan are pure Go, but the compiler may fuse
//     their x*y + z into fused multiply-adds on arm64, ppc64le, s390x,
//     riscv64, loong64 and amd64 with GOAMD64=v3, which round once instead
//     of twice.
//
// The functions here are the classic fdlibm algorithms (Sun Microsystems,
// 1993; FreeBSD msun's refinements by Bruce D. Evans for the argument
// reduction and Log10), which Go's own pure-Go fallbacks also port, and
// the Cephes rational approximation for Tanh near zero (Tanh above it adds
// a compensated division to fdlibm's formula); each file names its source
// and carries its notice. They use only IEEE 754 addition,
// subtraction, multiplication, division and square root, exact bit
// manipulation and exact conversions, and every product is rounded by an
// explicit float64 conversion before it is added, which the Go
// specification guarantees prevents fusion. TestNoFusedMultiplyAdd
// compiles the package for every port with fused multiply-add and checks
// the assembly.
//
// # Accuracy
//
// Largest error measured against 256-bit references (ref_test.go: Taylor
// series and Halley iteration in math/big, π from Machin's formula), with
// 20 000 random arguments per domain over the whole float64 range
// (go test -run 'AccuracyExact|PowTwo|Reduction' -v -detmath.exact=20000):
//
//	Exp   0.91 ulp    Expm1  0.75 ulp    Tanh  0.77 ulp
//	Log   0.76 ulp    Log10  0.62 ulp
//	Sin   0.72 ulp    Cos    0.72 ulp    Tan   0.87 ulp
//	Pow   0.82 ulp (x^y with x and y random, x^0.4, x^-2.5, 10^x, ...)
//
//	Exp2  0.51 ulp    Log2   0.51 ulp (exp2_test.go: TestExp2Log2Accuracy)
//
// The tests hold every function below 1 ulp.
//
// Exp2 and Log2 are table-driven (Tang's method, with 128-entry tables
// that TestExp2Log2Tables recomputes in math/big) rather than fdlibm's,
// and meant for per-sample level and gain conversions in dB:
// 20·log10(x) = Log2(x)·20·log10(2) and 10^(dB/20) = Exp2(dB/(20·log10 2)).
// So used, a level is within 1e-13 dB and a gain within 1e-14 relative
// (-280 dB) of exact for any level from -400 to +400 dB
// (TestExp2Log2Decibels; the rounding of the product with the constant
// dominates).
// Sin, Cos and Tan stay within those bounds for every finite argument,
// including the doubles closest to multiples of π/2 (Payne-Hanek
// reduction above 2^20·π/2). Against the math package over a million
// arguments per function they agree within 1 ulp (Sin, Cos, Log; Expm1
// is identical) or 2 ulp (Exp, Log10, Tan, Tanh), and within 5 ulp for
// Pow, where math.Pow itself is up to 4.3 ulp off. Where they disagree
// by more, math is the one that is wrong (TestMathIsWorseHere): math.Sin
// of huge arguments (10^5 ulp), math.Pow (9 ulp), math.Exp above 709.43
// (+Inf on amd64) and math.Log of subnormals. Pow(10, n) is exact for
// 0 <= n <= 22, Log10(10^n) = n, and Pow(2, n) is exact over the whole
// range, so dB conversions of whole decades are exact.
//
// Special cases (NaN, ±Inf, ±0, subnormal arguments and results, overflow
// and underflow) follow the math package's documentation; the tests pin
// them.
//
// # Speed
//
// Close to the math package (go test -bench . ./dsp/detmath, 2-core amd64,
// ns per call, math in brackets): Exp 8.6 (7.8), Expm1 10 (11), Log 9.3
// (8.7), Log10 12 (9.3), Sin 6.8 (8.1), Cos 6.9 (8.1), Sincos 11 (9.6),
// Tan 10 (9.9), Tanh 23 (12: the compensated division), Pow 54 (46),
// Exp2 4.1 (14), Log2 7.2 (18).
//
// # Cross-machine check
//
// TestGolden hashes the bits of 260 000 results. The same hash, and the
// golden hashes of every package that uses detmath, come out under
// GODEBUG=cpu.fma=off, the default, GOAMD64=v2, v3 and v4, and GOARCH=386;
// docs/determinism.md has the commands and the table.
package detmath
