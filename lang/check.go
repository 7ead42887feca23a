package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// checkMix is the last loading stage: duplicate names and references,
// checked once every block has been decoded.
func checkMix(m *Mix) hcl.Diagnostics {
	var diags hcl.Diagnostics

	trackNames := []string{}
	seenTracks := map[string]*Track{}
	for _, t := range m.Tracks {
		if prev, dup := seenTracks[t.Name]; dup {
			diags = append(diags, duplicateName("track", t.Name, prev.NameRange, t.NameRange))
			continue
		}
		seenTracks[t.Name] = t
		trackNames = append(trackNames, t.Name)
	}
	busNames := []string{}
	seenBuses := map[string]*Bus{}
	for _, b := range m.Buses {
		if prev, dup := seenBuses[b.Name]; dup {
			diags = append(diags, duplicateName("bus", b.Name, prev.NameRange, b.NameRange))
			continue
		}
		seenBuses[b.Name] = b
		busNames = append(busNames, b.Name)
	}
	seenOutputs := map[string]*Output{}
	seenFiles := map[string]*Output{}
	for _, o := range m.Outputs {
		if prev, dup := seenOutputs[o.Name]; dup {
			diags = append(diags, duplicateName("output", o.Name, prev.NameRange, o.NameRange))
			continue
		}
		seenOutputs[o.Name] = o
		if o.FilePath == "" {
			continue
		}
		if prev, dup := seenFiles[o.FilePath]; dup {
			rng := o.FileRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate output file",
				Detail:   fmt.Sprintf("output %q already writes %q (at %s). Give each output its own file.", prev.Name, o.File, pos(prev.FileRange)),
				Subject:  &rng,
			})
			continue
		}
		seenFiles[o.FilePath] = o
	}

	checkRef := func(r Ref) {
		var known []string
		switch r.Kind {
		case RefBus:
			if seenBuses[r.Name] != nil {
				return
			}
			known = busNames
		case RefTrack:
			if seenTracks[r.Name] != nil {
				return
			}
			known = trackNames
		default:
			return
		}
		kind := "bus"
		if r.Kind == RefTrack {
			kind = "track"
		}
		rng := r.Range
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown " + kind,
			Detail:   fmt.Sprintf("There is no %s named %q in this mix.%s", kind, r.Name, didYouMean(r.Name, known)),
			Subject:  &rng,
		})
	}
	checkEffects := func(owner string, effects []*Effect) {
		for _, e := range effects {
			for _, v := range e.Values {
				if v.Type != TypeRef {
					continue
				}
				checkRef(v.Ref)
				if v.Ref.Address() == owner {
					rng := v.Range
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Sidechain from itself",
						Detail:   fmt.Sprintf("%s names %s, its own strip. Leave %s out to detect on the strip's own input.", v.Name, owner, v.Name),
						Subject:  &rng,
					})
				}
			}
		}
	}
	checkStrip := func(st *Strip) {
		checkRef(st.Output)
		seenSends := map[string]*Send{}
		for _, s := range st.Sends {
			checkRef(s.To)
			if prev, dup := seenSends[s.To.Name]; dup {
				rng := s.To.Range
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate send",
					Detail:   fmt.Sprintf("%s already sends to bus %q (at %s). Use one send per bus, and set its level.", st.Name, s.To.Name, pos(prev.DeclRange)),
					Subject:  &rng,
				})
				continue
			}
			seenSends[s.To.Name] = s
		}
	}
	for _, t := range m.Tracks {
		checkStrip(&t.Strip)
		checkEffects(t.Address(), t.Effects)
	}
	for _, b := range m.Buses {
		checkStrip(&b.Strip)
		checkEffects(b.Address(), b.Effects)
	}
	if m.Master != nil {
		checkEffects("master", m.Master.Effects)
	}
	for _, o := range m.Outputs {
		if o.From != nil {
			checkRef(*o.From)
		}
	}
	return diags
}

func duplicateName(kind, name string, prev, this hcl.Range) *hcl.Diagnostic {
	rng := this
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind,
		Detail:   fmt.Sprintf("A %s named %q was already declared at %s. Names must be unique.", kind, name, pos(prev)),
		Subject:  &rng,
	}
}
