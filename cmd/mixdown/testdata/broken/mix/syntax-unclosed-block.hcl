# WANT: Unclosed configuration block
track "a" {
  source = "good.wav"
