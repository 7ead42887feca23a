//go:build !purego

package audiofile

// decodeS24x2SSE2 is in s24_amd64.s.
//
//go:noescape
func decodeS24x2SSE2(dl, dr *float64, b *byte, n int)

// decodeS24Stereo decodes frames stereo 24-bit frames from b into dl and
// dr: the Go loop's values (decodeS24StereoGo), two frames at a time in
// SSE2 lanes (TestDecodeS24StereoMatchesGo).
func decodeS24Stereo(dl, dr []float64, b []byte, frames int) {
	n := frames &^ 1
	if n > 0 {
		_, _, _ = dl[n-1], dr[n-1], b[6*n-1]
		decodeS24x2SSE2(&dl[0], &dr[0], &b[0], n)
	}
	if n < frames {
		decodeS24StereoGo(dl[n:], dr[n:], b[6*n:], frames-n)
	}
}
