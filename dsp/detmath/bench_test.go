package detmath

import (
	"math"
	"testing"
)

// Benchmarks against the math package: go test -bench . ./dsp/detmath

var sink float64

func benchUnary(b *testing.B, f func(float64) float64, lo, hi float64) {
	var xs [1024]float64
	g := newGen(1)
	for i := range xs {
		xs[i] = g.uniform(lo, hi)
	}
	s := 0.0
	for i := 0; b.Loop(); i++ {
		s += f(xs[i&1023])
	}
	sink = s
}

func BenchmarkExp(b *testing.B)       { benchUnary(b, Exp, -20, 20) }
func BenchmarkMathExp(b *testing.B)   { benchUnary(b, math.Exp, -20, 20) }
func BenchmarkExpm1(b *testing.B)     { benchUnary(b, Expm1, -2, 2) }
func BenchmarkMathExpm1(b *testing.B) { benchUnary(b, math.Expm1, -2, 2) }
func BenchmarkLog(b *testing.B)       { benchUnary(b, Log, 1e-6, 10) }
func BenchmarkMathLog(b *testing.B)   { benchUnary(b, math.Log, 1e-6, 10) }
func BenchmarkLog10(b *testing.B)     { benchUnary(b, Log10, 1e-6, 10) }
func BenchmarkMathLog10(b *testing.B) { benchUnary(b, math.Log10, 1e-6, 10) }
func BenchmarkSin(b *testing.B)       { benchUnary(b, Sin, -10, 10) }
func BenchmarkMathSin(b *testing.B)   { benchUnary(b, math.Sin, -10, 10) }
func BenchmarkCos(b *testing.B)       { benchUnary(b, Cos, -10, 10) }
func BenchmarkMathCos(b *testing.B)   { benchUnary(b, math.Cos, -10, 10) }
func BenchmarkTan(b *testing.B)       { benchUnary(b, Tan, -1.5, 1.5) }
func BenchmarkMathTan(b *testing.B)   { benchUnary(b, math.Tan, -1.5, 1.5) }
func BenchmarkTanh(b *testing.B)      { benchUnary(b, Tanh, -3, 3) }
func BenchmarkMathTanh(b *testing.B)  { benchUnary(b, math.Tanh, -3, 3) }
func BenchmarkPow10(b *testing.B) {
	benchUnary(b, func(x float64) float64 { return Pow(10, x) }, -3, 3)
}
func BenchmarkMathPow10(b *testing.B) {
	benchUnary(b, func(x float64) float64 { return math.Pow(10, x) }, -3, 3)
}
func BenchmarkSincos(b *testing.B) {
	benchUnary(b, func(x float64) float64 { s, c := Sincos(x); return s + c }, -10, 10)
}
func BenchmarkMathSincos(b *testing.B) {
	benchUnary(b, func(x float64) float64 { s, c := math.Sincos(x); return s + c }, -10, 10)
}
