package meeting

// Visible reports whether the participant viewer may receive event e: a
// ballot only its voter, the chair and the secretaries; everything else
// every participant; an unknown viewer nothing.
func Visible(s *State, e Event, viewer string) bool {
	p := s.Participants[viewer]
	if p == nil {
		return false
	}
	if b, ok := e.Data.(BallotCast); ok {
		return b.Voter == viewer || p.Role == RoleChair || p.Role == RoleSecretary
	}
	return true
}

// ViewFor returns a copy of s with what viewer may not see removed: in a
// poll that is not closed, a viewer who is neither chair nor secretary sees
// only their own ballot.
func (s *State) ViewFor(viewer string) *State {
	v := s.Clone()
	p := s.Participants[viewer]
	if p != nil && (p.Role == RoleChair || p.Role == RoleSecretary) {
		return v
	}
	for _, poll := range v.Polls {
		if poll.Status == PollDone || poll.Voters == nil {
			continue
		}
		mine, voted := poll.Voters[viewer]
		poll.Voters = nil
		if voted {
			poll.Voters = map[string]string{viewer: mine}
		}
	}
	return v
}
