package meeting

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// followView is the view a participant's device starts from and should
// end with: the lean view for delegates and observers, ViewFor otherwise.
func followView(s *State, viewer string) *State {
	if s.IsLeanViewer(viewer) {
		return s.LeanViewFor(viewer)
	}
	return s.ViewFor(viewer)
}

// syncLean gives the followed lean view the counts of want: a server sends
// them as ephemeral attendance messages, not as events.
func syncLean(mine, want *State) {
	if want.Lean != nil {
		l := *want.Lean
		mine.Lean = &l
	}
}

// bigMeeting returns a meeting in session with n delegates, every one of
// them checked in, and a closed named poll they all voted in.
func bigMeeting(t testing.TB, n int) *State {
	t.Helper()
	s := NewState()
	seq := uint64(0)
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	apply := func(d EventData) {
		seq++
		if err := s.Apply(Event{Seq: seq, At: at, Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	apply(MeetingCreated{ID: "m1", Title: "Đại hội", Rooms: []Room{{ID: "main", Name: "Hội trường", Main: true}}, Secretary: Participant{ID: "sec", Name: "Thư ký", Role: RoleSecretary, Room: "main"}})
	apply(ParticipantAdded{Participant: Participant{ID: "chair", Name: "Chủ tọa", Role: RoleChair, Room: "main"}})
	for i := range n {
		apply(ParticipantAdded{Participant: Participant{ID: fmt.Sprintf("d%05d", i), Name: fmt.Sprintf("Đại biểu Nguyễn Văn %d", i), Title: "Đại biểu Hội đồng nhân dân", Role: RoleDelegate, Room: "main", Seat: fmt.Sprint(i)}})
	}
	apply(ParticipantAdded{Participant: Participant{ID: "obs", Name: "Khách mời", Role: RoleObserver, Room: "main"}})
	return s
}

// TestLeanViewSizeIndependentOfParticipants: a delegate's lean view of a
// meeting of 10 and of 2,000 delegates differ by the counts only.
func TestLeanViewSizeIndependentOfParticipants(t *testing.T) {
	size := map[int]int{}
	for _, n := range []int{10, 2000} {
		s := bigMeeting(t, n)
		for i := range n / 2 {
			if err := s.Apply(Event{Seq: s.Version + 1, Data: CheckedIn{Participant: fmt.Sprintf("d%05d", i)}}); err != nil {
				t.Fatal(err)
			}
		}
		v := s.LeanViewFor("d00001")
		if len(v.Participants) != 1 || v.Participants["d00001"] == nil || !v.Participants["d00001"].Present || len(v.Order) != 1 {
			t.Fatalf("%d delegates: lean view's participants %v order %v, want only the viewer, present", n, v.Participants, v.Order)
		}
		if v.Lean == nil || v.Lean.Participants != n+3 || v.Lean.Total.Members != n+1 || v.Lean.Total.Present != n/2 {
			t.Fatalf("%d delegates: lean counts %+v", n, v.Lean)
		}
		b, _ := json.Marshal(v)
		size[n] = len(b)
		full, _ := json.Marshal(s.ViewFor("d00001"))
		if len(full) < 10*len(b) && n == 2000 {
			t.Errorf("2,000 delegates: lean view %d bytes, full %d", len(b), len(full))
		}
		if s.LeanViewFor("chair").Lean == nil || s.IsLeanViewer("chair") || s.IsLeanViewer("sec") || !s.IsLeanViewer("obs") {
			t.Error("lean roles: delegates and observers only")
		}
	}
	if d := size[2000] - size[10]; d < 0 || d > 16 {
		t.Errorf("lean view of 10 delegates %d bytes, of 2,000 %d: grows with the roster", size[10], size[2000])
	}
}

// TestCheckInVisibility: a check-in reaches the one checked in, the chair,
// the secretaries and displays, not the other delegates and observers.
func TestCheckInVisibility(t *testing.T) {
	s := bigMeeting(t, 3)
	s.Participants["disp"] = &Participant{ID: "disp", Role: RoleDisplay, Room: "main"}
	for _, data := range []EventData{CheckedIn{Participant: "d00001"}, CheckedOut{Participant: "d00001"}} {
		e := Event{Seq: s.Version + 1, Data: data}
		for viewer, want := range map[string]bool{"d00001": true, "chair": true, "sec": true, "disp": true, "d00000": false, "d00002": false, "obs": false} {
			if got := Visible(s, e, viewer); got != want {
				t.Errorf("%s to %s: visible %v, want %v", e.Type(), viewer, got, want)
			}
		}
	}
}

// TestLeanFollowAcceptsUnknownParticipants: a lean view follows events that
// name participants it does not hold, and counts arrivals and departures.
func TestLeanFollowAcceptsUnknownParticipants(t *testing.T) {
	s := bigMeeting(t, 5)
	v := s.LeanViewFor("d00001")
	for _, d := range []EventData{
		MeetingPublished{},
		SessionOpened{},
		FloorRequested{Participant: "d00003"},
		FloorGiven{Participant: "d00003"},
		CheckedIn{Participant: "d00001"},
		CheckedIn{Participant: "d00004"}, // not sent to d00001 by a server; harmless if it were
		ParticipantAdded{Participant: Participant{ID: "new", Name: "Mới", Role: RoleDelegate, Room: "main"}},
		ParticipantRemoved{Participant: "d00002"},
	} {
		e := Event{Seq: v.Version + 1, Data: d}
		if err := v.Follow(e); err != nil {
			t.Fatalf("lean view following %s: %v", e.Type(), err)
		}
	}
	if v.Floor.Speaker != "d00003" || !v.Participants["d00001"].Present || len(v.Participants) != 1 || v.Lean.Participants != 8 {
		t.Fatalf("lean view after following: speaker %q, participants %v, counts %+v", v.Floor.Speaker, v.Participants, v.Lean)
	}
	// The server's own state still refuses an unknown participant.
	if err := s.Apply(Event{Seq: s.Version + 1, Data: CheckedIn{Participant: "nobody"}}); err == nil {
		t.Fatal("Apply accepted a check-in of an unknown participant")
	}
}

func BenchmarkLeanViewFor(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		s := bigMeeting(b, n)
		counts := s.LeanCounts()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				v := s.LeanViewWith("d00001", counts)
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRestricted: an event whose Visible may say no to some participant is
// Restricted; one every participant receives is not.
func TestRestricted(t *testing.T) {
	s := bigMeeting(t, 3)
	for _, d := range []EventData{CheckedIn{Participant: "d00001"}, BallotCast{Poll: "v1", Voter: "d00001"}, SessionsRevoked{Participant: "d00001"}} {
		if !Restricted(Event{Data: d}) {
			t.Errorf("%s is not Restricted", d.EventType())
		}
	}
	for _, d := range []EventData{PageTurned{Document: "doc1", Page: 2}, SessionOpened{}, FloorRequested{Participant: "d00001"}} {
		if Restricted(Event{Data: d}) {
			t.Errorf("%s is Restricted", d.EventType())
		}
		for id := range s.Participants {
			if !Visible(s, Event{Data: d}, id) {
				t.Errorf("%s is not Restricted but hidden from %s", d.EventType(), id)
			}
		}
	}
}

// TestLeanViewersGetOnlyTheirOwnOfSubjectEvents is the property the
// gateway relies on to deliver check-ins and ballots without asking every
// connection: a lean viewer receives a CheckedIn, a CheckedOut or a
// BallotCast only when it is about them.
func TestLeanViewersGetOnlyTheirOwnOfSubjectEvents(t *testing.T) {
	s := bigMeeting(t, 4)
	for _, subject := range []string{"d00001", "chair", "obs"} {
		for _, d := range []EventData{CheckedIn{Participant: subject}, CheckedOut{Participant: subject}, BallotCast{Poll: "v1", Voter: subject, Choice: "for"}} {
			for viewer := range s.Participants {
				if !s.IsLeanViewer(viewer) {
					continue
				}
				if got := Visible(s, Event{Data: d}, viewer); got != (viewer == subject) {
					t.Errorf("%s about %s to lean %s: visible %v", d.EventType(), subject, viewer, got)
				}
			}
		}
	}
}
