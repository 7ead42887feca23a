# WANT: Reference to undeclared input variable
track "a" {
  source = "good.wav"
  gain = var.level
}
