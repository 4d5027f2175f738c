// Package meeting is the domain of Dais: meetings, rooms, participants and
// their roles, the agenda, documents (metadata only), proposals, polls and
// ballots, the speaker queue and the presentation (which document, which page).
//
// Commands come in, events go out, and the state of a meeting is the fold of
// its events:
//
//	events, err := meeting.Decide(state, actor, cmd, now) // checks, then events
//	for _, e := range events {
//		state.Apply(e) // the fold
//	}
//
// Decide checks every command against the actor's role and the current state;
// a refused command returns an *Error with a Code and produces no event.
// Apply never fails on events that Decide produced, and refuses, leaving the
// state unchanged, an event that does not follow or does not fit (a
// corrupted log is detected, not folded). Follow folds a participant's
// filtered stream, in which Visible left out others' ballots and others'
// private annotations; ViewFor is the snapshot such a participant starts
// from.
//
// Files are organised by concept, each with its commands' decide methods,
// its events' fits and change methods and its visibility rules:
// lifecycle.go (the meeting's life), membership.go (participants, sign-ins,
// attendance), agenda.go (items, proposals, the current item),
// documents.go, rooms.go (the presentation and the linked rooms), floor.go,
// poll.go (polls and ballots; result.go how a poll is counted),
// annotation.go, elections.go (elections, confidence votes, the counting
// committee and paper ballots). Decide (decide.go), Apply (apply.go) and Visible, Redact
// and ViewFor (view.go) are thin dispatchers over them; clone.go copies,
// access.go who may read a document.
//
// The package is pure Go and deterministic: no network, no disk, no clock
// (time is passed in), no goroutines, no global mutable state. Decide only
// reads the state; Apply changes it in place. A *State is not safe for
// concurrent use: its owner guards it (or hands out Clone copies).
package meeting
