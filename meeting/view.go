package meeting

// Visible reports whether the participant viewer may receive event e: a
// ballot only its voter, the chair and the secretaries; a private
// annotation only its owner (not even the chair: it is the owner's own
// notebook, kept in step across their devices this way); a shared
// annotation everyone who may read its document; everything else every
// participant; an unknown viewer nothing. Each concept's file holds the
// visibleTo rule of its events.
func Visible(s *State, e Event, viewer string) bool {
	p := s.Participants[viewer]
	if p == nil {
		return false
	}
	if v, ok := e.Data.(visibility); ok {
		return v.visibleTo(s, p, viewer)
	}
	return true
}

// Restricted reports whether some participants may not receive e (its
// Visible depends on the viewer): false means every participant does, and
// a server may skip asking Visible for each of its connections.
func Restricted(e Event) bool {
	_, ok := e.Data.(visibility)
	return ok
}

// visibility is an event that not every participant receives.
type visibility interface {
	visibleTo(s *State, p *Participant, viewer string) bool
}

// redaction is an event that some viewers receive in a shorter form.
type redaction interface {
	redact(s *State, e Event, viewer string) (Event, bool)
}

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
	if r, ok := e.Data.(redaction); ok {
		return r.redact(s, e, viewer)
	}
	return e, false
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
	s.viewDocuments(v, viewer)
	s.viewAnnotations(v, viewer)
	s.viewDrafts(v, viewer)
	v.SignIns = nil // the server's record; no client needs it
	v.AnnotationSaves = nil
	v.Copies, v.Confirmations = nil, nil // the register: its own route
	s.viewPolls(v, viewer)
	return v
}
