# WANT: Output overwrites a source
track "a" {
  source = "good.wav"
}
output "o" {
  file = "./good.wav"
}
