// Command mixdown renders mix files.
package main

import (
	_ "github.com/go-audio/wav"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/hashicorp/hcl/v2"
	_ "github.com/zclconf/go-cty/cty"
)

func main() {}
