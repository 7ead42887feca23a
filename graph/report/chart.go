package report

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// Chart is a line chart: a few series over shared axes, with grid lines at
// the ticks, axis labels, a title and a legend. It draws itself with the
// standard library's image packages and the built-in 5x7 font.
type Chart struct {
	Title          string
	XLabel, YLabel string // units, shown at the ends of the axes
	LogX           bool
	XMin, XMax     float64
	YMin, YMax     float64 // values outside are drawn at the edge
	XTicks, YTicks []Tick
	Series         []Series
}

// Tick is a labelled grid line.
type Tick struct {
	At    float64
	Label string
}

// Series is one curve. A NaN breaks the line; -Inf is drawn at the
// bottom edge.
type Series struct {
	Label string
	Color color.RGBA
	X, Y  []float64
}

// Colours of the two sides (Okabe & Ito's palette, which colour-blind
// readers tell apart), the ink and the grid.
var (
	BeforeColor = color.RGBA{0x00, 0x72, 0xb2, 0xff} // blue
	AfterColor  = color.RGBA{0xd5, 0x5e, 0x00, 0xff} // vermillion
	inkColor    = color.RGBA{0x20, 0x20, 0x20, 0xff}
	gridColor   = color.RGBA{0xe2, 0xe2, 0xe2, 0xff}
	frameColor  = color.RGBA{0x60, 0x60, 0x60, 0xff}
)

// The text scale: 5x7 glyphs drawn at 2x, 10x14 pixels.
const textScale = 2

// lineRadius is half the width of the k-th curve in pixels. Each curve is
// narrower than the one drawn before it, so where they coincide the
// earlier one shows as a border around the later.
func lineRadius(k int) float64 { return max(2.25-1.1*float64(k), 0.8) }

// Draw renders the chart at width x height pixels.
func (c *Chart) Draw(width, height int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fill(img, img.Bounds(), color.RGBA{0xff, 0xff, 0xff, 0xff})

	th := glyphH * textScale
	yLabelW := 0
	for _, t := range c.YTicks {
		yLabelW = max(yLabelW, textWidth(t.Label, textScale))
	}
	// Room above for the title and the y unit, below for the x tick
	// labels and unit, right for half a tick label.
	plot := image.Rect(yLabelW+24, 2*th+36, width-32, height-2*th-28)
	if plot.Dx() < 10 || plot.Dy() < 10 {
		return img
	}
	px := func(x float64) float64 {
		lo, hi := c.XMin, c.XMax
		if c.LogX {
			x, lo, hi = math.Log10(x), math.Log10(lo), math.Log10(hi)
		}
		return float64(plot.Min.X) + (x-lo)/(hi-lo)*float64(plot.Dx()-1)
	}
	py := func(y float64) float64 {
		y = min(max(y, c.YMin), c.YMax) // -Inf too
		return float64(plot.Max.Y-1) - (y-c.YMin)/(c.YMax-c.YMin)*float64(plot.Dy()-1)
	}

	// Grid and tick labels.
	for _, t := range c.XTicks {
		if t.At < c.XMin || t.At > c.XMax {
			continue
		}
		x := int(math.Round(px(t.At)))
		fill(img, image.Rect(x, plot.Min.Y, x+1, plot.Max.Y), gridColor)
		drawText(img, x-textWidth(t.Label, textScale)/2, plot.Max.Y+8, t.Label, inkColor)
	}
	for _, t := range c.YTicks {
		if t.At < c.YMin || t.At > c.YMax {
			continue
		}
		y := int(math.Round(py(t.At)))
		fill(img, image.Rect(plot.Min.X, y, plot.Max.X, y+1), gridColor)
		drawText(img, plot.Min.X-8-textWidth(t.Label, textScale), y-th/2, t.Label, inkColor)
	}
	// Frame, axis units, title.
	fill(img, image.Rect(plot.Min.X, plot.Min.Y, plot.Max.X, plot.Min.Y+1), frameColor)
	fill(img, image.Rect(plot.Min.X, plot.Max.Y-1, plot.Max.X, plot.Max.Y), frameColor)
	fill(img, image.Rect(plot.Min.X, plot.Min.Y, plot.Min.X+1, plot.Max.Y), frameColor)
	fill(img, image.Rect(plot.Max.X-1, plot.Min.Y, plot.Max.X, plot.Max.Y), frameColor)
	drawText(img, plot.Max.X-textWidth(c.XLabel, textScale), plot.Max.Y+th+16, c.XLabel, inkColor)
	drawText(img, plot.Min.X-8-textWidth(c.YLabel, textScale), plot.Min.Y-th-12, c.YLabel, inkColor)
	drawText(img, plot.Min.X, 12, c.Title, inkColor)

	// Legend, right-aligned on the title's line: a stroke, then the label.
	x := plot.Max.X
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		x -= textWidth(s.Label, textScale)
		drawText(img, x, 12, s.Label, inkColor)
		x -= 8 + 28
		mask := make([]float32, width*height)
		capsule(mask, width, img.Bounds(), float64(x), float64(12+th/2), float64(x+28), float64(12+th/2), lineRadius(i))
		paint(img, mask, s.Color)
		x -= 24
	}

	// Curves, each one coverage mask so its own overlaps do not darken.
	mask := make([]float32, width*height)
	for k, s := range c.Series {
		clear(mask)
		for i := 1; i < len(s.X) && i < len(s.Y); i++ {
			if math.IsNaN(s.Y[i-1]) || math.IsNaN(s.Y[i]) {
				continue
			}
			capsule(mask, width, plot, px(s.X[i-1]), py(s.Y[i-1]), px(s.X[i]), py(s.Y[i]), lineRadius(k))
		}
		paint(img, mask, s.Color)
	}
	return img
}

// WritePNG draws the chart and writes it as a PNG.
func (c *Chart) WritePNG(w io.Writer, width, height int) error {
	return png.Encode(w, c.Draw(width, height))
}

func fill(img *image.RGBA, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, col)
		}
	}
}

// drawText draws s with its top-left corner at (x, y).
func drawText(img *image.RGBA, x, y int, s string, col color.RGBA) {
	for _, r := range s {
		g, ok := glyphs[r]
		if !ok {
			g = glyphs['?']
		}
		for row := 0; row < glyphH; row++ {
			for colx := 0; colx < glyphW; colx++ {
				if g[row]&(1<<(glyphW-1-colx)) != 0 {
					fill(img, image.Rect(x+colx*textScale, y+row*textScale, x+(colx+1)*textScale, y+(row+1)*textScale), col)
				}
			}
		}
		x += cellW * textScale
	}
}

// capsule adds the coverage of a round-capped line from (x0, y0) to (x1,
// y1), radius wide either side, to mask within clip: each pixel takes the
// larger coverage, estimated from its centre's distance to the line.
func capsule(mask []float32, stride int, clip image.Rectangle, x0, y0, x1, y1, radius float64) {
	r := radius + 0.5
	box := image.Rect(int(math.Floor(min(x0, x1)-r)), int(math.Floor(min(y0, y1)-r)),
		int(math.Ceil(max(x0, x1)+r))+1, int(math.Ceil(max(y0, y1)+r))+1).Intersect(clip)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			cx, cy := float64(x)+0.5-x0, float64(y)+0.5-y0
			t := 0.0
			if l2 > 0 {
				t = min(max((cx*dx+cy*dy)/l2, 0), 1)
			}
			ex, ey := cx-t*dx, cy-t*dy
			cov := float32(min(max(r-math.Sqrt(ex*ex+ey*ey), 0), 1))
			if i := y*stride + x; cov > mask[i] {
				mask[i] = cov
			}
		}
	}
}

// paint blends col over img by mask.
func paint(img *image.RGBA, mask []float32, col color.RGBA) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			a := float64(mask[y*b.Dx()+x])
			if a == 0 {
				continue
			}
			o := img.RGBAAt(x, y)
			mix := func(dst, src uint8) uint8 { return uint8(math.Round(float64(dst)*(1-a) + float64(src)*a)) }
			img.SetRGBA(x, y, color.RGBA{mix(o.R, col.R), mix(o.G, col.G), mix(o.B, col.B), 0xff})
		}
	}
}
