package meeting

import "time"

// This file holds the signatures of the domain's functions until they are
// implemented; it is replaced by decide.go, apply.go and view.go.

// Decide checks cmd from actor against s and returns the events it produces,
// with seqs s.Version+1, s.Version+2, … and At = now. It does not change s.
func Decide(s *State, a Actor, cmd Command, now time.Time) ([]Event, error) { panic("unimplemented") }

// Apply folds one event into s. It refuses an event whose Seq is not
// s.Version+1, and an event that does not fit the state (which Decide never
// produces), leaving s unchanged.
func (s *State) Apply(e Event) error { panic("unimplemented") }

// Clone returns a deep copy of s.
func (s *State) Clone() *State { panic("unimplemented") }

// Visible reports whether the participant viewer may receive event e.
func Visible(s *State, e Event, viewer string) bool { panic("unimplemented") }

// ViewFor returns a copy of s with what viewer may not see removed.
func (s *State) ViewFor(viewer string) *State { panic("unimplemented") }
