# WANT: Unsupported argument
track "a" {
  source = "good.wav"
  compressor { treshold = -20 }
}
