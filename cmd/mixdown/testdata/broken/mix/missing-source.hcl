# WANT: Track without audio
track "a" {
  gain = -3
}
