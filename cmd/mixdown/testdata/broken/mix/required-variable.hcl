# WANT: No value for required variable
variable "level" {}
track "a" {
  source = "good.wav"
  gain = var.level
}
