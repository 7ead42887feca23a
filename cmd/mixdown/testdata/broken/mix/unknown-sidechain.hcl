# WANT: Unknown track
track "bass" {
  source = "good.wav"
  compressor { sidechain = track.kik }
}
track "kick" {
  source = "good.wav"
}
