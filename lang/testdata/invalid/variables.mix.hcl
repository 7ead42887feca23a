variable "level" {
  default = -3
}

variable "needed" { # ERROR: No value for required variable
}

variable "typed" {
  type    = number
  default = "loud" # ERROR: Invalid default value for variable
}

locals {
  a = local.b # ERROR: Cycle in local values
  b = local.a # ERROR: Cycle in local values
}

track "x" {
  source = "x.wav"
  gain   = var.levl # ERROR: Reference to undeclared input variable
  pan    = local.pann # ERROR: Reference to undeclared local value
}

track "y" {
  source = "y.wav"
  gain   = local.a # no further error: the cycle is reported once
}
