package gateway_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
)

// serverView returns the server's current state of the meeting.
func serverView(t *testing.T, h *harness) *meeting.State {
	t.Helper()
	st, err := h.svc.State(context.Background(), meetingID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLeanWelcome: a delegate's snapshot is the lean view
// (meeting.State.LeanViewFor) — only themselves of the roster, the
// counts, their own ballot and annotations — though the gateway puts it
// together from a part shared by every delegate and their own entries;
// the chair's holds the whole roster.
func TestLeanWelcome(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{KeepState: true})
	do(t, chair, meeting.OpenSession{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	do(t, d1, meeting.CheckIn{})
	do(t, h.dial(t, "d3", daisclient.Options{}), meeting.CheckIn{})
	do(t, d1, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: "doc1", Page: 1, Kind: meeting.AnnotationNote, Color: "#FFCC00", Text: "Ghi chú của tôi"}})
	do(t, chair, meeting.OpenPoll{Poll: "v1"})
	do(t, d1, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})

	// A second tablet of d1 and d2's first sign in with no last seq.
	for _, who := range []string{"d1", "d2", "d2"} {
		ctx := context.Background()
		code, err := h.acc.Invite(ctx, meetingID, who)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := h.acc.Join(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := daisclient.Dial(dctx, h.srv.URL, sess.Token, daisclient.Options{KeepState: true})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		got := c.State()
		_ = c.Close()
		want := serverView(t, h).LeanViewFor(who)
		if jsonOf(t, got) != jsonOf(t, want) {
			t.Fatalf("%s's welcome snapshot\n got  %s\n want %s", who, jsonOf(t, got), jsonOf(t, want))
		}
		if len(got.Participants) != 1 || got.Lean == nil || got.Lean.Total.Present != 3 {
			t.Fatalf("%s: participants %v, counts %+v; want only themselves and 3 present", who, got.Participants, got.Lean)
		}
		if who == "d1" && (got.Polls["v1"].Voters["d1"] != "for" || got.Annotations["d1"]["n1"] == nil) {
			t.Fatalf("d1's second tablet lacks their ballot or note: %v %v", got.Polls["v1"].Voters, got.Annotations)
		}
		if who == "d2" && (len(got.Polls["v1"].Voters) != 0 || len(got.Annotations) != 0) {
			t.Fatalf("d2 sees another's ballot or note: %v %v", got.Polls["v1"].Voters, got.Annotations)
		}
	}
	if st := chair.State(); len(st.Participants) < 5 || st.Lean != nil {
		t.Fatalf("the chair's state: %d participants, lean %v; want the whole roster", len(st.Participants), st.Lean)
	}
}

// TestAttendanceReachesDelegatesAsCounts: check-ins are CheckedIn events
// for the chair and the one checked in, counts for the other delegates —
// coalesced: a burst of check-ins is one or a few attendance messages, and
// the delegate's seqs skip the others' check-ins yet resume correctly.
func TestAttendanceReachesDelegatesAsCounts(t *testing.T) {
	h := mustServe(t, gateway.Config{ProgressInterval: 30 * time.Millisecond}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{KeepState: true})
	do(t, chair, meeting.OpenSession{})
	d1 := h.dial(t, "d1", daisclient.Options{KeepState: true})
	var seqs []uint64
	for _, d := range []string{"d2", "d3"} {
		seqs = append(seqs, do(t, h.dial(t, d, daisclient.Options{}), meeting.CheckIn{}))
	}
	own := do(t, d1, meeting.CheckIn{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d1.WaitFor(ctx, func(v daisclient.View) bool {
		return v.Attendance != nil && v.Attendance.Total.Present == 4 && v.LastSeq >= own
	}); err != nil {
		t.Fatalf("d1 never saw 4 present: %v", err)
	}
	if st := d1.State(); st.Lean == nil || st.Lean.Total.Present != 4 || !st.Participants["d1"].Present {
		t.Fatalf("d1's state: counts %+v, own presence %v", st.Lean, st.Participants["d1"])
	}
	if err := chair.WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= own }); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"d1", "d2", "d3"} {
		if !chair.State().Participants[d].Present {
			t.Errorf("the chair does not see %s present", d)
		}
	}
	// d1 got none of the others' CheckedIn; its events skip their seqs.
	for {
		r, err := d1.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ci, ok := r.Event.Data.(meeting.CheckedIn); ok && ci.Participant != "d1" {
			t.Fatalf("d1 received %s's check-in", ci.Participant)
		}
		if r.Event.Seq >= own {
			break
		}
	}
	// A resume from before the others' check-ins brings what it missed
	// (nothing of theirs) and the counts at once.
	lastSeq := seqs[0] - 1
	dctx, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	code, _ := h.acc.Invite(ctx, meetingID, "d2")
	sess, err := h.acc.Join(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	back, err := daisclient.Dial(dctx, h.srv.URL, sess.Token, daisclient.Options{LastSeq: lastSeq})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Welcome().Snapshot != nil {
		t.Fatal("a resume got a snapshot")
	}
	if err := back.WaitFor(dctx, func(v daisclient.View) bool {
		return v.Attendance != nil && v.Attendance.Total.Present == 4 && v.LastSeq >= seqs[0]
	}); err != nil {
		t.Fatalf("the resumed tablet: %v", err)
	}
}

// TestSendsCounts: Sends moves when a room sends its clients something
// and stands still when nothing happens (the heap returner in cmd/daisd
// waits for it to stand still).
func TestSendsCounts(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	d1 := h.dial(t, "d1", daisclient.Options{KeepState: true})
	before := h.gw.Sends()
	do(t, chair, meeting.OpenSession{}) // SessionOpened, and the chair's check-in: counts for d1
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d1.WaitFor(ctx, func(v daisclient.View) bool {
		return v.State != nil && v.State.Status == meeting.StatusInSession && v.Attendance != nil && v.Attendance.Total.Present == 1
	}); err != nil {
		t.Fatal(err)
	}
	after := h.gw.Sends()
	if after <= before {
		t.Fatalf("Sends %d before the session opened, %d after", before, after)
	}
	time.Sleep(300 * time.Millisecond)
	if still := h.gw.Sends(); still != after {
		t.Fatalf("Sends moved from %d to %d with nothing happening", after, still)
	}
}

// TestProgressReachesEveryTabletPaced: with the counts paced over slices
// of the room, every connection — the chair's, each delegate's, and a
// tablet that joins after the ballots were cast — ends up showing the
// poll's final count.
func TestProgressReachesEveryTabletPaced(t *testing.T) {
	h := mustServe(t, gateway.Config{ProgressInterval: 30 * time.Millisecond}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	tabs := map[string]*daisclient.Client{}
	for _, d := range meetingtest.Delegates {
		tabs[d] = h.dial(t, d, daisclient.Options{})
		do(t, tabs[d], meeting.CheckIn{})
	}
	do(t, chair, meeting.OpenPoll{Poll: "v1"})
	for i, d := range meetingtest.Delegates {
		do(t, tabs[d], meeting.CastBallot{Poll: "v1", Choice: []string{"for", "against", "abstain"}[i%3], BallotID: d + "-v1"})
	}
	late := h.dial(t, "d1", daisclient.Options{}) // a second tablet of d1's, after the ballots
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	want := len(meetingtest.Delegates)
	for name, c := range map[string]*daisclient.Client{"chair": chair, "d1": tabs["d1"], "d2": tabs["d2"], "d3": tabs["d3"], "d1's late tablet": late} {
		if err := c.WaitFor(ctx, func(v daisclient.View) bool { return v.Progress != nil && v.Progress.Cast == want }); err != nil {
			t.Errorf("%s never showed %d ballots cast: %v", name, want, err)
		}
	}
}
