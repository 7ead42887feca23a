# WANT: Unsupported argument
track "a" {
  sorce = "good.wav"
  source = "good.wav"
}
