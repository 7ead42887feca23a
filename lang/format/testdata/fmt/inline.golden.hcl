# One-line blocks stay on one line; only their spacing changes.
track "lead" {
  source = "lead.wav"

  eq {
    highpass { freq = 90, slope = 24 }
    bell { freq = 3000, gain = 2, q = 1.2 } # presence, not harshness
    highshelf { freq = 10000, gain = 1.5 }  # trailing comma goes
  }
  eq { bell { freq = 400, gain = -3 } }
  eq { lowshelf { freq = 100, gain = 1 } }
  compressor { threshold = -24, ratio = max(2, 3), attack = 5, release = 80, makeup = "auto" }
  delay { time = "1/8d", feedback = 0.3 } # note value, at mix.tempo
  send { to = bus.verb, level = -14 }
}

bus "verb" { reverb { decay = 1.8, predelay = 20, mix = 1 } }

master {
  limiter { ceiling = -1, true_peak = true }
  target { preset = "spotify" }
}
