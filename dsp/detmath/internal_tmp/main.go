package main

import (
	"fmt"
	"math"

	"github.com/mixdown/mixdown/dsp/detmath"
)

func main() {
	for _, x := range []float64{4.2e-322, 5e-324, 1e-310, 2.2250738585072014e-308, 1e-300} {
		fmt.Println(x, detmath.Log(x), math.Log(x), detmath.Log10(x), math.Log10(x))
	}
}
