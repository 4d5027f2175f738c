package meeting

// Visible reports whether the participant viewer may receive event e: a
// ballot only its voter, the chair and the secretaries; a private
// annotation only its owner (not even the chair: it is the owner's own
// notebook, kept in step across their devices this way); a shared
// annotation everyone who may read its document; everything else every
// participant; an unknown viewer nothing.
func Visible(s *State, e Event, viewer string) bool {
	p := s.Participants[viewer]
	if p == nil {
		return false
	}
	switch d := e.Data.(type) {
	case BallotCast:
		return d.Voter == viewer || p.Role == RoleChair || p.Role == RoleSecretary
	case AnnotationSaved:
		if !d.Shared {
			return d.Owner == viewer
		}
		return s.CanRead(viewer, d.Annotation.Document)
	case AnnotationDeleted:
		if !d.Shared {
			return d.Owner == viewer
		}
		return s.CanRead(viewer, d.Document)
	}
	return true
}

// ViewFor returns a copy of s with what viewer may not see removed: every
// private annotation but the viewer's own, the shared annotations of
// documents the viewer may not read, and, in a poll that is not closed,
// for a viewer who is neither chair nor secretary, every ballot but their
// own.
func (s *State) ViewFor(viewer string) *State {
	v := s.Clone()
	for owner := range v.Annotations {
		if owner != viewer {
			delete(v.Annotations, owner)
		}
	}
	for id, sh := range v.Shared {
		if !s.CanRead(viewer, sh.Document) {
			delete(v.Shared, id)
		}
	}
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
