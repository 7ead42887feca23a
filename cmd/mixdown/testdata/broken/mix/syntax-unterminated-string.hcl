# WANT: Unterminated template string
track "a" {
  source = "good.wav
}
