package meeting

import "testing"

// TestSignInsVoided: removing a participant or revoking their sessions
// voids every session and code made before, so re-adding the id revives
// nothing; revoking one session voids that one only; a closed meeting
// still takes a revocation; only a secretary may revoke.
func TestSignInsVoided(t *testing.T) {
	l := newLog()
	l.run(t, setupSteps()...)
	before := l.s.Version
	if !l.s.SignInValid("d3", "s-old", before) {
		t.Fatal("a fresh session is void")
	}

	l.run(t, step{"sec", RevokeSessions{Participant: "d3", Session: "s-one"}})
	if l.s.SignInValid("d3", "s-one", before) || !l.s.SignInValid("d3", "s-other", before) || !l.s.SignInValid("d3", "", before) {
		t.Fatalf("revoking one session: %+v", l.s.SignIns["d3"])
	}

	l.run(t, step{"sec", RevokeSessions{Participant: "d3"}})
	revokedAt := l.s.Version
	if l.s.SignInValid("d3", "s-other", before) || l.s.SignInValid("d3", "", before) {
		t.Fatal("revoking all left an older session or code valid")
	}
	if !l.s.SignInValid("d3", "s-new", revokedAt) {
		t.Fatal("a session made after the revocation is void")
	}

	l.run(t, step{"sec", RemoveParticipant{Participant: "d3"}},
		step{"sec", AddParticipant{Participant: Participant{ID: "d3", Name: "Người khác", Role: RoleDelegate, Room: "main"}}})
	if l.s.SignInValid("d3", "s-new", revokedAt) || l.s.SignInValid("d3", "", revokedAt) {
		t.Fatal("re-adding a removed id revived its old session or code")
	}
	if !l.s.SignInValid("d3", "s-newer", l.s.Version) {
		t.Fatal("the re-added participant cannot sign in")
	}

	for _, c := range []struct {
		actor string
		cmd   RevokeSessions
		want  Code
	}{
		{"chair", RevokeSessions{Participant: "d1"}, Forbidden},
		{"d1", RevokeSessions{Participant: "d1"}, Forbidden},
		{"sec", RevokeSessions{Participant: "ghost"}, NotFound},
		{"stranger", RevokeSessions{Participant: "d1"}, Forbidden},
	} {
		if _, err := Decide(l.s, Actor{Participant: c.actor}, c.cmd, l.now); ErrorCode(err) != c.want {
			t.Errorf("%s revokes %+v: %v, want %s", c.actor, c.cmd, err, c.want)
		}
	}

	// A tablet can be lost after the close.
	l.s.Status = StatusClosed
	l.run(t, step{"sec", RevokeSessions{Participant: "d1"}})
	if l.s.SignInValid("d1", "", l.s.Version-1) {
		t.Fatal("a revocation after the close did not void d1's codes")
	}

	// What a client receives never carries the record.
	if v := l.s.ViewFor("sec"); v.SignIns != nil {
		t.Fatal("ViewFor sent the sign-in record")
	}
	var revokedSeen, removedSeen bool
	for _, e := range l.events {
		switch e.Data.(type) {
		case SessionsRevoked:
			revokedSeen = revokedSeen || Visible(l.s, e, "d1")
		case ParticipantRemoved:
			removedSeen = true
		}
	}
	if revokedSeen || !removedSeen {
		t.Fatalf("a delegate saw a revocation (%v), or no removal was logged (%v)", revokedSeen, removedSeen)
	}
}
