# WANT: Note value without a tempo
track "a" {
  source = "good.wav"
  delay { time = "1/8d" }
}
