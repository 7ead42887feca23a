chain "vocal" {
  compressor { threshold = -18 }
}

bus "verb" {}

track "a" {
  source = "a.wav"
  send { to = bus.verb }
  compressor {}
  compressor { name = "glue" }
  delay { time = 250 }
  reverb { ir = "plate.wav" }
  eq {
    bell { freq = 300 }
    bell { freq = 3000 }
    highpass { freq = 80 }
  }
  use "vocal" {}

  automate "gian" { points = [[0, 0]] } # ERROR: Unknown automation target
  automate "compressor.threshold" { points = [[0, -20]] }
  automate "glue.treshold" { points = [[0, -20]] } # ERROR: Unknown parameter
  automate "glue.detector" { points = [[0, 1]] } # ERROR: Parameter cannot be automated
  automate "glue.lookahead" { points = [[0, 1]] } # ERROR: Parameter cannot be automated
  automate "reverb.decay" { points = [[0, 2]] } # ERROR: Parameter does not apply
  automate "eq.bell.gain" { points = [[0, 2]] } # ERROR: Ambiguous automation target
  automate "eq.bell[2].gain" { points = [[0, 2]] } # ERROR: Unknown automation target
  automate "eq.highpass.slope" { points = [[0, 24]] } # ERROR: Parameter cannot be automated
  automate "send.verbb.level" { points = [[0, 0]] } # ERROR: Unknown automation target
  automate "vocal.compressor.threshold" {
    points = [
      [0, -20],
      [1, -70], # ERROR: Value out of range
      [0.5, -10], # ERROR: Automation points out of order
      [-1, -10], # ERROR: Invalid position
      [2], # ERROR: Invalid automation points
      [3, "loud"], # ERROR: Invalid automation points
    ]
  }
  automate "delay.mix" {
    points = [] # ERROR: Invalid automation points
  }
  automate "pan" {
    points = [[0, 0]]
    curve  = "smoth" # ERROR: Invalid value
  }
  automate "gain" { points = [[0, 0]] }
  automate "gain" { points = [[0, -3]] } # ERROR: Duplicate automation
  automate "eq.bell[1].gain" { points = [[0, 30]] } # ERROR: Value out of range
}

bus "two" {
  compressor {}
  compressor {}
  automate "compressor.ratio" { points = [[0, 2]] } # ERROR: Ambiguous automation target
  automate "compressor[1].ratio" { points = [[0, 2]] }
}

master {
  automate "pan" { points = [[0, 0]] } # ERROR: Unknown automation target
  automate "gain" { points = 3 } # ERROR: Invalid automation points
}
