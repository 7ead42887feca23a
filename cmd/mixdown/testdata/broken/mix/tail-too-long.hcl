# WANT: Value out of range
# A 1000-hour tail.
mix { tail = 3600000 }
track "a" {
  source = "good.wav"
}
