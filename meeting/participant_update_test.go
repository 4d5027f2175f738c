package meeting

import (
	"testing"
)

// updated returns UpdateParticipant for the participant id of l's state,
// changed by mut.
func updated(tb testing.TB, l *log, id string, mut func(p *Participant)) UpdateParticipant {
	tb.Helper()
	p := *l.s.Participant(id)
	mut(&p)
	return UpdateParticipant{Participant: p}
}

func TestUpdateParticipant(t *testing.T) {
	// upd builds the command on the fixture's state, so that only what mut
	// changes differs.
	upd := func(id string, mut func(p *Participant)) Command {
		return updated(t, draft(t), id, mut)
	}
	wantPerson := func(id string, want Participant) func(*testing.T, *State) {
		return func(t *testing.T, s *State) {
			if got := s.Participant(id); got == nil || *got != want {
				t.Fatalf("participant %s = %+v, want %+v", id, got, want)
			}
		}
	}
	runDecideCases(t, []decideCase{
		{name: "title, name, seat and room", base: draft, actor: "sec",
			cmd: upd("d1", func(p *Participant) {
				p.Name, p.Title, p.Seat, p.Room = "Nguyễn Thị Thu Hương", "Giám đốc Sở Tài chính", "A12", "r2"
			}),
			want:  []string{"ParticipantUpdated"},
			check: wantPerson("d1", Participant{ID: "d1", Name: "Nguyễn Thị Thu Hương", Title: "Giám đốc Sở Tài chính", Role: RoleDelegate, Room: "r2", Seat: "A12"})},
		{name: "the same record changes nothing", base: draft, actor: "sec", cmd: upd("d1", func(p *Participant) {})},
		{name: "attendance is not part of it", base: inSession, actor: "sec",
			cmd:  UpdateParticipant{Participant: Participant{ID: "d1", Name: "Nguyễn Thị Hương", Title: "Đại biểu", Role: RoleDelegate, Room: "main"}},
			want: []string{"ParticipantUpdated"},
			check: func(t *testing.T, s *State) {
				if p := s.Participant("d1"); !p.Present || p.Title != "Đại biểu" {
					t.Fatalf("d1 = %+v, want present with the new title", p)
				}
			}},
		{name: "present false on an absent one is a no-op", base: draft, actor: "sec", cmd: upd("d4", func(p *Participant) { p.Present = true })},
		{name: "delegate to observer", base: draft, actor: "sec", cmd: upd("d3", func(p *Participant) { p.Role = RoleObserver }),
			want: []string{"ParticipantUpdated"}, check: func(t *testing.T, s *State) {
				if s.Participant("d3").Voter() {
					t.Fatal("d3 still votes")
				}
			}},
		{name: "observer to delegate", base: inSession, actor: "sec", cmd: upd("obs", func(p *Participant) { p.Role = RoleDelegate }),
			want: []string{"ParticipantUpdated"}},
		{name: "secretary to chair: both see everything", base: then(draft, step{"sec", AddParticipant{Participant: Participant{ID: "sec2", Name: "Lý Thị Mai", Role: RoleSecretary, Room: "main"}}}),
			actor: "sec", cmd: UpdateParticipant{Participant: Participant{ID: "sec2", Name: "Lý Thị Mai", Role: RoleChair, Room: "main"}},
			want: []string{"ParticipantUpdated"}},

		// Refusals.
		{name: "a chair may not", base: draft, actor: "chair", cmd: upd("d1", func(p *Participant) { p.Title = "X" }), code: Forbidden},
		{name: "a delegate may not, not even their own title", base: draft, actor: "d1", cmd: upd("d1", func(p *Participant) { p.Title = "X" }), code: Forbidden},
		{name: "an unknown id", base: draft, actor: "sec", cmd: UpdateParticipant{Participant: Participant{ID: "ghost", Name: "Ma", Role: RoleDelegate, Room: "main"}}, code: NotFound},
		{name: "a removed participant", base: then(draft, step{"sec", RemoveParticipant{Participant: "d3"}}), actor: "sec",
			cmd: UpdateParticipant{Participant: Participant{ID: "d3", Name: "Hoàng Thị Thu Hà", Role: RoleDelegate, Room: "main"}}, code: NotFound},
		{name: "a malformed id", base: draft, actor: "sec", cmd: UpdateParticipant{Participant: Participant{ID: "a b", Name: "X", Role: RoleDelegate, Room: "main"}}, code: Invalid},
		{name: "no name", base: draft, actor: "sec", cmd: upd("d1", func(p *Participant) { p.Name = " " }), code: Invalid},
		{name: "a bad role", base: draft, actor: "sec", cmd: upd("d1", func(p *Participant) { p.Role = "king" }), code: Invalid},
		{name: "an unknown room", base: draft, actor: "sec", cmd: upd("d1", func(p *Participant) { p.Room = "r9" }), code: NotFound},
		{name: "a secretary's own role", base: draft, actor: "sec", cmd: upd("sec", func(p *Participant) { p.Role = RoleObserver }), code: Conflict},
		{name: "a secretary's own title is fine", base: draft, actor: "sec", cmd: upd("sec", func(p *Participant) { p.Title = "Chánh Văn phòng" }),
			want: []string{"ParticipantUpdated"}},
		{name: "delegate to chair: the view would change", base: draft, actor: "sec", cmd: upd("d1", func(p *Participant) { p.Role = RoleChair }), code: Conflict},
		{name: "chair to delegate: the view would change", base: draft, actor: "sec", cmd: upd("chair", func(p *Participant) { p.Role = RoleDelegate }), code: Conflict},
		{name: "observer to secretary: the view would change", base: draft, actor: "sec", cmd: upd("obs", func(p *Participant) { p.Role = RoleSecretary }), code: Conflict},
		{name: "a closed meeting", base: then(inSession, step{"chair", CloseMeeting{}}), actor: "sec", cmd: upd("d1", func(p *Participant) { p.Title = "X" }), code: Conflict},

		// An open poll: nobody gains or loses a vote.
		{name: "during a poll: a voter who has voted becomes an observer", base: then(voting, step{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}}),
			actor: "sec", cmd: upd("d1", func(p *Participant) { p.Role = RoleObserver }), code: Conflict},
		{name: "during a poll: a voter who has not voted becomes an observer", base: voting,
			actor: "sec", cmd: upd("d2", func(p *Participant) { p.Role = RoleObserver }), code: Conflict},
		{name: "during a poll: an observer becomes a delegate", base: voting,
			actor: "sec", cmd: upd("obs", func(p *Participant) { p.Role = RoleDelegate }), code: Conflict},
		{name: "during a poll: a title changes", base: then(voting, step{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}}),
			actor: "sec", cmd: upd("d1", func(p *Participant) { p.Title = "Phó Chủ tịch" }), want: []string{"ParticipantUpdated"},
			check: func(t *testing.T, s *State) {
				if _, voted := s.Polls["v1"].Voters["d1"]; !voted || !s.Participant("d1").Present {
					t.Fatalf("d1's ballot or attendance went: voters %v, %+v", s.Polls["v1"].Voters, s.Participant("d1"))
				}
			}},
		// A display gets every check-in, an observer the counts (issue
		// 17: lean views): the move is refused like chair ↔ delegate.
		{name: "a display may not become an observer (whole view to lean view)", base: then(voting,
			step{"sec", AddParticipant{Participant: Participant{ID: "disp", Name: "Màn hình", Role: RoleDisplay, Room: "main"}}}),
			actor: "sec", cmd: UpdateParticipant{Participant: Participant{ID: "disp", Name: "Màn hình", Role: RoleObserver, Room: "main"}}, code: Conflict},
		{name: "during a poll: an observer becomes a display? no: lean to whole view", base: then(voting,
			step{"sec", AddParticipant{Participant: Participant{ID: "obs2", Name: "Khách", Role: RoleObserver, Room: "main"}}}),
			actor: "sec", cmd: UpdateParticipant{Participant: Participant{ID: "obs2", Name: "Khách", Role: RoleDisplay, Room: "main"}}, code: Conflict},
	})
}

// TestUpdateParticipantAndTheBallot plays a poll around role changes: a
// voter whose title changes mid-poll cannot vote again; after the close a
// voter may become an observer and the closed poll keeps its record; the
// next poll counts the new membership; Apply refuses a forged event that
// would change a vote during a poll.
func TestUpdateParticipantAndTheBallot(t *testing.T) {
	l := voting(t)
	l.run(t, step{"d1", CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"}})
	l.run(t, step{"sec", updated(t, l, "d1", func(p *Participant) { p.Title = "Phó Chủ tịch" })})
	if _, err := Decide(l.s, Actor{Participant: "d1"}, CastBallot{Poll: "v1", Choice: "against", BallotID: "b2"}, l.now); ErrorCode(err) != Conflict {
		t.Fatalf("a second ballot after the update: %v, want Conflict", err)
	}

	// A forged event (never made by Decide) is refused by Apply.
	forged := Event{Seq: l.s.Version + 1, At: l.now, Actor: "sec", Data: ParticipantUpdated{Participant: Participant{ID: "d2", Name: "Trần Văn Đức", Role: RoleObserver, Room: "main"}}}
	if err := l.s.Apply(forged); err == nil {
		t.Fatal("Apply took a role change that takes a vote away during a poll")
	}
	forged.Data = ParticipantUpdated{Participant: Participant{ID: "d2", Name: "Trần Văn Đức", Role: RoleSecretary, Room: "main"}}
	if err := l.s.Apply(forged); err == nil {
		t.Fatal("Apply took a role change across views")
	}

	l.run(t, step{"d2", CastBallot{Poll: "v1", Choice: "against", BallotID: "b3"}},
		step{"chair", ClosePoll{Poll: "v1", Tally: Tally{"for": 1, "against": 1}}})
	before := mustJSON(t, l.s.Polls["v1"])
	members := l.s.Polls["v1"].Result.Members

	// Between polls d1 becomes an observer: the closed poll keeps d1's ballot.
	l.run(t, step{"sec", updated(t, l, "d1", func(p *Participant) { p.Role = RoleObserver })})
	if after := mustJSON(t, l.s.Polls["v1"]); string(after) != string(before) {
		t.Fatalf("the closed poll changed:\n%s\n%s", before, after)
	}
	if _, err := Decide(l.s, Actor{Participant: "d1"}, RequestFloor{}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("d1 as an observer asks for the floor: %v, want Forbidden", err)
	}
	// The next poll counts one member fewer, and d1 may not vote in it.
	l.run(t, step{"chair", OpenPoll{Poll: "s1"}})
	if _, err := Decide(l.s, Actor{Participant: "d1"}, CastBallot{Poll: "s1", Choice: "for", BallotID: "b4"}, l.now); ErrorCode(err) != Forbidden {
		t.Fatalf("d1 as an observer votes: %v, want Forbidden", err)
	}
	l.run(t, step{"d2", CastBallot{Poll: "s1", Choice: "for", BallotID: "b5"}},
		step{"chair", ClosePoll{Poll: "s1", Tally: Tally{"for": 1}}})
	if got := l.s.Polls["s1"].Result.Members; got != members-1 {
		t.Fatalf("members counted in s1 = %d, want %d", got, members-1)
	}

	// The log replays to the same state (Apply agrees with Decide).
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
}

// TestParticipantUpdatedWire checks the event's and the command's wire forms.
func TestParticipantUpdatedWire(t *testing.T) {
	c, err := DecodeCommand("UpdateParticipant", []byte(`{"participant":{"id":"d1","name":"Nguyễn Thị Hương","title":"Giám đốc","role":"delegate","room":"main"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := c.(UpdateParticipant); !ok || u.Participant.Title != "Giám đốc" {
		t.Fatalf("decoded %#v", c)
	}
	if _, err := DecodeCommand("UpdateParticipant", []byte(`{"participant":{"id":"d1"},"present":true}`)); ErrorCode(err) != Invalid {
		t.Fatalf("an unknown field: %v, want Invalid", err)
	}
	e := Event{Seq: 3, At: t0, Actor: "sec", Data: ParticipantUpdated{Participant: Participant{ID: "d1", Name: "Hương", Role: RoleDelegate, Room: "main"}}}
	b := mustJSON(t, e)
	var back Event
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "event", back, e)
}
