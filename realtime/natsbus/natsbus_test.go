package natsbus_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
)

// timeout is a context that ends with the test or after 10 s (Ping needs a
// deadline).
func timeout(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mustOpen opens a Bus with cfg and closes it at the end of the test.
func mustOpen(tb testing.TB, cfg natsbus.Config) *natsbus.Bus {
	tb.Helper()
	cfg.Logger = quietLogger()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := natsbus.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("opening the bus: %v", err)
	}
	tb.Cleanup(func() { _ = b.Close() })
	return b
}

// inbox collects what a subscription delivers, for a test to wait on.
type inbox struct {
	mu      sync.Mutex
	cond    *sync.Cond
	events  []meeting.Event
	signals [][]byte
	// doorbells counts messages delivered without events (not vouched for).
	doorbells int
}

// testKey is the bus key the nodes of a test share.
var testKey = []byte("0123456789abcdef0123456789abcdef")

func newInbox() *inbox {
	in := &inbox{}
	in.cond = sync.NewCond(&in.mu)
	return in
}

func (in *inbox) onEvents(evs []meeting.Event) {
	in.mu.Lock()
	if len(evs) == 0 {
		in.doorbells++
	}
	in.events = append(in.events, evs...)
	in.mu.Unlock()
	in.cond.Broadcast()
}

func (in *inbox) onSignal(b []byte) {
	in.mu.Lock()
	in.signals = append(in.signals, append([]byte(nil), b...))
	in.mu.Unlock()
	in.cond.Broadcast()
}

// waitFor waits until cond (called with the inbox locked) holds, failing
// the test after a deadline.
func (in *inbox) waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	stop := time.AfterFunc(10*time.Second, in.cond.Broadcast)
	defer stop.Stop()
	in.mu.Lock()
	defer in.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("waiting for %s: timed out; have %d events, %d signals", what, len(in.events), len(in.signals))
		}
		in.cond.Wait()
	}
}

func (in *inbox) snapshot() ([]meeting.Event, [][]byte) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]meeting.Event(nil), in.events...), append([][]byte(nil), in.signals...)
}

func subscribe(tb testing.TB, b *natsbus.Bus, meetingID string) *inbox {
	tb.Helper()
	in := newInbox()
	unsub, err := b.Subscribe(meetingID, in.onEvents, in.onSignal)
	if err != nil {
		tb.Fatalf("subscribing to %s: %v", meetingID, err)
	}
	tb.Cleanup(unsub)
	return in
}

func pageTurns(first uint64, n int) []meeting.Event {
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	out := make([]meeting.Event, n)
	for i := range out {
		out[i] = meeting.Event{Seq: first + uint64(i), At: at, Actor: "chair", Data: meeting.PageTurned{Document: "doc1", Page: i + 1}}
	}
	return out
}

func publish(tb testing.TB, b *natsbus.Bus, meetingID string, evs []meeting.Event) {
	tb.Helper()
	if err := b.PublishEvents(context.Background(), meetingID, evs); err != nil {
		tb.Fatalf("publishing %d events: %v", len(evs), err)
	}
}

func TestEmbeddedRoundTrip(t *testing.T) {
	b := mustOpen(t, natsbus.Config{Name: "t"})
	if err := b.Ping(timeout(t)); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if u := b.ClientURL(); u != "" {
		t.Fatalf("embedded server with port 0 listens on %q, want no port", u)
	}
	in := subscribe(t, b, "m-1")
	other := subscribe(t, b, "m-2")

	want := pageTurns(1, 3)
	publish(t, b, "m-1", want[:2])
	publish(t, b, "m-1", want[2:])
	if err := b.PublishSignal("m-1", []byte(`{"name":"pointer","data":{"x":0.4}}`)); err != nil {
		t.Fatalf("publishing a signal: %v", err)
	}
	in.waitFor(t, "3 events and a signal", func() bool { return len(in.events) == 3 && len(in.signals) == 1 })
	got, sigs := in.snapshot()
	for i := range want {
		if mustJSON(t, got[i]) != mustJSON(t, want[i]) {
			t.Fatalf("event %d: got %s, want %s", i, mustJSON(t, got[i]), mustJSON(t, want[i]))
		}
	}
	if string(sigs[0]) != `{"name":"pointer","data":{"x":0.4}}` {
		t.Fatalf("signal: got %s", sigs[0])
	}
	// Another meeting's subscriber got nothing: flush through a message of
	// its own and check it is the only one.
	publish(t, b, "m-2", pageTurns(7, 1))
	other.waitFor(t, "m-2's own event", func() bool { return len(other.events) >= 1 })
	if evs, sigs := other.snapshot(); len(evs) != 1 || evs[0].Seq != 7 || len(sigs) != 0 {
		t.Fatalf("m-2 subscriber got %d events (first seq %d) and %d signals, want only its own event", len(evs), evs[0].Seq, len(sigs))
	}
}

func TestEmbeddedOnRandomPort(t *testing.T) {
	b := mustOpen(t, natsbus.Config{Name: "t", EmbeddedPort: -1, Key: testKey})
	u := b.ClientURL()
	if !strings.HasPrefix(u, "nats://127.0.0.1:") {
		t.Fatalf("client URL %q, want nats://127.0.0.1:<port>", u)
	}
	// A second node reaches the first node's embedded server over TCP.
	remote := mustOpen(t, natsbus.Config{Name: "t2", URLs: []string{u}, Key: testKey})
	in := subscribe(t, b, "m-1")
	publish(t, remote, "m-1", pageTurns(1, 1))
	in.waitFor(t, "the remote node's event", func() bool { return len(in.events) == 1 })
}

func TestSubjectUnsafeIDsRefused(t *testing.T) {
	b := mustOpen(t, natsbus.Config{Name: "t"})
	for _, id := range []string{"", "a.b", "a*", ">", "a b", "m\x00", "hội-nghị", strings.Repeat("x", 65)} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			if err := b.PublishEvents(context.Background(), id, pageTurns(1, 1)); err == nil {
				t.Error("PublishEvents accepted it")
			}
			if err := b.PublishSignal(id, []byte("{}")); err == nil {
				t.Error("PublishSignal accepted it")
			}
			if unsub, err := b.Subscribe(id, func([]meeting.Event) {}, nil); err == nil {
				unsub()
				t.Error("Subscribe accepted it")
			}
		})
	}
	// The longest safe id still works.
	id := strings.Repeat("x", 64)
	in := subscribe(t, b, id)
	publish(t, b, id, pageTurns(1, 1))
	in.waitFor(t, "an event on a 64-character id", func() bool { return len(in.events) == 1 })
}

func TestConnectFailsClearly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A port that was free a moment ago: nothing listens there.
	cluster := natstest.StartCluster(t, 1)
	dead := cluster.URLs()[0]
	cluster.Stop(0)
	_, err := natsbus.Open(ctx, natsbus.Config{URLs: []string{dead}, Logger: quietLogger()})
	if err == nil || !strings.Contains(err.Error(), "natsbus: connecting") {
		t.Fatalf("opening a bus on a dead server: got %v, want a natsbus connecting error", err)
	}
}

func TestCluster(t *testing.T) {
	cluster := natstest.StartCluster(t, 3)
	urls := cluster.URLs()

	// Each bus prefers one server: it is given that server's URL alone.
	onA := mustOpen(t, natsbus.Config{Name: "a", URLs: urls[0:1], Key: testKey})
	onC := mustOpen(t, natsbus.Config{Name: "c", URLs: urls[2:3], Key: testKey})

	t.Run("a subscriber on A gets what a publisher on C publishes", func(t *testing.T) {
		in := subscribe(t, onA, "m-route")
		// The events and the signals are two subscriptions, whose interest
		// crosses the route each in its own time; a signal is core NATS,
		// lost if sent before.
		cluster.WaitForInterest(t, 2, "dais.m.m-route.ev")
		cluster.WaitForInterest(t, 2, "dais.m.m-route.sig")
		want := pageTurns(1, 5)
		for i := range want {
			publish(t, onC, "m-route", want[i:i+1])
		}
		if err := onC.PublishSignal("m-route", []byte(`{"n":1}`)); err != nil {
			t.Fatal(err)
		}
		in.waitFor(t, "5 events and a signal across the route", func() bool { return len(in.events) == 5 && len(in.signals) == 1 })
		got, _ := in.snapshot()
		for i, ev := range got {
			if ev.Seq != want[i].Seq || mustJSON(t, ev) != mustJSON(t, want[i]) {
				t.Fatalf("event %d: got %s, want %s", i, mustJSON(t, ev), mustJSON(t, want[i]))
			}
		}
	})

	t.Run("a bus given all three URLs survives one server stopping", func(t *testing.T) {
		sub := mustOpen(t, natsbus.Config{Name: "sub", URLs: urls, Key: testKey})
		pub := mustOpen(t, natsbus.Config{Name: "pub", URLs: urls, Key: testKey})
		in := subscribe(t, sub, "m-failover")
		for i := range 3 {
			cluster.WaitForInterest(t, i, "dais.m.m-failover.ev")
		}
		publish(t, pub, "m-failover", pageTurns(1, 1))
		in.waitFor(t, "the first event", func() bool { return len(in.events) == 1 })

		// Stop the server the subscriber is on: it must move to another.
		victim := serverOf(t, cluster, "sub")
		cluster.Stop(victim)

		// Core NATS may drop what is published while the subscriber
		// reconnects (the log fills such gaps in Dais). Keep publishing
		// until one arrives through another server; then nothing more is
		// lost.
		seq := uint64(2)
		deadline := time.Now().Add(15 * time.Second)
		for {
			publish(t, pub, "m-failover", pageTurns(seq, 1))
			seq++
			if evs, _ := in.snapshot(); len(evs) > 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no event reached the subscriber within 15 s after server %d stopped", victim)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if now := serverOf(t, cluster, "sub"); now == victim {
			t.Fatalf("subscriber still on the stopped server %d", victim)
		}
		for _, i := range cluster.Running() {
			cluster.WaitForInterest(t, i, "dais.m.m-failover.ev")
		}
		want := pageTurns(seq, 20)
		for i := range want {
			publish(t, pub, "m-failover", want[i:i+1])
		}
		in.waitFor(t, "20 events after the failover", func() bool {
			return len(in.events) > 0 && in.events[len(in.events)-1].Seq == want[len(want)-1].Seq
		})
		// Nothing twice, nothing out of order, and every event published
		// once the subscriber was back on the cluster arrived.
		after, _ := in.snapshot()
		var fromWant []uint64
		for i, ev := range after {
			if i > 0 && ev.Seq <= after[i-1].Seq {
				t.Fatalf("event %d after %d: duplicate or out of order", ev.Seq, after[i-1].Seq)
			}
			if ev.Seq >= want[0].Seq {
				fromWant = append(fromWant, ev.Seq)
			}
		}
		if len(fromWant) != len(want) {
			t.Fatalf("after the failover got seqs %v, want %d..%d", fromWant, want[0].Seq, want[len(want)-1].Seq)
		}
		if err := sub.Ping(timeout(t)); err != nil {
			t.Fatalf("ping after the failover: %v", err)
		}
	})
}

func mustJSON(tb testing.TB, ev meeting.Event) string {
	tb.Helper()
	b, err := ev.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// serverOf returns the index of the running server a client named name is
// connected to, failing the test when none is within 10 s.
func serverOf(tb testing.TB, c *natstest.Cluster, name string) int {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if i := c.ServerOf(tb, name); i >= 0 {
			return i
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no running server has a client named %q", name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLeafListenerNeedsCredentials: nats-server admits a leaf connection
// with no credentials when its leafnode block has none — a centre started
// with a sites file listing no site did, and a leaf with no user connected
// and read every meeting's subjects. Open refuses such a listener; one
// with a user, or with client certificates verified, opens.
func TestLeafListenerNeedsCredentials(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []natsbus.Config{
		{Name: "centre", LeafListen: "127.0.0.1:0"},
		{Name: "centre", LeafListen: "127.0.0.1:0", LeafTLS: &tls.Config{}},
		{Name: "centre", LeafListen: "127.0.0.1:0", LeafTLS: &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven}},
	} {
		if b, err := natsbus.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "would admit any leaf connection") {
			if b != nil {
				b.Close()
			}
			t.Errorf("a leaf listener with %+v: %v, want a refusal", cfg.LeafTLS, err)
		}
	}
	b, err := natsbus.Open(ctx, natsbus.Config{Name: "centre", LeafListen: "127.0.0.1:0", LeafUser: "site", LeafPassword: "mật-khẩu"})
	if err != nil {
		t.Fatalf("a leaf listener with a user: %v", err)
	}
	b.Close()
}
