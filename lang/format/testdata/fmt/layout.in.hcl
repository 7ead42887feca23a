

# Indentation, spacing and alignment, as terraform fmt does them.
mix{
sample_rate=48000
	tempo =   120   # BPM
    tail= 4
}



variable "level"{
  default=-6
      type = number
  description   = "lead level, dB"
}

locals {
  verb_send=-14
  dry_send = local.verb_send-10 # derived
  flags = [ "a","b" ]
  obj = {x=1,y=2}
  picked = var.level>0?1:2
  neg = - 3
}

track "vocals" {
  source     = "stems/vocals.wav"
  gain = var.level
  pan=-0.2
  mute = ! false


  output=bus.verb
}

bus "verb" {}
bus  "drums"   {
}
output "main" { file = "out/song.wav" }
