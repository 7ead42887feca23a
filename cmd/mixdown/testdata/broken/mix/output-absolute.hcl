# WANT: Path outside the project
track "a" {
  source = "good.wav"
}
output "o" {
  file = "/tmp/mixdown-escape.wav"
}
