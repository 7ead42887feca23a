# WANT: Invalid path
track "a" {
  source = "good\u0000.wav"
}
