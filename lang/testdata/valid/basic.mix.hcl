mix {
  sample_rate = 44100
}

variable "vocal_level" {
  default = -3
}

variable "instrumental" {
  type    = bool
  default = false
}

locals {
  verb_send = -12
  double    = local.verb_send * 2
}

track "vocals" {
  source   = "stems/vocals.wav"
  gain     = var.vocal_level
  pan      = -0.1
  mute     = var.instrumental
  polarity = true
  output   = bus.band

  send {
    to    = bus.verb
    level = local.verb_send
  }
}

track "bass" {
  source = "stems/bass.wav"
  solo   = true

  send {
    to        = bus.verb
    level     = local.double
    pre_fader = true
  }
}

bus "band" {
  gain = -1.5
  pan  = 0.25
}

bus "verb" {
  output = master
  mute   = false
}

master {
  gain = -0.5
}

output "main" {
  file = "out/song.wav"
}

output "float" {
  file      = "out/song-float.wav"
  bit_depth = "float"
}
