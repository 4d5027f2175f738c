package gateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
)

// TestElectionOverTheWire runs a whole election with Go clients over the
// WebSocket (issue 10): the secretary prepares it, the meeting approves
// the list by show of hands, the chair opens the round, every member casts
// marks, the chair closes it; every tablet's state has the count, and no
// frame any tablet received carries anybody's marks.
func TestElectionOverTheWire(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{KeepState: true})
	sec := h.dial(t, "sec", daisclient.Options{KeepState: true})
	do(t, chair, meeting.OpenSession{})
	voters := map[string]*daisclient.Client{meetingtest.Chair: chair}
	for _, d := range meetingtest.Delegates {
		voters[d] = h.dial(t, d, daisclient.Options{KeepState: true})
		do(t, voters[d], meeting.CheckIn{})
	}
	cands := []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh", BirthYear: 1968, Position: "Phó Bí thư"},
		{ID: "c2", Name: "Trần Thị Bích", BirthYear: 1975}, {ID: "c3", Name: "Lê Văn Cường"},
		{ID: "c4", Name: "Phạm Thị Dung"}, {ID: "c5", Name: "Hoàng Văn Em"}}
	do(t, sec, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành Đảng bộ", Seats: 4, Candidates: cands}})
	do(t, chair, meeting.OpenPoll{Poll: "bch-approval"})
	for who, c := range voters {
		do(t, c, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: who + "-a"})
	}
	do(t, chair, meeting.ClosePoll{Poll: "bch-approval"})
	do(t, chair, meeting.OpenElectionRound{Election: "bch"})
	// chair, d1, d2, d3 keep c1–c4; d3 strikes c4 and keeps c5.
	marks := map[string]string{meetingtest.Chair: "11110", "d1": "11110", "d2": "11110", "d3": "11101"}
	for who, c := range voters {
		if err := c.WaitFor(ctx, func(v daisclient.View) bool {
			p := v.State.Polls["bch-r1"]
			return p != nil && p.Status == meeting.PollOpen
		}); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		do(t, c, meeting.CastBallot{Poll: "bch-r1", Marks: marks[who], BallotID: who + "-r1"})
	}
	// The committee console's live figures: ballots per room.
	if err := chair.WaitFor(ctx, func(v daisclient.View) bool {
		p := v.Progress
		return p != nil && p.Poll == "bch-r1" && p.Cast == 4 && len(p.Rooms) > 0 && p.Rooms[0].Cast == 4 && p.Rooms[0].Present == 4
	}); err != nil {
		t.Fatalf("per-room progress: %v", err)
	}
	do(t, chair, meeting.ClosePoll{Poll: "bch-r1"})
	closed := func(v daisclient.View) bool { p := v.State.Polls["bch-r1"]; return p != nil && p.Result != nil }
	for who, c := range voters {
		if err := c.WaitFor(ctx, closed); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		r := c.State().Polls["bch-r1"].Result.Election
		// c1–c3 have 4 of the 4 convened, c4 3: more than half, elected;
		// c5 has 1.
		if r == nil || r.Returned != 4 || r.Valid != 4 || len(r.Elected) != 4 || r.NextRound != nil || r.Candidates[4].Votes != 1 {
			t.Fatalf("%s: result %+v", who, r)
		}
		if got := c.State().Elections["bch"].Elected; len(got) != 4 {
			t.Fatalf("%s: elected %v", who, got)
		}
	}
	// Nothing any client holds pairs a voter with marks: the rounds'
	// voters carry no choice in anyone's state.
	for who, c := range voters {
		for v, choice := range c.State().Polls["bch-r1"].Voters {
			if choice != "" {
				t.Fatalf("%s's state says %s cast %q", who, v, choice)
			}
		}
		b, _ := json.Marshal(c.State())
		for voter, m := range marks {
			if strings.Contains(string(b), `"`+voter+`":"`+m) {
				t.Fatalf("%s's state links %s to %s", who, voter, m)
			}
		}
	}
}
