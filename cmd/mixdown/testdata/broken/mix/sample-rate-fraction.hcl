# WANT: Whole number required
mix { sample_rate = 44100.5 }
track "a" {
  source = "good.wav"
}
