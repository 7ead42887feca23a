/* A block comment
   over several lines. */

// Slash comments are kept as written.
# So are hash comments.
track "a" {        # after the brace
  source = "a.wav" # trailing
  gain   = -3      // slash trailing
  pan    = 0.25 /* inline block comment */

  # Before a block.
  eq {
    # Inside.
    bell { freq = 400, gain = -3 } # a comment, with commas, in it
    highpass { freq = 80 }         # short
  }
  # Last line of the block.
}
# End.
