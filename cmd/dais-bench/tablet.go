package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// Target is a running Dais deployment with seeded meetings, as the
// scenarios see it.
type Target struct {
	// URLs are the nodes' base URLs (http://host:port); tablet i talks to
	// URLs[i%len(URLs)].
	URLs []string
	// Pids are the server processes whose CPU time and memory are
	// measured; empty measures nothing.
	Pids []int
	// BusPids are the NATS servers' processes (clustered mode), measured
	// apart from the nodes.
	BusPids []int
	// Meetings were prepared by seed; their codes are redeemed on first use.
	Meetings []Seeded
	// Log receives progress lines; nil discards them.
	Log func(format string, args ...any)
	// GC, when set, makes the servers collect garbage (before memory is
	// read).
	GC func(ctx context.Context) error
	// MetricsURLs are the nodes' internal listeners, whose /metrics the
	// page-turn scenario reads before and after its measured phase.
	MetricsURLs []string
	// Measuring, when set, is called when a scenario starts its measured
	// phase (after connecting), e.g. to start a CPU profile.
	Measuring func()
	// Bridge, when set, is the centre's leafnode listener for the bridge
	// scenario's edges.
	Bridge *bridgeEnv

	// hubPerDelivery is the bare hub's CPU per delivery (µs) when the hub
	// scenario ran before, for the pageturn ratio.
	hubPerDelivery float64
	// hub is what the hub scenario measured, when it ran before.
	hub *hubFigures

	sessions map[string]daisclient.Session // code → session
	nextPoll map[string]int                // meeting → polls used
	// elections is how many elections the election scenario created.
	elections int
	// StoredBallot, when set, returns the size in bytes of one ballot as
	// stored in the open secret box of poll (clustered mode reads Redis).
	StoredBallot func(ctx context.Context, meeting, poll string) (int, error)
}

func (t *Target) logf(format string, args ...any) {
	if t.Log != nil {
		t.Log(format, args...)
	}
}

// measuring calls t.Measuring when set.
func (t *Target) measuring() {
	if t.Measuring != nil {
		t.Measuring()
	}
}

// collect runs t.GC when set, logging a failure.
func (t *Target) collect(ctx context.Context) {
	if t.GC == nil {
		return
	}
	if err := t.GC(ctx); err != nil {
		t.logf("forcing a GC on the server: %v", err)
	}
}

// hubFigures are the bare hub's figures of this run, for comparison.
type hubFigures struct {
	connectS      float64 // seconds to connect every tablet
	rssPerConnKiB float64
	p99           float64 // page turn p99, ms
}

func (t *Target) url(i int) string { return t.URLs[i%len(t.URLs)] }

// redeem signs in every code not yet redeemed, conc at a time, and returns
// the sessions in the order of codes.
func (t *Target) redeem(ctx context.Context, codes []string, conc int) ([]daisclient.Session, error) {
	if t.sessions == nil {
		t.sessions = map[string]daisclient.Session{}
	}
	out := make([]daisclient.Session, len(codes))
	var mu sync.Mutex
	err := forEach(ctx, len(codes), conc, func(ctx context.Context, i int) error {
		mu.Lock()
		s, ok := t.sessions[codes[i]]
		mu.Unlock()
		if !ok {
			var err error
			if s, err = daisclient.Join(ctx, t.url(i), codes[i]); err != nil {
				return fmt.Errorf("joining with code %d: %w", i, err)
			}
			mu.Lock()
			t.sessions[codes[i]] = s
			mu.Unlock()
		}
		out[i] = s
		return nil
	})
	return out, err
}

// delegates returns n delegate sessions: the first n of meeting m, or, with
// spread, round robin over every meeting.
func (t *Target) delegates(ctx context.Context, n int, spread bool, conc int) ([]daisclient.Session, error) {
	var codes []string
	if !spread {
		if n > len(t.Meetings[0].Delegates) {
			return nil, fmt.Errorf("meeting %s has %d delegates, %d asked for", t.Meetings[0].ID, len(t.Meetings[0].Delegates), n)
		}
		codes = t.Meetings[0].Delegates[:n]
	} else {
		for i := 0; len(codes) < n; i++ {
			m := t.Meetings[i%len(t.Meetings)]
			j := i / len(t.Meetings)
			if j >= len(m.Delegates) {
				return nil, fmt.Errorf("the seeded meetings have fewer than %d delegates", n)
			}
			codes = append(codes, m.Delegates[j])
		}
	}
	return t.redeem(ctx, codes, conc)
}

// poll returns the next unused poll of meeting 0.
func (t *Target) poll() (string, error) {
	if t.nextPoll == nil {
		t.nextPoll = map[string]int{}
	}
	m := t.Meetings[0]
	i := t.nextPoll[m.ID]
	if i >= len(m.Polls) {
		return "", fmt.Errorf("meeting %s has no unused poll left", m.ID)
	}
	t.nextPoll[m.ID] = i + 1
	return m.Polls[i], nil
}

// forEach runs f(i) for i in [0,n), conc at a time; the first error cancels
// the rest and is returned.
func forEach(ctx context.Context, n, conc int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if conc < 1 {
		conc = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(conc, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// rec is one event a tablet received.
type rec struct {
	seq  uint64
	at   time.Time
	data meeting.EventData
}

// tablet is one simulated tablet: a session, its connection (replaced on
// a resume) and what it received across connections.
type tablet struct {
	i    int
	sess daisclient.Session
	url  string
	// light tablets only time events (daisclient.Options.Light): their
	// records have no data.
	light bool
	// dialer, when set, replaces benchDialer (morning counts bytes).
	dialer *websocket.Dialer
	// wire is when its socket last received what its reader read (see
	// wireStamp).
	wire wireStamp

	mu     sync.Mutex
	c      *daisclient.Client
	recs   []rec
	first  uint64 // the seq of the first welcome
	dupes  int    // events received at or below the last seq (never, by the client's own check)
	closed *meeting.PollClosed
	// closedAt is when the PollClosed arrived.
	closedAt time.Time

	// ctx bounds the tablet's resumes (the scenario's context); nil: it
	// does not resume by itself.
	ctx context.Context
	// away: the bench closed the connection itself (drop, closeAll): no
	// resume.
	away bool
	// kicks are the closes with 4008 (too slow), resumes the reconnections
	// the tablet made by itself with its last seq after the server or the
	// network closed its connection (any close but the final ones, as the
	// web client does), failed why it stopped trying (a final close code).
	kicks, resumes int
	failed         error
	// resuming is set from a close until the next welcome; ended is the
	// last connection whose end was handled (lost).
	resuming bool
	ended    *daisclient.Client
}

// dialer keeps the bench's own memory per connection small.
var benchDialer = &websocket.Dialer{
	HandshakeTimeout: 30 * time.Second,
	ReadBufferSize:   1024,
	WriteBufferSize:  1024,
	Proxy:            http.ProxyFromEnvironment,
}

// onEvent records an event (on the client's reader goroutine).
func (tb *tablet) onEvent(r daisclient.Received) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if n := len(tb.recs); n > 0 && r.Event.Seq <= tb.recs[n-1].seq {
		tb.dupes++
	}
	tb.recs = append(tb.recs, rec{seq: r.Event.Seq, at: r.At, data: r.Event.Data})
	if pc, ok := r.Event.Data.(meeting.PollClosed); ok {
		tb.closed, tb.closedAt = &pc, r.At
	}
}

// dial connects the tablet, resuming after its last seq when it was
// connected before.
func (tb *tablet) dial(ctx context.Context) error {
	return tb.open(ctx, nil)
}

// errAway: the bench closed the tablet while it was resuming.
var errAway = errors.New("closed by the bench")

// open connects the tablet with its last seq. With old set it is the
// tablet's own resume after old was lost: it gives up (errAway) if the
// bench closed or reconnected the tablet meanwhile.
func (tb *tablet) open(ctx context.Context, old *daisclient.Client) error {
	// Lock order: a client's lock, then tb.mu (onEvent runs under the
	// client's lock), so the client is not called with tb.mu held.
	var last uint64
	if cur := tb.client(); cur != nil {
		last = cur.LastSeq()
	}
	dialer := benchDialer
	if tb.dialer != nil {
		dialer = tb.dialer
	}
	dialer = tb.wire.dialer(dialer)
	var c *daisclient.Client
	// A close that comes before tb.c is c waits (OnClose) until it is, so
	// that lost sees it as the tablet's connection.
	var dialed sync.WaitGroup
	dialed.Add(1)
	defer dialed.Done()
	c, err := daisclient.Dial(ctx, tb.url, tb.sess.Token, daisclient.Options{LastSeq: last, OnEvent: tb.onEvent, Dialer: dialer, Light: tb.light, WireClock: tb.wire.clock,
		OnClose: func(err error) {
			dialed.Wait()
			tb.lost(c, err)
		}})
	if err != nil {
		return fmt.Errorf("tablet %d (%s): %w", tb.i, tb.sess.Participant, err)
	}
	tb.mu.Lock()
	if old != nil && (tb.away || tb.c != old) {
		tb.mu.Unlock()
		c.Drop()
		return errAway
	}
	if tb.c == nil {
		tb.first = c.Welcome().Seq
	}
	tb.c, tb.away, tb.resuming = c, false, false
	if old != nil {
		tb.resumes++
	}
	tb.mu.Unlock()
	return nil
}

// finalClose reports whether a close code means the tablet must not
// reconnect as it is (web client: src/core/protocol.ts, lost).
func finalClose(code int) bool {
	switch code {
	case protocol.CloseBadHello, protocol.CloseUnauthorized, protocol.CloseProtocol, protocol.CloseRevoked, protocol.CloseReplaced:
		return true
	}
	return false
}

// lost handles the end of the tablet's connection c: unless the bench
// closed it or the code is final, the tablet resumes by its last seq.
func (tb *tablet) lost(c *daisclient.Client, err error) {
	code := 0
	var ce *daisclient.CloseError
	if errors.As(err, &ce) {
		code = ce.Code
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.ended = c
	if tb.c != c || tb.away {
		return
	}
	if code == protocol.CloseTooSlow {
		tb.kicks++
	}
	if errors.Is(err, daisclient.ErrOutOfOrder) {
		// A duplicate or an event out of order: counted, and the run's
		// failure (a resume would hide it).
		tb.dupes++
		tb.failed = err
		return
	}
	if finalClose(code) || tb.ctx == nil {
		tb.failed = err
		return
	}
	tb.resuming = true
	go tb.resume(c)
}

// resume reconnects with the last seq, with the web client's backoff
// (from 500 ms, doubling to 15 s, half of it random; a move's retry_ms
// after a drain), until a welcome, a final close code, the bench closing
// the tablet, or the scenario's end.
func (tb *tablet) resume(old *daisclient.Client) {
	tb.mu.Lock()
	ctx := tb.ctx
	tb.mu.Unlock()
	stop := func(err error) {
		tb.mu.Lock()
		if tb.c == old {
			tb.failed, tb.resuming = err, false
		}
		tb.mu.Unlock()
	}
	for attempt := 0; ; attempt++ {
		d := min(15*time.Second, 500*time.Millisecond<<min(attempt, 5))
		delay := d/2 + rand.N(d/2)
		if m := old.Moved(); m != nil && attempt == 0 {
			delay = time.Duration(m.RetryMS) * time.Millisecond
		}
		select {
		case <-ctx.Done():
			stop(ctx.Err())
			return
		case <-time.After(delay):
		}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := tb.open(dctx, old)
		cancel()
		var ce *daisclient.CloseError
		switch {
		case err == nil, errors.Is(err, errAway):
			return
		case errors.As(err, &ce) && finalClose(ce.Code):
			stop(err)
			return
		}
		tb.mu.Lock()
		away := tb.away || tb.c != old
		tb.mu.Unlock()
		if away {
			return
		}
	}
}

// drop cuts the tablet's connection on purpose (it does not resume by
// itself; dial brings it back).
func (tb *tablet) drop() {
	tb.mu.Lock()
	tb.away = true
	c := tb.c
	tb.mu.Unlock()
	if c != nil {
		c.Drop()
	}
}

// waitFor waits until cond holds on the tablet's connection, following
// it across the resumes it makes by itself.
func (tb *tablet) waitFor(ctx context.Context, cond func(v daisclient.View) bool) error {
	for {
		c := tb.client()
		err := c.WaitFor(ctx, cond)
		if err == nil || ctx.Err() != nil {
			return err
		}
		// c ended: once its end is handled, wait on the connection that
		// replaces it, if the tablet resumes.
		for {
			tb.mu.Lock()
			cur, resuming, handled := tb.c, tb.resuming, tb.ended == c
			tb.mu.Unlock()
			if cur != c {
				break
			}
			if handled && !resuming {
				return err
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// lastSeq is the seq of the last event the tablet received.
func (tb *tablet) lastSeq() uint64 { return tb.client().LastSeq() }

func (tb *tablet) client() *daisclient.Client {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.c
}

// connectAll makes a tablet per session and dials them, conc at a time.
func connectAll(ctx context.Context, t *Target, sess []daisclient.Session, conc int) ([]*tablet, error) {
	return connect(ctx, t, sess, conc, false)
}

// connectLight is connectAll for tablets that only time events.
func connectLight(ctx context.Context, t *Target, sess []daisclient.Session, conc int) ([]*tablet, error) {
	return connect(ctx, t, sess, conc, true)
}

func connect(ctx context.Context, t *Target, sess []daisclient.Session, conc int, light bool) ([]*tablet, error) {
	tabs := make([]*tablet, len(sess))
	for i, s := range sess {
		tabs[i] = &tablet{i: i, sess: s, url: t.url(i), light: light, ctx: ctx}
	}
	err := forEach(ctx, len(tabs), conc, func(ctx context.Context, i int) error { return tabs[i].dial(ctx) })
	if err != nil {
		closeAll(tabs)
		return nil, err
	}
	return tabs, nil
}

// closeAll closes every connected tablet.
func closeAll(tabs []*tablet) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for _, tb := range tabs {
		if c := tb.client(); c != nil {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				tb.drop()
			}()
		}
	}
	wg.Wait()
}

// countResumes puts in res the tablets' closes as too slow (4008) and
// their own resumes, and fails it for a tablet that stopped trying.
func countResumes(res *Result, tabs []*tablet) (kicks, resumes int) {
	for _, tb := range tabs {
		tb.mu.Lock()
		kicks += tb.kicks
		resumes += tb.resumes
		if tb.failed != nil && !tb.away {
			res.fail("tablet %d lost its connection for good: %v", tb.i, tb.failed)
		}
		tb.mu.Unlock()
	}
	res.Metrics["kicks_4008"], res.Metrics["resumes"] = float64(kicks), float64(resumes)
	return kicks, resumes
}

// waitSeq waits until every tablet has received seq (or later), across
// their resumes.
func waitSeq(ctx context.Context, tabs []*tablet, seq uint64) error {
	for _, tb := range tabs {
		if err := tb.waitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
			return fmt.Errorf("tablet %d waiting for seq %d (has %d): %w", tb.i, seq, tb.lastSeq(), err)
		}
	}
	return nil
}

// dialOne connects one participant by session, keeping no state.
func dialOne(ctx context.Context, url string, s daisclient.Session, opt daisclient.Options) (*daisclient.Client, error) {
	opt.Dialer = benchDialer
	c, err := daisclient.Dial(ctx, url, s.Token, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Participant, err)
	}
	return c, nil
}
