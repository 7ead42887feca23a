# WANT: Unreadable source file
track "a" {
  source = "audio/data-past-eof.wav"
}
