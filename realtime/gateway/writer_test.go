package gateway_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
)

// writers counts the goroutines running a connection's writer.
func writers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Count(buf[:n], []byte("gateway.(*conn).writeLoop("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// TestIdleConnectionsHoldNoWriter: a connection has a writer goroutine only
// while it owes something. Connected tablets that are idle — welcomed,
// pinged and answering, sent a page turn — hold their reader alone, and
// stay connected.
func TestIdleConnectionsHoldNoWriter(t *testing.T) {
	const interval = 60 * time.Millisecond
	h := mustServe(t, gateway.Config{PingInterval: interval}, 0)
	who := append([]string{meetingtest.Chair, "sec"}, meetingtest.Delegates...)
	clients := map[string]*daisclient.Client{}
	for _, p := range who {
		clients[p] = h.dial(t, p, daisclient.Options{})
	}
	waitFor(t, func() bool { return h.gw.Connections() == len(who) }, "every client to connect")
	waitFor(t, func() bool { return writers() == 0 }, "the writers to end after the welcomes")

	chair := clients[meetingtest.Chair]
	do(t, chair, meeting.OpenSession{})
	seq := do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	seq = max(seq, do(t, chair, meeting.TurnPage{Page: 2}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for p, c := range clients {
		if err := c.WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
			t.Fatalf("%s did not get seq %d: %v", p, seq, err)
		}
	}
	// Many ping intervals: the pings go out (the clients answer), no
	// connection is dropped, and no writer stays.
	time.Sleep(10 * interval)
	waitFor(t, func() bool { return writers() == 0 }, "the writers to end after the page turn and the pings")
	if n := h.gw.Connections(); n != len(who) {
		t.Fatalf("%d connections after %v of pings, want %d", n, 10*interval, len(who))
	}
	// And the next turn still reaches everyone.
	seq = do(t, chair, meeting.TurnPage{Page: 3})
	for p, c := range clients {
		if err := c.WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
			t.Fatalf("%s did not get seq %d: %v", p, seq, err)
		}
	}
}
