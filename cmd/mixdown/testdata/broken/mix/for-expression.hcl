# WANT: Unsupported for expression
locals {
  x = [for a in [1, 2, 3] : [for b in [1, 2, 3] : a * b]]
}
