mix { tempo = 96 }
track "vox" {
  source = "vox.wav"
  delay { time = 250, mix = 0 }
  automate "gain" {
    points = [
      [0, -60],
      ["2:1", 0],
      ["17:1", 0], # the chorus
      ["17:3", 3],
    ]
    curve = "linear"
  }
  automate "send.verb.level" { points = [[0, -30], [10, -12]] }
  automate "delay.mix" { points = [[0, 0], ["9:4", 0.6], ["10:1", 0]], curve = "step" }
  send { to = bus.verb }
}
bus "verb" {}
master {
  automate "gain" { points = [[60, 0], [64, -120]] }
}
