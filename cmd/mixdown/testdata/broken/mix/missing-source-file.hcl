# WANT: Missing source file
track "a" {
  source = "stems/nowhere.wav"
}
