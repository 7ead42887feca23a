# WANT: Too many channels
track "a" {
  source = "audio/quad.wav"
}
