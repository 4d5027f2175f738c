package meeting

import "testing"

// TestRoleProperties: who is a member (vote, attendance, quorum), who is
// staff, who may send commands.
func TestRoleProperties(t *testing.T) {
	cases := []struct {
		role                      Role
		valid, member, staff, cmd bool
	}{
		{RoleChair, true, true, false, true},
		{RoleDelegate, true, true, false, true},
		{RoleSecretary, true, false, true, true},
		{RoleObserver, true, false, false, true},
		{RoleDisplay, true, false, false, false},
		{"technician", false, false, false, true},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			if c.role.Valid() != c.valid || c.role.Member() != c.member || c.role.Staff() != c.staff || c.role.Commands() != c.cmd {
				t.Fatalf("valid %v member %v staff %v commands %v, want %v %v %v %v",
					c.role.Valid(), c.role.Member(), c.role.Staff(), c.role.Commands(), c.valid, c.member, c.staff, c.cmd)
			}
			if (Participant{Role: c.role}).Voter() != c.member {
				t.Fatalf("Voter() differs from Member()")
			}
		})
	}
}

// withDisplay adds a display "tv" in the linked room and a second
// secretary "sec2" operating it, both checked in where they can be.
func withDisplay(tb testing.TB) *log {
	l := published(tb)
	l.run(tb,
		step{"sec", AddParticipant{Participant: Participant{ID: "tv", Name: "Màn hình điểm cầu", Role: RoleDisplay, Room: "r2"}}},
		step{"sec", AddParticipant{Participant: Participant{ID: "sec2", Name: "Thư ký điểm cầu", Role: RoleSecretary, Room: "r2"}}},
		step{"sec2", CheckIn{}}, step{"sec", CheckIn{}}, step{"obs", CheckIn{}})
	return l
}

// TestAttendanceCountsMembersOnly: staff, observers and displays checked
// in do not change the members' attendance or the quorum base, in any room.
func TestAttendanceCountsMembersOnly(t *testing.T) {
	l := withDisplay(t)
	rooms, total := l.s.Attendance()
	if total.Members != 5 || total.Present != 0 {
		t.Fatalf("total %+v, want 5 members (chair, d1–d4), none present", total)
	}
	if rooms[1].Members != 1 || rooms[1].Present != 0 {
		t.Fatalf("linked room %+v, want d4 alone", rooms[1])
	}
	if m, p := l.s.Members(); m != 5 || p != 0 {
		t.Fatalf("Members() = %d, %d", m, p)
	}
}

func TestChairPresentFromOpening(t *testing.T) {
	runDecideCases(t, []decideCase{
		{name: "opening checks the chair in", base: published, actor: "chair", cmd: OpenSession{},
			want: []string{"SessionOpened", "CheckedIn"},
			check: func(t *testing.T, s *State) {
				if !s.Participants["chair"].Present {
					t.Fatal("the chair is not present")
				}
				if _, total := s.Attendance(); total.Present != 1 {
					t.Fatalf("present %d, want the chair", total.Present)
				}
			}},
		{name: "a chair already present is not checked in twice", base: published, prep: []step{{"chair", CheckIn{}}},
			actor: "chair", cmd: OpenSession{}, want: []string{"SessionOpened"}},
		{name: "the chair votes from the console after opening", base: published,
			prep:  []step{{"chair", OpenSession{}}, {"chair", OpenPoll{Poll: "v1"}}},
			actor: "chair", cmd: CastBallot{Poll: "v1", Choice: "for", BallotID: "b-chair"}, want: []string{"BallotCast"}},
	})
}

func TestDisplaySendsNoCommand(t *testing.T) {
	for _, cmd := range []Command{CheckIn{}, RequestFloor{}, CastBallot{Poll: "v1", Choice: "for", BallotID: "b"},
		SaveAnnotation{Annotation: Annotation{ID: "a1", Document: "doc1", Page: 1, Kind: "note", Color: "#FFD400", Rect: [4]float64{0.1, 0.1, 0.1, 0.1}, Text: "x"}}} {
		runDecideCases(t, []decideCase{{name: "display " + cmd.CommandName(), base: withDisplay, actor: "tv", cmd: cmd, code: Forbidden}})
	}
}

// TestSpeeches: every turn at the floor is kept with its times and item;
// giving the floor to the next closes the previous turn, and so does
// closing the meeting.
func TestSpeeches(t *testing.T) {
	l := inSession(t)
	l.run(t, step{"chair", SetCurrentItem{Item: "i2"}}, step{"d1", RequestFloor{}}, step{"d2", RequestFloor{}},
		step{"chair", GiveFloor{}}, step{"chair", GiveFloor{}}, step{"chair", EndFloor{}},
		step{"chair", SetCurrentItem{Item: "i3"}}, step{"chair", GiveFloor{Participant: "d3"}})
	sp := l.s.Floor.Speeches
	if len(sp) != 3 {
		t.Fatalf("speeches %+v", sp)
	}
	want := []struct {
		who, item string
		open      bool
	}{{"d1", "i2", false}, {"d2", "i2", false}, {"d3", "i3", true}}
	for i, w := range want {
		if sp[i].Participant != w.who || sp[i].Item != w.item || sp[i].To.IsZero() != w.open || sp[i].From.IsZero() {
			t.Errorf("speech %d = %+v, want %+v", i, sp[i], w)
		}
		if !sp[i].To.IsZero() && !sp[i].To.After(sp[i].From) {
			t.Errorf("speech %d ends before it starts: %+v", i, sp[i])
		}
	}
	if !sp[0].To.Equal(sp[1].From) {
		t.Errorf("d1's turn ends %v, d2's starts %v: giving the floor on ends the turn before", sp[0].To, sp[1].From)
	}
	c := l.s.Clone()
	c.Floor.Speeches[0].Participant = "x"
	if l.s.Floor.Speeches[0].Participant != "d1" {
		t.Fatal("Clone shares the speeches")
	}
	l.run(t, step{"chair", Adjourn{}}, step{"chair", CloseMeeting{}})
	if last := l.s.Floor.Speeches[2]; last.To.IsZero() || l.s.Floor.Speaker != "" {
		t.Fatalf("closing left the floor %+v", l.s.Floor)
	}
}
