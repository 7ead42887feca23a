# WANT: Render too long
# ARGS: -max-render-seconds 5
mix { tail = 6 }
track "a" {
  source = "good.wav"
}
