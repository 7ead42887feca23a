# WANT: Error in function call
locals {
  x = format("%999999999s", "")
}
