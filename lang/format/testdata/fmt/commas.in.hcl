# Commas between attributes on a line of a multi-line block: one per line.
track "a" {
  source = "a.wav", gain = -3, pan = 0.5 # all on one line
  mute = false,
  polarity = true, solo = false

  compressor {
    threshold = -20, ratio = 4
    attack = 5, release = 80,
  }
}
