package mixdiff

import (
	"slices"
	"sort"
	"strings"

	"github.com/mixdown/mixdown/lang"
)

// ChangeKind says what happened to a node or parameter.
type ChangeKind int

const (
	Changed ChangeKind = iota // a parameter has another value
	Added                     // a node or parameter is new
	Removed                   // a node or parameter is gone
	Moved                     // a chain's effects run in another order
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Moved:
		return "moved"
	}
	return "changed"
}

// Change is one difference between two mixes.
type Change struct {
	Node string // node address: track.vocals.compressor
	// Param is the parameter's name; "" when a whole node was added or
	// removed, or the node is a single value (a variable).
	Param string
	// Old and New are the values without their unit ("" on the side that
	// has none). For an added or removed node they summarise the node's
	// parameters, units included.
	Old, New string
	Unit     string
	Kind     ChangeKind
	// UsedBy lists, for a change inside a shared chain (Node
	// chain.NAME...), the strips whose use of the chain it changes.
	UsedBy []string
}

// change is a Change with the chain it may belong to (see Node).
type change struct {
	Change
	shared, owner string
}

// Diff compares two mixes by meaning and returns their differences in
// canonical node order (see the package doc); nil when they mean the same.
func Diff(old, new *lang.Mix) []Change {
	return DiffNodes(Flatten(old), Flatten(new))
}

// DiffNodes compares two flattened mixes.
func DiffNodes(old, new []*Node) []Change {
	oldBy, newBy := index(old), index(new)
	// gone holds nodes that are absent from new or became another kind:
	// their children are not listed again.
	gone := map[string]bool{}
	for _, n := range old {
		if m := newBy[n.Address]; m == nil || m.Kind != n.Kind || m.Type != n.Type {
			gone[n.Address] = true
		}
	}
	order := merge(addresses(old), addresses(new))
	node := func(addr string) *Node {
		if n := newBy[addr]; n != nil {
			return n
		}
		return oldBy[addr]
	}
	// The merge keeps each chain's order; the canonical sections (kinds,
	// names, then a strip's effects before its sends) are restored here.
	keys := make(map[string]sortKey, len(order))
	for _, addr := range order {
		keys[addr] = keyOf(node(addr), node)
	}
	sort.SliceStable(order, func(i, j int) bool { return keys[order[i]].less(keys[order[j]]) })

	var out []change
	for _, addr := range order {
		o, n := oldBy[addr], newBy[addr]
		if o != nil && gone[addr] && !gone[o.Parent] {
			out = append(out, change{Change{Node: addr, Old: summary(o), Kind: Removed}, o.shared, o.owner})
		}
		switch {
		case n == nil:
		case o == nil || gone[addr]:
			out = append(out, change{Change{Node: addr, New: summary(n), Kind: Added}, n.shared, n.owner})
		default:
			out = append(out, diffParams(addr, o.Params, n.Params)...)
		}
	}
	return sharedOnce(out, chainEffects(oldBy, newBy))
}

// chainEffects returns the chain effects (chain.NAME.ID) that one side's
// chain has and the other's lacks: added to or removed from the chain.
func chainEffects(oldBy, newBy map[string]*Node) map[string]bool {
	ids := func(n *Node) []string {
		if n != nil {
			for _, p := range n.Params {
				if p.Name == "effects" {
					return p.chain
				}
			}
		}
		return nil
	}
	out := map[string]bool{}
	for addr, n := range newBy {
		if n.Kind != KindChain {
			continue
		}
		o := oldBy[addr]
		if o == nil {
			continue // a new chain: its first uses are new to their strips
		}
		oi, ni := ids(o), ids(n)
		for _, id := range ni {
			if !slices.Contains(oi, id) {
				out[addr+"."+id] = true
			}
		}
		for _, id := range oi {
			if !slices.Contains(ni, id) {
				out[addr+"."+id] = true
			}
		}
	}
	return out
}

// sharedOnce reports a change that a shared chain made to every strip
// using it once, at the chain (chain.vocal.compressor.ratio), naming the
// strips; changes that differ between uses stay at each use. An effect
// added to or removed from a strip is the chain's only when the chain
// itself gained or lost it (changed).
func sharedOnce(changes []change, changed map[string]bool) []Change {
	first := map[string]int{}
	var out []Change
	for _, c := range changes {
		if c.shared == "" || c.Param == "" && !changed[chainEffectOf(c.shared)] {
			out = append(out, c.Change)
			continue
		}
		key := strings.Join([]string{c.shared, c.Param, c.Kind.String(), c.Old, c.New, c.Unit}, "\x00")
		if i, ok := first[key]; ok {
			out[i].UsedBy = append(out[i].UsedBy, c.owner)
			continue
		}
		first[key] = len(out)
		c.Node, c.UsedBy = c.shared, []string{c.owner}
		out = append(out, c.Change)
	}
	return out
}

// chainEffectOf trims a band's part from a chain address:
// chain.vocal.eq.bell -> chain.vocal.eq.
func chainEffectOf(shared string) string {
	parts := strings.SplitN(shared, ".", 4)
	if len(parts) < 3 {
		return shared
	}
	return strings.Join(parts[:3], ".")
}

func diffParams(addr string, old, new []Param) []change {
	oldBy, newBy := map[string]Param{}, map[string]Param{}
	var oldNames, newNames []string
	for _, p := range old {
		oldBy[p.Name] = p
		oldNames = append(oldNames, p.Name)
	}
	for _, p := range new {
		newBy[p.Name] = p
		newNames = append(newNames, p.Name)
	}
	var out []change
	for _, name := range merge(oldNames, newNames) {
		o, inOld := oldBy[name]
		n, inNew := newBy[name]
		switch {
		case o.chain != nil || n.chain != nil:
			// Added and removed effects are reported as nodes; the chain
			// only reports a change of order among the effects both share.
			if inOld && inNew && !slices.Equal(shared(o.chain, n.chain), shared(n.chain, o.chain)) {
				out = append(out, change{Change: Change{Node: addr, Param: name, Old: o.Value, New: n.Value, Kind: Moved}})
			}
		case !inOld:
			out = append(out, change{Change{Node: addr, Param: name, New: n.Value, Unit: n.Unit, Kind: Added}, n.shared, n.owner})
		case !inNew:
			out = append(out, change{Change{Node: addr, Param: name, Old: o.Value, Unit: o.Unit, Kind: Removed}, o.shared, o.owner})
		case o.exact != n.exact:
			ov, nv := o.Value, n.Value
			if ov == nv {
				ov, nv = o.exact, n.exact
			}
			unit := n.Unit
			if o.Unit != n.Unit {
				ov, nv, unit = o.Text(), n.Text(), ""
			}
			c := change{Change: Change{Node: addr, Param: name, Old: ov, New: nv, Unit: unit}}
			if o.shared == n.shared {
				c.shared, c.owner = n.shared, n.owner
			}
			out = append(out, c)
		}
	}
	return out
}

// shared returns the items of a that are also in b, in a's order.
func shared(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// summary describes a node's parameters on one line, for an added or
// removed node.
func summary(n *Node) string {
	var parts []string
	for _, p := range n.Params {
		switch {
		case p.chain != nil:
			// Its effects are listed on their own.
		case p.Name == "":
			parts = append(parts, p.Text())
		default:
			parts = append(parts, p.Name+" "+p.Text())
		}
	}
	return strings.Join(parts, ", ")
}

func index(nodes []*Node) map[string]*Node {
	m := make(map[string]*Node, len(nodes))
	for _, n := range nodes {
		m[n.Address] = n
	}
	return m
}

func addresses(nodes []*Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Address
	}
	return out
}

// merge lists every key of old and new once: new's order, with each key
// that only old has placed right after the key it followed in old. Both
// inputs are in canonical order, so the result is too, and a removed node
// shows where it was.
func merge(old, new []string) []string {
	inNew := make(map[string]bool, len(new))
	for _, k := range new {
		inNew[k] = true
	}
	var first []string // keys before any shared one
	after := map[string][]string{}
	prev, anchored := "", false
	for _, k := range old {
		switch {
		case inNew[k]:
			prev, anchored = k, true
		case anchored:
			after[prev] = append(after[prev], k)
		default:
			first = append(first, k)
		}
	}
	out := first
	for _, k := range new {
		out = append(out, k)
		out = append(out, after[k]...)
	}
	return out
}

// sortKey places a node in the canonical order: by the kind and name of
// its top-level node, then by section under it.
type sortKey struct {
	rank    NodeKind // of the top-level node: mix, variables, ... outputs
	top     string
	section int // 0 the node itself, 1 clips, 2 effects and bands, 3 sends, 4 target
}

func (a sortKey) less(b sortKey) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.top != b.top {
		return a.top < b.top
	}
	return a.section < b.section
}

func keyOf(n *Node, lookup func(string) *Node) sortKey {
	section := 0
	for n.Parent != "" {
		switch n.Kind {
		case KindClip:
			section = 1
		case KindEffect, KindBand:
			section = 2
		case KindSend:
			section = 3
		case KindTarget:
			section = 4
		}
		n = lookup(n.Parent)
	}
	return sortKey{rank: n.Kind, top: n.Address, section: section}
}
