package gateway_test

import (
	"context"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// TestProgressPerLinkedRoom: while an ordinary poll is open in a meeting
// with linked rooms (bridge sites), the chair's progress counts ballots and
// members present per room; a delegate's (lean) progress carries the
// totals only.
func TestProgressPerLinkedRoom(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sec := h.dial(t, "sec", daisclient.Options{})
	do(t, sec, meeting.AddRoom{Room: meeting.Room{ID: "bavi", Name: "Điểm cầu huyện Ba Vì"}})
	do(t, sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "d9", Name: "Đỗ Văn Minh", Role: meeting.RoleDelegate, Room: "bavi"}})
	code, err := h.acc.Invite(ctx, meetingID, "d9")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := h.acc.Join(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	h.token["d9"] = sess.Token

	chair := h.dial(t, meetingtest.Chair, daisclient.Options{KeepState: true})
	do(t, chair, meeting.OpenSession{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	d9 := h.dial(t, "d9", daisclient.Options{})
	for _, c := range []*daisclient.Client{chair, d1, d9} {
		do(t, c, meeting.CheckIn{})
	}
	do(t, chair, meeting.OpenPoll{Poll: "v1"})
	do(t, d1, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})
	do(t, d9, meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d9-v1"})

	want := []protocol.RoomProgress{{Room: "main", Cast: 1, Present: 2}, {Room: "bavi", Cast: 1, Present: 1}}
	if err := chair.WaitFor(ctx, func(v daisclient.View) bool {
		p := v.Progress
		if p == nil || p.Poll != "v1" || p.Cast != 2 || len(p.Rooms) != len(want) {
			return false
		}
		for i := range want {
			if p.Rooms[i] != want[i] {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatalf("the chair's progress per room: %v", err)
	}
	if err := d1.WaitFor(ctx, func(v daisclient.View) bool { return v.Progress != nil && v.Progress.Cast == 2 }); err != nil {
		t.Fatalf("the delegate's progress: %v", err)
	}
	var lean *protocol.Progress
	_ = d1.WaitFor(ctx, func(v daisclient.View) bool { lean = v.Progress; return true })
	if lean.Rooms != nil {
		t.Fatalf("a delegate's progress carries rooms %+v; want the totals only", lean.Rooms)
	}
}
