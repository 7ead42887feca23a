# WANT: Cycle in local values
locals {
  a = local.b
  b = local.a
}
