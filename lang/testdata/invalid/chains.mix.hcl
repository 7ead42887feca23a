chain "vocal" {
  param "threshold" { default = -18 }
  param "air" {}
  param "name" {} # ERROR: Reserved parameter name
  eq { highshelf { freq = 10000, gain = param.air } }
  compressor { threshold = param.threshold, ratio = param.ratoi } # ERROR: Reference to undeclared chain parameter
}

chain "vocal" {} # ERROR: Duplicate chain

chain "bass" {
  param "drive" { default = 2 }
  saturation { drive = param.drive, mix = 3 } # ERROR: Value out of range
}

track "lead" {
  source = "lead.wav"
  gain   = param.threshold # ERROR: Chain parameter outside a chain
  use "vocl" {} # ERROR: Unknown chain
  use "vocal" { # ERROR: Missing chain parameter
    treshold = -20 # ERROR: Unknown chain parameter
  }
  use "vocal" { # ERROR: Duplicate effect name
    air = 1
  }
}

track "bass" {
  source = "bass.wav"
  use "bass" {}
  use "bass" { drive = 100, name = "b2" } # ERROR: Value out of range
  use "vocal" { air = 99, name = "v" } # ERROR: Value out of range
}
