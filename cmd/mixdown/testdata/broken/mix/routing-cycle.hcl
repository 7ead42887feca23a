# WANT: Routing cycle
bus "a" {
  output = bus.b
}
bus "b" {
  output = bus.a
}
