package natsbus_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
)

// attacker connects to the bus's NATS server as anyone who can reach it.
func attacker(tb testing.TB, url string) *nats.Conn {
	tb.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	return nc
}

// TestForgedMessagesAreDoorbells is issue 11 finding 6 at the bus: someone
// who can publish on NATS sends a forged event at the next seq, a signed
// message with a wrong MAC, a real node's message replayed onto another
// meeting, and forged and stale signals. No forged event is handed on (a
// doorbell at most: the receiver reads the log); the nodes' own messages
// still are.
func TestForgedMessagesAreDoorbells(t *testing.T) {
	node := mustOpen(t, natsbus.Config{Name: "node", EmbeddedPort: -1, Key: testKey})
	if !node.Authenticated() {
		t.Fatal("a bus with a key does not authenticate")
	}
	in := subscribe(t, node, "m-1")
	nc := attacker(t, node.ClientURL())

	forged, _ := json.Marshal([]meeting.Event{{Seq: 1, At: time.Now(), Actor: "chair", Data: meeting.PageTurned{Document: "doc1", Page: 99}}})
	if err := nc.Publish("dais.m.m-1.ev", forged); err != nil {
		t.Fatal(err)
	}
	bad := nats.NewMsg("dais.m.m-1.ev")
	bad.Data = forged
	bad.Header.Set("Dais-Mac", "1700000000000.AAAA")
	if err := nc.PublishMsg(bad); err != nil {
		t.Fatal(err)
	}
	// A real node's message for m-2, replayed onto m-1's subject.
	sniff, err := nc.SubscribeSync("dais.m.m-2.ev")
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	publish(t, node, "m-2", pageTurns(1, 1))
	real, err := sniff.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	replay := nats.NewMsg("dais.m.m-1.ev")
	replay.Data, replay.Header = real.Data, real.Header
	if err := nc.PublishMsg(replay); err != nil {
		t.Fatal(err)
	}
	// Forged and replayed signals.
	if err := nc.Publish("dais.m.m-1.sig", []byte(`{"type":"signal","name":"ink","from":"chair"}`)); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "three doorbells", func() bool { return in.doorbells == 3 })

	// The node's own event and signal still arrive, after all that.
	publish(t, node, "m-1", pageTurns(1, 1))
	if err := node.PublishSignal("m-1", []byte(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "the real event and signal", func() bool { return len(in.events) == 1 && len(in.signals) == 1 })
	evs, sigs := in.snapshot()
	if evs[0].Data.(meeting.PageTurned).Page != 1 || string(sigs[0]) != `{"n":1}` {
		t.Fatalf("got %+v and %s", evs[0], sigs[0])
	}
}

// TestBusKeys: a key shorter than 32 bytes is refused; a node with another
// key, or none, is not vouched for; an external bus without a key makes
// every event message a doorbell.
func TestBusKeys(t *testing.T) {
	if _, err := natsbus.Open(timeout(t), natsbus.Config{Key: []byte("short"), Logger: quietLogger()}); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
	cluster := natstest.StartCluster(t, 1)
	urls := cluster.URLs()
	sub := mustOpen(t, natsbus.Config{Name: "sub", URLs: urls, Key: testKey})
	other := mustOpen(t, natsbus.Config{Name: "other", URLs: urls, Key: []byte("another key, 32 bytes long......")})
	none := mustOpen(t, natsbus.Config{Name: "none", URLs: urls})
	if none.Authenticated() {
		t.Fatal("an external bus without a key claims to authenticate")
	}
	in := subscribe(t, sub, "m-1")
	cluster.WaitForInterest(t, 0, "dais.m.m-1.ev")
	publish(t, other, "m-1", pageTurns(1, 1))
	publish(t, none, "m-1", pageTurns(1, 1))
	in.waitFor(t, "two doorbells", func() bool { return in.doorbells == 2 })
	if evs, _ := in.snapshot(); len(evs) != 0 {
		t.Fatalf("events from a node without the key were handed on: %v", evs)
	}

	// Without a key on the receiving side, everything is a doorbell.
	inNone := subscribe(t, none, "m-2")
	cluster.WaitForInterest(t, 0, "dais.m.m-2.ev")
	publish(t, sub, "m-2", pageTurns(1, 1))
	inNone.waitFor(t, "a doorbell", func() bool { return inNone.doorbells == 1 })
	if evs, _ := inNone.snapshot(); len(evs) != 0 {
		t.Fatal("a bus without a key handed on events")
	}
}

// TestServeSignals: the signals of every meeting reach one server of a
// queue group, with the meeting they are of; a forged signal (no MAC, a
// wrong one) does not.
func TestServeSignals(t *testing.T) {
	node := mustOpen(t, natsbus.Config{Name: "node", EmbeddedPort: -1, Key: testKey})
	type sig struct{ id, data string }
	got := make(chan sig, 16)
	for range 2 { // two servers of one queue group: each signal once
		stop, err := node.ServeSignals("q", func(id string, data []byte) { got <- sig{id, string(data)} })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	nc := attacker(t, node.ClientURL())
	if err := nc.Publish("dais.m.m-1.sig", []byte(`{"forged":1}`)); err != nil {
		t.Fatal(err)
	}
	bad := nats.NewMsg("dais.m.m-1.sig")
	bad.Data = []byte(`{"forged":2}`)
	bad.Header.Set("Dais-Mac", "1700000000000.AAAA")
	if err := nc.PublishMsg(bad); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"m-1", "m-2"} {
		if err := node.PublishSignal(m, []byte(`{"n":"`+m+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	// Two servers: each signal reaches one of them, in no set order
	// between them.
	want := map[sig]bool{{"m-1", `{"n":"m-1"}`}: true, {"m-2", `{"n":"m-2"}`}: true}
	for range 2 {
		select {
		case s := <-got:
			if !want[s] {
				t.Fatalf("got %+v, want one of %+v (once)", s, want)
			}
			delete(want, s)
		case <-time.After(10 * time.Second):
			t.Fatalf("never got %+v", want)
		}
	}
	// Nothing more: a third message would be a forged one, or a signal
	// taken twice by the group. (One more signal, after, comes next.)
	if err := node.PublishSignal("m-3", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s.id != "m-3" {
		t.Fatalf("after the signals: %+v", s)
	}
}
