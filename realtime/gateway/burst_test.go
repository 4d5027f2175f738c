package gateway

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// logMeetings is a log of events in memory, for a room's gap reads.
type logMeetings struct{ events []meeting.Event }

func (m *logMeetings) Execute(context.Context, string, meeting.Actor, meeting.Command) ([]meeting.Event, error) {
	return nil, nil
}
func (m *logMeetings) State(context.Context, string) (*meeting.State, error) { return nil, nil }
func (m *logMeetings) ReadEvents(_ context.Context, _ string, from uint64, max int) ([]meeting.Event, error) {
	var out []meeting.Event
	for _, ev := range m.events {
		if ev.Seq >= from && len(out) < max {
			out = append(out, ev)
		}
	}
	return out, nil
}
func (m *logMeetings) Version(context.Context, string) (uint64, error) {
	return m.events[len(m.events)-1].Seq, nil
}

// decider returns a function that decides a command on st as who, at a
// fixed time, and applies its events at the next seqs.
func decider(t *testing.T, st *meeting.State) func(who string, cmd meeting.Command) []meeting.Event {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	return func(who string, cmd meeting.Command) []meeting.Event {
		t.Helper()
		evs, err := meeting.Decide(st, meeting.Actor{Participant: who}, cmd, now)
		if err != nil {
			t.Fatalf("%s: %v", cmd.CommandName(), err)
		}
		for i := range evs {
			evs[i].Seq = st.Version + 1
			if err := st.Apply(evs[i]); err != nil {
				t.Fatal(err)
			}
		}
		return evs
	}
}

// openedMeeting returns the small meeting id with its session opened, and
// its decider.
func openedMeeting(t *testing.T, id string) (*meeting.State, func(who string, cmd meeting.Command) []meeting.Event) {
	st := meeting.NewState()
	decide := decider(t, st)
	for _, c := range meetingtest.SmallMeeting(id) {
		decide(meetingtest.Secretary.Participant, c)
	}
	decide(meetingtest.Chair, meeting.OpenSession{})
	return st, decide
}

// burstFixture is a room (its goroutine not started) at the small
// meeting's presentation of doc1, with the chair's and the delegates'
// connections (no sockets, no writers: what they are sent stays in their
// queues), and the log beyond it: n page turns.
func burstFixture(t *testing.T, cfg Config, n int) (*room, []*conn, []meeting.Event) {
	t.Helper()
	const id = "burst"
	st, decide := openedMeeting(t, id)
	decide(meetingtest.Chair, meeting.ShowDocument{Document: "doc1"})
	cfg.PingInterval, cfg.WriteTimeout = time.Hour, time.Hour // no pings, no watchdog closing the absent sockets
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	logged := &logMeetings{}
	g := New(cfg, logged, nil, nil)
	t.Cleanup(func() { _ = g.Shutdown(context.Background()) })
	r := newRoom(g, id)
	r.state = st.Clone()
	var conns []*conn
	for _, who := range append([]string{meetingtest.Chair}, meetingtest.Delegates...) {
		conns = append(conns, socketless(r, st, who))
	}
	var events []meeting.Event
	for i := range n {
		events = append(events, decide(meetingtest.Chair, meeting.TurnPage{Page: 1 + (i+1)%10})...)
	}
	logged.events = events
	return r, conns, events
}

// socketless adds to r a connection of who with no socket and no writer:
// what it is sent stays in its queue.
func socketless(r *room, st *meeting.State, who string) *conn {
	c := newConn(r.g, nil, access.Session{Meeting: r.id, Participant: who, Role: st.Participants[who].Role})
	c.lean = st.IsLeanViewer(who)
	close(c.writerDone)
	r.addConn(c)
	return c
}

// drained returns the messages in c's queue as its writer would write
// them, bursts opened.
func drained(c *conn) (msgs []*message, places int) {
	for _, pm := range takeQueued(c) {
		places++
		if pm == burstMark {
			msgs = append(msgs, c.nextBurst()...)
		} else {
			msgs = append(msgs, pm)
		}
	}
	return msgs, places
}

// takeQueued takes what is in c's queue, as a writer would.
func takeQueued(c *conn) []*message {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	q := c.queue
	c.queue = nil
	c.owed.Add(-int64(len(q)))
	return q
}

func kickedWith(c *conn) int {
	select {
	case <-c.kicked:
		return c.closeCode
	default:
		return 0
	}
}

// TestCatchUpIsNotASlowClient: a catch-up — a batch of events from the
// bus (a bridge site's records after a cut) or a gap read from the log —
// of many times a lean queue's worth reaches every connection whole, in
// order, once, taking a few places in its queue (one per maxBurst
// messages); nobody is closed. The same events one at a time, unread, fill
// a lean queue and close it with 4008: a slow tablet is still one.
func TestCatchUpIsNotASlowClient(t *testing.T) {
	const queue = 4
	n := 2*maxBurst + 100 // three bursts: fewer places than the queue has
	for _, tc := range []struct {
		name    string
		deliver func(r *room, events []meeting.Event)
	}{
		{"a batch from the bus", func(r *room, events []meeting.Event) { r.deliver(context.Background(), events) }},
		{"a gap read from the log", func(r *room, events []meeting.Event) {
			r.deliver(context.Background(), events[len(events)-1:]) // the last one: the rest is a gap
		}},
		{"the tail check", func(r *room, _ []meeting.Event) { r.catchUp(context.Background()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, conns, events := burstFixture(t, Config{LeanQueueSize: queue}, n)
			tc.deliver(r, events)
			for _, c := range conns {
				if code := kickedWith(c); code != 0 {
					t.Fatalf("%s was closed with %d", c.sess.Participant, code)
				}
				msgs, places := drained(c)
				if len(msgs) != len(events) {
					t.Fatalf("%s was sent %d messages, want the %d events", c.sess.Participant, len(msgs), len(events))
				}
				for i, pm := range msgs {
					if want := r.recent[events[i].Seq%recentSize].pm; pm != want || pm == nil {
						t.Fatalf("%s: message %d is not event %d", c.sess.Participant, i, events[i].Seq)
					}
				}
				if want := (n + maxBurst - 1) / maxBurst; places != want {
					t.Fatalf("%s: the catch-up took %d places in the queue, want %d", c.sess.Participant, places, want)
				}
			}
			if len(r.held) != 0 || r.batching {
				t.Fatalf("the room still holds %d connections' messages (batching %v)", len(r.held), r.batching)
			}
		})
	}
	t.Run("live events to a tablet that does not read", func(t *testing.T) {
		r, conns, events := burstFixture(t, Config{LeanQueueSize: queue}, queue+1)
		for _, ev := range events {
			r.deliver(context.Background(), []meeting.Event{ev})
		}
		for _, c := range conns {
			want := 0
			if c.lean {
				want = protocol.CloseTooSlow
			}
			if got := kickedWith(c); got != want {
				t.Errorf("%s: closed with %d, want %d", c.sess.Participant, got, want)
			}
		}
	})
	t.Run("a catch-up to a tablet already behind", func(t *testing.T) {
		// queue-1 live events unread, then a catch-up: the burst takes
		// the last place; one more live event closes it.
		r, conns, events := burstFixture(t, Config{LeanQueueSize: queue}, queue-1+10+1)
		for _, ev := range events[:queue-1] {
			r.deliver(context.Background(), []meeting.Event{ev})
		}
		r.deliver(context.Background(), events[queue-1:queue-1+10])
		d := conns[1]
		if code := kickedWith(d); code != 0 {
			t.Fatalf("closed with %d before its queue was full", code)
		}
		r.deliver(context.Background(), events[len(events)-1:])
		if code := kickedWith(d); code != protocol.CloseTooSlow {
			t.Fatalf("closed with %d, want %d", code, protocol.CloseTooSlow)
		}
		if len(d.bursts) != 1 {
			t.Fatalf("%d bursts kept, want the one queued", len(d.bursts))
		}
	})
}
