# WANT: Unknown bus
bus "drums" {}
track "a" {
  source = "good.wav"
  output = bus.drumz
}
