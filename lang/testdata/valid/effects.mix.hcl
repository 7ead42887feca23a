mix {
  sample_rate = 48000
  tempo       = 120
  tail        = 4
}

track "kick" {
  source = "kick.wav"
}

track "vocals" {
  source = "vocals.wav"

  eq {
    highpass { freq = 80, slope = 24 }
    bell {
      freq = 400
      gain = -3
      q    = 1.4
    }
    highshelf { freq = 10000, gain = 1.5 }
  }
  compressor {
    threshold = -18
    ratio     = 4
    makeup    = "auto"
    detector  = "rms"
    sidechain = track.kick
  }
  compressor {
    name  = "glue"
    ratio = 2
  }
  delay {
    time     = "1/8d"
    feedback = 0.35
    pingpong = true
  }
  delay { time = 250 }
  delay { time = "1/4t" }
}

bus "verb" {
  reverb {
    decay = 2.5
    mix   = 1
  }
  reverb {
    ir = "irs/plate.wav"
  }
}

master {
  limiter {
    ceiling   = -1
    true_peak = true
  }
}
