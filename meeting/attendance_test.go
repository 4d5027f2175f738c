package meeting

import (
	"fmt"
	"strings"
	"testing"
)

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

// TestAnnotationByteQuota: one owner's annotations on a document stop at
// MaxAnnotationBytesPerDocument (a refusal that says so, nothing emitted);
// an edit of one already kept still goes, and deleting one makes room.
func TestAnnotationByteQuota(t *testing.T) {
	l := inSession(t)
	pts := make([][2]float64, MaxAnnotationPoints)
	for i := range pts {
		pts[i] = [2]float64{0.5, 0.5}
	}
	ink := func(id string) SaveAnnotation {
		return SaveAnnotation{Annotation: Annotation{ID: id, Document: "doc1", Page: 1, Kind: AnnotationInk, Color: "#000000", Points: pts}}
	}
	per := (&Annotation{Points: pts}).Weight()
	fits := MaxAnnotationBytesPerDocument / per
	for i := range fits {
		l.run(t, step{"d1", ink(fmt.Sprintf("k%d", i))})
	}
	evs, err := Decide(l.s, Actor{Participant: "d1"}, ink("one-more"), l.now)
	if ErrorCode(err) != Conflict || len(evs) != 0 || !strings.Contains(err.Error(), "size limit") {
		t.Fatalf("annotation %d over the quota: %v %v", fits+1, evs, err)
	}
	l.run(t, step{"d1", ink("k0")}) // an edit
	l.run(t, step{"d1", DeleteAnnotation{ID: "k1"}}, step{"d1", ink("one-more")})
	// Another owner has their own quota.
	l.run(t, step{"d2", ink("k0")})
}
