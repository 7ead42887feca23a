# WANT: Output overwrites a source
track "a" {
  source = "stereo.wav"
  reverb { ir = "ir.wav" }
}
output "o" {
  file = "ir.wav"
}
