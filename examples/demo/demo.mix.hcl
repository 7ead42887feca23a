# "Keep on Rolling" (OpenMSX, GPL-2.0): bars 4-12, a drum fill into the first horn chorus.
# Stems: see STEMS.md. Render: mixdown render examples/demo/demo.mix.hcl
#
# The stems share one recording gain, so 0 dB faders give the arranger's balance; the
# moves below are small. Mono tracks pan with a -3 dB centre (constant power).

mix {
  sample_rate = 44100
  tempo       = 104 # BPM: note-value delay times follow it
}

# dB. The trumpet is the top voice of the horn riff, the line a listener hums.
variable "lead_level" {
  default = 1.5
}

# false gives a horns-only version (the guitar doubles the alto sax in unison).
variable "guitar" {
  type    = bool
  default = true
}

locals {
  verb_send = -14 # dB, the horn section's reverb send; the others derive from it
}

# Rhythm section: centred, straight to its bus.

track "drums" {
  source = "stems/drums.flac" # stereo: the kit is panned per drum
  gain   = 1                  # the compressor lifts the groove under the opening fill
  output = bus.rhythm

  eq {
    highpass { freq = 30, slope = 24 }
    bell { freq = 400, gain = -2.5, q = 1.2 } # box
    highshelf { freq = 8000, gain = 2 }       # air on the cymbals
  }
  compressor {
    threshold = -22
    ratio     = 3
    attack    = 15 # lets the stick attack through
    release   = 120
    makeup    = 2
  }

  send {
    to    = bus.verb
    level = local.verb_send - 10 # just a little room: the kit is dry
  }
}

track "bass" {
  source = "stems/bass.flac"
  gain   = 1
  output = bus.rhythm

  eq {
    highpass { freq = 35, slope = 24 }
    lowshelf { freq = 100, gain = 1.5 }
    bell { freq = 250, gain = -2, q = 1.2 } # mud
  }
  compressor {
    threshold = -26
    ratio     = 4
    attack    = 5
    release   = 100
    makeup    = 3
  }
}

# Horn section: its own bus, so one fader and one send move the whole section.

track "saxes" {
  source = "stems/saxes.flac" # alto and tenor in octaves
  gain   = -1
  pan    = -0.4 # opposite the guitar, which plays the same line
  output = bus.horns

  eq {
    highpass { freq = 120 }
    bell { freq = 800, gain = -2, q = 1 }
  }
  compressor { threshold = -26, ratio = 3, attack = 8, release = 90, makeup = 2 }
}

track "trumpet" {
  source = "stems/trumpet.flac"
  gain   = var.lead_level
  pan    = 0.25
  output = bus.horns

  eq {
    highpass { freq = 150 }
    bell { freq = 2500, gain = 1.5, q = 1.2 } # presence
  }
  compressor { threshold = -30, ratio = 2.5, attack = 5, release = 80, makeup = 2 }

  send {
    to    = bus.echo
    level = -16
  }
}

track "trombone" {
  source = "stems/trombone.flac" # plays the riff, then fills its gaps
  gain   = -1.5
  pan    = -0.15
  output = bus.horns

  eq {
    highpass { freq = 70 }
    bell { freq = 300, gain = -2, q = 1 }
  }
  compressor { threshold = -26, ratio = 3, attack = 10, release = 100, makeup = 2 }
}

track "guitar" {
  source = "stems/guitar.flac" # distorted, doubles the riff: tucked under the horns
  gain   = -3
  pan    = 0.6
  mute   = !var.guitar
  output = bus.music

  eq {
    highpass { freq = 90 }
    bell { freq = 3000, gain = -2.5, q = 1.5 } # out of the trumpet's way
    lowpass { freq = 9000 }
  }
  saturation { drive = 3, type = "tape", mix = 0.4 }

  send {
    to    = bus.verb
    level = local.verb_send - 4
  }
}

# Keys: stereo in the soundfont, so they stay stereo, under the horns on the music bus.

track "piano" {
  source = "stems/piano.flac" # comps the changes with the horns, from 2.31 s
  gain   = -6                 # about 3 LU under the trumpet: accompaniment
  output = bus.music

  eq {
    highpass { freq = 100 }
    bell { freq = 350, gain = -2, q = 1 }      # mud, where the bass and trombone sit
    bell { freq = 2500, gain = -1.5, q = 1.2 } # out of the trumpet's way
  }
  compressor { threshold = -26, ratio = 2.5, attack = 10, release = 120, makeup = 1 }

  send {
    to    = bus.verb
    level = local.verb_send - 2
  }
}

track "pad" {
  source = "stems/pad.flac" # polysynth chords under the whole excerpt: a bed, not a part
  gain   = -10
  output = bus.music

  eq {
    highpass { freq = 180, slope = 24 } # leave the low end to the bass
    lowpass { freq = 7000 }
  }
  compressor { threshold = -30, ratio = 2, attack = 40, release = 250 }

  send {
    to    = bus.verb
    level = local.verb_send
  }
}

bus "rhythm" {}

bus "horns" {
  output = bus.music

  compressor { # glue: slow attack, gentle ratio
    threshold = -20
    ratio     = 2
    attack    = 30
    release   = 150
    makeup    = 1
  }
  stereo { width = 1.2 }

  send {
    to    = bus.verb
    level = local.verb_send # post-fader: the reverb follows the section's level
  }
}

bus "music" {
  gain = -1
}

# Effect returns: 100% wet, fed by sends.

bus "verb" {
  eq {
    highpass { freq = 200 } # keep the low end out of the reverb
  }
  reverb {
    decay    = 1.8
    predelay = 25
    size     = 0.75
    damping  = 0.5
    mix      = 1
  }
}

bus "echo" {
  delay {
    time     = "1/8d" # dotted eighth at mix.tempo
    feedback = 0.3
    mix      = 1
    pingpong = true
    highcut  = 5000
    lowcut   = 300
  }
  output = bus.verb # echoes into the same room
  gain   = -3
}

master {
  gain = 0

  eq {
    highpass { freq = 25, slope = 24 }
  }
  compressor { # bus glue: barely touching
    threshold = -16
    ratio     = 1.5
    knee      = 8
    attack    = 30
    release   = 200
  }
  limiter { # catches the peaks the glue lets through, before the target's gain
    ceiling   = -3
    true_peak = true
  }

  target {
    preset = "spotify" # -14 LUFS integrated, true peak at or below -1 dBTP
  }
}

output "main" {
  file      = "out/demo.wav"
  bit_depth = 24
}

output "broadcast" {
  file = "out/demo-r128.wav"
  target { preset = "ebu-r128" } # -23 LUFS, -1 dBTP
}
