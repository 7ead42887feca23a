# WANT: Invalid track name
track "🎸 lead" {
  source = "good.wav"
}
