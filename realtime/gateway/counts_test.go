package gateway

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// countsFixture is a room (its goroutine not started) of the small meeting
// with d1 and d2 checked in, poll v1 open and d1's ballot cast, and perParticipant connections of
// the chair and of each delegate (no sockets: what they are sent stays in
// their queues). decide changes the meeting; the room's state follows it
// when the test copies it in (r.state = st.Clone()).
func countsFixture(t *testing.T, perParticipant int) (*room, []*conn, *meeting.State, func(who string, cmd meeting.Command) []meeting.Event) {
	t.Helper()
	const id = "counts"
	st, decide := openedMeeting(t, id)
	decide("d1", meeting.CheckIn{})
	decide("d2", meeting.CheckIn{})
	decide(meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	decide("d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})
	cfg := Config{PingInterval: time.Hour, WriteTimeout: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	g := New(cfg, &logMeetings{}, nil, nil)
	t.Cleanup(func() { _ = g.Shutdown(context.Background()) })
	r := newRoom(g, id)
	r.state = st.Clone()
	r.countAttendance()
	var conns []*conn
	for range perParticipant {
		for _, who := range append([]string{meetingtest.Chair}, meetingtest.Delegates...) {
			conns = append(conns, socketless(r, st, who))
		}
	}
	return r, conns, st, decide
}

// countsSent is what one turn of sendCounts queued, by connection: the
// ballot counts of the progress messages and how many attendance messages.
type countsSent struct {
	progress   map[*conn][]int
	attendance map[*conn]int
}

func turn(t *testing.T, r *room, conns []*conn) countsSent {
	t.Helper()
	r.sendCounts()
	got := countsSent{progress: map[*conn][]int{}, attendance: map[*conn]int{}}
	for _, c := range conns {
		msgs, _ := drained(c)
		for _, m := range msgs {
			var env struct {
				Type string `json:"type"`
				Cast int    `json:"cast"`
			}
			if err := json.Unmarshal(payload(m.wire), &env); err != nil {
				t.Fatal(err)
			}
			switch env.Type {
			case protocol.TypeProgress:
				got.progress[c] = append(got.progress[c], env.Cast)
			case protocol.TypeAttendance:
				got.attendance[c]++
			default:
				t.Fatalf("a turn of the counts sent a %q", env.Type)
			}
		}
	}
	return got
}

// payload is the text of a frame the server wrote (unmasked, as built by
// newMessage).
func payload(frame []byte) []byte {
	n := int(frame[1] & 0x7f)
	switch n {
	case 126:
		return frame[4:]
	case 127:
		return frame[10:]
	}
	return frame[2:]
}

// TestCountsArePaced: the open poll's progress and the delegates'
// attendance go to one slice of the room's connections per tick, never to
// all at once; in a round of paceSlices ticks every connection gets each
// changed count exactly once, and nothing when nothing changed.
func TestCountsArePaced(t *testing.T) {
	r, conns, st, decide := countsFixture(t, 8) // 32 connections
	perSlice := map[int]int{}
	for _, c := range conns {
		perSlice[c.slice]++
	}
	if len(perSlice) != paceSlices {
		t.Fatalf("%d connections in %d slices, want %d", len(conns), len(perSlice), paceSlices)
	}
	for k, n := range perSlice {
		if n < len(conns)/paceSlices || n > len(conns)/paceSlices+1 {
			t.Errorf("slice %d holds %d of %d connections: not dealt evenly", k, n, len(conns))
		}
	}

	round := func(wantCast int, wantAttendance bool) {
		t.Helper()
		got := map[*conn]int{}
		for range paceSlices {
			k := r.tick
			sent := turn(t, r, conns)
			for c, casts := range sent.progress {
				if c.slice != k {
					t.Fatalf("tick of slice %d sent progress to a connection of slice %d", k, c.slice)
				}
				if len(casts) != 1 || casts[0] != wantCast {
					t.Fatalf("a connection got progress %v in one tick, want [%d]", casts, wantCast)
				}
				got[c]++
			}
			for c, n := range sent.attendance {
				if c.slice != k || !c.lean || n != 1 {
					t.Fatalf("tick of slice %d sent %d attendance messages to a connection of slice %d (lean %v)", k, n, c.slice, c.lean)
				}
			}
			if wantAttendance {
				for _, c := range conns {
					if c.lean && c.slice == k && sent.attendance[c] != 1 {
						t.Fatalf("a delegate of slice %d got no attendance in its tick", k)
					}
				}
			} else if len(sent.attendance) > 0 {
				t.Fatalf("attendance sent with no change: %d connections", len(sent.attendance))
			}
		}
		for _, c := range conns {
			want := 0
			if wantCast > 0 {
				want = 1
			}
			if got[c] != want {
				t.Fatalf("%s's connection got progress %d times in a round, want %d", c.sess.Participant, got[c], want)
			}
		}
	}
	round(1, true) // the first round: the counts as the room loaded them
	round(0, false)

	decide("d2", meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d2-v1"})
	decide("d3", meeting.CheckIn{})
	r.state = st.Clone()
	r.countOne(st.Participants["d3"].Room, true)
	// A round starts at most once per countsPeriod (a room of 10,000: once
	// a second); this one's 24 delegates' is 2.4 ms.
	time.Sleep(r.countsPeriod())
	round(2, true)
	round(0, false)
}

// TestCountsReachAJoiner: a connection that joins a slice already sent the
// current progress gets it at that slice's next turn, and the others of
// the slice get it again (a repeat of the same count) rather than the
// joiner waiting for the next ballot.
func TestCountsReachAJoiner(t *testing.T) {
	r, conns, st, _ := countsFixture(t, 3) // 12 connections: slices 0 and 1 hold two
	for range paceSlices {
		turn(t, r, conns)
	}
	joiner := socketless(r, st, "d2")
	conns = append(conns, joiner)
	time.Sleep(r.countsPeriod())
	got := 0
	for range paceSlices {
		sent := turn(t, r, conns)
		for c, casts := range sent.progress {
			if c.slice != joiner.slice {
				t.Fatalf("a connection of slice %d was sent the unchanged progress again", c.slice)
			}
			if c == joiner {
				got += len(casts)
			}
		}
	}
	if got != 1 {
		t.Fatalf("the joiner got progress %d times in a round, want 1", got)
	}
}

// TestCountsAfterTheCloseStop: once the poll is closed, no progress goes
// out, and a slice's progress mark is cleared (a poll opened later starts
// afresh).
func TestCountsAfterTheCloseStop(t *testing.T) {
	r, conns, _, _ := countsFixture(t, 3)
	for range paceSlices {
		turn(t, r, conns)
	}
	r.state.Polls["v1"].Status = meeting.PollDone // as PollClosed leaves it
	for range 2 * paceSlices {
		if sent := turn(t, r, conns); len(sent.progress) > 0 {
			t.Fatalf("progress sent for a closed poll to %d connections", len(sent.progress))
		}
	}
	for k, m := range r.progress.sent {
		if m != (progressMark{}) {
			t.Errorf("slice %d still holds the closed poll's mark %+v", k, m)
		}
	}
}

// TestCountsTextIsTheRoomsEncoding: a paced progress message is what
// prepare makes of protocol.Progress, not a hand-made string.
func TestCountsTextIsTheRoomsEncoding(t *testing.T) {
	r, conns, _, _ := countsFixture(t, 1)
	var text string
	for range paceSlices {
		r.sendCounts()
		for _, c := range conns {
			msgs, _ := drained(c)
			for _, m := range msgs {
				if p := string(payload(m.wire)); strings.Contains(p, `"progress"`) && text == "" {
					text = p
				}
			}
		}
	}
	members, present := r.state.Members()
	want, err := prepare(protocol.Progress{Type: protocol.TypeProgress, Poll: "v1", Cast: 1, Members: members, Present: present})
	if err != nil {
		t.Fatal(err)
	}
	if text != string(payload(want.wire)) {
		t.Fatalf("progress sent\n%s\nwant\n%s", text, payload(want.wire))
	}
}

// TestPacer: the rounds of one count, on a clock the test moves.
func TestPacer(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	tick := time.Second / 40 // ProgressInterval 250 ms over ten slices
	type step struct {
		value  uint64
		sent   []int // the slices sent, in a round of paceSlices turns from slice 0
		period time.Duration
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"a change goes to every slice once, then nothing", []step{
			{value: 1, sent: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
			{value: 1, sent: nil},
		}},
		{"a room of 10,000: the next round waits a second from the last one's start", []step{
			{value: 1, period: time.Second, sent: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
			{value: 2, period: time.Second, sent: nil},                                 // 250-500 ms
			{value: 2, period: time.Second, sent: nil},                                 // 500-750 ms
			{value: 2, period: time.Second, sent: nil},                                 // 750-1000 ms
			{value: 2, period: time.Second, sent: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}, // from 1 s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p pacer[uint64]
			now := t0
			for i, st := range tc.steps {
				var sent []int
				for k := range paceSlices {
					if p.turn(k, st.value, st.period, now) {
						sent = append(sent, k)
					}
					now = now.Add(tick)
				}
				if !slices.Equal(sent, st.sent) {
					t.Fatalf("round %d: slices sent %v, want %v", i, sent, st.sent)
				}
			}
		})
	}

	t.Run("a change in the middle of a round", func(t *testing.T) {
		var p pacer[uint64]
		now := t0
		got := map[int][]uint64{}
		for turnNo := range 2 * paceSlices {
			v := uint64(1)
			if turnNo >= 4 {
				v = 2 // slices 4-9 of the first round get it; 0-3 in the next
			}
			if k := turnNo % paceSlices; p.turn(k, v, 0, now) {
				got[k] = append(got[k], v)
			}
			now = now.Add(tick)
		}
		for k := range paceSlices {
			want := []uint64{2}
			if k < 4 {
				want = []uint64{1, 2}
			}
			if !slices.Equal(got[k], want) {
				t.Errorf("slice %d was sent %v, want %v", k, got[k], want)
			}
		}
	})

	t.Run("a joiner's slice, nothing changed", func(t *testing.T) {
		var p pacer[uint64]
		for k := range paceSlices {
			p.turn(k, 7, 0, t0)
		}
		p.join(3)
		var sent []int
		for k := range paceSlices {
			if p.turn(k, 7, 0, t0.Add(time.Second)) {
				sent = append(sent, k)
			}
		}
		if !slices.Equal(sent, []int{3}) {
			t.Fatalf("after a join in slice 3, slices sent %v", sent)
		}
	})
}
