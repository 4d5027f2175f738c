package meeting

import "slices"

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
	case DocumentAdded:
		return mayRead(p, d.Document) || s.listsWithheld()
	case DocumentAttached:
		return s.CanRead(viewer, d.Document) || s.listsWithheld()
	case SessionsRevoked:
		return p.Role == RoleSecretary
	}
	return true
}

// mayRead is CanRead for a document that need not be in the state yet.
func mayRead(p *Participant, d Document) bool {
	return !d.Confidential || p.Role == RoleChair || p.Role == RoleSecretary || slices.Contains(d.Readers, p.ID)
}

// listsWithheld reports whether confidential documents are listed, in
// their withheld form, to participants who may not read them.
func (s *State) listsWithheld() bool { return s.ConfidentialListing != ListHidden }

// Redact returns the form of a visible event e that viewer receives, and
// whether it differs from e. A closed named poll's PollClosed lists every
// voter's choice: the chair and the secretaries receive the list, everyone
// else the result alone. A voter already holds their own ballot (from its
// BallotCast) and keeps it, since Apply keeps a poll's voters when
// PollClosed has none. The list stays in the log and the minutes; sending
// it to every tablet made a vote of 1,600 cost 1,600 × 26 KB.
//
// Every viewer who is redacted gets the same event, so a server encodes it
// once.
//
// A confidential document's DocumentAdded reaches a participant who may not
// read it (when the meeting lists such documents) as its withheld form
// (Withhold): no content hash, page count or readers.
func Redact(s *State, e Event, viewer string) (Event, bool) {
	switch d := e.Data.(type) {
	case PollClosed:
		if d.Voters == nil || fullView(s, viewer) {
			return e, false
		}
		d.Voters = nil
		e.Data = d
		return e, true
	case DocumentAdded:
		p := s.Participants[viewer]
		if p == nil || mayRead(p, d.Document) {
			return e, false
		}
		e.Data = DocumentAdded{Document: Withhold(d.Document)}
		return e, true
	}
	return e, false
}

// fullView reports whether viewer sees every ballot: the chair and the
// secretaries do.
func fullView(s *State, viewer string) bool {
	p := s.Participants[viewer]
	return p != nil && (p.Role == RoleChair || p.Role == RoleSecretary)
}

// ViewFor returns a copy of s with what viewer may not see removed: every
// private annotation but the viewer's own, the shared annotations of
// documents the viewer may not read, the confidential documents the viewer
// may not read (in their withheld form, or, when the meeting hides them,
// gone with their places on the agenda), and, for a viewer who is neither
// chair nor secretary, every ballot but their own (in open and closed
// polls alike: see Redact).
func (s *State) ViewFor(viewer string) *State {
	v := s.Clone()
	for id, doc := range s.Documents {
		if s.CanRead(viewer, id) {
			continue
		}
		if s.listsWithheld() {
			w := Withhold(*doc)
			v.Documents[id] = &w
			continue
		}
		delete(v.Documents, id)
		for i := range v.Agenda {
			v.Agenda[i].Documents = slices.DeleteFunc(slices.Clone(v.Agenda[i].Documents), func(d string) bool { return d == id })
		}
	}
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
	v.SignIns = nil // the server's record; no client needs it
	if fullView(s, viewer) {
		return v
	}
	for _, poll := range v.Polls {
		if poll.Voters == nil {
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
