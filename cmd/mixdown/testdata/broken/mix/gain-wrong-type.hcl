# WANT: Incorrect value type
track "a" {
  source = "good.wav"
  gain = "loud"
}
