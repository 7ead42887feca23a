# WANT: Invalid note value
mix { tempo = 120 }
track "a" {
  source = "good.wav"
  delay { time = "1/3" }
}
