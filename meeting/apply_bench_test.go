package meeting_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

var benchT0 = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// benchState is the small meeting with extra delegates, in session, with
// doc1 shown at page 1.
func benchState(tb testing.TB, extra int) *meeting.State {
	tb.Helper()
	s := meeting.NewState()
	do := func(actor string, cmd meeting.Command) {
		evs, err := meeting.Decide(s, meeting.Actor{Participant: actor}, cmd, benchT0)
		if err != nil {
			tb.Fatalf("%s: %v", cmd.CommandName(), err)
		}
		for _, ev := range evs {
			if err := s.Apply(ev); err != nil {
				tb.Fatalf("applying %s: %v", ev.Type(), err)
			}
		}
	}
	for _, c := range meetingtest.SmallMeeting("bench") {
		do(meetingtest.Secretary.Participant, c)
	}
	for i := range extra {
		do(meetingtest.Secretary.Participant, meeting.AddParticipant{Participant: meeting.Participant{
			ID: fmt.Sprintf("x%04d", i), Name: "Đại biểu", Role: meeting.RoleDelegate, Room: "main"}})
	}
	do(meetingtest.Chair, meeting.OpenSession{})
	do(meetingtest.Chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	return s
}

// pageTurn is the event of a page turn after s's last event.
func pageTurn(s *meeting.State, page int) meeting.Event {
	return meeting.Event{Seq: s.Version + 1, At: benchT0, Actor: meetingtest.Chair, Data: meeting.PageTurned{Document: "doc1", Page: page}}
}

// BenchmarkApplyPageTurned folds one page turn into a meeting of 2,000
// delegates: Apply (the server's full check) and Follow (a client's).
func BenchmarkApplyPageTurned(b *testing.B) {
	for _, mode := range []string{"Apply", "Follow"} {
		b.Run(mode, func(b *testing.B) {
			s := benchState(b, 2000)
			i := 0
			for b.Loop() {
				ev := pageTurn(s, 2+i%9)
				i++
				var err error
				if mode == "Apply" {
					err = s.Apply(ev)
				} else {
					err = s.Follow(ev)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecideTurnPage decides the chair's TurnPage in a meeting of
// 2,000 delegates (the command's share of a page turn's server work).
func BenchmarkDecideTurnPage(b *testing.B) {
	s := benchState(b, 2000)
	i := 0
	for b.Loop() {
		evs, err := meeting.Decide(s, meeting.Actor{Participant: meetingtest.Chair}, meeting.TurnPage{Page: 2 + i%9}, benchT0)
		if err != nil || len(evs) != 1 {
			b.Fatalf("Decide: %v, %v", evs, err)
		}
		if err := s.Apply(evs[0]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkEventJSON encodes and decodes a page-turn event, as the log and
// the bus carry it.
func BenchmarkEventJSON(b *testing.B) {
	ev := meeting.Event{Seq: 4242, At: benchT0, Actor: "chair", Data: meeting.PageTurned{Document: "doc1", Page: 5}}
	data, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Marshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := json.Marshal(ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var got meeting.Event
			if err := json.Unmarshal(data, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSnapshot encodes a meeting's whole state as JSON, as a welcome
// with a snapshot (and a saved snapshot) does, and clones it; bytes/op is
// the size of the JSON.
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{200, 2000} {
		s := benchState(b, n)
		b.Run(fmt.Sprintf("Marshal/%d", n), func(b *testing.B) {
			data, err := json.Marshal(s)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := json.Marshal(s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Clone/%d", n), func(b *testing.B) {
			for b.Loop() {
				if c := s.Clone(); c.Version != s.Version {
					b.Fatal("clone differs")
				}
			}
		})
	}
}
