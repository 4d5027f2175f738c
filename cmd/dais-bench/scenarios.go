package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// Config sizes and paces the scenarios. Zero values mean the defaults of
// the command's flags (applied by the caller).
type Config struct {
	// Tablets is how many delegates take part.
	Tablets int
	// Interval is the time between page turns; Duration how long the chair
	// turns pages (pageturn, reconnect).
	Interval, Duration time.Duration
	// Spread is the time over which the ballots are cast (vote).
	Spread time.Duration
	// Conc is how many connections or requests are started at once.
	Conc int
	// Settle is how long idle connections sit before memory is read.
	Settle time.Duration
	// Offline is how long the tablets stay away before they resume
	// (reconnect); the chair turns pages meanwhile.
	Offline time.Duration
	// NginxURL, when set, is where the download scenario also fetches the
	// same file from nginx (NginxURL + "/doc.pdf").
	NginxURL string
	// Sites, WANLatency (each way), WANJitter and Cut shape the bridge
	// scenario: the bridge sites, their links, and the cut of site 1.
	Sites                 int
	WANLatency, WANJitter time.Duration
	Cut                   time.Duration
	// DocBytes is the size of the bridge scenario's document (0: no
	// document phase); DocTablets how many tablets of each site download
	// it (0: all of them).
	DocBytes   int64
	DocTablets int
	// DocRange is the size of the ranges the tablets fetch the document
	// in (0: whole, in one request).
	DocRange int64
	// SkipBallot is a test hook: when it returns true for a tablet, its
	// ballot is not sent but counted as acknowledged, so the run must
	// report it lost.
	SkipBallot func(i int) bool
}

// Result is what one scenario measured.
type Result struct {
	Scenario string             `json:"scenario"`
	Params   map[string]any     `json:"params"`
	Latency  map[string]Summary `json:"latency,omitempty"`
	Metrics  map[string]float64 `json:"metrics"`
	// Failures are correctness failures (lost or double ballots, gaps,
	// duplicates, refused commands): any makes the run fail.
	Failures []string `json:"failures,omitempty"`
	// Checks compare figures with the targets of docs/performance.md; a
	// missed target is reported, not a failure.
	Checks []Check  `json:"checks,omitempty"`
	Notes  []string `json:"notes,omitempty"`

	// turns are the page-turn latencies, kept for pooling the runs of
	// -repeat.
	turns []time.Duration
}

// Check is one figure against its target.
type Check struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Value  string `json:"value"`
	Met    bool   `json:"met"`
}

func newResult(name string) *Result {
	return &Result{Scenario: name, Params: map[string]any{}, Latency: map[string]Summary{}, Metrics: map[string]float64{}}
}

func (r *Result) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

func (r *Result) check(name, target string, value string, met bool) {
	r.Checks = append(r.Checks, Check{Name: name, Target: target, Value: value, Met: met})
}

// scenarios by name.
var scenarios = map[string]func(context.Context, *Target, Config) (*Result, error){
	"pageturn":  pageTurn,
	"vote":      vote,
	"reconnect": reconnect,
	"download":  download,
	"idle":      idle,
	"hub":       hubScenario,
	"election":  election,
	"morning":   morning,
	"bridge":    bridgeScenario,
}

// measure reads the server processes' CPU and memory (zero without pids).
func measure(t *Target) procStat {
	ps, _ := readProcs(t.Pids)
	return ps
}

// chairSession redeems the chair's and secretary's codes of meeting 0.
func chairSessions(ctx context.Context, t *Target) (chair, sec daisclient.Session, err error) {
	s, err := t.redeem(ctx, []string{t.Meetings[0].Chair, t.Meetings[0].Secretary}, 2)
	if err != nil {
		return chair, sec, err
	}
	return s[0], s[1], nil
}

// turner turns the pages of the shown document as the chair: one TurnPage
// every interval, never the page already shown. It records when each
// command was sent, by the seq of its event.
type turner struct {
	chair *daisclient.Client
	pages int

	mu    sync.Mutex
	sent  map[uint64]time.Time
	acks  samples // from just before each command to its ack
	ackOf map[uint64]time.Duration
	last  atomic.Uint64
	n     int
}

func newTurner(c *daisclient.Client, pages int) *turner {
	return &turner{chair: c, pages: pages, sent: map[uint64]time.Time{}, ackOf: map[uint64]time.Duration{}}
}

// turn sends one page turn and waits for its ack.
func (tu *turner) turn(ctx context.Context) error {
	page := 2 + tu.n%(tu.pages-1)
	tu.n++
	start := time.Now()
	seq, err := tu.chair.Do(ctx, meeting.TurnPage{Page: page})
	if err != nil {
		return fmt.Errorf("turning to page %d: %w", page, err)
	}
	if seq == 0 {
		return fmt.Errorf("turning to page %d changed nothing", page)
	}
	acked := time.Since(start)
	tu.mu.Lock()
	tu.sent[seq] = start
	tu.acks.add(acked)
	tu.ackOf[seq] = acked
	tu.mu.Unlock()
	tu.last.Store(seq)
	return nil
}

// run turns pages every interval until d has passed or stop is closed.
func (tu *turner) run(ctx context.Context, interval, d time.Duration, stop <-chan struct{}) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	end := time.After(d)
	for {
		if err := tu.turn(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end:
			return nil
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
}

// pageTurn: the chair turns pages; every tablet's receipt time minus the
// time just before the chair's command is the latency.
func pageTurn(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("pageturn")
	res.Params["tablets"], res.Params["interval_ms"], res.Params["duration_s"] = cfg.Tablets, cfg.Interval.Milliseconds(), cfg.Duration.Seconds()
	chairS, _, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	sess, err := t.delegates(ctx, cfg.Tablets, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()
	t.logf("pageturn: connecting %d tablets", len(sess))
	// The tablets only time the page turns: they read each frame's seq and
	// leave the rest undecoded, as the bare hub's harness did, so that the
	// generator beside the server takes less of its 2 cores.
	tabs, err := connectLight(ctx, t, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	defer countResumes(res, tabs) // before they are closed
	tu := newTurner(chair, t.Meetings[0].Pages)
	t.measuring()
	before := measure(t)
	busBefore, _ := readProcs(t.BusPids)
	selfBefore, _ := readProc(os.Getpid())
	metricsBefore := t.scrape(ctx)
	gcBefore := startBenchGC()
	t.logf("pageturn: turning a page every %v for %v", cfg.Interval, cfg.Duration)
	if err := tu.run(ctx, cfg.Interval, cfg.Duration, nil); err != nil {
		return nil, err
	}
	if err := waitSeq(ctx, tabs, tu.last.Load()); err != nil {
		return nil, err
	}
	after := measure(t)
	busAfter, _ := readProcs(t.BusPids)
	selfAfter, _ := readProc(os.Getpid())
	res.Metrics["bench_cpu_s"] = (selfAfter.CPU - selfBefore.CPU).Seconds()
	if len(t.BusPids) > 0 {
		res.Metrics["nats_cpu_s"] = (busAfter.CPU - busBefore.CPU).Seconds()
	}
	serverDiagnosis(res, metricsBefore, t.scrape(ctx))
	gcBefore.report(res)
	lat, deliveries := turnLatencies(res, tabs, tu.sent, "page turns")
	stalledTurns(res, t, "pageturn", perTurn(tabs, tu.sent, tu.ackOf))
	s := lat.summarize()
	res.turns = lat.all()
	res.Latency["page_turn"] = s
	// The chair's ack comes once the event is durable (bbolt, fsync'd);
	// the room delivers it after that. The difference to page_turn is the
	// fan-out.
	res.Latency["chair_ack"] = tu.acks.summarize()
	res.Metrics["turns"] = float64(len(tu.sent))
	res.Metrics["deliveries"] = float64(deliveries)
	cpu := after.CPU - before.CPU
	res.Metrics["server_cpu_s"] = cpu.Seconds()
	if deliveries > 0 && len(t.Pids) > 0 {
		per := float64(cpu.Microseconds()) / float64(deliveries)
		res.Metrics["server_cpu_per_delivery_us"] = per
		if hub := t.hubPerDelivery; hub > 0 {
			res.Metrics["cpu_per_delivery_vs_hub"] = per / hub
			res.check("CPU per delivery vs the bare hub in this run", "≤ 1.1×", fmt.Sprintf("%.2f× (%.1f vs %.1f µs)", per/hub, per, hub), per <= 1.1*hub)
		} else {
			// Without the hub in this run, compare with the notes' figure
			// for the hub on this machine kind (11 µs on a quiet day).
			res.check("CPU per delivery", "≤ 1.3 × 11 µs (the notes' bare hub)", fmt.Sprintf("%.1f µs", per), per <= 1.3*11)
		}
	}
	if hub := t.hub; hub != nil && hub.p99 > 0 {
		res.Metrics["page_turn_p99_vs_hub"] = s.P99 / hub.p99
		res.check("page turn p99 vs the bare hub in this run", "≤ 1.1×", fmt.Sprintf("%.2f× (%.1f vs %.1f ms)", s.P99/hub.p99, s.P99, hub.p99), s.P99 <= 1.1*hub.p99)
	}
	return res, nil
}

// vote: every tablet checks in, the chair opens a poll, every tablet votes
// once within cfg.Spread, the chair closes the poll and every tablet must
// see the result.
func vote(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("vote")
	res.Params["tablets"], res.Params["spread_ms"] = cfg.Tablets, cfg.Spread.Milliseconds()
	poll, err := t.poll()
	if err != nil {
		return nil, err
	}
	res.Params["poll"] = poll
	chairS, _, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	sess, err := t.delegates(ctx, cfg.Tablets, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()
	t.logf("vote: connecting %d tablets", len(sess))
	tabs, err := connectAll(ctx, t, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	defer countResumes(res, tabs) // before they are closed
	t.logf("vote: checking in")
	if err := forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		_, err := tabs[i].client().Do(ctx, meeting.CheckIn{})
		return err
	}); err != nil {
		return nil, fmt.Errorf("checking in: %w", err)
	}
	t.measuring()
	watch := watchStorm(ctx, t)
	t.logf("vote: opening %s; %d ballots over %v", poll, len(tabs), cfg.Spread)
	openSeq, err := chair.Do(ctx, meeting.OpenPoll{Poll: poll})
	if err != nil {
		return nil, fmt.Errorf("opening the poll: %w", err)
	}
	open := time.Now()
	choices := []string{"for", "against", "abstain"}
	order := rand.Perm(len(tabs))
	var (
		acks       samples
		wireAcks   samples // the same acks, at the tablet's socket (wireStamp)
		mu         sync.Mutex
		accepted   = map[string]bool{}
		refused    = map[string]int{}
		lastAck    time.Time
		wg         sync.WaitGroup
		sentBallot atomic.Int64
	)
	for k, i := range order {
		tb := tabs[i]
		at := open.Add(cfg.Spread * time.Duration(k) / time.Duration(len(tabs)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				return
			}
			// No one casts a ballot before their tablet shows the poll:
			// a slot that falls before it arrived is used as soon as it does.
			if err := tb.client().WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= openSeq }); err != nil {
				return
			}
			voter := tb.sess.Participant
			if cfg.SkipBallot != nil && cfg.SkipBallot(tb.i) {
				mu.Lock()
				accepted[voter] = true
				mu.Unlock()
				return
			}
			sentBallot.Add(1)
			start := time.Now()
			acked, err := tb.client().DoTimed(ctx, meeting.CastBallot{Poll: poll, Choice: choices[tb.i%len(choices)], BallotID: poll + "-" + voter})
			now := time.Now()
			acks.add(now.Sub(start))
			if !acked.Wire.IsZero() {
				wireAcks.add(acked.Wire.Sub(start))
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				code := "transport"
				var me *meeting.Error
				if errors.As(err, &me) {
					code = string(me.Code)
				}
				refused[code]++
				return
			}
			accepted[voter] = true
			if now.After(lastAck) {
				lastAck = now
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	watch.report(ctx, t, res)
	t.logf("vote: closing %s", poll)
	closeCPU, closeSelf := measure(t), selfCPU()
	closeStart := time.Now()
	if _, err := chair.Do(ctx, meeting.ClosePoll{Poll: poll}); err != nil {
		return nil, fmt.Errorf("closing the poll: %w", err)
	}
	var closed *meeting.PollClosed
	var closeLat samples
	var lastClosed time.Time
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, tb := range tabs {
		c := tb.client()
		err := c.WaitFor(deadline, func(daisclient.View) bool {
			tb.mu.Lock()
			defer tb.mu.Unlock()
			return tb.closed != nil && tb.closed.Poll == poll
		})
		if err != nil {
			res.fail("tablet %d never received the result of %s: %v", tb.i, poll, err)
			continue
		}
		tb.mu.Lock()
		closeLat.add(tb.closedAt.Sub(closeStart))
		if tb.closedAt.After(lastClosed) {
			lastClosed = tb.closedAt
		}
		if closed == nil {
			closed = tb.closed
		}
		tb.mu.Unlock()
	}
	if closed == nil {
		return nil, errors.New("no tablet received the result")
	}
	res.Metrics["close_server_cpu_s"] = (measure(t).CPU - closeCPU.CPU).Seconds()
	res.Metrics["close_bench_cpu_s"] = (selfCPU() - closeSelf).Seconds()
	// Tablets get the result alone; the names per choice go to the chair
	// and the secretaries (meeting.Redact). Lost and extra ballots are
	// counted against the chair's PollClosed, and every tablet must have
	// been sent the same result.
	full, err := pollClosedOf(deadline, chair, poll)
	if err != nil {
		return nil, fmt.Errorf("the chair's result: %w", err)
	}
	for _, tb := range tabs {
		tb.mu.Lock()
		if tb.closed != nil && !maps.Equal(tb.closed.Result.Counts, full.Result.Counts) {
			res.fail("tablet %d got counts %v, the chair %v", tb.i, tb.closed.Result.Counts, full.Result.Counts)
		}
		tb.mu.Unlock()
	}
	closed = full
	lost, extra := 0, 0
	for v := range accepted {
		if _, ok := closed.Voters[v]; !ok {
			lost++
		}
	}
	for v := range closed.Voters {
		if !accepted[v] {
			extra++
		}
	}
	dup := closed.Result.Cast - len(accepted)
	if dup < 0 {
		dup = 0
	}
	ack := acks.summarize()
	res.Latency["ballot_ack"] = ack
	wire := wireAcks.summarize()
	if wire.Count > 0 {
		res.Latency["ballot_ack_at_socket"] = wire
	}
	res.Latency["result_after_close"] = closeLat.summarize()
	res.Metrics["ballots_sent"] = float64(sentBallot.Load())
	res.Metrics["accepted"] = float64(len(accepted))
	res.Metrics["result_cast"] = float64(closed.Result.Cast)
	res.Metrics["lost"] = float64(lost)
	res.Metrics["duplicates"] = float64(dup)
	res.Metrics["unacknowledged_in_result"] = float64(extra)
	for code, n := range refused {
		res.Metrics["refused_"+code] = float64(n)
		res.fail("%d ballots refused (%s)", n, code)
	}
	if !lastAck.IsZero() {
		res.Metrics["ballots_per_s"] = float64(len(accepted)) / lastAck.Sub(open).Seconds()
	}
	res.Metrics["result_on_last_tablet_ms"] = ms(lastClosed.Sub(closeStart))
	if lost > 0 {
		res.fail("%d acknowledged ballots are not in the result (lost)", lost)
	}
	if dup > 0 {
		res.fail("the result counts %d ballots, %d were acknowledged (duplicates)", closed.Result.Cast, len(accepted))
	}
	if extra > 0 {
		res.fail("%d voters in the result were never acknowledged", extra)
	}
	res.check("ballot ack p99, as the tablet's reader took it", "≤ 50 ms (issue 17)", fmt.Sprintf("%.1f ms", ack.P99), ack.P99 <= 50)
	if wire.Count > 0 {
		// The same acks when they reached the tablets' sockets: the server
		// and the network, without the bench's own scheduling.
		res.check("ballot ack p99, at the tablet's socket", "≤ 50 ms (issue 17)", fmt.Sprintf("%.1f ms", wire.P99), wire.P99 <= 50)
	}
	res.check("lost / double", "0 / 0", fmt.Sprintf("%d / %d", lost, dup), lost == 0 && dup == 0)
	res.check("result on every tablet after close", "≤ 200 ms", fmt.Sprintf("%.1f ms", ms(lastClosed.Sub(closeStart))), lastClosed.Sub(closeStart) <= 200*time.Millisecond)
	return res, nil
}

// reconnect: every tablet drops its connection at once and resumes with its
// last seq while the chair keeps turning pages; then every tablet's events
// are checked against the log.
func reconnect(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("reconnect")
	res.Params["tablets"], res.Params["interval_ms"], res.Params["offline_ms"] = cfg.Tablets, cfg.Interval.Milliseconds(), cfg.Offline.Milliseconds()
	chairS, secS, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	sess, err := t.delegates(ctx, cfg.Tablets, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()
	t.logf("reconnect: connecting %d tablets", len(sess))
	tabs, err := connectAll(ctx, t, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer func() { closeAll(tabs) }()
	defer func() { countResumes(res, tabs) }() // before they are closed
	tu := newTurner(chair, t.Meetings[0].Pages)
	stop := make(chan struct{})
	turnErr := make(chan error, 1)
	go func() { turnErr <- tu.run(ctx, cfg.Interval, 10*time.Minute, stop) }()
	var stopOnce sync.Once
	var turnResult error
	stopTurner := func() error {
		stopOnce.Do(func() {
			close(stop)
			turnResult = <-turnErr
		})
		return turnResult
	}
	defer func() { _ = stopTurner() }()
	// Let a few turns reach everyone first.
	for tu.last.Load() == 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-turnErr:
			return nil, err
		case <-time.After(cfg.Interval):
		}
	}
	if err := waitSeq(ctx, tabs, tu.last.Load()); err != nil {
		return nil, err
	}
	t.logf("reconnect: dropping %d connections", len(tabs))
	t.measuring()
	droppedAt := tu.last.Load()
	dropStart := time.Now()
	_ = forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		tabs[i].drop()
		return nil
	})
	dropDone := time.Now()
	// Stay away long enough to miss some page turns.
	settle(ctx, cfg.Offline)
	missed := tu.last.Load() - droppedAt
	resumeStart := time.Now()
	var resume samples
	var lastDone atomic.Int64
	if err := forEach(ctx, len(tabs), cfg.Conc, func(ctx context.Context, i int) error {
		tb := tabs[i]
		if err := tb.dial(ctx); err != nil {
			return err
		}
		target := tu.last.Load()
		if err := tb.client().WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= target }); err != nil {
			return fmt.Errorf("tablet %d catching up to %d: %w", i, target, err)
		}
		now := time.Now()
		resume.add(now.Sub(resumeStart))
		for {
			old := lastDone.Load()
			if now.UnixNano() <= old || lastDone.CompareAndSwap(old, now.UnixNano()) {
				break
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("resuming: %w", err)
	}
	allCurrent := time.Unix(0, lastDone.Load())
	// Keep turning a little longer: live events after the resume.
	settle(ctx, 5*cfg.Interval)
	if err := stopTurner(); err != nil {
		return nil, err
	}
	final := tu.last.Load()
	if err := waitSeq(ctx, tabs, final); err != nil {
		return nil, err
	}
	res.Latency["resume_until_current"] = resume.summarize()
	res.Metrics["drop_s"] = dropDone.Sub(dropStart).Seconds()
	res.Metrics["all_current_s"] = allCurrent.Sub(resumeStart).Seconds()
	res.Metrics["turns"] = float64(len(tu.sent))
	res.Metrics["events_missed_offline"] = float64(missed)

	// Check every tablet against the log, read through a fresh connection.
	minFirst := final
	for _, tb := range tabs {
		minFirst = min(minFirst, tb.first)
	}
	logEvents, err := readLog(ctx, t.url(0), secS, minFirst, final)
	if err != nil {
		return nil, err
	}
	gaps, dupes := 0, 0
	for _, tb := range tabs {
		tb.mu.Lock()
		got := map[uint64]int{}
		for _, r := range tb.recs {
			got[r.seq]++
		}
		dupes += tb.dupes
		for _, ev := range logEvents {
			if ev.Seq <= tb.first || !meantFor(ev, tb.sess.Participant) {
				continue
			}
			switch got[ev.Seq] {
			case 0:
				gaps++
			case 1:
			default:
				dupes += got[ev.Seq] - 1
			}
		}
		tb.mu.Unlock()
	}
	res.Metrics["gaps"], res.Metrics["duplicates"] = float64(gaps), float64(dupes)
	if gaps > 0 {
		res.fail("%d events missing on the tablets after the resume", gaps)
	}
	if dupes > 0 {
		res.fail("%d events received twice", dupes)
	}
	res.check("all tablets current after resume", "≤ 5 s", fmt.Sprintf("%.2f s", allCurrent.Sub(resumeStart).Seconds()), allCurrent.Sub(resumeStart) <= 5*time.Second)
	res.check("gaps / duplicates", "0 / 0", fmt.Sprintf("%d / %d", gaps, dupes), gaps == 0 && dupes == 0)
	return res, nil
}

// meantFor reports whether a delegate receives ev: everything but other
// voters' ballots.
func meantFor(ev meeting.Event, participant string) bool {
	if b, ok := ev.Data.(meeting.BallotCast); ok {
		return b.Voter == participant
	}
	return true
}

// readLog reads the meeting's events in (after, upTo] as the secretary sees
// them: a fresh connection says where the log is, a resumed one replays it.
func readLog(ctx context.Context, url string, sec daisclient.Session, after, upTo uint64) ([]meeting.Event, error) {
	fresh, err := dialOne(ctx, url, sec, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	version := fresh.Welcome().Seq
	fresh.Drop()
	if version < upTo {
		return nil, fmt.Errorf("the log is at %d, the chair's last event at %d", version, upTo)
	}
	c, err := dialOne(ctx, url, sec, daisclient.Options{LastSeq: after})
	if err != nil {
		return nil, err
	}
	defer c.Drop()
	if c.Welcome().Snapshot != nil {
		return nil, fmt.Errorf("the server answered a resume from %d with a snapshot: the log cannot be checked", after)
	}
	var out []meeting.Event
	for seq := after; seq < upTo; {
		r, err := c.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the log after %d: %w", seq, err)
		}
		out = append(out, r.Event)
		seq = r.Event.Seq
	}
	return out, nil
}

// download: every tablet fetches the document at once; then the same file
// from nginx, for the ratio.
func download(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("download")
	res.Params["tablets"] = cfg.Tablets
	sess, err := t.delegates(ctx, cfg.Tablets, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	m := t.Meetings[0]
	path := "/api/v1/meetings/" + m.ID + "/documents/" + m.Document + "/file"
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Tablets, DisableCompression: true, Proxy: http.ProxyFromEnvironment}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	// Probe once: is the endpoint there?
	if _, code, err := fetch(ctx, client, t.url(0)+path, sess[0].Token); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d, %v (is the document endpoint wired into daisd?)", path, code, err)
	}
	t.measuring()
	t.logf("download: %d tablets fetch %s at once", len(sess), path)
	dais, err := fetchAll(ctx, client, len(sess), func(i int) (string, string) { return t.url(i) + path, sess[i].Token })
	if err != nil {
		return nil, err
	}
	res.Latency["dais_fetch"] = dais.lat
	res.Metrics["dais_bytes"] = float64(dais.bytes)
	res.Metrics["dais_MBps"] = dais.mbps()
	if cfg.NginxURL == "" {
		res.Notes = append(res.Notes, "nginx not run: no ratio")
		return res, nil
	}
	t.logf("download: %d clients fetch the same file from nginx", len(sess))
	ngx, err := fetchAll(ctx, client, len(sess), func(int) (string, string) { return cfg.NginxURL + "/doc.pdf", "" })
	if err != nil {
		return nil, err
	}
	res.Latency["nginx_fetch"] = ngx.lat
	res.Metrics["nginx_MBps"] = ngx.mbps()
	ratio := dais.mbps() / ngx.mbps()
	res.Metrics["ratio"] = ratio
	if dais.bytes != ngx.bytes {
		res.fail("daisd sent %d bytes, nginx %d", dais.bytes, ngx.bytes)
	}
	res.check("throughput vs nginx", "≥ 80 %", fmt.Sprintf("%.0f %% (%.0f vs %.0f MB/s)", ratio*100, dais.mbps(), ngx.mbps()), ratio >= 0.8)
	return res, nil
}

type fetched struct {
	lat   Summary
	bytes int64
	wall  time.Duration
}

func (f fetched) mbps() float64 { return float64(f.bytes) / 1e6 / f.wall.Seconds() }

// fetchAll starts n GETs at once and waits for all.
func fetchAll(ctx context.Context, client *http.Client, n int, req func(i int) (url, token string)) (fetched, error) {
	var lat samples
	var total atomic.Int64
	start := time.Now()
	err := forEach(ctx, n, n, func(ctx context.Context, i int) error {
		url, tok := req(i)
		t0 := time.Now()
		nb, code, err := fetch(ctx, client, url, tok)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", url, code)
		}
		lat.add(time.Since(t0))
		total.Add(nb)
		return nil
	})
	return fetched{lat: lat.summarize(), bytes: total.Load(), wall: time.Since(start)}, err
}

func fetch(ctx context.Context, client *http.Client, url, token string) (int64, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return n, resp.StatusCode, err
}

// idle: n tablets connect, spread over the meetings, and do nothing; the
// server's resident memory before and after gives the cost of one.
func idle(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("idle")
	res.Params["tablets"], res.Params["meetings"] = cfg.Tablets, len(t.Meetings)
	sess, err := t.delegates(ctx, cfg.Tablets, true, cfg.Conc)
	if err != nil {
		return nil, err
	}
	t.collect(ctx)
	settle(ctx, cfg.Settle)
	before := measure(t)
	t.measuring()
	t.logf("idle: connecting %d tablets", len(sess))
	start := time.Now()
	tabs, err := connectAll(ctx, t, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	defer countResumes(res, tabs) // before they are closed
	res.Metrics["connect_s"] = time.Since(start).Seconds()
	t.collect(ctx)
	settle(ctx, cfg.Settle)
	after := measure(t)
	open := 0
	for _, tb := range tabs {
		if tb.client().Err() == nil {
			open++
		}
	}
	res.Metrics["still_connected"] = float64(open)
	if open != len(tabs) {
		res.fail("%d of %d idle connections ended", len(tabs)-open, len(tabs))
	}
	res.Metrics["rss_before_MiB"] = float64(before.RSS) / (1 << 20)
	res.Metrics["rss_after_MiB"] = float64(after.RSS) / (1 << 20)
	res.Metrics["rss_anon_before_MiB"] = float64(before.RSSAnon) / (1 << 20)
	res.Metrics["rss_anon_after_MiB"] = float64(after.RSSAnon) / (1 << 20)
	if len(t.Pids) > 0 {
		per := kibPer(after.RSS, before.RSS, len(tabs))
		res.Metrics["rss_per_connection_KiB"] = per
		res.Metrics["rss_anon_per_connection_KiB"] = kibPer(after.RSSAnon, before.RSSAnon, len(tabs))
		if len(tabs) >= 1000 {
			res.check("memory per connection (VmRSS)", "≤ 24 KiB", fmt.Sprintf("%.1f KiB", per), per <= 24)
		} else {
			// With few connections the heap's own growth and the GC's
			// timing swamp what each connection costs (the figure can even
			// be negative): report it, judge nothing.
			res.Notes = append(res.Notes, fmt.Sprintf("memory per connection not judged below 1,000 connections (%.1f KiB measured over %d)", per, len(tabs)))
		}
	}
	if t.GC == nil {
		res.Notes = append(res.Notes, "no debug endpoint: memory read without forcing a GC first")
	}
	return res, nil
}

// settle waits d (or until ctx ends) so that the server's memory settles.
func settle(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// selfCPU is the bench process's own CPU time so far.
func selfCPU() time.Duration {
	ps, _ := readProc(os.Getpid())
	return ps.CPU
}

// pollClosedOf reads c's queued events until the PollClosed of poll.
func pollClosedOf(ctx context.Context, c *daisclient.Client, poll string) (*meeting.PollClosed, error) {
	for {
		r, err := c.Next(ctx)
		if err != nil {
			return nil, err
		}
		if pc, ok := r.Event.Data.(meeting.PollClosed); ok && pc.Poll == poll {
			return &pc, nil
		}
	}
}

// turnLatencies returns, over every tablet, the time from each sending in
// sent (by seq) to its receipt, and how many receipts there were. It fails
// res for a tablet that received an event twice or out of order, and when
// not every tablet received every one (what names them in the message).
func turnLatencies(res *Result, tabs []*tablet, sent map[uint64]time.Time, what string) (*samples, int) {
	lat := &samples{}
	deliveries := 0
	for _, tb := range tabs {
		tb.mu.Lock()
		var d []time.Duration
		for _, r := range tb.recs {
			if start, ok := sent[r.seq]; ok {
				d = append(d, r.at.Sub(start))
			}
		}
		if tb.dupes > 0 {
			res.fail("tablet %d received %d events twice or out of order", tb.i, tb.dupes)
		}
		tb.mu.Unlock()
		deliveries += len(d)
		lat.add(d...)
	}
	if want := len(sent) * len(tabs); deliveries != want {
		res.fail("%d %s delivered, %d expected", deliveries, what, want)
	}
	return lat, deliveries
}
