package service_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
)

// TestSubstituteBallot: a substitute's ballot goes through the atomic
// ballot path as the member's: of many sent at once by the substitute, one
// counts; the member, arriving, cannot add a second; the box counts one.
func TestSubstituteBallot(t *testing.T) {
	store := openStore(t)
	svc := seeded(t, store, nil)
	sec := meetingtest.Secretary.Participant
	mustDo(t, svc, sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "pho", Name: "Đặng Văn Phó", Role: meeting.RoleObserver, Room: "main"}})
	mustDo(t, svc, sec, meeting.CheckOut{Participant: "d3"})
	mustDo(t, svc, sec, meeting.MarkAbsent{Participant: "d3", Reason: "Đi công tác", Approved: true})
	mustDo(t, svc, sec, meeting.SeatSubstitute{Participant: "pho", For: "d3"})
	mustDo(t, svc, sec, meeting.SetAttendanceRules{Rules: meeting.AttendanceRules{SubstitutesVote: true}})
	mustDo(t, svc, "pho", meeting.CheckIn{})
	mustDo(t, svc, meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	var wg sync.WaitGroup
	var accepted atomic.Int64
	for k := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: "pho"}, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: fmt.Sprint("pho", k)})
			switch meeting.ErrorCode(err) {
			case "":
				accepted.Add(1)
				if b := evs[0].Data.(meeting.BallotCast); b.Voter != "d3" {
					t.Errorf("the substitute's ballot is %s's", b.Voter)
				}
			case meeting.Conflict:
			default:
				t.Errorf("ballot: %v", err)
			}
		}()
	}
	wg.Wait()
	if accepted.Load() != 1 {
		t.Fatalf("%d ballots of the substitute accepted, want 1", accepted.Load())
	}
	mustDo(t, svc, "d3", meeting.CheckIn{})
	if _, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: "d3"}, meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d3-own"}); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("the member voted after their substitute: %v", err)
	}
	if tl, err := store.Tally(context.Background(), mid, "v1"); err != nil || tl.Voters != 1 {
		t.Fatalf("box: %+v, %v", tl, err)
	}
	r := mustDo(t, svc, meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})[0].Data.(meeting.PollClosed).Result
	if r.Cast != 1 || r.Counts["for"] != 1 {
		t.Fatalf("result %+v", r)
	}
}
