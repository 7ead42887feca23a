master {
  target {
    preset = "spotfy" # ERROR: Unknown target preset
  }
  target { loudness = -14 } # ERROR: Duplicate target
}

output "a" {
  file      = "a.wav"
  bit_depth = "float"
  dither    = "tpdf" # ERROR: Dither on a float output
  target {} # ERROR: Empty target
}

output "b" {
  file        = "b.wav"
  sample_rate = 44000.5 # ERROR: Whole number required
  dither      = "triangular" # ERROR: Invalid dither
  target {
    loudness  = 3 # ERROR: Value out of range
    true_peak = 1 # ERROR: Value out of range
  }
}
