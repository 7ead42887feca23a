# WANT: Unsupported block type
trak "a" {
  source = "good.wav"
}
