mix {
  sample_rate = 44100
}

track "both" {
  source = "a.wav" # ERROR: Source and clips
  clip { source = "b.wav" }
}

track "values" {
  clip {
    source     = "a.wav"
    at         = "5:1" # ERROR: Position in bars without a tempo
    offset     = -1 # ERROR: Value out of range
    length     = 0 # ERROR: Value out of range
    gain       = 40 # ERROR: Value out of range
    fade_in    = "1" 
    fade_out   = true # ERROR: Incorrect value type
    fade_curve = "equal-power" # ERROR: Unknown fade curve
    fade       = 1 # ERROR: Unsupported argument
  }
  clip { at = 0 } # ERROR: Missing required argument
  clip { source = "c.wav", at = -2 } # ERROR: Invalid position
  clip { source = "c.wav", at = "8" } # ERROR: Invalid position
  clip { source = "c.wav", at = [1] } # ERROR: Incorrect value type
}
