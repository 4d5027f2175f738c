package committees_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
)

// fixture is a bolt store with a meeting service and the registry: a
// committee of five, "p1" chairing.
func fixture(tb testing.TB) (*committees.Service, *service.Service) {
	tb.Helper()
	store, err := bolt.Open(tb.TempDir(), bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	svc := service.New(store, nil, service.Options{})
	reg := committees.New(store, svc, nil, committees.Options{})
	ctx := context.Background()
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ"}
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("p%d", i)
		if _, err := reg.PutPerson(ctx, office.Person{ID: id, Name: "Ủy viên " + id}); err != nil {
			tb.Fatal(err)
		}
		com.Members = append(com.Members, office.Member{Person: id, Chair: i == 1})
	}
	if _, err := reg.PutCommittee(ctx, com); err != nil {
		tb.Fatal(err)
	}
	return reg, svc
}

func newMeeting(tb testing.TB, svc *service.Service, id string, at time.Time) {
	tb.Helper()
	if _, err := svc.Execute(context.Background(), id, meeting.Actor{Participant: "sec"}, meeting.CreateMeeting{ID: id, Title: "Hội nghị " + id, StartsAt: at,
		Rooms: []meeting.Room{{ID: "main", Name: "Hội trường", Main: true}}, Secretary: meeting.Participant{ID: "sec", Name: "Thư ký", Role: meeting.RoleSecretary}}); err != nil {
		tb.Fatal(err)
	}
}

// TestSeatTwice: seating a committee again adds nobody twice, and a
// person already in the meeting (its secretary) is left as they are.
func TestSeatTwice(t *testing.T) {
	reg, svc := fixture(t)
	ctx := t.Context()
	newMeeting(t, svc, "m1", time.Date(2026, 12, 10, 1, 0, 0, 0, time.UTC))
	added, _, err := reg.Seat(ctx, svc, "m1", "sec", "btv")
	if err != nil || len(added) != 5 {
		t.Fatalf("first seating: %d added, %v", len(added), err)
	}
	added, _, err = reg.Seat(ctx, svc, "m1", "sec", "btv")
	if err != nil || len(added) != 0 {
		t.Fatalf("second seating: %d added, %v", len(added), err)
	}
	st, _ := svc.State(ctx, "m1")
	if len(st.Order) != 6 || st.Participant("p1").Role != meeting.RoleChair {
		t.Fatalf("participants %v", st.Order)
	}
}

// BenchmarkCalendar: one person's calendar (what the feed serves) with
// 200 meetings in the store, 20 of them theirs (the states cached, as on
// a running node).
func BenchmarkCalendar(b *testing.B) {
	reg, svc := fixture(b)
	ctx := context.Background()
	start := time.Date(2026, 12, 10, 1, 0, 0, 0, time.UTC)
	for i := range 200 {
		id := fmt.Sprintf("m%03d", i)
		newMeeting(b, svc, id, start.Add(time.Duration(i)*24*time.Hour))
		if i%10 == 0 {
			if _, _, err := reg.Seat(ctx, svc, id, "sec", "btv"); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.Execute(ctx, id, meeting.Actor{Participant: "sec"}, meeting.Publish{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	p, _ := reg.Person(ctx, "p3")
	b.ResetTimer()
	for b.Loop() {
		data, err := reg.Feed(ctx, p)
		if err != nil || len(data) == 0 {
			b.Fatal(err)
		}
	}
}

// TestSeatedMeetings: the meetings a consultation of a committee rings are
// those some of whose participants were seated as its members — not a
// meeting seated from another committee, not one never seated.
func TestSeatedMeetings(t *testing.T) {
	reg, _ := fixture(t)
	ctx := context.Background()
	if ms, err := reg.SeatedMeetings(ctx, "btv"); err != nil || len(ms) != 0 {
		t.Fatalf("before any seating: %v, %v", ms, err)
	}
	for _, s := range []struct{ meeting, committee string }{{"hop-2", "btv"}, {"hop-1", "btv"}, {"hop-3", "bch"}} {
		if err := reg.LinkSeats(ctx, s.meeting, s.committee, []string{"p1", "p2"}); err != nil {
			t.Fatal(err)
		}
	}
	if ms, err := reg.SeatedMeetings(ctx, "btv"); err != nil || fmt.Sprint(ms) != "[hop-1 hop-2]" {
		t.Fatalf("btv's meetings: %v, %v", ms, err)
	}
	if ms, err := reg.SeatedMeetings(ctx, "bch"); err != nil || fmt.Sprint(ms) != "[hop-3]" {
		t.Fatalf("bch's meetings: %v, %v", ms, err)
	}
	if ms, err := reg.SeatedMeetings(ctx, "khac"); err != nil || len(ms) != 0 {
		t.Fatalf("another committee's meetings: %v, %v", ms, err)
	}
}
