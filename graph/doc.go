// Package graph compiles a mix model into a DSP graph and renders it.
//
// A Graph owns every node, and processing order is fixed when the graph is
// built (after dasp_graph): tracks first, then buses in an order where every
// bus comes after each bus that feeds it, then the master. Routing cycles
// are refused with a diagnostic that names the loop.
//
// Rendering streams fixed-size blocks. For each block, tracks run in
// parallel (they depend on nothing but their source); buses and the master
// then sum their inputs in a fixed order chosen at build time: tracks in
// source order, then buses in source order, each node's main output before
// its sends. Because every processor is block-size invariant and every sum
// runs in the same order, the output is bit-identical for any block size
// and any GOMAXPROCS. Tracks whose chains are alike run in pairs, both
// chains in one pass of each effect that can (pair.go); each track gets
// the bits it gets alone.
//
// The strip of a track or bus is:
//
//	input -> polarity -> effects -> [pre-fader sends] -> fader -> pan -> [post-fader sends, output]
//
// Every node has a stable address (track.vocals, bus.verb,
// track.vocals.send.verb, master, output.main) that later features key on.
package graph
