package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/mixdown/mixdown/lang"
)

// schedule is the processing order of a mix's tracks and buses.
type scheduleResult struct {
	buses      []*lang.Bus // by level, then source order
	busIndex   map[string]int
	trackIndex map[string]int
	levels     [][]NodeRef
}

// dependency is one edge of the signal graph: node `from` must be
// processed before node `to`. ref is the reference that creates it.
type dependency struct {
	from, to int
	ref      hcl.Range
}

// schedule orders tracks and buses so every node comes after the nodes it
// reads (routing, sends, sidechain keys), groups them in levels that may
// run in parallel, and reports each loop with a diagnostic naming it.
// Nodes are numbered tracks first, then buses, in source order; ties keep
// that order, so the schedule is stable.
func schedule(m *lang.Mix) (*scheduleResult, hcl.Diagnostics) {
	nt := len(m.Tracks)
	n := nt + len(m.Buses)
	res := &scheduleResult{busIndex: map[string]int{}, trackIndex: map[string]int{}}
	node := map[string]int{}
	addr := make([]string, n)
	for i, t := range m.Tracks {
		if _, dup := node[t.Address()]; !dup {
			node[t.Address()] = i
		}
		addr[i] = t.Address()
	}
	for i, b := range m.Buses {
		if _, dup := node[b.Address()]; !dup {
			node[b.Address()] = nt + i
		}
		addr[nt+i] = b.Address()
	}

	var deps []dependency
	add := func(from string, to int, rng hcl.Range) {
		if f, ok := node[from]; ok {
			deps = append(deps, dependency{f, to, rng})
		}
	}
	strip := func(i int, st *lang.Strip) {
		if st.Output.Kind == lang.RefBus {
			if to, ok := node[st.Output.Address()]; ok {
				deps = append(deps, dependency{i, to, st.Output.Range})
			}
		}
		for _, s := range st.Sends {
			if to, ok := node[s.To.Address()]; ok {
				deps = append(deps, dependency{i, to, s.To.Range})
			}
		}
		for _, e := range st.Effects {
			if v := e.Get("sidechain"); v != nil {
				add(v.Ref.Address(), i, v.Range)
			}
		}
	}
	for i, t := range m.Tracks {
		strip(i, &t.Strip)
	}
	for i, b := range m.Buses {
		strip(nt+i, &b.Strip)
	}
	out := make([][]dependency, n) // out[from] = edges leaving from
	for _, d := range deps {
		out[d.from] = append(out[d.from], d)
	}

	// Depth-first search for back edges; each one closes a loop.
	var diags hcl.Diagnostics
	const (
		white = iota
		grey
		black
	)
	color := make([]int, n)
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		color[i] = grey
		stack = append(stack, i)
		for _, e := range out[i] {
			switch color[e.to] {
			case white:
				visit(e.to)
			case grey:
				start := 0
				for k, v := range stack {
					if v == e.to {
						start = k
					}
				}
				var names []string
				for _, v := range stack[start:] {
					names = append(names, addr[v])
				}
				names = append(names, addr[e.to])
				rng := e.ref
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Routing cycle",
					Detail: fmt.Sprintf("These feed each other in a loop: %s. A signal cannot be routed back into itself (through outputs, sends or sidechains); break the loop by routing one of them elsewhere.",
						strings.Join(names, " → ")),
					Subject: &rng,
				})
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
	}
	for i := 0; i < n; i++ {
		if color[i] == white {
			visit(i)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}

	// Level: one more than the deepest node read. Nodes are in no
	// particular topological order yet, so relax until stable (the graph
	// is acyclic, so this ends within n rounds).
	level := make([]int, n)
	for changed := true; changed; {
		changed = false
		for _, d := range deps {
			if level[d.to] < level[d.from]+1 {
				level[d.to] = level[d.from] + 1
				changed = true
			}
		}
	}

	busOrder := make([]int, len(m.Buses))
	for i := range busOrder {
		busOrder[i] = i
	}
	sort.SliceStable(busOrder, func(a, b int) bool {
		return level[nt+busOrder[a]] < level[nt+busOrder[b]]
	})
	for pos, i := range busOrder {
		res.buses = append(res.buses, m.Buses[i])
		if _, dup := res.busIndex[m.Buses[i].Name]; !dup {
			res.busIndex[m.Buses[i].Name] = pos
		}
	}
	for i, t := range m.Tracks {
		if _, dup := res.trackIndex[t.Name]; !dup {
			res.trackIndex[t.Name] = i
		}
	}

	maxLevel := 0
	for _, l := range level {
		maxLevel = max(maxLevel, l)
	}
	if n > 0 {
		res.levels = make([][]NodeRef, maxLevel+1)
	}
	for i := range m.Tracks {
		res.levels[level[i]] = append(res.levels[level[i]], NodeRef{Track: i, Bus: -1})
	}
	for pos, i := range busOrder {
		l := level[nt+i]
		res.levels[l] = append(res.levels[l], NodeRef{Track: -1, Bus: pos})
	}
	return res, nil
}
