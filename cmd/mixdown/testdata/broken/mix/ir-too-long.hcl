# WANT: Impulse response too long
# ARGS: -max-ir-seconds 0.001
track "a" {
  source = "stereo.wav"
  reverb { ir = "ir.wav" }
}
