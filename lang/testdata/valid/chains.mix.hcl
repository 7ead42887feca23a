variable "air" {
  default = 2
}

mix {
  tempo = 120
}

chain "vocal" {
  param "threshold" { default = -18 }
  param "air"       { default = var.air }
  param "echo"      {}
  eq         { highpass { freq = 90 }  highshelf { freq = 10000, gain = param.air } }
  compressor { threshold = param.threshold, ratio = 3, attack = 5, release = 80 }
  deesser    { freq = 6500, threshold = -30 }
  delay      { time = param.echo, mix = 0.1 }
}

track "lead" {
  source = "stems/lead.wav"
  use "vocal" {
    threshold = -22
    echo      = "1/8"
  }
  delay { time = "1/4", mix = 0.1 }
  use "vocal" {
    name = "vox2"
    air  = var.air + 1
    echo = 250
  }
}
