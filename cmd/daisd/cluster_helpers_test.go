package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/seal"
)

// This file holds the machinery of TestCluster (the NATS cluster and the
// Redis fixtures come from natstest and redistest): cluster nodes, and
// devices (participants' tablets) that record every event they get
// across reconnections.

// testLogger discards node logs unless DAIS_TEST_LOG=1.
func testLogger(name string) *slog.Logger {
	if os.Getenv("DAIS_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func timeoutCtx(tb testing.TB, d time.Duration) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it returns nil, failing the test with its
// last error after d.
func eventually(tb testing.TB, d time.Duration, what string, cond func() error) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: still not true after %s: %v", what, d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// natsMaxPayload lets the nodes publish large batches of events, as
// daisd's own embedded server does.
func natsMaxPayload(_ int, o *server.Options) { o.MaxPayload = 8 << 20 }

// testBridgeKey is the bridge key of the tests' centres (lone and
// clustered); their edges are given its public half.
var testBridgeKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func testBridgePublic() ed25519.PublicKey { return testBridgeKey.Public().(ed25519.PublicKey) }

// clusterBusKey is the bus key every node of a test cluster shares.
var clusterBusKey = []byte("test cluster bus key, 32+ bytes long")

// startClusterNode starts a clustered node (Redis store, external NATS) on a
// random loopback port; the test's cleanup drains it.
func startClusterNode(tb testing.TB, name, redisURL, prefix string, natsURLs []string, configure ...func(*config)) *node {
	tb.Helper()
	// The nodes of one cluster (one prefix) share their ballot key.
	key := seal.Key(sha256.Sum256([]byte("test ballot key " + prefix)))
	cfg := config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: name,
		RedisURL: redisURL, RedisPrefix: prefix, NATSURLs: natsURLs, BallotKey: &key, BridgeKey: testBridgeKey, NATS: natsbus.Config{Key: clusterBusKey},
		DrainTimeout: 5 * time.Second, Logger: testLogger(name),
	}
	for _, f := range configure {
		f(&cfg)
	}
	n, err := startNode(timeoutCtx(tb, 15*time.Second), cfg)
	if err != nil {
		tb.Fatalf("starting node %s: %v", name, err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	return n
}

// readyz returns the node's /readyz status code.
func readyz(n *node) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL(n)+"/readyz", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// device is one tablet or console of a participant. It records every event
// it receives, over all its connections: the daisclient refuses a duplicate
// or out-of-order seq within a connection, and a resume continues from the
// last seq received, so the record is the participant's whole stream.
type device struct {
	owner   testing.TB // the test whose end closes the device's connections
	id      string     // participant
	role    meeting.Role
	token   string
	meeting string
	start   uint64 // the seq of the first connection's snapshot

	mu     sync.Mutex
	cond   *sync.Cond
	events []meeting.Event
	bad    error // a duplicate or out-of-order seq seen across connections
	c      *daisclient.Client
	node   int // index of the node it is connected to
}

func newDevice(owner testing.TB, id string, role meeting.Role, meetingID, token string) *device {
	d := &device{owner: owner, id: id, role: role, token: token, meeting: meetingID}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// record is the client's OnEvent callback.
func (d *device) record(r daisclient.Received) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n := len(d.events); n > 0 && r.Event.Seq <= d.events[n-1].Seq && d.bad == nil {
		d.bad = fmt.Errorf("%s: event %d after %d", d.id, r.Event.Seq, d.events[n-1].Seq)
	}
	d.events = append(d.events, r.Event)
	d.cond.Broadcast()
}

// dial connects the device to node i of nodes: fresh (a snapshot) the first
// time, resuming from the last seq it received afterwards.
func (d *device) dial(tb testing.TB, nodes []*node, i int) {
	tb.Helper()
	d.dialURL(tb, baseURL(nodes[i]), i)
}

// dialURL is dial to the node at url (any build's daisd), which the
// device's record calls node i.
func (d *device) dialURL(tb testing.TB, url string, i int) {
	tb.Helper()
	d.mu.Lock()
	last := d.start
	if n := len(d.events); n > 0 {
		last = d.events[n-1].Seq
	}
	first := d.c == nil
	d.mu.Unlock()
	if first {
		last = 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := daisclient.Dial(ctx, url, d.token, daisclient.Options{LastSeq: last, OnEvent: d.record})
	if err != nil {
		tb.Fatalf("%s: dialling node %d: %v", d.id, i, err)
	}
	d.owner.Cleanup(func() { _ = c.Close() })
	w := c.Welcome()
	if w.Participant != d.id || w.Meeting != d.meeting {
		tb.Fatalf("%s: welcome %+v", d.id, w)
	}
	d.mu.Lock()
	if first {
		d.start = w.Seq
	}
	d.c, d.node = c, i
	d.mu.Unlock()
}

func (d *device) client() *daisclient.Client {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.c
}

// do runs cmd and fails the test on any error.
func (d *device) do(tb testing.TB, cmd meeting.Command) uint64 {
	tb.Helper()
	seq, err := d.try(cmd)
	if err != nil {
		tb.Fatalf("%s: %s: %v", d.id, cmd.CommandName(), err)
	}
	return seq
}

// try runs cmd and returns its ack's seq or error.
func (d *device) try(cmd meeting.Command) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return d.client().Do(ctx, cmd)
}

// received returns a copy of the events received so far.
func (d *device) received() []meeting.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]meeting.Event(nil), d.events...)
}

// waitSeq waits until the device has received an event with seq >= seq.
func (d *device) waitSeq(tb testing.TB, seq uint64) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	stop := time.AfterFunc(15*time.Second, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop.Stop()
	d.mu.Lock()
	for len(d.events) == 0 || d.events[len(d.events)-1].Seq < seq {
		if time.Now().After(deadline) {
			got := uint64(0)
			if len(d.events) > 0 {
				got = d.events[len(d.events)-1].Seq
			}
			c, node := d.c, d.node
			// Unlock first: the client calls record with its own lock held.
			d.mu.Unlock()
			tb.Fatalf("%s (node %d): waited for seq %d, last received %d (connection: %v)", d.id, node, seq, got, c.Err())
		}
		d.cond.Wait()
	}
	d.mu.Unlock()
}

// mayReceive is the visibility rule of docs/protocol.md as it applies to
// the events of these tests: a BallotCast goes to its voter, the chair and
// the secretaries; every other event to everyone.
func mayReceive(d *device, ev meeting.Event) bool {
	if bc, ok := ev.Data.(meeting.BallotCast); ok {
		return bc.Voter == d.id || d.role == meeting.RoleChair || d.role == meeting.RoleSecretary
	}
	// Delegates and observers get attendance as counts: only their own
	// check-ins and outs as events.
	lean := d.role == meeting.RoleDelegate || d.role == meeting.RoleObserver
	switch e := ev.Data.(type) {
	case meeting.CheckedIn:
		return !lean || e.Participant == d.id
	case meeting.CheckedOut:
		return !lean || e.Participant == d.id
	}
	return true
}

// formFor is the form of a log event that device d receives: a named
// poll's PollClosed lists the voters only for the chair and the
// secretaries (meeting.Redact), restated here from the protocol's rule.
func formFor(d *device, ev meeting.Event) meeting.Event {
	if pc, ok := ev.Data.(meeting.PollClosed); ok && d.role != meeting.RoleChair && d.role != meeting.RoleSecretary {
		pc.Voters = nil
		ev.Data = pc
	}
	return ev
}

// settle reads the whole log through n and checks that every device got
// exactly the events meant for it after its snapshot: each once, in order,
// none missing (waiting for the last one with a deadline).
func settle(tb testing.TB, n *node, meetingID string, devices []*device) []meeting.Event {
	tb.Helper()
	log, err := n.svc.ReadEvents(timeoutCtx(tb, 10*time.Second), meetingID, 1, 1<<20)
	if err != nil {
		tb.Fatalf("reading the log: %v", err)
	}
	for i, ev := range log {
		if ev.Seq != uint64(i+1) {
			tb.Fatalf("the log has seq %d at position %d", ev.Seq, i+1)
		}
	}
	for _, d := range devices {
		var want []uint64
		for _, ev := range log {
			if ev.Seq > d.start && mayReceive(d, ev) {
				want = append(want, ev.Seq)
			}
		}
		if len(want) > 0 {
			d.waitSeq(tb, want[len(want)-1])
		}
		d.mu.Lock()
		bad := d.bad
		var got []uint64
		for _, ev := range d.events {
			got = append(got, ev.Seq)
		}
		d.mu.Unlock()
		if bad != nil {
			tb.Fatal(bad)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			tb.Fatalf("%s (node %d): received seqs\n%v\nwant (from the log)\n%v", d.id, d.node, got, want)
		}
		// And each is the log's event as this device receives it, not
		// just its number.
		for _, ev := range d.received() {
			if want := formFor(d, log[ev.Seq-1]); mustJSON(ev) != mustJSON(want) {
				tb.Fatalf("%s: event %d is %s, want %s (the log has %s)", d.id, ev.Seq, mustJSON(ev), mustJSON(want), mustJSON(log[ev.Seq-1]))
			}
		}
	}
	return log
}
