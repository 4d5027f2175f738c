// Package meeting is the domain of Dais: meetings, rooms, participants and
// their roles, the agenda, documents (metadata only), proposals, polls and
// ballots, the speaker queue and the presentation (which document, which page).
//
// Commands come in, events go out, and the state of a meeting is the fold of
// its events:
//
//	events, err := meeting.Decide(state, actor, cmd, now) // checks, then events
//	state.Apply(events...)                                // the fold
//
// Decide checks every command against the actor's role and the current state;
// a refused command returns an *Error with a Code and produces no event.
// Apply never fails on events that Decide produced.
//
// The package is pure Go and deterministic: no network, no disk, no clock
// (time is passed in), no goroutines, no global mutable state. Decide only
// reads the state; Apply changes it in place. A *State is not safe for
// concurrent use: its owner guards it (or hands out Clone copies).
package meeting
