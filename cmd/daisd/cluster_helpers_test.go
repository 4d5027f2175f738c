package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// This file holds the machinery of TestCluster: an in-process NATS cluster,
// Redis key-prefix hygiene, a redis-server of the test's own, cluster nodes,
// and devices (participants' tablets) that record every event they get
// across reconnections.

// sharedRedis is the Redis every package's tests share. Tests touch only
// keys under their own prefix and never its configuration.
const sharedRedis = "127.0.0.1:6379"

// testLogger discards node logs unless DAIS_TEST_LOG=1.
func testLogger(name string) *slog.Logger {
	if os.Getenv("DAIS_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func randomHex(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
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

// natsCluster is a NATS cluster of in-process servers on loopback, on random
// client and cluster ports.
type natsCluster struct {
	mu   sync.Mutex
	srvs []*server.Server // nil once stopped
	urls []string
}

// startNATSCluster starts n routed servers and waits until each has a route
// to every other; the test's cleanup stops them.
func startNATSCluster(tb testing.TB, n int) *natsCluster {
	tb.Helper()
	c := &natsCluster{}
	tb.Cleanup(c.shutdown)
	var routes []*url.URL
	for i := range n {
		srv, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("nats%d", i),
			Host:       "127.0.0.1",
			Port:       -1,
			NoSigs:     true,
			NoLog:      true,
			MaxPayload: 8 << 20,
			Cluster:    server.ClusterOpts{Name: "dais-test", Host: "127.0.0.1", Port: -1},
			Routes:     append([]*url.URL(nil), routes...),
		})
		if err != nil {
			tb.Fatalf("nats server %d: %v", i, err)
		}
		srv.Start()
		if !srv.ReadyForConnections(10 * time.Second) {
			tb.Fatalf("nats server %d did not start", i)
		}
		c.srvs = append(c.srvs, srv)
		c.urls = append(c.urls, srv.ClientURL())
		routes = append(routes, &url.URL{Scheme: "nats", Host: srv.ClusterAddr().String()})
	}
	for i, srv := range c.srvs {
		eventually(tb, 10*time.Second, fmt.Sprintf("nats server %d routes", i), func() error {
			if got := srv.NumRemotes(); got != n-1 {
				return fmt.Errorf("%d routes, want %d", got, n-1)
			}
			return nil
		})
	}
	return c
}

func (c *natsCluster) server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srvs[i]
}

// serverOf returns the index of the running server a client named name is
// connected to, or -1.
func (c *natsCluster) serverOf(tb testing.TB, name string) int {
	tb.Helper()
	for i := range c.srvs {
		srv := c.server(i)
		if srv == nil {
			continue
		}
		cz, err := srv.Connz(&server.ConnzOptions{})
		if err != nil {
			tb.Fatalf("connz of nats server %d: %v", i, err)
		}
		for _, ci := range cz.Conns {
			if ci.Name == name {
				return i
			}
		}
	}
	return -1
}

// stop shuts server i down and waits for it.
func (c *natsCluster) stop(i int) {
	c.mu.Lock()
	srv := c.srvs[i]
	c.srvs[i] = nil
	c.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

func (c *natsCluster) shutdown() {
	for i := range c.srvs {
		c.stop(i)
	}
}

// redisPrefix returns a fresh key prefix on the shared Redis and deletes
// every key under it when the test ends (after the nodes using it stopped,
// if they were started later). It fails the test when that Redis does not
// answer.
func redisPrefix(tb testing.TB) string {
	tb.Helper()
	prefix := "daistest:cluster:" + randomHex(tb, 6) + ":"
	client := goredis.NewClient(&goredis.Options{Addr: sharedRedis})
	defer client.Close()
	if err := client.Ping(timeoutCtx(tb, 5*time.Second)).Err(); err != nil {
		tb.Fatalf("the Redis at %s is not reachable (TestCluster needs it running): %v", sharedRedis, err)
	}
	tb.Cleanup(func() { deletePrefix(tb, sharedRedis, prefix) })
	return prefix
}

// deletePrefix deletes every key under prefix with SCAN + DEL (never
// FLUSHDB: the Redis is shared).
func deletePrefix(tb testing.TB, addr, prefix string) {
	tb.Helper()
	client := goredis.NewClient(&goredis.Options{Addr: addr})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var cursor uint64
	for {
		// The prefix is made of hex digits, letters and ':' only: no glob
		// characters to escape.
		keys, next, err := client.Scan(ctx, cursor, prefix+"*", 1000).Result()
		if err != nil {
			tb.Errorf("cleanup of %s*: %v", prefix, err)
			return
		}
		if len(keys) > 0 {
			if err := client.Del(ctx, keys...).Err(); err != nil {
				tb.Errorf("cleanup of %s*: %v", prefix, err)
				return
			}
		}
		if next == 0 {
			return
		}
		cursor = next
	}
}

// redisServerBin is the Redis the outage scenario runs on its own.
const redisServerBin = "/usr/bin/redis-server"

// redisProcess is a redis-server of the test's own, with its append-only
// file in a temp dir, so that it can be SIGKILLed and restarted with its
// data on the same port.
type redisProcess struct {
	tb   testing.TB
	dir  string
	port int
	mu   sync.Mutex
	cmd  *exec.Cmd // nil while stopped
}

// startRedisProcess starts a redis-server on a free port; the test's cleanup
// kills it.
func startRedisProcess(tb testing.TB) *redisProcess {
	tb.Helper()
	if _, err := os.Stat(redisServerBin); err != nil {
		tb.Fatalf("this test needs %s: %v", redisServerBin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &redisProcess{tb: tb, dir: tb.TempDir(), port: port}
	tb.Cleanup(r.kill)
	r.start()
	return r
}

func (r *redisProcess) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }
func (r *redisProcess) url() string  { return "redis://" + r.addr() + "/0" }

// start starts the server and waits until it answers PING.
func (r *redisProcess) start() {
	r.tb.Helper()
	cmd := exec.Command(redisServerBin,
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"),
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
		"--maxmemory-policy", "noeviction", "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		r.tb.Fatalf("starting %s: %v", redisServerBin, err)
	}
	r.mu.Lock()
	r.cmd = cmd
	r.mu.Unlock()
	client := goredis.NewClient(&goredis.Options{Addr: r.addr(), MaxRetries: -1})
	defer client.Close()
	eventually(r.tb, 20*time.Second, "redis-server on "+r.addr()+" answers", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return client.Ping(ctx).Err()
	})
}

// kill stops the server with SIGKILL, as a crash would, and waits for it.
func (r *redisProcess) kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// startClusterNode starts a clustered node (Redis store, external NATS) on a
// random loopback port; the test's cleanup drains it.
func startClusterNode(tb testing.TB, name, redisURL, prefix string, natsURLs []string) *node {
	tb.Helper()
	n, err := startNode(timeoutCtx(tb, 15*time.Second), config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: name,
		RedisURL: redisURL, RedisPrefix: prefix, NATSURLs: natsURLs,
		DrainTimeout: 5 * time.Second, Logger: testLogger(name),
	})
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
	c, err := daisclient.Dial(ctx, baseURL(nodes[i]), d.token, daisclient.Options{LastSeq: last, OnEvent: d.record})
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
	return true
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
		// And each is the log's event, not just its number.
		for _, ev := range d.received() {
			if mustJSON(ev) != mustJSON(log[ev.Seq-1]) {
				tb.Fatalf("%s: event %d is %s, the log has %s", d.id, ev.Seq, mustJSON(ev), mustJSON(log[ev.Seq-1]))
			}
		}
	}
	return log
}
