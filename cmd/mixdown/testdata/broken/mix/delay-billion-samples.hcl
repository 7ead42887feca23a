# WANT: Value out of range
# 10^9 samples at 48 kHz is 20833333 ms; the delay takes at most 10 s.
track "a" {
  source = "good.wav"
  delay { time = 20833333.4 }
}
