// Package lang turns mix files, written in HCL, into a checked mix model.
//
// Loading runs in stages, after Terraform's internal/configs:
//
//  1. Parser reads files and keeps every one of them, so any later
//     diagnostic can quote its source.
//  2. Each top-level block is decoded on its own (decodeTrackBlock,
//     decodeBusBlock, ...) into a model value that remembers its source
//     ranges. A decoder never stops at the first problem.
//  3. The blocks are assembled into a Mix; names, references and
//     duplicates are checked last, when every name is known.
//
// References such as bus.drums are read as traversals, never as strings,
// and never evaluated: they name a node, they do not compute a value.
// Everything else is an ordinary HCL expression, evaluated with var.* and
// local.* in scope, the way Terraform users know them.
package lang
