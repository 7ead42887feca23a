# WANT: Missing required argument
track "a" {
  gain = -3
}
