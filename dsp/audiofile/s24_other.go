//go:build !amd64 || purego

package audiofile

func decodeS24Stereo(dl, dr []float64, b []byte, frames int) {
	decodeS24StereoGo(dl, dr, b, frames)
}
