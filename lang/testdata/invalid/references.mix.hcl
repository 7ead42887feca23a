track "vocals" {
  source = "v.wav"
  output = bus.bnd # ERROR: Unknown bus
  send {
    to = bus.verbb # ERROR: Unknown bus
  }
  send {
    to = bus.verb
  }
  send {
    to = bus.verb # ERROR: Duplicate send
  }
}

track "keys" {
  source = "k.wav"
  output = track.vocals # ERROR: Invalid reference
}

track "gtr" {
  source = "g.wav"
  output = "bus.band" # ERROR: Invalid reference
}

bus "band" {}
bus "verb" {}
bus "band" {} # ERROR: Duplicate bus
