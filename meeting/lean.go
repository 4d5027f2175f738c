package meeting

import "slices"

// Lean is what a lean view (LeanViewFor) carries instead of the roster: how
// many participants the meeting has, and its attendance counts. A server
// keeps it current for lean viewers with ephemeral counts (no seq); the
// names come from the roster, fetched apart and cached.
type Lean struct {
	// Participants is how many participants the meeting has.
	Participants int              `json:"participants"`
	Rooms        []RoomAttendance `json:"rooms"`
	Total        RoomAttendance   `json:"total"`
}

// LeanCounts returns the meeting's Lean counts.
func (s *State) LeanCounts() Lean {
	rooms, total := s.Attendance()
	return Lean{Participants: len(s.Participants), Rooms: rooms, Total: total}
}

// LeanRole reports whether a role is given lean views: the delegates and
// the observers, who are the many. The chair, the secretaries and the
// displays get the whole roster and every check-in.
func LeanRole(r Role) bool { return r == RoleDelegate || r == RoleObserver }

// IsLeanViewer reports whether viewer is a participant with a lean role.
func (s *State) IsLeanViewer(viewer string) bool {
	p := s.Participants[viewer]
	return p != nil && LeanRole(p.Role)
}

// LeanViewFor returns what ViewFor returns for viewer, but without the
// roster: Participants holds only the viewer, Order only their id, and
// Lean the counts. Its size does not grow with the number of participants,
// and it is made without copying the roster or any poll's ballots. Follow
// on a lean view accepts events that name participants it does not hold.
func (s *State) LeanViewFor(viewer string) *State {
	return s.LeanViewWith(viewer, s.LeanCounts())
}

// LeanViewWith is LeanViewFor with the counts given (LeanCounts of s, which
// a server computes once per change instead of once per viewer: counting
// is the one part of a lean view that reads the whole roster).
func (s *State) LeanViewWith(viewer string, counts Lean) *State {
	shell := *s
	shell.Participants = nil
	shell.Order = nil
	shell.SignIns = nil
	shell.AnnotationSaves = nil // the server's record, as in ViewFor
	shell.Copies, shell.Confirmations = nil, nil
	shell.DraftComments = nil // their own route, as in ViewFor
	shell.Annotations = nil
	if own := s.Annotations[viewer]; own != nil {
		shell.Annotations = map[string]map[string]*Annotation{viewer: own}
	}
	shell.Polls = make(map[string]*Poll, len(s.Polls))
	for id, p := range s.Polls {
		cp := *p
		cp.Voters = nil
		if mine, voted := p.Voters[viewer]; voted {
			cp.Voters = map[string]string{viewer: mine}
		}
		// A substitute's own view (LeanShared is false for them).
		if me := s.Participants[viewer]; me != nil && me.For != "" {
			if theirs, voted := p.Voters[me.For]; voted {
				if cp.Voters == nil {
					cp.Voters = map[string]string{}
				}
				cp.Voters[me.For] = theirs // the ballot they cast for the member
			}
		}
		shell.Polls[id] = &cp
	}
	v := shell.Clone() // the shell holds none of the big maps: cheap
	v.Participants = map[string]*Participant{}
	if p := s.Participants[viewer]; p != nil {
		cp := *p
		v.Participants[viewer] = &cp
		v.Order = []string{viewer}
	} else {
		v.Order = []string{}
	}
	s.viewDocuments(v, viewer)
	s.viewAnnotations(v, viewer)
	s.viewDrafts(v, viewer)
	s.viewPolls(v, viewer)
	counts.Rooms = slices.Clone(counts.Rooms)
	v.Lean = &counts
	return v
}

// LeanShared reports whether the lean view of viewer differs from every
// other lean viewer's only by the viewer's own entries (their participant
// record, ballots and private annotations): true unless the viewer may
// read a confidential document that other lean viewers may not, or sits on
// the counting committee (which sees the paper ballots). A server may then
// encode the rest once and share it (see the gateway).
func (s *State) LeanShared(viewer string) bool {
	if paperView(s, viewer) {
		return false
	}
	if p := s.Participants[viewer]; p != nil && p.For != "" {
		return false // a substitute: the member's reading and ballots
	}
	for _, d := range s.Documents {
		if d.Confidential && slices.Contains(d.Readers, viewer) {
			return false
		}
	}
	return true
}

// known reports whether id may name a participant in s: one s holds, or,
// in a lean view (which holds only its viewer), any id.
func (s *State) known(id string) bool {
	return id != "" && (s.Participants[id] != nil || s.Lean != nil)
}
