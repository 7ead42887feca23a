# WANT: Value out of range
track "a" {
  source = "good.wav"
  gain = 1e9
}
