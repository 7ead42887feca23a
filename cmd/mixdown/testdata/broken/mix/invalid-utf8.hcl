# WANT: Invalid character encoding
track "aÿþ" {
  source = "good.wav"
}
