variable "note" {
  type = string
  description = <<-EOT
    A heredoc keeps its text:   spaces,


    and blank lines.
  EOT
  default     = "x"
}
variable "levels" {
  type    = map(number)
  default = {
    lead = -2,
    bass = -4
  }
}
track "a" {
  source = "${var.note}.wav"
  gain = var.levels["lead"]
}
