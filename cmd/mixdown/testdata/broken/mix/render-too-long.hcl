# WANT: Render too long
# ARGS: -max-render-seconds 5
# good.wav lasts 0.1 s; with the default 10 s tail the render could last 10.1 s.
track "a" {
  source = "good.wav"
}
