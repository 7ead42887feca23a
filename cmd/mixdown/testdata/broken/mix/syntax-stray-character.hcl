# WANT: Invalid character
track "a" {
  source = "good.wav"
}
@
