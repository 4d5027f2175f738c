package meeting

import (
	"encoding/json"
	"maps"
	"slices"
)

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State {
	c := *s
	c.Rooms = slices.Clone(s.Rooms)
	for i := range c.Rooms {
		if p := c.Rooms[i].Presentation; p != nil {
			cp := *p
			c.Rooms[i].Presentation = &cp
		}
	}
	c.Order = slices.Clone(s.Order)
	c.PollOrder = slices.Clone(s.PollOrder)
	c.Floor.Queue = slices.Clone(s.Floor.Queue)
	c.Floor.Speeches = slices.Clone(s.Floor.Speeches)
	c.Floor.Requests = maps.Clone(s.Floor.Requests)
	c.Floor.Contributions = slices.Clone(s.Floor.Contributions)
	c.Agenda = slices.Clone(s.Agenda)
	for i := range c.Agenda {
		it := &c.Agenda[i]
		it.Documents, it.Proposals = slices.Clone(it.Documents), slices.Clone(it.Proposals)
	}
	if s.SignIns != nil {
		c.SignIns = make(map[string]*SignIns, len(s.SignIns))
		for id, si := range s.SignIns {
			c.SignIns[id] = &SignIns{Since: si.Since, Revoked: slices.Clone(si.Revoked)}
		}
	}
	if s.AnnotationSaves != nil {
		c.AnnotationSaves = maps.Clone(s.AnnotationSaves)
	}
	c.SecrecyRules = maps.Clone(s.SecrecyRules)
	// The copy register is shared, not copied (a congress's is tens of
	// thousands of records, and the service clones the state for every
	// document request): its records are never changed in place, and a
	// fold that changes one replaces the slice (recordCopies). The clipped
	// capacity makes an append on either side allocate its own array.
	c.Copies = s.Copies[:len(s.Copies):len(s.Copies)]
	c.Confirmations = s.Confirmations[:len(s.Confirmations):len(s.Confirmations)]
	// Drafts are replaced, never changed in place, and comments only
	// appended (drafts.go): shared like the register.
	c.Drafts = maps.Clone(s.Drafts)
	c.DraftComments = s.DraftComments[:len(s.DraftComments):len(s.DraftComments)]
	c.Participants = make(map[string]*Participant, len(s.Participants))
	for id, p := range s.Participants {
		cp := *p
		c.Participants[id] = &cp
	}
	c.Documents = make(map[string]*Document, len(s.Documents))
	for id, d := range s.Documents {
		cd := *d
		cd.Readers = slices.Clone(d.Readers)
		cd.Removed = slices.Clone(d.Removed)
		if d.TakenBack != nil {
			tb := *d.TakenBack
			cd.TakenBack = &tb
		}
		c.Documents[id] = &cd
	}
	c.Proposals = make(map[string]*Proposal, len(s.Proposals))
	for id, p := range s.Proposals {
		cp := *p
		cp.Documents = slices.Clone(p.Documents)
		c.Proposals[id] = &cp
	}
	c.ElectionOrder = slices.Clone(s.ElectionOrder)
	c.Committee = slices.Clone(s.Committee)
	c.Elections = make(map[string]*Election, len(s.Elections))
	for id, e := range s.Elections {
		c.Elections[id] = e.clone()
	}
	if s.Records != nil {
		c.Records = make(map[string]*SignedRecord, len(s.Records))
		for k, r := range s.Records {
			cr := *r
			cr.Signatures = slices.Clone(r.Signatures)
			c.Records[k] = &cr
		}
	}
	c.Polls = make(map[string]*Poll, len(s.Polls))
	for id, p := range s.Polls {
		c.Polls[id] = p.clone()
	}
	c.Annotations = make(map[string]map[string]*Annotation, len(s.Annotations))
	for owner, mine := range s.Annotations {
		cm := make(map[string]*Annotation, len(mine))
		for id, a := range mine {
			cm[id] = a.clone()
		}
		c.Annotations[owner] = cm
	}
	c.Shared = make(map[string]*SharedAnnotation, len(s.Shared))
	for id, sh := range s.Shared {
		c.Shared[id] = &SharedAnnotation{Owner: sh.Owner, Annotation: *sh.Annotation.clone()}
	}
	if s.Lean != nil {
		l := *s.Lean
		l.Rooms = slices.Clone(l.Rooms)
		c.Lean = &l
	}
	return &c
}

func (p *Poll) clone() *Poll {
	cp := *p
	cp.Choices = slices.Clone(p.Choices)
	cp.Voters = cloneMap(p.Voters)
	if p.Result != nil {
		r := p.Result.clone()
		cp.Result = &r
	}
	cp.Candidates = slices.Clone(p.Candidates)
	cp.Committee = slices.Clone(p.Committee)
	cp.Paper = clonePaper(p.Paper)
	return &cp
}

// UnmarshalJSON decodes a state and makes sure its maps exist, so that a
// decoded snapshot can be folded into like a NewState.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	p := (*plain)(NewState())
	if err := json.Unmarshal(b, p); err != nil {
		return err
	}
	*s = State(*p)
	s.ensureMaps()
	return nil
}

// ensureMaps makes the maps of a zero or decoded State usable.
func (s *State) ensureMaps() {
	if s.Participants == nil {
		s.Participants = map[string]*Participant{}
	}
	if s.Documents == nil {
		s.Documents = map[string]*Document{}
	}
	if s.Proposals == nil {
		s.Proposals = map[string]*Proposal{}
	}
	if s.Polls == nil {
		s.Polls = map[string]*Poll{}
	}
	if s.Elections == nil {
		s.Elections = map[string]*Election{}
	}
	if s.Annotations == nil {
		s.Annotations = map[string]map[string]*Annotation{}
	}
	if s.Shared == nil {
		s.Shared = map[string]*SharedAnnotation{}
	}
}
