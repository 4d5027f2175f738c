package gateway

import (
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// pingRound runs every slot of one ping interval once, as the pinger does
// one slot per tick, and returns the slot each connection was pinged in
// (draining the pings from the queues). A connection pinged twice in the
// round fails the test.
func pingRound(t *testing.T, g *Gateway, conns []*conn) map[*conn]int {
	t.Helper()
	at := map[*conn]int{}
	for slot := range pingSlots {
		g.pingSlot(slot)
		for _, c := range conns {
			for _, pm := range takeQueued(c) {
				if pm != pingMark {
					t.Fatalf("slot %d queued %v, want a ping", slot, pm)
				}
				if prev, ok := at[c]; ok {
					t.Fatalf("a connection was pinged in slots %d and %d of one interval", prev, slot)
				}
				at[c] = slot
			}
		}
	}
	return at
}

// TestPingsSpreadOverInterval: the N connections' pings fall in the
// interval's slots evenly (each slot holds ⌊N/slots⌋ or ⌈N/slots⌉
// connections), every connection once per interval, never all at once;
// the slots stay even as connections leave and others come.
func TestPingsSpreadOverInterval(t *testing.T) {
	for _, n := range []int{1, 7, pingSlots, 3*pingSlots + 11, 1000} {
		g := New(Config{PingInterval: time.Hour}, nil, nil, nil) // the real ticker never fires here
		newConns := func(k int) []*conn {
			cs := make([]*conn, k)
			for i := range cs {
				cs[i] = &conn{g: g, queueMax: 2}
				if !g.register(cs[i]) {
					t.Fatal("register refused")
				}
			}
			return cs
		}
		check := func(conns []*conn, what string) {
			t.Helper()
			at := pingRound(t, g, conns)
			if len(at) != len(conns) {
				t.Fatalf("%s, %d connections: %d pinged in one interval", what, len(conns), len(at))
			}
			per := make([]int, pingSlots)
			for _, s := range at {
				per[s]++
			}
			lo, hi := len(conns)/pingSlots, (len(conns)+pingSlots-1)/pingSlots
			for s, k := range per {
				if k < lo || k > hi {
					t.Fatalf("%s, %d connections: slot %d pings %d, want %d–%d (slots %v)", what, len(conns), s, k, lo, hi, per)
				}
			}
		}
		conns := newConns(n)
		check(conns, "connected")
		// Every other one leaves (those of the low slots first), as many
		// new ones come: they fill the emptied slots.
		var kept []*conn
		for i, c := range conns {
			if i%2 == 0 {
				g.unregister(c)
			} else {
				kept = append(kept, c)
			}
		}
		kept = append(kept, newConns(n-len(kept))...)
		check(kept, "after churn")
		for _, c := range kept {
			g.unregister(c)
		}
		for s := range g.phases {
			if len(g.phases[s]) != 0 {
				t.Fatalf("slot %d keeps %d connections that left", s, len(g.phases[s]))
			}
		}
		_ = g.Shutdown(t.Context())
	}
}

// TestBudgetSweepAmortized: with more participants connected than
// budgetSweep, a connect does not sweep every budget again — the next
// sweep waits until the map has doubled.
func TestBudgetSweepAmortized(t *testing.T) {
	g := New(Config{PingInterval: time.Hour}, nil, nil, nil)
	defer func() { _ = g.Shutdown(t.Context()) }()
	var conns []*conn
	for i := range budgetSweep + 1000 {
		c := &conn{g: g, queueMax: 1}
		c.sess.Meeting, c.sess.Participant, c.sess.Token = "m", "p"+strconv.Itoa(i), "t"+strconv.Itoa(i)
		if !g.register(c) {
			t.Fatal("register refused")
		}
		g.acquireBudget(c)
		conns = append(conns, c)
	}
	if len(g.budgets) != budgetSweep+1000 {
		t.Fatalf("%d budgets, want every held one kept", len(g.budgets))
	}
	if g.budgetsSwept != 2*budgetSweep {
		t.Fatalf("next sweep at %d budgets, want %d (one sweep, at %d)", g.budgetsSwept, 2*budgetSweep, budgetSweep)
	}
	for _, c := range conns {
		g.releaseBudget(c)
		g.unregister(c)
	}
}

// TestQueueSizes: a delegate's or an observer's connection has the lean
// queue, the chair's and a secretary's the full one.
func TestQueueSizes(t *testing.T) {
	g := New(Config{PingInterval: time.Hour}, nil, nil, nil)
	defer func() { _ = g.Shutdown(t.Context()) }()
	for role, want := range map[meeting.Role]int{meeting.RoleDelegate: 64, meeting.RoleObserver: 64, meeting.RoleChair: 256, meeting.RoleSecretary: 256, meeting.RoleDisplay: 256} {
		c := newConn(g, nil, access.Session{Role: role})
		if got := c.queueMax; got != want {
			t.Errorf("%s: queue of %d, want %d", role, got, want)
		}
	}
}

// TestUserTimeoutSet: a TCP socket gets TCP_USER_TIMEOUT as asked (on
// Linux), which is what lets pingSlot skip a connection being written to.
func TestUserTimeoutSet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ok := setUserTimeout(c, 62500*time.Millisecond)
	if runtime.GOOS != "linux" {
		if ok {
			t.Fatal("TCP_USER_TIMEOUT reported set outside Linux")
		}
		return
	}
	if !ok {
		t.Fatal("TCP_USER_TIMEOUT not set on a TCP socket")
	}
	if got := userTimeoutMS(t, c); got != 62500 {
		t.Fatalf("TCP_USER_TIMEOUT = %d ms, want 62500", got)
	}
	a, b := net.Pipe() // not a socket: every connection of this kind is pinged
	defer a.Close()
	defer b.Close()
	if setUserTimeout(a, time.Second) {
		t.Fatal("TCP_USER_TIMEOUT reported set on a pipe")
	}
}
