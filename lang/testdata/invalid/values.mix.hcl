mix {
  sample_rate = 1000 # ERROR: Value out of range
}

track "a" {
  source = "a.wav"
  gain   = 30 # ERROR: Value out of range
  pan    = "left" # ERROR: Incorrect value type
  mute   = 3 # ERROR: Incorrect value type
  gian   = 1 # ERROR: Unsupported argument
}

track "a" { # ERROR: Duplicate track
  source = "a2.wav"
}

track "b" { # ERROR: Track without audio
}

output "main" {
  file      = "out.wav"
  bit_depth = 20 # ERROR: Invalid bit depth
}

output "other" {
  file      = "out.wav" # ERROR: Duplicate output file
  bit_depth = "flaot" # ERROR: Invalid bit depth
}

track "bad name" { # ERROR: Invalid track name
  source = "x.wav"
}

mix {} # ERROR: Duplicate mix
