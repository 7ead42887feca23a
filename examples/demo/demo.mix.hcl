# "Keep on Rolling" (OpenMSX, GPL-2.0): bars 4-12, a drum fill into the first horn chorus.
# Stems: see STEMS.md. Render: mixdown render examples/demo/demo.mix.hcl
#
# The stems share one recording gain, so 0 dB faders give the arranger's balance; the
# moves below are small. Mono tracks pan with a -3 dB centre (constant power).

mix {
  sample_rate = 44100
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
  source = "stems/drums.wav" # stereo: the kit is panned per drum
  gain   = 2                 # the groove is 8 dB under the opening fill: lift it
  output = bus.rhythm

  send {
    to    = bus.verb
    level = local.verb_send - 10 # just a little room: the kit is dry
  }
}

track "bass" {
  source = "stems/bass.wav"
  gain   = 1
  output = bus.rhythm
}

# Horn section: its own bus, so one fader and one send move the whole section.

track "saxes" {
  source = "stems/saxes.wav" # alto and tenor in octaves
  gain   = -1
  pan    = -0.4 # opposite the guitar, which plays the same line
  output = bus.horns
}

track "trumpet" {
  source = "stems/trumpet.wav"
  gain   = var.lead_level
  pan    = 0.25
  output = bus.horns
}

track "trombone" {
  source = "stems/trombone.wav" # plays the riff, then fills its gaps
  gain   = -1.5
  pan    = -0.15
  output = bus.horns
}

track "guitar" {
  source = "stems/guitar.wav" # distorted, doubles the riff: tucked under the horns
  gain   = -3
  pan    = 0.6
  mute   = !var.guitar
  output = bus.music

  send {
    to    = bus.verb
    level = local.verb_send - 4
  }
}

bus "rhythm" {}

bus "horns" {
  output = bus.music

  send {
    to    = bus.verb
    level = local.verb_send # post-fader: the reverb follows the section's level
  }
}

bus "music" {
  gain = -1
}

# Effect returns. Until effects land this bus passes the sends through dry;
# then it gets a 100% wet reverb (a hall, ~1.8 s).
bus "verb" {}

# Peaks at the opening drum fill: about -2.5 dBFS with the verb still dry.
master {
  gain = -2
}

output "main" {
  file      = "out/demo.wav"
  bit_depth = 24
}
