# WANT: Value out of range
# 64 whole notes at 20 BPM: 768 s.
mix { tempo = 20 }
track "a" {
  source = "good.wav"
  delay { time = "64/1" }
}
