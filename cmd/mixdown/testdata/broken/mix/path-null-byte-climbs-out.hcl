# WANT: Path outside the project
track "a" {
  source = "good.wav\u0000/../../x"
}
