package gateway

import (
	"strconv"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// TestFanoutKeepsOrder: messages sent one after another to thousands of
// connections through a fanout reach every connection once, in the order
// they were sent, however the deliveries are split among goroutines (a
// share too small to split goes on the caller's alone).
func TestFanoutKeepsOrder(t *testing.T) {
	g := New(Config{PingInterval: time.Hour}, nil, nil, nil)
	defer func() { _ = g.Shutdown(t.Context()) }()
	for _, tc := range []struct {
		workers, conns int
	}{{0, 3000}, {1, 3000}, {3, 3000}, {3, 300}, {7, 5001}} {
		t.Run(strconv.Itoa(tc.workers)+"x"+strconv.Itoa(tc.conns), func(t *testing.T) {
			f := newFanout(tc.workers)
			defer f.close()
			conns := make([]*conn, tc.conns)
			for i := range conns {
				conns[i] = newConn(g, nil, access.Session{Participant: "d" + strconv.Itoa(i), Role: meeting.RoleDelegate})
			}
			const turns = 20
			msgs := make([]*message, turns)
			for i := range msgs {
				msgs[i] = newMessage([]byte("turn " + strconv.Itoa(i)))
				ds := make([]delivery, len(conns))
				for j, c := range conns {
					ds[j] = delivery{c, msgs[i]}
				}
				f.send(ds)
			}
			for j, c := range conns {
				got, _ := drained(c)
				if len(got) != turns {
					t.Fatalf("connection %d got %d messages, want %d", j, len(got), turns)
				}
				for i, m := range got {
					if m != msgs[i] {
						t.Fatalf("connection %d: message %d is %q, want %q", j, i, m.payload(), msgs[i].payload())
					}
				}
			}
		})
	}
}
