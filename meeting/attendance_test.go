package meeting

import "testing"

// TestNoCheckOutOfAVoterDuringAPoll is issue 11 finding 8's attack in the
// domain: a secretary (or the chair) checks a voter out while a poll is
// open, so that their ballot is refused. It is refused instead; the voter
// can still vote; a member may leave (check themself out); after the
// close the secretary records departures again.
func TestNoCheckOutOfAVoterDuringAPoll(t *testing.T) {
	l := inSession(t)
	l.run(t, step{"chair", OpenPoll{Poll: "v1"}})
	for _, actor := range []string{"sec", "chair"} {
		_, err := Decide(l.s, Actor{Participant: actor}, CheckOut{Participant: "d1"}, l.now)
		if ErrorCode(err) != Conflict {
			t.Fatalf("%s checks d1 out during the poll: %v, want conflict", actor, err)
		}
		e := err.(*Error)
		if e.MessageVI == "" || e.Message == "" {
			t.Fatalf("the refusal does not say why: %+v", e)
		}
	}
	l.run(t, step{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-1"}})
	// A member leaves the hall of their own accord.
	l.run(t, step{"d2", CheckOut{}})
	// Someone who has no vote (the observer) may be checked in and out.
	l.run(t, step{"sec", CheckIn{Participant: "obs"}}, step{"sec", CheckOut{Participant: "obs"}})
	l.run(t, step{"chair", ClosePoll{Poll: "v1", Tally: Tally{"for": 1}}})
	l.run(t, step{"sec", CheckOut{Participant: "d1"}})
	if l.s.Participants["d1"].Present {
		t.Fatal("d1 is still present after the close")
	}
}
