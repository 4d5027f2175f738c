package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// recentSize is how many encoded events a room keeps to answer resumes
// without reading the log.
const recentSize = 2048

// room delivers one meeting's events to this node's clients of it. All its
// fields below the channels are owned by the run goroutine.
type room struct {
	g  *Gateway
	id string

	refs int // guarded by g.mu

	inbox   chan []meeting.Event // from the bus; a full inbox drops (the gap is read from the log)
	signals chan []byte          // from the bus; a full one drops (signals are ephemeral)
	joins   chan joinReq
	leaves  chan *conn
	done    chan struct{} // closed when run returns

	state *meeting.State // delivered state: Version is the last seq delivered
	conns map[*conn]struct{}
	// whole are the connections that are not lean (chair, secretaries,
	// displays), who are the connections of each participant: a check-in
	// goes to the one checked in and the whole views only, found without
	// asking every connection.
	whole  map[*conn]struct{}
	who    map[string][]*conn // a handful each: a slice, not a map
	recent []delivered        // ring of the last recentSize delivered events, at seq % recentSize
	idle   time.Time          // when the last client left

	// The counts (ballot progress, lean attendance) go to the room's
	// connections one slice at a time (see pace.go): slices holds the
	// connections by c.slice, tick is the slice due next, nextSlice the
	// one the next connection joins; leanVersion counts the changes of the
	// attendance counts.
	slices          [paceSlices]map[*conn]struct{}
	tick, nextSlice int
	progress        pacer[progressMark]
	attendance      pacer[uint64]
	leanVersion     uint64

	// batching is set while the room delivers a batch of events (a
	// catch-up): what each connection is sent gathers in its pending and
	// goes as one burst (conn.sendBurst) when the batch ends. held are the
	// connections with something pending.
	batching bool
	held     []*conn
	hint     int // the messages a batch is expected to send each connection

	// out are the deliveries of the message being sent (room.to), handed
	// to the connections at once by sendOut, on fan's goroutines (nil:
	// the room's alone).
	out []delivery
	fan *fanout

	// lean is the meeting's attendance counts as lean viewers (delegates,
	// observers) get them; leanVersion counts their changes.
	lean          meeting.Lean
	leanJSON      []byte
	attendanceMsg *message // lean's attendance message
	leanConns     int      // connections with c.lean
	// leanBase is the part of a lean snapshot that every lean viewer who
	// may read no confidential document shares, encoded once (nil: to be
	// made); leanPolls the polls without anyone's ballot. Events that
	// change only check-ins or ballots keep them.
	leanBase  []byte
	leanPolls []byte
}

// delivered is an event with its encoded message.
type delivered struct {
	ev meeting.Event
	pm *message
	// redacted is the message of meeting.Redact's form of ev, made when
	// first needed.
	redacted *message
}

type joinReq struct {
	c       *conn
	lastSeq uint64
}

func newRoom(g *Gateway, id string) *room {
	return &room{
		g: g, id: id,
		inbox:   make(chan []meeting.Event, 4096),
		signals: make(chan []byte, 1024),
		joins:   make(chan joinReq),
		leaves:  make(chan *conn),
		done:    make(chan struct{}),
		conns:   map[*conn]struct{}{},
		whole:   map[*conn]struct{}{},
		who:     map[string][]*conn{},
		recent:  make([]delivered, recentSize),
	}
}

// join hands a connection to the room, which sends it the welcome and what
// it missed and then live events. False means the room is gone (shutdown).
func (r *room) join(c *conn, lastSeq uint64) bool {
	select {
	case r.joins <- joinReq{c: c, lastSeq: lastSeq}:
		return true
	case <-r.done:
		return false
	}
}

// leave removes a connection from the room.
func (r *room) leave(c *conn) {
	select {
	case r.leaves <- c:
	case <-r.done:
	}
}

// run is the room's goroutine: subscribe, load, then deliver until ctx ends
// or the room has been idle for RoomIdle.
func (r *room) run(ctx context.Context) {
	defer close(r.done)
	log := r.g.log.With("meeting", r.id)
	// Subscribed first, loaded second: nothing published in between is
	// missed. Without the bus (all of NATS down) the room serves anyway: the
	// tail check reads what other nodes appended from the log once per
	// TailCheck, and the subscription is retried on each check.
	unsubscribe, err := r.g.bus.Subscribe(r.id, r.fromBus, r.signalFromBus)
	if err != nil {
		log.Warn("subscribing to the bus failed; serving from the log until it is back", "err", err)
		unsubscribe = nil
	}
	defer func() {
		if unsubscribe != nil {
			unsubscribe()
		}
	}()
	for r.state == nil {
		st, err := r.g.meetings.State(ctx, r.id)
		if err != nil {
			log.Error("loading the meeting failed; retrying", "err", err)
			if !r.wait(ctx, time.Second) {
				return
			}
			continue
		}
		r.state = st
	}
	r.countAttendance()
	r.fan = newFanout(runtime.GOMAXPROCS(0) - 1) // none on one core
	defer r.fan.close()
	tail := time.NewTicker(r.g.cfg.TailCheck)
	defer tail.Stop()
	counts := time.NewTicker(max(r.g.cfg.ProgressInterval/paceSlices, time.Millisecond))
	defer counts.Stop()
	r.idle = time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case events := <-r.inbox:
			if len(events) == 0 {
				// A doorbell: a message the bus could not vouch for.
				// Only what the log holds is shown.
				r.catchUp(ctx)
				continue
			}
			r.deliver(ctx, events)
		case j := <-r.joins:
			r.welcome(ctx, j)
		case c := <-r.leaves:
			r.dropConn(c)
			if len(r.conns) == 0 {
				r.idle = time.Now()
			}
		case sig := <-r.signals:
			r.broadcastSignal(sig)
		case <-tail.C:
			if unsubscribe == nil {
				if un, err := r.g.bus.Subscribe(r.id, r.fromBus, r.signalFromBus); err == nil {
					unsubscribe = un
					log.Info("subscribed to the bus again")
				}
			}
			r.catchUp(ctx)
			if len(r.conns) == 0 && time.Since(r.idle) > r.g.cfg.RoomIdle && r.g.retire(r) {
				return
			}
		case <-counts.C:
			r.sendCounts()
		}
	}
}

// wait sleeps for d while still answering joins (with a refusal: the room
// cannot serve yet) and leaves. False means ctx ended.
func (r *room) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case j := <-r.joins:
			j.c.kick(protocol.CloseInternal, "meeting unavailable; retry")
		case c := <-r.leaves:
			r.dropConn(c)
		}
	}
}

// fromBus runs on the bus's goroutine: it must not block. No events is a
// doorbell (a message the bus could not authenticate): the room reads the
// log.
func (r *room) fromBus(events []meeting.Event) {
	select {
	case r.inbox <- events:
	default:
		// The room is behind; the tail check or the next event's gap
		// check reads these from the log.
	}
}

func (r *room) signalFromBus(data []byte) {
	select {
	case r.signals <- data:
	default:
	}
}

// deliver delivers events from the bus in seq order: older ones (already
// delivered) are dropped, and a gap before one is read from the log first.
func (r *room) deliver(ctx context.Context, events []meeting.Event) {
	if n := len(events); n > 0 && events[n-1].Seq > r.state.Version+1 {
		// More than one event to deliver (a catch-up, or a gap to read
		// first): one burst per connection.
		defer r.batch(int(min(events[n-1].Seq-r.state.Version, maxBurst)))()
	}
	for _, ev := range events {
		if ev.Seq <= r.state.Version {
			continue
		}
		if ev.Seq > r.state.Version+1 {
			r.fill(ctx, ev.Seq-1)
			if ev.Seq != r.state.Version+1 {
				return // could not read the gap; the tail check retries
			}
		}
		r.apply(ev)
	}
}

// catchUp reads whatever the log has beyond what was delivered.
func (r *room) catchUp(ctx context.Context) {
	v, err := r.g.meetings.Version(ctx, r.id)
	if err != nil {
		r.g.log.Warn("tail check failed", "meeting", r.id, "err", err)
		return
	}
	if v > r.state.Version {
		r.fill(ctx, v)
	}
}

// fill reads the log from the next undelivered seq up to seq and delivers it.
func (r *room) fill(ctx context.Context, upTo uint64) {
	defer r.batch(int(min(upTo-r.state.Version, maxBurst)))()
	for r.state.Version < upTo {
		want := int(min(upTo-r.state.Version, 1000))
		events, err := r.g.meetings.ReadEvents(ctx, r.id, r.state.Version+1, want)
		if err != nil {
			r.g.log.Warn("reading a gap from the log failed", "meeting", r.id, "from", r.state.Version+1, "err", err)
			return
		}
		if len(events) == 0 {
			return
		}
		r.g.cfg.Metrics.gap(len(events))
		for _, ev := range events {
			if ev.Seq != r.state.Version+1 || !r.apply(ev) {
				return
			}
		}
	}
}

// maxBurst bounds the messages of one burst: a longer catch-up takes a
// place in a connection's queue per maxBurst messages.
const maxBurst = 256

// batch starts gathering what each connection is sent into one burst per
// connection, and returns the function that ends it (sending the bursts);
// each connection is expected to be sent about n messages. Within a batch
// already started it does nothing: the outer one sends.
func (r *room) batch(n int) func() {
	if r.batching {
		return func() {}
	}
	r.batching, r.hint = true, min(max(n, 1), maxBurst)
	return func() {
		r.batching = false
		r.flush()
	}
}

// sendOut delivers what room.to gathered outside a batch.
func (r *room) sendOut() {
	if len(r.out) == 0 {
		return
	}
	r.g.sends.Add(1)
	if r.fan == nil {
		deliver(r.out)
	} else {
		r.fan.send(r.out)
	}
	clear(r.out)
	r.out = r.out[:0]
}

// flush sends each connection what gathered for it.
func (r *room) flush() {
	if len(r.held) > 0 {
		r.g.sends.Add(1)
	}
	for i, c := range r.held {
		c.sendBurst(c.pending)
		c.pending = nil
		r.held[i] = nil
	}
	r.held = r.held[:0]
}

// to sends a connection a message of the room's: at the next sendOut, or
// gathered into its burst while a batch is delivered.
func (r *room) to(c *conn, pm *message) {
	if !r.batching {
		r.out = append(r.out, delivery{c, pm})
		return
	}
	if c.pending == nil {
		r.held = append(r.held, c)
		c.pending = make([]*message, 0, r.hint)
	}
	c.pending = append(c.pending, pm)
	if len(c.pending) >= maxBurst {
		// Sent now; the connection stays in held with an empty pending
		// (sendBurst of none is nothing) that the next messages fill.
		c.sendBurst(c.pending)
		c.pending = make([]*message, 0, r.hint)
	}
}

// apply folds one event into the delivered state, encodes it once and hands
// it to every client allowed to see it.
func (r *room) apply(ev meeting.Event) bool {
	// Who may see it is decided on the state before the event (a removed
	// participant is told of the removal) or after it (a new participant
	// sees their own arrival).
	before := r.recipients(ev)
	var checked *meeting.Participant // a check-in or out: who, and were they present
	wasPresent := false
	switch d := ev.Data.(type) {
	case meeting.CheckedIn:
		checked = r.state.Participants[d.Participant]
	case meeting.CheckedOut:
		checked = r.state.Participants[d.Participant]
	}
	if checked != nil {
		wasPresent = checked.Present
	}
	if err := r.state.Apply(ev); err != nil {
		r.g.log.Error("the log holds an event the state refuses; disconnecting the room's clients",
			"meeting", r.id, "seq", ev.Seq, "err", err)
		for c := range r.conns {
			c.kick(protocol.CloseInternal, "server fault; reconnect")
		}
		return false
	}
	switch ev.Data.(type) {
	case meeting.CheckedIn, meeting.CheckedOut:
		// The shared part of lean snapshots stays; the counts move by
		// one, without reading the roster.
		if checked != nil && checked.Voter() && checked.Present != wasPresent {
			r.countOne(checked.Room, checked.Present)
		}
	case meeting.BallotCast:
	case meeting.CopyServed, meeting.CopiesDeleted:
		// The copy register is in no lean view: a morning's thousands of
		// copies served leave the shared lean snapshot as it is.
	case meeting.ParticipantAdded, meeting.ParticipantUpdated, meeting.ParticipantRemoved, meeting.RoomAdded:
		r.countAttendance()
		r.leanBase, r.leanPolls = nil, nil
	default:
		r.leanBase, r.leanPolls = nil, nil
	}
	pm, err := prepare(protocol.Event{Type: protocol.TypeEvent, Event: ev})
	if err != nil {
		r.g.log.Error("encoding an event", "meeting", r.id, "seq", ev.Seq, "err", err)
		return false
	}
	d := delivered{ev: ev, pm: pm}
	n := 0
	// Most events (a page turn) reach every participant: only the
	// restricted ones are checked per connection. Every connection of
	// the room is a participant's (the welcome checks, a removal closes).
	restricted := meeting.Restricted(ev)
	send := func(c *conn) {
		if pm := r.formFor(&d, c.sess.Participant); pm != nil {
			r.to(c, pm)
			n++
		} else {
			c.kick(protocol.CloseInternal, "server fault; reconnect")
		}
	}
	if meeting.ForStaff(ev) {
		// The copy register and revocations: the chair's and the
		// secretaries' only, never asked of the lean thousands.
		for c := range r.whole {
			if meeting.Visible(r.state, ev, c.sess.Participant) {
				send(c)
			}
		}
	} else if who := leanSubject(ev); who != "" {
		// A check-in or out, or a ballot: a lean viewer gets it only if it
		// is about them, so only the whole views and the lean connections
		// of the one concerned are asked (meeting.Visible still decides);
		// a morning's thousands of check-ins and a vote's thousands of
		// ballots cost nothing per other lean connection.
		for c := range r.whole {
			if meeting.Visible(r.state, ev, c.sess.Participant) {
				send(c)
			}
		}
		for _, c := range r.who[who] {
			if c.lean && meeting.Visible(r.state, ev, c.sess.Participant) {
				send(c)
			}
		}
		if b, ok := ev.Data.(meeting.BallotCast); ok && ev.Actor != "" && ev.Actor != b.Voter {
			// A substitute's ballot for the member: theirs too.
			for _, c := range r.who[ev.Actor] {
				if c.lean && meeting.Visible(r.state, ev, c.sess.Participant) {
					send(c)
				}
			}
		}
	} else {
		for c := range r.conns {
			if !restricted || before[c] || meeting.Visible(r.state, ev, c.sess.Participant) {
				send(c)
			}
		}
	}
	r.sendOut()
	r.recent[ev.Seq%recentSize] = d
	r.g.cfg.Metrics.deliveredEvents(n)
	r.g.cfg.Metrics.fannedOut(ev.At)
	r.closeRevoked(ev)
	r.tellTakeBack(ev)
	r.sendOut()
	return true
}

// tellTakeBack sends, after an event that took documents back (a
// DocumentTakenBack, the close), a TakeBack message to each connection
// whose device holds copies of them as the copy register says (copies
// registered with no device: every connection of their participant). A
// tablet not connected gets them in its next welcome.
func (r *room) tellTakeBack(ev meeting.Event) {
	var docs []string
	switch d := ev.Data.(type) {
	case meeting.DocumentTakenBack:
		docs = []string{d.Document}
	case meeting.MeetingClosed:
		for id, doc := range r.state.Documents {
			if doc.TakenBack != nil && doc.TakenBack.Seq == ev.Seq {
				docs = append(docs, id)
			}
		}
	default:
		return
	}
	if len(docs) == 0 {
		return
	}
	out := r.state.OutByDevice(docs)
	for p, byDevice := range out {
		for _, c := range r.who[p] {
			held := byDevice[""]
			if c.device != "" {
				for _, id := range byDevice[c.device] {
					if !slices.Contains(held, id) {
						held = append(slices.Clone(held), id)
					}
				}
			}
			if len(held) == 0 {
				continue
			}
			slices.Sort(held)
			pm, err := prepare(protocol.TakeBack{Type: protocol.TypeTakeBack, Documents: held})
			if err != nil {
				r.g.log.Error("encoding a take-back", "meeting", r.id, "err", err)
				continue
			}
			r.to(c, pm)
		}
	}
}

// takeBackFor is what a tablet connecting as participant from device
// must delete: the taken-back documents the copy register says it holds.
func (r *room) takeBackFor(participant, device string) []string {
	for _, doc := range r.state.Documents {
		if doc.TakenBack != nil {
			return r.state.PendingTakeBack(participant, device)
		}
	}
	return nil // nothing taken back: no need to read the register
}

// leanSubject returns the participant that an event a lean viewer gets
// only when it is about them is about — a CheckedIn, a CheckedOut, a
// BallotCast (see their visibleTo) — or "" for any other event.
func leanSubject(ev meeting.Event) string {
	switch d := ev.Data.(type) {
	case meeting.CheckedIn:
		return d.Participant
	case meeting.CheckedOut:
		return d.Participant
	case meeting.BallotCast:
		return d.Voter
	}
	return ""
}

// closeRevoked closes the connections an event signs out: every one of a
// removed participant (after they were sent their removal), every one of a
// participant whose sessions were revoked, or the one revoked session's.
// The tablet wipes on CloseRevoked. Every node does this as it delivers the
// event, which it reads from the log if the bus lost it: no node keeps
// serving a revoked session for longer than its tail check.
func (r *room) closeRevoked(ev meeting.Event) {
	var who, session string
	switch d := ev.Data.(type) {
	case meeting.ParticipantRemoved:
		who = d.Participant
	case meeting.SessionsRevoked:
		who, session = d.Participant, d.Session
	default:
		return
	}
	if r.batching {
		r.flush() // what they were sent (their removal) goes before the close
	}
	for c := range r.conns {
		if c.sess.Participant == who && (session == "" || c.sess.ID == session) {
			c.kick(protocol.CloseRevoked, "session revoked; wipe and sign in with a new code")
			r.dropConn(c) // no signal or progress reaches it any more
		}
	}
}

// formFor returns the message of d that viewer receives: the event itself,
// or its redacted form (meeting.Redact), encoded once on first need and
// kept in d. Should the redacted form fail to encode it returns nil: the
// caller then sends the viewer nothing rather than more than they may see.
func (r *room) formFor(d *delivered, viewer string) *message {
	ev, redacted := meeting.Redact(r.state, d.ev, viewer)
	if !redacted {
		return d.pm
	}
	if d.redacted == nil {
		pm, err := prepare(protocol.Event{Type: protocol.TypeEvent, Event: ev})
		if err != nil {
			r.g.log.Error("encoding a redacted event", "meeting", r.id, "seq", ev.Seq, "err", err)
			return nil
		}
		d.redacted = pm
	}
	return d.redacted
}

// recipients returns the clients who may see ev in the state before it,
// only for the events that change who is in the meeting.
func (r *room) recipients(ev meeting.Event) map[*conn]bool {
	if _, ok := ev.Data.(meeting.ParticipantRemoved); !ok {
		return nil
	}
	m := map[*conn]bool{}
	for c := range r.conns {
		m[c] = meeting.Visible(r.state, ev, c.sess.Participant)
	}
	return m
}

// recentFrom returns the delivered events with seq > after from the ring,
// or false when the ring does not hold them all.
func (r *room) recentFrom(after uint64) ([]delivered, bool) {
	if r.state.Version-after > recentSize {
		return nil, false
	}
	out := make([]delivered, 0, r.state.Version-after)
	for seq := after + 1; seq <= r.state.Version; seq++ {
		d := r.recent[seq%recentSize]
		if d.pm == nil || d.ev.Seq != seq {
			return nil, false
		}
		out = append(out, d)
	}
	return out, true
}

// welcome answers a hello: the events after the client's last seq when the
// room can send them, a snapshot otherwise; then the client gets live events.
func (r *room) welcome(ctx context.Context, j joinReq) {
	c := j.c
	if j.lastSeq > r.state.Version {
		r.catchUp(ctx) // the client may have seen more on another node
	}
	if c.sess.Participant == "" || r.state.Participant(c.sess.Participant) == nil {
		c.kick(protocol.CloseUnauthorized, "not a participant of this meeting")
		return
	}
	w := protocol.Welcome{
		Type: protocol.TypeWelcome, Protocol: protocol.Version,
		Meeting: r.id, Participant: c.sess.Participant, Role: string(r.state.Participant(c.sess.Participant).Role),
		Seq:      r.state.Version,
		TakeBack: r.takeBackFor(c.sess.Participant, c.device),
	}
	var missed []*message
	resume := j.lastSeq > 0 && j.lastSeq <= r.state.Version && r.state.Version-j.lastSeq <= uint64(r.g.cfg.ResumeWindow)
	if resume {
		if ds, ok := r.recentFrom(j.lastSeq); ok {
			for i := range ds {
				if meeting.Visible(r.state, ds[i].ev, c.sess.Participant) {
					pm := r.formFor(&r.recent[ds[i].ev.Seq%recentSize], c.sess.Participant)
					if pm == nil {
						resume = false
						break
					}
					missed = append(missed, pm)
				}
			}
		} else {
			events, err := r.g.meetings.ReadEvents(ctx, r.id, j.lastSeq+1, int(r.state.Version-j.lastSeq))
			if err != nil || len(events) != int(r.state.Version-j.lastSeq) {
				resume = false
			} else {
				for _, ev := range events {
					if !meeting.Visible(r.state, ev, c.sess.Participant) {
						continue
					}
					ev, _ = meeting.Redact(r.state, ev, c.sess.Participant)
					pm, err := prepare(protocol.Event{Type: protocol.TypeEvent, Event: ev})
					if err != nil {
						resume = false
						break
					}
					missed = append(missed, pm)
				}
			}
		}
	}
	c.lean = r.state.IsLeanViewer(c.sess.Participant)
	var pm *message
	var err error
	switch {
	case !resume && c.lean:
		missed = nil
		pm, err = r.leanWelcome(w, c.sess.Participant)
	case !resume:
		missed = nil
		w.Snapshot = r.state.ViewFor(c.sess.Participant)
		pm, err = prepare(w)
	default:
		pm, err = prepare(w)
		if c.lean && r.encodeLean() == nil {
			// Counts may have changed while it was away: the events
			// it missed do not carry others' check-ins.
			missed = append(missed, r.attendanceMsg)
		}
	}
	if err != nil {
		r.g.log.Error("encoding a welcome", "meeting", r.id, "err", err)
		c.kick(protocol.CloseInternal, "server fault; reconnect")
		return
	}
	c.begin(append([]*message{pm}, missed...))
	r.addConn(c)
}

// addConn adds a welcomed connection to the room's sets.
func (r *room) addConn(c *conn) {
	if _, ok := r.conns[c]; !ok {
		if c.lean {
			r.leanConns++
		}
		c.slice = r.nextSlice
		r.nextSlice = (r.nextSlice + 1) % paceSlices
		if r.slices[c.slice] == nil {
			r.slices[c.slice] = map[*conn]struct{}{}
		}
		r.slices[c.slice][c] = struct{}{}
		r.progress.join(c.slice) // sent the open poll's progress soon, not at the next ballot
	}
	r.conns[c] = struct{}{}
	if !c.lean {
		r.whole[c] = struct{}{}
	}
	if p := c.sess.Participant; !slices.Contains(r.who[p], c) {
		r.who[p] = append(r.who[p], c)
	}
}

// dropConn removes a connection from the room's sets.
func (r *room) dropConn(c *conn) {
	if _, ok := r.conns[c]; ok && c.lean {
		r.leanConns--
	}
	delete(r.conns, c)
	delete(r.whole, c)
	delete(r.slices[c.slice], c)
	if same := removeConn(r.who[c.sess.Participant], c); len(same) > 0 {
		r.who[c.sess.Participant] = same
	} else {
		delete(r.who, c.sess.Participant)
	}
}

// countAttendance recounts the lean viewers' attendance from the roster:
// when the room loads and when participants or rooms come or go.
func (r *room) countAttendance() {
	r.lean = r.state.LeanCounts()
	r.leanChanged()
}

// countOne moves the counts by one check-in (present) or out of a member
// sitting in room.
func (r *room) countOne(room string, present bool) {
	d := -1
	if present {
		d = 1
	}
	r.lean.Total.Present += d
	for i := range r.lean.Rooms {
		if r.lean.Rooms[i].Room == room {
			r.lean.Rooms[i].Present += d
		}
	}
	r.leanChanged()
}

// leanChanged marks the counts changed: their encodings are made again
// when next needed, and lean viewers are sent them (sendAttendance).
func (r *room) leanChanged() {
	r.leanVersion++
	r.leanJSON, r.attendanceMsg = nil, nil
}

// encodeLean encodes the counts, if they changed since last encoded.
func (r *room) encodeLean() error {
	if r.leanJSON != nil && r.attendanceMsg != nil {
		return nil
	}
	b, err := json.Marshal(r.lean)
	if err != nil {
		return err
	}
	pm, err := prepare(protocol.Attendance{Type: protocol.TypeAttendance, Lean: r.lean})
	if err != nil {
		return err
	}
	r.leanJSON, r.attendanceMsg = b, pm
	return nil
}

// leanShared is the encoding of the part of a lean snapshot that lean
// viewers share: the state with the viewer's own fields left out
// (shadowed by empty fields of the same JSON names), to which leanWelcome
// prepends them.
type leanShared struct {
	*meeting.State
	Version      uint64                                    `json:"version,omitzero"`
	Participants map[string]*meeting.Participant           `json:"participants,omitzero"`
	Order        []string                                  `json:"order,omitzero"`
	Polls        map[string]*meeting.Poll                  `json:"polls,omitzero"`
	Annotations  map[string]map[string]*meeting.Annotation `json:"annotations,omitzero"`
	Lean         *meeting.Lean                             `json:"lean,omitzero"`
}

// leanWelcome encodes w with the lean snapshot of viewer
// (meeting.State.LeanViewWith) as of now. For a viewer who may read no
// confidential document beyond what every lean viewer may, the snapshot is
// the viewer's own entries — their participant record, their ballots, their
// private annotations, the counts — put in front of the shared part, which
// is encoded once and kept until an event changes it: a morning's sign-ins
// cost a copy each, not an encoding of the meeting each.
func (r *room) leanWelcome(w protocol.Welcome, viewer string) (*message, error) {
	s := r.state
	if err := r.encodeLean(); err != nil {
		return nil, err
	}
	if !s.LeanShared(viewer) {
		w.Snapshot = s.LeanViewWith(viewer, r.lean)
		return prepare(w)
	}
	if r.leanBase == nil {
		v := s.LeanViewWith(viewer, r.lean)
		for _, p := range v.Polls {
			p.Voters = nil
		}
		base, err := json.Marshal(leanShared{State: v})
		if err != nil {
			return nil, err
		}
		polls, err := json.Marshal(v.Polls)
		if err != nil {
			return nil, err
		}
		r.leanBase, r.leanPolls = base, polls
	}
	polls := r.leanPolls
	for _, p := range s.Polls {
		if _, voted := p.Voters[viewer]; voted {
			mine := make(map[string]*meeting.Poll, len(s.Polls))
			for id, p := range s.Polls {
				cp := *p
				cp.Voters, cp.Paper = nil, nil // not on the committee (LeanShared)
				if choice, ok := p.Voters[viewer]; ok {
					cp.Voters = map[string]string{viewer: choice}
				}
				mine[id] = &cp
			}
			b, err := json.Marshal(mine)
			if err != nil {
				return nil, err
			}
			polls = b
			break
		}
	}
	me, err := json.Marshal(s.Participants[viewer])
	if err != nil {
		return nil, err
	}
	var own []byte
	if anns := s.Annotations[viewer]; len(anns) > 0 {
		if own, err = json.Marshal(map[string]map[string]*meeting.Annotation{viewer: anns}); err != nil {
			return nil, err
		}
	}
	var takeBack []byte
	if len(w.TakeBack) > 0 {
		if takeBack, err = json.Marshal(w.TakeBack); err != nil {
			return nil, err
		}
	}
	// The frame is written in place (the welcome's fields as
	// protocol.Welcome encodes them, the snapshot's parts in between): one
	// allocation per sign-in, the shared part copied once.
	ids := len(w.Type) + len(w.Meeting) + 2*len(w.Participant) + len(w.Role) + 2*len(viewer)
	b := newFrameBuf(len(r.leanBase) + len(r.leanJSON) + len(polls) + len(me) + len(own) + len(takeBack) + ids + 256)
	b = append(b, `{"type":`...)
	b = appendJSONString(b, w.Type)
	b = append(b, `,"protocol":`...)
	b = strconv.AppendInt(b, int64(w.Protocol), 10)
	b = append(b, `,"meeting":`...)
	b = appendJSONString(b, w.Meeting)
	b = append(b, `,"participant":`...)
	b = appendJSONString(b, w.Participant)
	b = append(b, `,"role":`...)
	b = appendJSONString(b, w.Role)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, w.Seq, 10)
	b = append(b, `,"snapshot":{"version":`...)
	b = strconv.AppendUint(b, s.Version, 10)
	b = append(b, `,"lean":`...)
	b = append(b, r.leanJSON...)
	b = append(b, `,"participants":{`...)
	b = appendJSONString(b, viewer)
	b = append(b, ':')
	b = append(b, me...)
	b = append(b, `},"order":[`...)
	b = appendJSONString(b, viewer)
	b = append(b, `],"polls":`...)
	b = append(b, polls...)
	if own != nil {
		b = append(b, `,"annotations":`...)
		b = append(b, own...)
	}
	if len(r.leanBase) > 2 {
		b = append(b, ',')
		b = append(b, r.leanBase[1:]...)
	} else {
		b = append(b, '}')
	}
	if takeBack != nil {
		b = append(b, `,"take_back":`...)
		b = append(b, takeBack...)
	}
	b = append(b, '}')
	return b.message(), nil
}

// broadcastSignal relays a signal from the bus to the clients who may see
// it: a signal about a document (live ink names its "document"; a pointer
// names none and is about what the room is shown) goes only to those who
// may read that document, so a confidential document's ink reaches its
// readers, the chair and the secretaries alone. A signal about a document
// the meeting does not have goes to nobody.
func (r *room) broadcastSignal(data []byte) {
	if isNotice(data) {
		// A server's notice (a conclusion published) is for everyone of
		// the meeting: it says only that something is there to fetch, and
		// the fetch is checked as ever.
		pm := newMessage(data)
		for c := range r.conns {
			r.to(c, pm)
		}
		r.sendOut()
		return
	}
	doc := signalDocument(data)
	if doc == "" {
		doc = r.state.Presentation.Document
	}
	if doc != "" && r.state.Documents[doc] == nil {
		return
	}
	pm := newMessage(data)
	confidential := doc != "" && r.state.Documents[doc].Confidential
	for c := range r.conns {
		if !confidential || r.state.CanRead(c.sess.Participant, doc) {
			r.to(c, pm)
		}
	}
	r.sendOut()
}

// noticePrefix is how a notice's JSON begins: protocol.Notice marshalled
// (its Type is its first field).
var noticePrefix = []byte(`{"type":"` + protocol.TypeNotice + `"`)

// isNotice reports whether a bus signal is a server's notice
// ({"type":"notice",…}); a client's signal is always stamped "signal"
// (relaySignal), so no client can send one. A prefix check: every signal
// on the bus is marshalled by a node, type first, and live ink passes here
// many times a second.
func isNotice(data []byte) bool { return bytes.HasPrefix(data, noticePrefix) }

// signalDocument returns the document a signal names in its data
// ({"data":{"document":"d1",…}}), or "".
func signalDocument(data []byte) string {
	var sig struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &sig) != nil || len(sig.Data) == 0 || sig.Data[0] != '{' {
		return ""
	}
	var d struct {
		Document string `json:"document"`
	}
	if json.Unmarshal(sig.Data, &d) != nil {
		return ""
	}
	return d.Document
}

// roomProgress counts an election round's ballots and the members present
// per room, in the order of the meeting's rooms.
func roomProgress(s *meeting.State, p *meeting.Poll) []protocol.RoomProgress {
	out := make([]protocol.RoomProgress, len(s.Rooms))
	at := make(map[string]int, len(s.Rooms))
	for i, rm := range s.Rooms {
		out[i].Room = rm.ID
		at[rm.ID] = i
	}
	for _, pt := range s.Participants {
		if i, ok := at[pt.Room]; ok && pt.Voter() && pt.Present {
			out[i].Present++
		}
	}
	for voter := range p.Voters {
		if pt := s.Participants[voter]; pt != nil {
			if i, ok := at[pt.Room]; ok {
				out[i].Cast++
			}
		}
	}
	return out
}
