// Package natstest owns the NATS fixture of Dais's tests: a cluster of
// in-process nats-servers on loopback, on random client and cluster ports,
// routed to one another, whose servers a test may stop one by one.
//
// It is imported by tests only. A Cluster's methods may be called
// concurrently; every helper that can fail takes a testing.TB.
package natstest

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is a NATS cluster of in-process servers started by StartCluster.
type Cluster struct {
	mu   sync.Mutex
	srvs []*server.Server // nil once stopped
	urls []string
}

// StartCluster starts n servers (named nats0, nats1, ...) on 127.0.0.1 with
// random client and cluster ports, each routed to the ones started before
// it, and returns once every server has a route to every other (failing tb
// after 10 s). configure, when given, may change each server's options
// before it starts (e.g. MaxPayload). The test's cleanup stops every server
// and waits for it.
func StartCluster(tb testing.TB, n int, configure ...func(i int, o *server.Options)) *Cluster {
	tb.Helper()
	c := &Cluster{}
	tb.Cleanup(c.Shutdown)
	var routes []*url.URL
	for i := range n {
		opts := &server.Options{
			ServerName: fmt.Sprintf("nats%d", i),
			Host:       "127.0.0.1",
			Port:       -1,
			NoSigs:     true,
			NoLog:      true,
			Cluster:    server.ClusterOpts{Name: "dais-test", Host: "127.0.0.1", Port: -1},
			Routes:     append([]*url.URL(nil), routes...),
		}
		for _, f := range configure {
			f(i, opts)
		}
		srv, err := server.NewServer(opts)
		if err != nil {
			tb.Fatalf("nats server %d: %v", i, err)
		}
		srv.Start()
		if !srv.ReadyForConnections(10 * time.Second) {
			srv.Shutdown()
			tb.Fatalf("nats server %d did not start", i)
		}
		c.mu.Lock()
		c.srvs = append(c.srvs, srv)
		c.urls = append(c.urls, srv.ClientURL())
		c.mu.Unlock()
		routes = append(routes, &url.URL{Scheme: "nats", Host: srv.ClusterAddr().String()})
	}
	deadline := time.Now().Add(10 * time.Second)
	for i := range n {
		srv := c.Server(i)
		for srv.NumRemotes() != n-1 {
			if time.Now().After(deadline) {
				tb.Fatalf("nats server %d has %d routes, want %d", i, srv.NumRemotes(), n-1)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return c
}

// URLs returns the client URLs of all the servers, stopped ones included,
// in start order. The slice is the caller's.
func (c *Cluster) URLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.urls...)
}

// Server returns server i, or nil once it is stopped.
func (c *Cluster) Server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.srvs[i]
}

// Running lists the indexes of the servers not stopped, in order.
func (c *Cluster) Running() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for i, s := range c.srvs {
		if s != nil {
			out = append(out, i)
		}
	}
	return out
}

// Stop shuts server i down and waits for it. Stopping a stopped server does
// nothing.
func (c *Cluster) Stop(i int) {
	c.mu.Lock()
	srv := c.srvs[i]
	c.srvs[i] = nil
	c.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Shutdown stops every server and waits for them. It may be called more
// than once.
func (c *Cluster) Shutdown() {
	c.mu.Lock()
	n := len(c.srvs)
	c.mu.Unlock()
	for i := range n {
		c.Stop(i)
	}
}

// ServerOf returns the index of the running server that a client whose
// connection name is name is connected to at this moment, or -1 when none
// is. It does not wait.
func (c *Cluster) ServerOf(tb testing.TB, name string) int {
	tb.Helper()
	for _, i := range c.Running() {
		srv := c.Server(i)
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

// WaitForInterest waits until running server i knows of a subscription to
// subject (one of its own clients', or one propagated over a route),
// failing tb after 10 s.
func (c *Cluster) WaitForInterest(tb testing.TB, i int, subject string) {
	tb.Helper()
	srv := c.Server(i)
	if srv == nil {
		tb.Fatalf("nats server %d is stopped", i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.GlobalAccount().Interest(subject) == 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("nats server %d never learned of the subscription to %s", i, subject)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
