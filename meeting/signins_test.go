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

// TestEndAccountSessions: disabling an office account ends the sessions it
// opened, in the log (one SessionsRevoked per session, naming the account
// and the administrator, with no actor): those sessions only, not the
// participant's other sessions or code; also once the meeting is closed;
// sessions already revoked and participants gone are skipped. Only the
// office's actor runs it, and that actor runs nothing else.
func TestEndAccountSessions(t *testing.T) {
	l := newLog()
	l.run(t, setupSteps()...)
	before := l.s.Version
	l.run(t, step{"sec", RevokeSessions{Participant: "sec", Session: "s-old"}})
	l.s.Status = StatusClosed
	office := Actor{Office: "huong"}
	cmd := EndAccountSessions{Account: "binh", Sessions: []ParticipantSession{
		{"chair", "s-console"}, {"chair", "s-console"}, {"sec", "s-work"}, {"sec", "s-old"}, {"ghost", "s-x"}}}
	evs, err := Decide(l.s, office, cmd, l.now)
	if err != nil || len(evs) != 2 {
		t.Fatalf("Decide = %+v, %v; want two revocations", evs, err)
	}
	for _, e := range evs {
		d, _ := e.Data.(SessionsRevoked)
		if e.Actor != "" || d.Account != "binh" || d.By != "huong" || d.Session == "" {
			t.Fatalf("event %+v %+v", e, d)
		}
		if err := l.s.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	if l.s.SignInValid("chair", "s-console", before) || l.s.SignInValid("sec", "s-work", before) {
		t.Fatal("an ended session is still valid")
	}
	if !l.s.SignInValid("chair", "s-tablet", before) || !l.s.SignInValid("chair", "", before) {
		t.Fatal("ending an account's sessions voided the participant's other session or code")
	}
	if evs, err := Decide(l.s, office, cmd, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("again: %+v, %v; want nothing", evs, err)
	}
	for _, c := range []struct {
		name  string
		actor Actor
		cmd   Command
		want  Code
	}{
		{"a secretary", Actor{Participant: "sec"}, cmd, Forbidden},
		{"the office with a participant", Actor{Participant: "sec", Office: "huong"}, cmd, Forbidden},
		{"the office revokes", office, RevokeSessions{Participant: "d1"}, Forbidden},
		{"the office adds", office, AddParticipant{Participant: Participant{ID: "x", Name: "X", Role: RoleDelegate}}, Forbidden},
		{"no account", office, EndAccountSessions{Sessions: cmd.Sessions}, Invalid},
		{"no session id", office, EndAccountSessions{Account: "binh", Sessions: []ParticipantSession{{"d1", ""}}}, Invalid},
	} {
		if _, err := Decide(l.s, c.actor, c.cmd, l.now); ErrorCode(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	// The log's check: an account's revocation names one session.
	bad := Event{Seq: l.s.Version + 1, At: l.now, Data: SessionsRevoked{Participant: "d1", Account: "binh", By: "huong"}}
	if err := l.s.Apply(bad); err == nil {
		t.Fatal("an account's revocation of every session of d1 was folded")
	}
}
