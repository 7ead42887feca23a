# WANT: Path outside the project
track "a" {
  source = "stereo.wav"
  reverb { ir = "../ir.wav" }
}
