track "a" {
  source = "a.wav"
  eq {
    highpass { slope = 20 } # ERROR: Invalid value
    bell { freq = 5 } # ERROR: Value out of range
    shelf { freq = 100 } # ERROR: Unsupported block type
  }
  compressor {
    ratio     = 0.5 # ERROR: Value out of range
    makeup    = "automatic" # ERROR: Invalid value
    detector  = "rsm" # ERROR: Invalid value
    sidechain = bus.nope # ERROR: Unknown bus
    treshold  = -20 # ERROR: Unsupported argument
  }
  delay {
    time = "1/4" # ERROR: Note value without a tempo
  }
  delay {
    time = "quarter" # ERROR: Invalid note value
  }
  reverb {
    ir    = "plate.wav"
    decay = 3 # ERROR: Parameter does not apply
  }
  limiter { name = "x" }
  gate { name = "x" } # ERROR: Duplicate effect name
  chorus {} # ERROR: Unsupported block type
}

track "b" {
  source = "b.wav"
  compressor { sidechain = track.b } # ERROR: Sidechain from itself
  eq { bell { freq = 100, gain = 30, q = 1 } } # ERROR: Value out of range
}
