# WANT: Too many tracks
# ARGS: -max-tracks 2
track "t0" {
  source = "good.wav"
}
track "t1" {
  source = "good.wav"
}
track "t2" {
  source = "good.wav"
}
