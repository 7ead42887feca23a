# WANT: Duplicate track
track "a" {
  source = "good.wav"
}
track "a" {
  source = "good.wav"
}
