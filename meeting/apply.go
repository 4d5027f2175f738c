package meeting

import "fmt"

// Apply folds one event into s. It refuses an event whose Seq is not
// s.Version+1, and an event that does not fit the state (which Decide never
// produces: a corrupted log is detected, not folded), leaving s unchanged.
func (s *State) Apply(e Event) error {
	if e.Seq != s.Version+1 {
		return fmt.Errorf("meeting: event %d does not follow %d", e.Seq, s.Version)
	}
	return s.fold(e, true)
}

// Follow folds one event of a filtered stream into s, as a client does: the
// event must only come after s.Version (the events a viewer may not see are
// skipped).
func (s *State) Follow(e Event) error {
	if e.Seq <= s.Version {
		return fmt.Errorf("meeting: event %d is not after %d", e.Seq, s.Version)
	}
	return s.fold(e, false)
}

// fold checks that e fits s, then changes s. full is true when s has seen
// every event before e (Apply), false for a filtered stream (Follow).
func (s *State) fold(e Event, full bool) error {
	if e.Data == nil {
		return fmt.Errorf("meeting: event %d has no data", e.Seq)
	}
	s.ensureMaps()
	if err := s.fits(e, full); err != nil {
		return fmt.Errorf("meeting: event %d (%s) does not fit: %w", e.Seq, e.Type(), err)
	}
	s.change(e)
	if full {
		s.recordSignIns(e)
		s.recordAnnotationSave(e)
		s.recordCopies(e)
	}
	s.Version = e.Seq
	return nil
}

// folding is an event that folds itself: each concept's file holds its
// events' fits and change methods.
type folding interface {
	// fits reports why the event cannot be folded into s, if it cannot.
	fits(s *State, full bool) error
	// change folds the event, which fits, into s.
	change(s *State, e Event)
}

// fits reports why e cannot be folded into s, if it cannot. It checks what
// keeps the state consistent (references exist, ids are unique, the
// lifecycle moves forward, a voter votes once), not who may do what: that
// was Decide's job when the event was made.
func (s *State) fits(e Event, full bool) error {
	if d, ok := e.Data.(MeetingCreated); ok {
		return d.fits(s, full)
	}
	if !s.Exists() {
		return fmt.Errorf("no meeting")
	}
	if d, ok := e.Data.(SessionsRevoked); ok {
		// Also after the close: a tablet can be lost after the meeting.
		return d.fits(s, full)
	}
	switch d := e.Data.(type) {
	case CopyServed, CopiesDeleted, MeetingArchived:
		// MeetingArchived: also after the close (an archive is of a
		// closed meeting, mostly).
		// Also after the close: the chair's copies, the tablets' reports.
		return d.(folding).fits(s, full)
	}
	if s.Status == StatusClosed {
		if f, ok := e.Data.(folding); ok && foldedAfterClose(e.Data) {
			return f.fits(s, full)
		}
		return fmt.Errorf("the meeting is closed")
	}
	f, ok := e.Data.(folding)
	if !ok {
		return fmt.Errorf("unknown event type %T", e.Data)
	}
	return f.fits(s, full)
}

// need returns an error made of format and args unless ok.
func need(ok bool, format string, args ...any) error {
	if !ok {
		return fmt.Errorf(format, args...)
	}
	return nil
}

// person checks that id names a participant.
func (s *State) person(id string) error {
	return need(s.known(id), "unknown participant %q", id)
}

// change applies e, which fits.
func (s *State) change(e Event) {
	if f, ok := e.Data.(folding); ok {
		f.change(s, e)
	}
}
