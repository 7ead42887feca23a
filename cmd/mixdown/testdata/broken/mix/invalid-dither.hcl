# WANT: Invalid dither
track "a" {
  source = "good.wav"
}
output "o" {
  file = "out/o.wav"
  bit_depth = 16
  dither = "noise"
}
