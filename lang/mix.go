package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Mix is a whole, checked mix: what the graph package compiles.
type Mix struct {
	// Filename is the mix file as given; Dir is the folder that holds it.
	// Relative paths in the mix resolve against Dir.
	Filename string
	Dir      string

	SampleRate      int // Hz
	SampleRateRange hcl.Range
	Tempo           float64   // beats (quarter notes) per minute; 0 when not set
	Meter           Meter     // DefaultMeter (4/4) when not set
	MeterRange      hcl.Range // mix.meter's expression; zero when not set
	// TempoMap lists the tempo and meter changes after the start, in
	// order (timeline.go); Tempo and Meter hold the starting ones.
	TempoMap    []*TempoChange
	TailSeconds float64   // longest effect tail rendered after the last source ends
	TailRange   hcl.Range // mix.tail's expression; zero when not set

	// Limits are the limits the mix was loaded with (Options.Limits),
	// for graph.Build; zero fields mean the defaults (Limits.OrDefaults).
	Limits Limits

	// Variables holds every declared variable with its final value, in
	// name order.
	Variables []*Variable

	// Includes holds the files mix.include named, resolved against Dir.
	Includes []string

	// Chains holds the shared chains, in source order (included first). Their uses are
	// already expanded into the strips' Effects.
	Chains []*Chain

	Tracks  []*Track // in source order
	Buses   []*Bus   // in source order
	Master  *Master
	Outputs []*Output // in source order
}

// Track looks up a track by name.
func (m *Mix) Track(name string) *Track {
	for _, t := range m.Tracks {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Bus looks up a bus by name.
func (m *Mix) Bus(name string) *Bus {
	for _, b := range m.Buses {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Output looks up an output by name.
func (m *Mix) Output(name string) *Output {
	for _, o := range m.Outputs {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// AnySolo reports whether any track is soloed.
func (m *Mix) AnySolo() bool {
	for _, t := range m.Tracks {
		if t.Solo {
			return true
		}
	}
	return false
}

// Variable is a declared input variable and the value it resolved to.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type // cty.DynamicPseudoType when unconstrained
	Default     cty.Value
	Value       cty.Value
	// Source says where Value came from: "default", "-var", or the path of
	// a -var-file.
	Source    string
	DeclRange hcl.Range
}

// RefKind is what a routing reference points at.
type RefKind int

const (
	RefMaster RefKind = iota
	RefBus
	RefTrack
)

// Ref is a reference to a node, such as bus.drums, as written in the file.
type Ref struct {
	Kind  RefKind
	Name  string // empty for master
	Range hcl.Range
}

// Address returns the node address the reference points at.
func (r Ref) Address() string {
	switch r.Kind {
	case RefBus:
		return "bus." + r.Name
	case RefTrack:
		return "track." + r.Name
	}
	return "master"
}

// Strip is the channel strip that tracks and buses share: the effect chain
// sits between the input and the fader, then pan, then routing.
type Strip struct {
	Name      string
	NameRange hcl.Range
	DeclRange hcl.Range

	GainDB   float64 // fader, dB
	Pan      float64 // -1 (left) .. +1 (right)
	Mute     bool
	Polarity bool // true inverts the signal
	Output   Ref  // where the strip's post-fader signal goes
	Sends    []*Send
	Effects  []*Effect // the insert chain, in source order
	// Automation holds the strip's automate blocks, resolved, in source
	// order (automation.go).
	Automation []*Automation
}

// Track is a track: its clips played through a strip.
type Track struct {
	Strip
	Solo bool

	// Source is the track's source attribute, the shorthand for one clip
	// at 0, as written; SourcePath is resolved against the mix folder.
	// Both are empty when the track has clip blocks.
	Source      string
	SourcePath  string
	SourceRange hcl.Range

	// Clips is the track's audio on the timeline, in source order: its
	// clip blocks, or the one clip its source attribute stands for.
	Clips []*Clip
}

// Address is the track's stable node address.
func (t *Track) Address() string { return "track." + t.Name }

// Bus is a bus: the sum of its inputs played through a strip.
type Bus struct {
	Strip
}

// Address is the bus's stable node address.
func (b *Bus) Address() string { return "bus." + b.Name }

// Send is an auxiliary send from a strip to a bus.
type Send struct {
	To        Ref
	LevelDB   float64
	PreFader  bool
	DeclRange hcl.Range
}

// Address is the send's stable node address under its strip's address.
func (s *Send) Address(owner string) string { return owner + ".send." + s.To.Name }

// Master is the master strip: the sum of everything routed to it.
type Master struct {
	GainDB     float64
	Effects    []*Effect
	Automation []*Automation // gain and effect parameters; the master has no pan or sends
	Target     *Target       // nil: outputs get the master as it is
	DeclRange  hcl.Range
}

// Output is a file the render writes from the master.
type Output struct {
	Name      string
	NameRange hcl.Range
	DeclRange hcl.Range

	File      string // as written
	FilePath  string // resolved against the mix folder
	FileRange hcl.Range

	BitDepth      int  // 16, 24 or 32
	Float         bool // 32-bit IEEE float
	BitDepthRange hcl.Range

	// SampleRate is the file's rate (the mix rate unless set).
	SampleRate      int
	SampleRateRange hcl.Range
	// Dither is "none", "tpdf" or "shaped".
	Dither      string
	DitherRange hcl.Range
	// Target overrides the master's target for this output, or is nil.
	Target *Target

	// From makes the output a stem: the post-fader signal of a track or
	// bus instead of the master. nil for the master.
	From *Ref
	// MasterChain sends a stem through (a copy of) the master chain and
	// fader, without the target, so stems sum back to the master.
	MasterChain bool
}

// EffectiveTarget is the target this output is mastered to: its own, or
// the master's, or nil.
func (o *Output) EffectiveTarget(m *Mix) *Target {
	if o.From != nil {
		return nil // stems are never mastered to a target
	}
	if o.Target != nil {
		return o.Target
	}
	if m.Master != nil {
		return m.Master.Target
	}
	return nil
}

// Address is the output's stable node address.
func (o *Output) Address() string { return "output." + o.Name }
