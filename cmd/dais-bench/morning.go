package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// countingConn counts the bytes a tablet's connection reads: what the
// server sent it, WebSocket framing included.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// countingDialer is benchDialer with every byte read counted into n.
func countingDialer(n *atomic.Int64) *websocket.Dialer {
	d := *benchDialer
	var nd net.Dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := nd.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, n: n}, nil
	}
	return &d
}

// morning: a congress morning. N tablets that have never connected redeem
// their invitation codes and connect (a snapshot each) at once, conc at a
// time; then every one checks in at a uniformly spread moment within
// -spread; then the chair turns pages for -duration. It reports the time
// until every tablet has its welcome, until every tablet shows the final
// attendance (after the last check-in's ack), the server's CPU per tablet
// for the sign-in, the bytes sent to each tablet (the welcome, the
// check-in phase), RSS per connection after the fresh connects, and the
// page turns; with the hub scenario before it, the bare hub's connect time,
// RSS per connection and page-turn p99 from the same run beside them.
func morning(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("morning")
	res.Params["tablets"], res.Params["spread_ms"], res.Params["interval_ms"], res.Params["duration_s"] = cfg.Tablets, cfg.Spread.Milliseconds(), cfg.Interval.Milliseconds(), cfg.Duration.Seconds()
	if cfg.Tablets > len(t.Meetings[0].Delegates) {
		return nil, fmt.Errorf("meeting %s has %d delegates, %d asked for", t.Meetings[0].ID, len(t.Meetings[0].Delegates), cfg.Tablets)
	}
	codes := t.Meetings[0].Delegates[:cfg.Tablets]
	for _, c := range codes {
		if _, used := t.sessions[c]; used {
			return nil, fmt.Errorf("morning needs tablets that never signed in: run it before the scenarios that sign the delegates in")
		}
	}
	chairS, _, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()

	tabs := make([]*tablet, len(codes))
	bytesIn := make([]atomic.Int64, len(codes))
	for i := range tabs {
		tabs[i] = &tablet{i: i, url: t.url(i), light: true, dialer: countingDialer(&bytesIn[i]), ctx: ctx}
	}
	defer func() { closeAll(tabs) }()
	defer func() { countResumes(res, tabs) }() // before they are closed
	t.collect(ctx)
	before := measure(t)
	t.measuring()
	t.logf("morning: %d fresh tablets sign in with their codes and connect, %d at a time", len(tabs), cfg.Conc)
	start := time.Now()
	welcomed := make([]time.Duration, len(tabs))
	err = forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		s, err := daisclient.Join(ctx, tabs[i].url, codes[i])
		if err != nil {
			return fmt.Errorf("joining with code %d: %w", i, err)
		}
		tabs[i].sess = s
		if err := tabs[i].dial(ctx); err != nil {
			return err
		}
		welcomed[i] = time.Since(start)
		return nil
	})
	if err != nil {
		return nil, err
	}
	allWelcomed := time.Since(start)
	signedIn := measure(t)
	for i, c := range codes {
		t.sessions[c] = tabs[i].sess
	}
	var wl samples
	wl.add(welcomed...)
	res.Latency["welcome_since_start"] = wl.summarize()
	res.Metrics["all_welcomed_s"] = allWelcomed.Seconds()
	cpu := signedIn.CPU - before.CPU
	res.Metrics["signin_server_cpu_s"] = cpu.Seconds()
	if len(t.Pids) > 0 {
		res.Metrics["signin_server_cpu_per_tablet_ms"] = float64(cpu.Microseconds()) / 1000 / float64(len(tabs))
	}
	var welcomeBytes int64
	for i := range bytesIn {
		welcomeBytes += bytesIn[i].Load()
	}
	res.Metrics["welcome_bytes_per_tablet"] = float64(welcomeBytes) / float64(len(tabs))
	t.collect(ctx)
	settle(ctx, cfg.Settle)
	mem := measure(t)
	if len(t.Pids) > 0 {
		res.Metrics["rss_per_connection_KiB"] = kibPer(mem.RSS, before.RSS, len(tabs))
		res.Metrics["rss_anon_per_connection_KiB"] = kibPer(mem.RSSAnon, before.RSSAnon, len(tabs))
	}
	if hub := t.hub; hub != nil {
		res.Metrics["hub_all_connected_s"] = hub.connectS
		res.Metrics["hub_rss_per_connection_KiB"] = hub.rssPerConnKiB
		if per, ok := res.Metrics["rss_per_connection_KiB"]; ok && hub.rssPerConnKiB > 0 {
			if len(tabs) >= 1000 {
				res.check("RSS per connection, fresh connects, vs the bare hub in this run", "≤ 1×", fmt.Sprintf("%.2f× (%.1f vs %.1f KiB)", per/hub.rssPerConnKiB, per, hub.rssPerConnKiB), per <= hub.rssPerConnKiB)
			} else {
				// As in the idle scenario: too few connections to tell
				// one's cost from the heap's own growth.
				res.Notes = append(res.Notes, fmt.Sprintf("memory per connection not judged below 1,000 connections (%.1f KiB against the hub's %.1f)", per, hub.rssPerConnKiB))
			}
		}
	}
	res.check("fresh tablets signed in, welcome received", "2,000: ≤ 1.5 s; 10,000: ≤ 8 s", fmt.Sprintf("%d in %.2f s", len(tabs), allWelcomed.Seconds()),
		(len(tabs) > 2000 || allWelcomed <= 1500*time.Millisecond) && allWelcomed <= 8*time.Second)
	if len(t.Pids) > 0 {
		per := res.Metrics["signin_server_cpu_per_tablet_ms"]
		res.check("server CPU per tablet signing in", "well under 1 ms", fmt.Sprintf("%.3f ms", per), per < 1)
	}
	// The roster the web app fetches once per tablet (the Go tablets do
	// not): its size, as served gzipped.
	if n, z, err := rosterSize(ctx, t.url(0), t.Meetings[0].ID, tabs[0].sess.Token); err == nil {
		res.Metrics["roster_bytes"], res.Metrics["roster_bytes_gzip"] = float64(n), float64(z)
	} else {
		res.Notes = append(res.Notes, "roster: "+err.Error())
	}

	// Check-in, every tablet within the spread.
	var present0 int
	_ = tabs[0].client().WaitFor(ctx, func(v daisclient.View) bool {
		if v.Attendance != nil {
			present0 = v.Attendance.Total.Present
		}
		return true
	})
	for i := range bytesIn {
		bytesIn[i].Store(0)
	}
	t.logf("morning: %d check-ins over %v", len(tabs), cfg.Spread)
	var (
		acks     samples
		mu       sync.Mutex
		changed  int
		lastAck  time.Time
		wg       sync.WaitGroup
		firstErr error
	)
	ciStart := time.Now()
	ciBefore := measure(t)
	for k, i := range rand.Perm(len(tabs)) {
		tb := tabs[i]
		at := ciStart.Add(cfg.Spread * time.Duration(k) / time.Duration(len(tabs)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				return
			}
			s := time.Now()
			seq, err := tb.client().Do(ctx, meeting.CheckIn{})
			now := time.Now()
			acks.add(now.Sub(s))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("tablet %d checking in: %w", tb.i, err)
				}
				return
			}
			if seq != 0 {
				changed++
			}
			if now.After(lastAck) {
				lastAck = now
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		res.fail("%v", firstErr)
		return res, nil
	}
	want := present0 + changed
	for _, tb := range tabs {
		c := tb.client()
		if err := c.WaitFor(ctx, func(v daisclient.View) bool { return v.Attendance != nil && v.Attendance.Total.Present >= want }); err != nil {
			return nil, fmt.Errorf("tablet %d waiting for %d present: %w", tb.i, want, err)
		}
	}
	shown := time.Since(lastAck)
	ciAfter := measure(t)
	res.Latency["checkin_ack"] = acks.summarize()
	res.Metrics["checkins"] = float64(changed)
	res.Metrics["present_shown"] = float64(want)
	res.Metrics["attendance_shown_after_last_checkin_ms"] = float64(shown.Microseconds()) / 1000
	res.Metrics["checkin_server_cpu_s"] = (ciAfter.CPU - ciBefore.CPU).Seconds()
	var ciBytes int64
	for i := range bytesIn {
		ciBytes += bytesIn[i].Load()
	}
	res.Metrics["checkin_bytes_per_tablet"] = float64(ciBytes) / float64(len(tabs))
	res.check("every tablet shows the final count", "≤ 1 s after the last check-in (the issue: 1,600 tablets)", fmt.Sprintf("%.0f ms", float64(shown.Microseconds())/1000), shown <= time.Second)
	// Memory again once every tablet has run a command: what a congress
	// holds for the rest of the day (a command's work must not stay on
	// each connection).
	t.collect(ctx)
	settle(ctx, cfg.Settle)
	if mem := measure(t); len(t.Pids) > 0 {
		res.Metrics["rss_per_connection_after_checkin_KiB"] = kibPer(mem.RSS, before.RSS, len(tabs))
	}

	// Then the chair turns pages.
	tu := newTurner(chair, t.Meetings[0].Pages)
	t.logf("morning: turning a page every %v for %v", cfg.Interval, cfg.Duration)
	ptBefore := measure(t)
	if err := tu.run(ctx, cfg.Interval, cfg.Duration, nil); err != nil {
		return nil, err
	}
	if err := waitSeq(ctx, tabs, tu.last.Load()); err != nil {
		return nil, err
	}
	ptAfter := measure(t)
	lat, deliveries := turnLatencies(res, tabs, tu.sent, "page turns")
	s := lat.summarize()
	res.Latency["page_turn"] = s
	res.Latency["chair_ack"] = tu.acks.summarize()
	res.Metrics["turns"] = float64(len(tu.sent))
	if deliveries > 0 && len(t.Pids) > 0 {
		res.Metrics["server_cpu_per_delivery_us"] = float64((ptAfter.CPU - ptBefore.CPU).Microseconds()) / float64(deliveries)
	}
	if hub := t.hub; hub != nil && hub.p99 > 0 {
		res.Metrics["hub_page_turn_p99_ms"] = hub.p99
		res.check("page turn p99 vs the bare hub in this run", "≤ 1.1×", fmt.Sprintf("%.2f× (%.1f vs %.1f ms)", s.P99/hub.p99, s.P99, hub.p99), s.P99 <= 1.1*hub.p99)
	}
	return res, nil
}

// rosterSize fetches the meeting's roster as a tablet would and returns
// its size plain and gzipped.
func rosterSize(ctx context.Context, base, meetingID, token string) (plain, gz int, err error) {
	for _, enc := range []string{"identity", "gzip"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/meetings/"+meetingID+"/roster", nil)
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return 0, 0, err
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("GET roster: %s", resp.Status)
		}
		if enc == "gzip" {
			gz = int(n)
		} else {
			plain = int(n)
		}
	}
	return plain, gz, nil
}
