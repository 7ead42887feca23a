# WANT: Path outside the project
track "a" {
  source = "/etc/passwd"
}
