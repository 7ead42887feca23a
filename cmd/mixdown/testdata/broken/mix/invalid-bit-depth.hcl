# WANT: Invalid bit depth
track "a" {
  source = "good.wav"
}
output "o" {
  file = "out/o.wav"
  bit_depth = 20
}
