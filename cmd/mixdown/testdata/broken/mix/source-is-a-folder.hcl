# WANT: Unreadable source file
track "a" {
  source = "audio"
}
