mix {
  tempo = 120
  meter = "4/5" # ERROR: Invalid meter
  tempo_map = [
    { at = "9:1", tempo = 100 },
    { at = "5:1", tempo = 90 }, # ERROR: Tempo map out of order
    { at = "17:5", tempo = 90 }, # ERROR: Beat out of range
    { at = "21:2", meter = "3/4" }, # ERROR: Meter change inside a bar
    { at = "25:1", tmpo = 80 }, # ERROR: Unsupported argument
    { at = "27:1" }, # ERROR: Incomplete tempo change
    { at = "1:1", tempo = 80 }, # ERROR: Tempo change at the start
    { at = "29", tempo = 80 }, # ERROR: Invalid position
    { at = "33:1", tempo = 1000 }, # ERROR: Value out of range
    { at = "37:1", meter = "0/4" }, # ERROR: Invalid meter
  ]
}

track "a" {
  source = "a.wav"
}
