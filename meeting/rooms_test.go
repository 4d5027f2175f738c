package meeting

import (
	"bytes"
	"reflect"
	"testing"
)

// withOperator is the meeting in session with a secretary "sec2" who sits
// in (operates) the linked room r2, and doc1 shown at page 3 in the main hall.
func withOperator(tb testing.TB) *log {
	tb.Helper()
	l := inSession(tb)
	l.run(tb,
		step{"sec", AddParticipant{Participant: Participant{ID: "sec2", Name: "Bùi Thị Lan", Role: RoleSecretary, Room: "r2"}}},
		step{"chair", ShowDocument{Document: "doc1", Page: 3}},
	)
	return l
}

func TestRoomsFollowByDefault(t *testing.T) {
	l := draft(t)
	if main, r2 := l.s.Room("main"), l.s.Room("r2"); main.Following || !r2.Following || r2.Presentation != nil {
		t.Fatalf("rooms %+v", l.s.Rooms)
	}
	l.run(t, step{"sec", AddRoom{Room: Room{ID: "r3", Name: "Điểm cầu huyện Sóc Sơn", Presentation: &Presentation{Document: "doc1", Page: 2}}}})
	if r3 := l.s.Room("r3"); !r3.Following || r3.Presentation != nil {
		t.Fatalf("added room %+v", r3)
	}
	// What a client sends about following is not taken.
	c := newLog()
	c.run(t, step{"sec", CreateMeeting{ID: "m1", Title: "Hội nghị", Secretary: Participant{ID: "sec", Name: "Thư ký"},
		Rooms: []Room{{ID: "main", Name: "Hội trường", Following: true}, {ID: "b", Name: "Điểm cầu", Presentation: &Presentation{Document: "x", Page: 1}}}}})
	if main, b := c.s.Room("main"), c.s.Room("b"); main.Following || !b.Following || b.Presentation != nil {
		t.Fatalf("rooms %+v", c.s.Rooms)
	}
	// A log written before rooms could stop following folds to the default.
	old := NewState()
	if err := old.Apply(Event{Seq: 1, Data: MeetingCreated{ID: "m", Rooms: []Room{{ID: "a", Main: true}, {ID: "b"}}, Secretary: Participant{ID: "s", Room: "a"}}}); err != nil {
		t.Fatal(err)
	}
	if err := old.Apply(Event{Seq: 2, Data: RoomAdded{Room: Room{ID: "c"}}}); err != nil {
		t.Fatal(err)
	}
	if old.Room("a").Following || !old.Room("b").Following || !old.Room("c").Following {
		t.Fatalf("old rooms %+v", old.Rooms)
	}
}

func TestDecideLinkedRooms(t *testing.T) {
	stop := []step{{"chair", SetFollowing{Room: "r2", Follow: false}}}
	shown := append(stop, step{"sec2", ShowInRoom{Room: "r2", Document: "doc2", Page: 2}})
	runDecideCases(t, []decideCase{
		{name: "chair stops a room", base: withOperator, actor: "chair", cmd: SetFollowing{Room: "r2"}, want: []string{"RoomFollowing"},
			check: func(t *testing.T, s *State) {
				r := s.Room("r2")
				if r.Following || r.Presentation == nil || *r.Presentation != (Presentation{Document: "doc1", Page: 3}) {
					t.Fatalf("room %+v", r)
				}
			}},
		{name: "operator stops their room", base: withOperator, actor: "sec2", cmd: SetFollowing{Room: "r2"}, want: []string{"RoomFollowing"}},
		{name: "stops before the session", base: draft, prep: []step{{"sec", AddParticipant{Participant: Participant{ID: "sec2", Name: "Lan", Role: RoleSecretary, Room: "r2"}}}},
			actor: "sec2", cmd: SetFollowing{Room: "r2"}, want: []string{"RoomFollowing"},
			check: func(t *testing.T, s *State) {
				if r := s.Room("r2"); r.Following || r.Presentation != nil {
					t.Fatalf("room %+v", r)
				}
			}},
		{name: "secretary of another room", base: withOperator, actor: "sec", cmd: SetFollowing{Room: "r2"}, code: Forbidden},
		{name: "delegate of the room", base: withOperator, actor: "d4", cmd: SetFollowing{Room: "r2"}, code: Forbidden},
		{name: "unknown room", base: withOperator, actor: "chair", cmd: SetFollowing{Room: "r9"}, code: NotFound},
		{name: "main hall stops", base: withOperator, actor: "chair", cmd: SetFollowing{Room: "main"}, code: Invalid},
		{name: "main hall follows", base: withOperator, actor: "chair", cmd: SetFollowing{Room: "main", Follow: true}},
		{name: "already following", base: withOperator, actor: "sec2", cmd: SetFollowing{Room: "r2", Follow: true}},
		{name: "already stopped", base: withOperator, prep: stop, actor: "sec2", cmd: SetFollowing{Room: "r2"}},
		{name: "rejoin", base: withOperator, prep: shown, actor: "sec2", cmd: SetFollowing{Room: "r2", Follow: true}, want: []string{"RoomFollowing"},
			check: func(t *testing.T, s *State) {
				if r := s.Room("r2"); !r.Following || r.Presentation != nil || s.Shown("r2") != s.Presentation {
					t.Fatalf("room %+v shows %+v", r, s.Shown("r2"))
				}
			}},
		{name: "show", base: withOperator, prep: stop, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc1"}, want: []string{"RoomShown"},
			check: func(t *testing.T, s *State) {
				if got := s.Shown("r2"); got != (Presentation{Document: "doc1", Page: 1}) || s.Shown("main").Page != 3 {
					t.Fatalf("r2 shows %+v, main %+v", got, s.Shown("main"))
				}
			}},
		{name: "show by the chair", base: withOperator, prep: stop, actor: "chair", cmd: ShowInRoom{Room: "r2", Document: "doc2", Page: 3}, want: []string{"RoomShown"}},
		{name: "show the same page", base: withOperator, prep: shown, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc2", Page: 2}},
		{name: "show while following", base: withOperator, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc1"}, code: Conflict},
		{name: "show in the main hall", base: withOperator, actor: "chair", cmd: ShowInRoom{Room: "main", Document: "doc1"}, code: Invalid},
		{name: "show beyond the last page", base: withOperator, prep: stop, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc1", Page: 11}, code: Invalid},
		{name: "show a negative page", base: withOperator, prep: stop, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc1", Page: -1}, code: Invalid},
		{name: "show an unknown document", base: withOperator, prep: stop, actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "zz"}, code: NotFound},
		{name: "show by a delegate", base: withOperator, prep: stop, actor: "d4", cmd: ShowInRoom{Room: "r2", Document: "doc1"}, code: Forbidden},
		{name: "show by another secretary", base: withOperator, prep: stop, actor: "sec", cmd: ShowInRoom{Room: "r2", Document: "doc1"}, code: Forbidden},
		{name: "show while adjourned", base: withOperator, prep: append(stop, step{"chair", Adjourn{}}), actor: "sec2", cmd: ShowInRoom{Room: "r2", Document: "doc1"}, code: Conflict},
		{name: "closed", base: withOperator, prep: []step{{"chair", CloseMeeting{}}}, actor: "chair", cmd: SetFollowing{Room: "r2"}, code: Conflict},
	})
}

func TestLinkedRoomEvents(t *testing.T) {
	l := withOperator(t)
	mid := len(l.events)
	l.run(t,
		step{"sec2", SetFollowing{Room: "r2"}},
		step{"chair", TurnPage{Page: 4}},
		step{"sec2", ShowInRoom{Room: "r2", Document: "doc1", Page: 7}},
		step{"chair", HandPresentation{To: "d2"}},
		step{"d2", TurnPage{Page: 5}},
	)
	if got := l.s.Shown("r2"); got != (Presentation{Document: "doc1", Page: 7}) {
		t.Fatalf("r2 shows %+v", got)
	}
	if got := l.s.Shown("main"); got.Page != 5 || got.Presenter != "d2" {
		t.Fatalf("main shows %+v", got)
	}
	if got := l.s.Shown("nowhere"); got != (Presentation{}) {
		t.Fatalf("an unknown room shows %+v", got)
	}
	for _, e := range l.events[mid:] {
		for _, viewer := range []string{"sec", "chair", "d1", "d4", "obs"} {
			if !Visible(l.s, e, viewer) {
				t.Errorf("%s does not see %s", viewer, e.Type())
			}
		}
	}
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
	sameJSON(t, "clone", l.s.Clone(), l.s)
	before := mustJSON(t, l.s)
	c := l.s.Clone()
	c.Room("r2").Presentation.Page = 1
	if !bytes.Equal(before, mustJSON(t, l.s)) {
		t.Fatal("the clone shares a room's presentation")
	}
	var got State
	if err := got.UnmarshalJSON(before); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "decoded state", &got, l.s)

	next := l.s.Version + 1
	for name, d := range map[string]EventData{
		"show in a following room": RoomShown{Room: "r3", Document: "doc1", Page: 1},
		"show in the main hall":    RoomShown{Room: "main", Document: "doc1", Page: 1},
		"show beyond":              RoomShown{Room: "r2", Document: "doc1", Page: 11},
		"show in an unknown room":  RoomShown{Room: "r9", Document: "doc1", Page: 1},
		"main hall stops":          RoomFollowing{Room: "main"},
		"unknown room follows":     RoomFollowing{Room: "r9", Follow: true},
	} {
		s := l.s.Clone()
		if name == "show in a following room" {
			s.Rooms = append(s.Rooms, Room{ID: "r3", Following: true})
		}
		if err := s.Apply(Event{Seq: next, Data: d}); err == nil {
			t.Errorf("%s: applied", name)
		}
	}
}

func TestAttendance(t *testing.T) {
	l := withOperator(t)
	l.run(t, step{"d4", CheckIn{}}, step{"obs", CheckIn{}}, step{"sec2", CheckIn{}}, step{"d2", CheckOut{}})
	rooms, total := l.s.Attendance()
	want := []RoomAttendance{{Room: "main", Members: 4, Present: 3}, {Room: "r2", Members: 1, Present: 1}}
	if !reflect.DeepEqual(rooms, want) || total != (RoomAttendance{Members: 5, Present: 4}) {
		t.Fatalf("attendance %+v, total %+v", rooms, total)
	}
	if m, p := l.s.Members(); m != total.Members || p != total.Present {
		t.Fatalf("Members %d/%d, total %+v", m, p, total)
	}
	// A room without voters counts zero; an empty meeting has its rooms.
	l.run(t, step{"sec", AddRoom{Room: Room{ID: "r3", Name: "Phòng chờ"}}})
	if rooms, _ := l.s.Attendance(); len(rooms) != 3 || rooms[2] != (RoomAttendance{Room: "r3"}) {
		t.Fatalf("attendance %+v", rooms)
	}
	if rooms, total := NewState().Attendance(); len(rooms) != 0 || total != (RoomAttendance{}) {
		t.Fatalf("empty meeting: %+v %+v", rooms, total)
	}
}
