mix {
  meter     = "3/4"
  tempo_map = [{ at = "9:1", tempo = 100 }] # ERROR: Tempo map without a tempo
}

track "a" {
  source = "a.wav"
}
