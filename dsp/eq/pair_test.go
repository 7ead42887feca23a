package eq

import (
	"testing"

	"github.com/mixdown/mixdown/dsp"
)

// benchBands is the chain of the speed benchmark's tracks: four sections.
func benchBands(shift float64) Params {
	return Params{Bands: []Band{
		{Kind: HighPass, FreqHz: 40 * shift},
		{Kind: Bell, FreqHz: 300 * shift, GainDB: -3, Q: 1},
		{Kind: Bell, FreqHz: 3000 * shift, GainDB: 2, Q: 1},
		{Kind: HighShelf, FreqHz: 10000 * shift, GainDB: 1.5},
	}}
}

// TestProcessPair: two EQs with different four-section bands, run as a
// pair block after block (of changing lengths), give exactly what each
// gives alone; pairs of other shapes are refused with nothing changed; and
// a pair allocates nothing.
func TestProcessPair(t *testing.T) {
	in := signal(4, 20000)
	a, b := prepared(benchBands(1), 2, fs), prepared(benchBands(1.3), 2, fs)
	wa := render(prepared(benchBands(1), 2, fs), in[:2], 4096, Params{})
	wb := render(prepared(benchBands(1.3), 2, fs), in[2:], 4096, Params{})
	var ga, gb [2][]float64
	for ch := range 2 {
		ga[ch] = append([]float64(nil), in[ch]...)
		gb[ch] = append([]float64(nil), in[2+ch]...)
	}
	paired := 0
	for i, bs := 0, 1; i < len(in[0]); bs = bs*3 + 1 {
		m := min(bs%4096+1, len(in[0])-i)
		x, y := [][]float64{ga[0][i : i+m], ga[1][i : i+m]}, [][]float64{gb[0][i : i+m], gb[1][i : i+m]}
		if a.ProcessPair(x, b, y) {
			paired++
		} else {
			a.Process(x)
			b.Process(y)
		}
		i += m
	}
	if paired == 0 {
		t.Log("no pair kernel on this machine: the test checks the fallback only")
	}
	for ch := range 2 {
		for i := range ga[ch] {
			if ga[ch][i] != wa[ch][i] || gb[ch][i] != wb[ch][i] {
				t.Fatalf("ch %d sample %d: got %v %v, want %v %v", ch, i, ga[ch][i], gb[ch][i], wa[ch][i], wb[ch][i])
			}
		}
	}
	if paired > 0 {
		x, y := signal(2, 512), signal(2, 512)
		if n := testing.AllocsPerRun(100, func() { a.ProcessPair(x, b, y) }); n != 0 {
			t.Errorf("ProcessPair allocates %v times", n)
		}
	}

	refuse := func(name string, a *EQ, buf [][]float64, other dsp.Processor, obuf [][]float64) {
		t.Helper()
		before := append([]float64(nil), buf[0]...)
		if a.ProcessPair(buf, other, obuf) {
			t.Errorf("%s: paired", name)
		}
		for i := range before {
			if buf[0][i] != before[i] {
				t.Fatalf("%s: refused but changed the signal", name)
			}
		}
	}
	five := benchBands(1)
	five.Bands = append(five.Bands, Band{Kind: Bell, FreqHz: 800, GainDB: 1, Q: 2})
	refuse("five sections", prepared(five, 2, fs), signal(2, 64), b, signal(2, 64))
	refuse("mono", prepared(benchBands(1), 1, fs), signal(1, 64), prepared(benchBands(1), 1, fs), signal(1, 64))
	refuse("lengths apart", a, signal(2, 64), b, signal(2, 65))
	refuse("itself", a, signal(2, 64), a, signal(2, 64))
	refuse("another kind", a, signal(2, 64), otherProc{}, signal(2, 64))
}

type otherProc struct{ dsp.Processor }
