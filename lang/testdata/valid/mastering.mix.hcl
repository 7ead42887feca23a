mix {
  sample_rate = 48000
}

master {
  limiter { ceiling = -2 }
  target {
    loudness  = -14
    true_peak = -1
  }
}

output "streaming" {
  file      = "out/song.wav"
  bit_depth = 24
}

output "cd" {
  file        = "out/song-cd.wav"
  sample_rate = 44100
  bit_depth   = 16
  dither      = "shaped"
  target { preset = "cd" }
}

output "broadcast" {
  file = "out/song-r128.wav"
  target {
    preset    = "ebu-r128"
    true_peak = -2
  }
}

output "plain16" {
  file      = "out/song16.wav"
  bit_depth = 16
}
