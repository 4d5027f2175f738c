package bridge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage"
)

// Client is the edge's side of the bus (*natsbus.Bus is one): requests to
// the centre over the leaf connection, the centre's doorbells, and the
// state of the leaf connection.
type Client interface {
	Request(ctx context.Context, subject string, data []byte) ([]byte, error)
	// RequestFirst returns the first answer accept takes (a rogue site's
	// answers are dropped and the request waits on for the centre's).
	RequestFirst(ctx context.Context, subject string, data []byte, accept func([]byte) bool) ([]byte, error)
	Listen(subject string, f func(data []byte)) (stop func(), err error)
	LeafConnected() bool
	Publish(subject string, data []byte) error
}

// Replica is the edge's copy of the meetings' logs (storage.Log): filled
// only from the centre, in seq order, with the same audit-chain links.
type Replica interface {
	Append(ctx context.Context, meetingID string, expected uint64, events [][]byte) (uint64, error)
	Read(ctx context.Context, meetingID string, from uint64, max int) ([]storage.Record, error)
	Version(ctx context.Context, meetingID string) (uint64, error)
}

// LocalMeetings reads the replica (*service.Service over the edge's store).
type LocalMeetings interface {
	State(ctx context.Context, meetingID string) (*meeting.State, error)
	ReadEvents(ctx context.Context, meetingID string, from uint64, max int) ([]meeting.Event, error)
	Version(ctx context.Context, meetingID string) (uint64, error)
}

// LocalSessions are the sessions the edge keeps (*access.Service over the
// edge's store and replica).
type LocalSessions interface {
	Authenticate(ctx context.Context, token string) (access.Session, error)
	AuthenticateLink(ctx context.Context, method, path string, q url.Values) (access.Session, error)
	SignOut(ctx context.Context, token string) error
	Link(sess access.Session, method, path string) (string, time.Time, error)
	Adopt(ctx context.Context, token string, rec storage.Session) error
}

// EdgeConfig tunes an Edge.
type EdgeConfig struct {
	// TailCheck is how often a followed meeting asks the centre for what
	// it may have missed (a lost doorbell); 0 means 1 s.
	TailCheck time.Duration
	// LinkCheck is how often the leaf connection's state is looked at (a
	// return of the link starts a catch-up at once); 0 means 100 ms.
	LinkCheck time.Duration
	// PingEvery is how often the edge pings the centre while the link is
	// up (the round trip it reports); 0 means 5 s.
	PingEvery time.Duration
	// Site is the site's name (daisd -name; natsbus.ValidSite): all it
	// sends and receives is on its subjects, dais.site.<Site>.>, and its
	// bus's inboxes must be there too (natsbus.SiteInbox).
	Site string
	// Meetings are followed from the start (others from their first
	// tablet's sign-in).
	Meetings []string
	// CentreKey is the public half of the centre's bridge key: every
	// answer and push is checked against it, and what does not verify is
	// dropped (sign.go). Without it the edge takes nothing from the
	// centre.
	CentreKey ed25519.PublicKey
	// CentreKeys are more public keys of the centre accepted as well:
	// while the bridge key is rotated, the old and the new (docs/bridge.md,
	// "Rotating the bridge key").
	CentreKeys []ed25519.PublicKey
	// Held keeps the requests to speak held during a cut (held.go): the
	// edge's store, so that a restart does not lose them. nil: in memory.
	Held storage.Registry
	// Given keeps which copy of each document each reader was last given
	// (files.go): the edge's store, so that after a restart during a cut
	// a reader still gets again what they had. nil: in memory.
	Given  storage.Registry
	Logger *slog.Logger
}

// Edge is a bridge site's node: it keeps the replica in step with the
// centre and gives the site's gateway and HTTP API what they need
// (Meetings, Sessions, and the Edge itself as their bus).
type Edge struct {
	cfg     EdgeConfig
	client  Client
	replica Replica
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	follows map[string]*follower
	// epochs counts, per meeting, the batches of events the replica took
	// (Files' confirmations hold only while it stays the same).
	epochs  epochs
	subs    map[string]map[*siteSub]struct{}
	tablets func(meetingID string) int // nil: none counted

	// tokens holds the token of each session seen (by session id), for a
	// request made with a session that a signed link opened.
	tokens sync.Map

	linkUp atomic.Bool
	// link ends when the link is cut: requests under way end with it
	// instead of waiting for answers that cannot come.
	linkMu     sync.Mutex
	link       context.Context
	cancelLink context.CancelFunc
	rtt        atomic.Int64 // nanoseconds, the last ping's round trip
	refusal    atomic.Value // string: the centre's last refusal of this site, logged once
	lastHeard  atomic.Int64 // unix nanoseconds of the centre's last answer

	// held are the requests to speak taken during a cut (held.go).
	held heldQueue
}

// follower keeps one meeting's replica in step.
type follower struct {
	id   string
	kick chan struct{} // capacity 1: a pull is due
	// pushes are the records central nodes pushed, for run to append.
	pushes chan []byte
	mu     sync.Mutex // serialises pulls
	last   []byte     // the replica's last link; nil: not read yet
}

func (f *follower) ring() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

type siteSub struct {
	onEvents func([]meeting.Event)
	onSignal func([]byte)
}

// NewEdge starts an edge over client and replica. Close stops it.
func NewEdge(cfg EdgeConfig, client Client, replica Replica) *Edge {
	if cfg.TailCheck <= 0 {
		cfg.TailCheck = time.Second
	}
	if cfg.LinkCheck <= 0 {
		cfg.LinkCheck = 100 * time.Millisecond
	}
	if cfg.PingEvery <= 0 {
		cfg.PingEvery = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if !natsbus.ValidSite(cfg.Site) {
		cfg.Logger.Error("this edge's site name cannot name its subjects: it reaches no centre", "site", cfg.Site)
	}
	if len(cfg.CentreKey) != ed25519.PublicKeySize && len(cfg.CentreKeys) == 0 {
		cfg.Logger.Error("this edge has no centre key (-edge-centre-key): it refuses everything the centre sends")
	}
	client = verifyingClient{Client: client, keys: append([]ed25519.PublicKey{cfg.CentreKey}, cfg.CentreKeys...), log: cfg.Logger, clock: new(atomic.Int64)}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Edge{cfg: cfg, client: client, replica: replica, log: cfg.Logger, ctx: ctx, cancel: cancel,
		follows: map[string]*follower{}, subs: map[string]map[*siteSub]struct{}{}}
	e.link, e.cancelLink = context.WithCancel(ctx)
	e.held.store, e.held.log = cfg.Held, cfg.Logger
	lctx, lcancel := context.WithTimeout(ctx, 10*time.Second)
	if err := e.held.load(lctx); err != nil {
		cfg.Logger.Error("reading the held requests to speak from the store failed; they are lost", "err", err)
	} else if n := e.Held(); n > 0 {
		cfg.Logger.Info("requests to speak held before a restart are sent once the link is up", "held", n)
	}
	lcancel()
	e.wg.Add(1)
	go e.watchLink()
	for _, id := range cfg.Meetings {
		e.follow(id)
	}
	return e
}

// Close stops following and waits for the edge's goroutines.
func (e *Edge) Close() {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()
}

// LinkUp reports whether the leaf connection to the centre is up.
func (e *Edge) LinkUp() bool { return e.linkUp.Load() }

// LastHeard is when the centre last answered (zero: never).
func (e *Edge) LastHeard() time.Time {
	if ns := e.lastHeard.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

func (e *Edge) heard() { e.lastHeard.Store(time.Now().UnixNano()) }

// watchLink follows the leaf connection. The link counts as up once a
// ping crossed it both ways (the leaf connection being up is not enough:
// until the centre knows the edge's interest, answers would be lost);
// then every followed meeting catches up at once. While up, a ping every
// PingEvery measures the round trip.
func (e *Edge) watchLink() {
	defer e.wg.Done()
	t := time.NewTicker(e.cfg.LinkCheck)
	defer t.Stop()
	var lastPing time.Time
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		up := e.linkUp.Load()
		switch {
		case !e.client.LeafConnected():
			if up {
				e.linkUp.Store(false)
				e.linkMu.Lock()
				e.cancelLink()
				e.link, e.cancelLink = context.WithCancel(e.ctx)
				e.linkMu.Unlock()
				e.log.Warn("the link to the centre is cut; serving the site from the replica")
			}
			continue
		case up && time.Since(lastPing) < e.cfg.PingEvery:
			continue
		}
		lastPing = time.Now()
		if err := e.ping(); err != nil {
			if up && !errors.Is(err, natsbus.ErrNoCentre) {
				e.log.Warn("the centre did not answer a ping", "err", err)
			}
			continue
		}
		if up {
			e.sendHeld() // what an earlier try left held
			continue
		}
		e.linkUp.Store(true)
		e.log.Info("the link to the centre is up; catching up", "rtt", time.Duration(e.rtt.Load()))
		e.mu.Lock()
		for _, f := range e.follows {
			f.ring()
		}
		e.mu.Unlock()
		e.sendHeld()
	}
}

// onLink returns ctx that also ends when the link is cut.
func (e *Edge) onLink(ctx context.Context) (context.Context, context.CancelFunc) {
	e.linkMu.Lock()
	link := e.link
	e.linkMu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(link, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// ping asks the centre for an empty answer and keeps the round trip.
func (e *Edge) ping() error {
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	out, err := e.client.Request(ctx, e.subject(kindPing, ""), []byte("{}"))
	if err != nil {
		return err
	}
	// A centre that does not know this site says so (its sites file).
	var reply struct {
		Error *meeting.Error `json:"error"`
	}
	if json.Unmarshal(out, &reply) == nil && reply.Error != nil {
		if msg := reply.Error.Error(); e.refusal.Swap(msg) != msg {
			e.log.Error("the centre refuses this site; the link stays down", "site", e.cfg.Site, "err", reply.Error)
		}
		return reply.Error
	}
	e.refusal.Store("")
	e.rtt.Store(int64(time.Since(start)))
	e.heard()
	e.report()
	return nil
}

// SetTablets gives the edge the count of a meeting's connected clients
// for its reports (the gateway's, made after the edge).
func (e *Edge) SetTablets(f func(meetingID string) int) {
	e.mu.Lock()
	e.tablets = f
	e.mu.Unlock()
}

// report publishes the site's status to every central node.
func (e *Edge) report() {
	if e.cfg.Site == "" {
		return
	}
	r := siteReport{Site: e.cfg.Site, RTTMs: float64(e.rtt.Load()) / float64(time.Millisecond)}
	e.mu.Lock()
	ids := make([]string, 0, len(e.follows))
	for id := range e.follows {
		ids = append(ids, id)
	}
	tablets := e.tablets
	e.mu.Unlock()
	for _, id := range ids {
		m := siteMeeting{ID: id}
		if tablets != nil {
			m.Tablets = tablets(id)
		}
		ctx, cancel := context.WithTimeout(e.ctx, time.Second)
		m.Version, _ = e.replica.Version(ctx, id)
		cancel()
		r.Meetings = append(r.Meetings, m)
	}
	data, err := json.Marshal(r)
	if err == nil {
		err = e.client.Publish(e.subject(kindStatus, ""), data)
	}
	if err != nil {
		e.log.Warn("reporting the site's status failed", "err", err)
	}
}

// subject is one of the site's subjects (bridge.go).
func (e *Edge) subject(kind, meetingID string) string {
	return siteSubject(e.cfg.Site, kind, meetingID)
}

// RTT is the round trip of the last ping to the centre.
func (e *Edge) RTT() time.Duration { return time.Duration(e.rtt.Load()) }

// follow starts keeping a meeting's replica in step (once); nil once the
// edge is closed or for an id that is not a meeting's.
func (e *Edge) follow(id string) *follower {
	if !meeting.ValidMeetingID(id) {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if f := e.follows[id]; f != nil || e.closed {
		return f
	}
	f := &follower{id: id, kick: make(chan struct{}, 1), pushes: make(chan []byte, 256)}
	e.follows[id] = f
	e.wg.Add(1)
	go e.run(f)
	return f
}

// run pulls a meeting's records from the centre on each doorbell, each
// tail check and each return of the link.
func (e *Edge) run(f *follower) {
	defer e.wg.Done()
	var stop, stopSignals func()
	defer func() {
		if stop != nil {
			stop()
		}
		if stopSignals != nil {
			stopSignals()
		}
	}()
	subscribe := func() {
		if stopSignals == nil {
			// The centre's signals (signals.go): checked, then shown.
			s, err := e.client.Listen(siteSignalSubject(e.cfg.Site, f.id), func(data []byte) { e.deliverSignal(f.id, data) })
			if err != nil {
				e.log.Warn("subscribing to a meeting's signals failed; retrying", "meeting", f.id, "err", err)
			} else {
				stopSignals = s
			}
		}
		if stop != nil {
			return
		}
		s, err := e.client.Listen(sitePushSubject(e.cfg.Site, f.id), func(data []byte) {
			select {
			case f.pushes <- data:
			default:
				f.ring() // behind: the pull reads them
			}
		})
		if err != nil {
			e.log.Warn("subscribing to a meeting's records failed; retrying", "meeting", f.id, "err", err)
			return
		}
		stop = s
	}
	subscribe()
	// Tell the centre at once which meetings the site follows: it pushes
	// the records of those. (run holds a count of e.wg: adding is safe.)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.report()
	}()
	tick := time.NewTicker(e.cfg.TailCheck)
	defer tick.Stop()
	f.ring()
	failing := false
	for {
		var err error
		select {
		case <-e.ctx.Done():
			return
		case data := <-f.pushes:
			err = e.applyPush(e.ctx, f, data)
		case <-f.kick:
			err = e.pull(e.ctx, f)
		case <-tick.C:
			subscribe()
			if !e.linkUp.Load() {
				continue // the link's return rings
			}
			err = e.pull(e.ctx, f)
		}
		switch {
		case err != nil && !failing && e.ctx.Err() == nil:
			e.log.Warn("catching up with the centre failed; retrying", "meeting", f.id, "err", err)
			failing = true
		case err == nil && failing:
			e.log.Info("caught up with the centre again", "meeting", f.id)
			failing = false
		}
	}
}

// pull reads what the centre has beyond the replica, page by page, checks
// each record's link, appends it and hands the events to the site's
// subscribers.
func (e *Edge) pull(ctx context.Context, f *follower) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := e.version(ctx, f)
	if err != nil {
		return err
	}
	for {
		req, _ := json.Marshal(readRequest{After: v})
		lctx, cancelLink := e.onLink(ctx)
		rctx, cancel := context.WithTimeout(lctx, requestTimeout)
		data, err := e.client.Request(rctx, readSubject(e.cfg.Site, f.id), req)
		cancel()
		cancelLink()
		if err != nil {
			return err
		}
		var reply readReply
		if err := json.Unmarshal(data, &reply); err != nil {
			return fmt.Errorf("bridge: the centre's answer: %w", err)
		}
		if reply.Error != nil {
			return reply.Error
		}
		e.heard()
		if len(reply.Records) == 0 {
			return nil
		}
		if v, err = e.appendRecords(ctx, f, v, reply.Records); err != nil {
			return err
		}
		if v >= reply.Version {
			return nil
		}
	}
}

// version is the replica's version of f's meeting, with f.last read when
// unknown. The caller holds f.mu.
func (e *Edge) version(ctx context.Context, f *follower) (uint64, error) {
	v, err := e.replica.Version(ctx, f.id)
	if err != nil {
		return 0, err
	}
	if f.last == nil && v > 0 {
		recs, err := e.replica.Read(ctx, f.id, v, 1)
		if err != nil {
			return 0, err
		}
		if len(recs) == 1 {
			f.last = recs[0].Hash
		}
	}
	return v, nil
}

// appendRecords checks records (seqs v+1, v+2, … each linked to the one
// before), appends them to the replica and delivers their events; it
// returns the new version. The caller holds f.mu.
func (e *Edge) appendRecords(ctx context.Context, f *follower, v uint64, records []record) (uint64, error) {
	batch := make([][]byte, len(records))
	events := make([]meeting.Event, len(records))
	prev := f.last
	for i, r := range records {
		if r.Seq != v+1+uint64(i) {
			return v, fmt.Errorf("bridge: the centre sent record %d where %d was due", r.Seq, v+1+uint64(i))
		}
		if r.Hash != nil {
			if prev != nil && !bytes.Equal(r.Prev, prev) {
				return v, fmt.Errorf("bridge: record %d does not follow the replica's last link", r.Seq)
			}
			if !bytes.Equal(storage.ChainHash(r.Prev, r.Seq, r.Data), r.Hash) {
				return v, fmt.Errorf("bridge: record %d does not match its link", r.Seq)
			}
		}
		prev = r.Hash
		if err := json.Unmarshal(r.Data, &events[i]); err != nil {
			return v, fmt.Errorf("bridge: decoding record %d: %w", r.Seq, err)
		}
		events[i].Seq = r.Seq
		batch[i] = r.Data
	}
	last, err := e.replica.Append(ctx, f.id, v, batch)
	if err != nil {
		f.last = nil
		return v, err
	}
	f.last = prev
	e.deliver(f.id, events)
	return last, nil
}

// applyPush appends the records a central node pushed when they follow
// the replica; older ones are dropped (already here), and records after a
// gap make the follower pull the gap.
func (e *Edge) applyPush(ctx context.Context, f *follower, data []byte) error {
	var push readReply
	if err := json.Unmarshal(data, &push); err != nil || len(push.Records) == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := e.version(ctx, f)
	if err != nil {
		return err
	}
	recs := push.Records
	for len(recs) > 0 && recs[0].Seq <= v {
		recs = recs[1:]
	}
	switch {
	case len(recs) == 0:
		return nil
	case recs[0].Seq != v+1:
		f.ring() // a gap: pull it
		return nil
	}
	e.heard()
	_, err = e.appendRecords(ctx, f, v, recs)
	return err
}

// deliver hands events that are in the replica to the site's subscribers.
func (e *Edge) deliver(id string, events []meeting.Event) {
	if len(events) > 0 {
		e.epochs.bump(id)
	}
	for _, s := range e.subscribers(id) {
		s.onEvents(events)
	}
}

func (e *Edge) subscribers(id string) []*siteSub {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*siteSub, 0, len(e.subs[id]))
	for s := range e.subs[id] {
		out = append(out, s)
	}
	return out
}

// Subscribe is the site gateway's bus: it delivers a meeting's events once
// they are in the replica (and starts following the meeting), and the
// site's own signals. The callbacks must not block.
func (e *Edge) Subscribe(id string, onEvents func([]meeting.Event), onSignal func([]byte)) (func(), error) {
	if e.follow(id) == nil {
		return nil, fmt.Errorf("bridge: cannot follow meeting %q", id)
	}
	s := &siteSub{onEvents: onEvents, onSignal: onSignal}
	e.mu.Lock()
	if e.subs[id] == nil {
		e.subs[id] = map[*siteSub]struct{}{}
	}
	e.subs[id][s] = struct{}{}
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		delete(e.subs[id], s)
		if len(e.subs[id]) == 0 {
			delete(e.subs, id)
		}
		e.mu.Unlock()
	}, nil
}

// PublishSignal passes a signal of the site (a pointer, ink) to the site's
// subscribers. Signals stay in the site: they are ephemeral, and the centre
// does not take a site's word for them. (The centre's signals reach the
// site's subscribers too: signals.go.)
func (e *Edge) PublishSignal(id string, data []byte) error {
	e.deliverSignal(id, data)
	return nil
}

// request sends v to the centre and decodes the answer into out. A cut
// link gives errCut.
func (e *Edge) request(ctx context.Context, subject string, v, out any) error {
	if !e.linkUp.Load() {
		return errCut()
	}
	ctx, cancelLink := e.onLink(ctx)
	defer cancelLink()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, requestTimeout)
		defer cancel()
	}
	req, err := json.Marshal(v)
	if err != nil {
		return errorOf(err)
	}
	data, err := e.client.Request(ctx, subject, req)
	switch {
	case errors.Is(err, natsbus.ErrNoCentre):
		return errCut()
	case err != nil:
		return errUnknown().WithCause(err)
	}
	if raw, ok := out.(*rawReply); ok {
		*raw = data
	} else if err := json.Unmarshal(data, out); err != nil {
		return errorOf(fmt.Errorf("bridge: the centre's answer: %w", err))
	}
	e.heard()
	return nil
}

// syncMeeting reads what the centre has of a meeting into the replica now.
func (e *Edge) syncMeeting(ctx context.Context, id string) error {
	f := e.follow(id)
	if f == nil {
		return meeting.Errorf(meeting.Invalid, "Mã hội nghị không hợp lệ: %q", "invalid meeting id %q", id)
	}
	if err := e.pull(ctx, f); err != nil {
		var me *meeting.Error
		if errors.As(err, &me) {
			return err
		}
		if errors.Is(err, natsbus.ErrNoCentre) {
			return errCut()
		}
		return errUnknown().WithCause(err)
	}
	return nil
}

// Meetings is what the site's gateway runs commands on and reads meetings
// through: reads from the replica, commands forwarded to the centre.
type Meetings struct {
	e     *Edge
	local LocalMeetings
}

// Meetings returns the site gateway's meetings over local, the service
// that reads the replica.
func (e *Edge) Meetings(local LocalMeetings) *Meetings { return &Meetings{e: e, local: local} }

// Execute forwards a command to the centre with the tablet's session
// (access.WithSession in ctx) and returns once the centre appended it and
// the replica holds its events. While the link is cut it is refused
// Unavailable, but for a request to speak or its withdrawal: those are
// held and sent once the link is back (held.go; protocol.ErrQueued).
func (m *Meetings) Execute(ctx context.Context, id string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error) {
	sess, ok := access.SessionFrom(ctx)
	if !ok || sess.Token == "" || sess.Meeting != id || sess.Participant != actor.Participant {
		return nil, meeting.Errorf(meeting.Unauthorized,
			"Lệnh tại điểm cầu cần phiên đăng nhập của máy tính bảng", "a command at a bridge site needs its tablet's session")
	}
	args, err := json.Marshal(cmd)
	if err != nil {
		return nil, errorOf(err)
	}
	req := cmdRequest{Token: sess.Token, Name: cmd.CommandName(), Args: args}
	if holdable(cmd) {
		// A resend of a command held here: held still, or sent once.
		switch held, seen := m.e.held.seen(sess.Token, protocol.CommandIDFrom(ctx)); {
		case seen && held:
			return nil, protocol.ErrQueued
		case seen:
			return nil, nil
		}
	}
	if holdable(cmd) && (!m.e.linkUp.Load() || m.e.Held() > 0) {
		// Held while cut, and behind what is held still (in order).
		return nil, m.hold(ctx, id, actor, sess.Token, cmd, req)
	}
	var reply cmdReply
	if err := m.e.request(ctx, cmdSubject(m.e.cfg.Site, id), req, &reply); err != nil {
		return nil, err
	}
	if reply.Error != nil {
		return nil, reply.Error
	}
	if len(reply.Events) > 0 {
		// Read-your-writes: the replica holds the events before the ack.
		if err := m.e.syncMeeting(ctx, id); err != nil {
			m.e.log.Warn("reading a forwarded command's events failed; the tail check will", "meeting", id, "err", err)
		}
	}
	return reply.Events, nil
}

// State returns the replica's state of a meeting (and follows it).
func (m *Meetings) State(ctx context.Context, id string) (*meeting.State, error) {
	m.e.follow(id)
	return m.local.State(ctx, id)
}

// ReadEvents reads the replica.
func (m *Meetings) ReadEvents(ctx context.Context, id string, from uint64, max int) ([]meeting.Event, error) {
	return m.local.ReadEvents(ctx, id, from, max)
}

// Version is the replica's version of a meeting.
func (m *Meetings) Version(ctx context.Context, id string) (uint64, error) {
	return m.local.Version(ctx, id)
}

// Sessions signs the site's tablets in: through the centre, kept at the
// edge, so that a signed-in tablet keeps working through a cut.
type Sessions struct {
	LocalSessions
	e *Edge
}

// Sessions returns the site's sign-in over local, the edge's own sessions.
func (e *Edge) Sessions(local LocalSessions) *Sessions { return &Sessions{LocalSessions: local, e: e} }

// Join redeems an invitation code at the centre and keeps the session.
func (s *Sessions) Join(ctx context.Context, code string) (access.Session, error) {
	var reply sessionReply
	if err := s.e.request(ctx, s.e.subject(kindJoin, ""), joinRequest{Code: code}, &reply); err != nil {
		return access.Session{}, err
	}
	if reply.Error != nil {
		return access.Session{}, reply.Error
	}
	return s.adopt(ctx, reply.Token, reply.Session)
}

// Authenticate finds a token's session at the edge, or asks the centre for
// it (a tablet signed in elsewhere) and keeps it.
func (s *Sessions) Authenticate(ctx context.Context, token string) (access.Session, error) {
	sess, err := s.LocalSessions.Authenticate(ctx, token)
	if err == nil {
		s.e.follow(sess.Meeting)
		s.e.tokens.Store(sess.ID, token)
		return sess, nil
	}
	var me *meeting.Error
	if !errors.As(err, &me) || me.Code != meeting.Unauthorized || errors.Is(err, access.ErrRevoked) {
		return access.Session{}, err
	}
	var reply sessionReply
	if err := s.e.request(ctx, s.e.subject(kindSession, ""), sessionRequest{Token: token}, &reply); err != nil {
		return access.Session{}, err
	}
	if reply.Error != nil {
		return access.Session{}, reply.Error
	}
	return s.adopt(ctx, token, reply.Session)
}

// adopt brings the session's meeting into the replica, keeps the session
// and authenticates it here.
func (s *Sessions) adopt(ctx context.Context, token string, rec storage.Session) (access.Session, error) {
	if err := s.e.syncMeeting(ctx, rec.Meeting); err != nil {
		return access.Session{}, err
	}
	if err := s.LocalSessions.Adopt(ctx, token, rec); err != nil {
		return access.Session{}, err
	}
	sess, err := s.LocalSessions.Authenticate(ctx, token)
	if err == nil {
		s.e.tokens.Store(sess.ID, token)
	}
	return sess, err
}

// token is the session's token, or the one seen for its id.
func (e *Edge) token(sess access.Session) string {
	if sess.Token != "" {
		return sess.Token
	}
	if t, ok := e.tokens.Load(sess.ID); ok {
		return t.(string)
	}
	return ""
}

// SignOut ends the session at the edge and, when the link is up, at the
// centre.
func (s *Sessions) SignOut(ctx context.Context, token string) error {
	if err := s.LocalSessions.SignOut(ctx, token); err != nil {
		return err
	}
	var reply sessionReply
	if err := s.e.request(ctx, s.e.subject(kindSignOut, ""), sessionRequest{Token: token}, &reply); err != nil {
		s.e.log.Warn("signing out at the centre failed; the session ends there when it expires", "err", err)
	}
	return nil
}
