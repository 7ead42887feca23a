# WANT: Invalid block definition
track "a" {
  source "good.wav"
}
