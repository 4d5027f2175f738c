package gateway

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"

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

	state  *meeting.State // delivered state: Version is the last seq delivered
	conns  map[*conn]struct{}
	recent []delivered // ring of the last recentSize delivered events, at seq % recentSize
	idle   time.Time   // when the last client left

	progressPoll string
	progressCast int
}

// delivered is an event with its encoded message.
type delivered struct {
	ev meeting.Event
	pm *websocket.PreparedMessage
	// redacted is the message of meeting.Redact's form of ev, made when
	// first needed.
	redacted *websocket.PreparedMessage
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
	tail := time.NewTicker(r.g.cfg.TailCheck)
	defer tail.Stop()
	progress := time.NewTicker(r.g.cfg.ProgressInterval)
	defer progress.Stop()
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
			delete(r.conns, c)
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
		case <-progress.C:
			r.sendProgress()
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
			delete(r.conns, c)
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

// apply folds one event into the delivered state, encodes it once and hands
// it to every client allowed to see it.
func (r *room) apply(ev meeting.Event) bool {
	// Who may see it is decided on the state before the event (a removed
	// participant is told of the removal) or after it (a new participant
	// sees their own arrival).
	before := r.recipients(ev)
	if err := r.state.Apply(ev); err != nil {
		r.g.log.Error("the log holds an event the state refuses; disconnecting the room's clients",
			"meeting", r.id, "seq", ev.Seq, "err", err)
		for c := range r.conns {
			c.kick(protocol.CloseInternal, "server fault; reconnect")
		}
		return false
	}
	pm, err := prepare(protocol.Event{Type: protocol.TypeEvent, Event: ev})
	if err != nil {
		r.g.log.Error("encoding an event", "meeting", r.id, "seq", ev.Seq, "err", err)
		return false
	}
	d := delivered{ev: ev, pm: pm}
	n := 0
	for c := range r.conns {
		if before[c] || meeting.Visible(r.state, ev, c.sess.Participant) {
			if pm := r.formFor(&d, c.sess.Participant); pm != nil {
				c.send(pm)
				n++
			} else {
				c.kick(protocol.CloseInternal, "server fault; reconnect")
			}
		}
	}
	r.recent[ev.Seq%recentSize] = d
	r.g.cfg.Metrics.deliveredEvents(n)
	r.closeRevoked(ev)
	return true
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
	for c := range r.conns {
		if c.sess.Participant == who && (session == "" || c.sess.ID == session) {
			c.kick(protocol.CloseRevoked, "session revoked; wipe and sign in with a new code")
			delete(r.conns, c) // no signal or progress reaches it any more
		}
	}
}

// formFor returns the message of d that viewer receives: the event itself,
// or its redacted form (meeting.Redact), encoded once on first need and
// kept in d. Should the redacted form fail to encode it returns nil: the
// caller then sends the viewer nothing rather than more than they may see.
func (r *room) formFor(d *delivered, viewer string) *websocket.PreparedMessage {
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
		Seq: r.state.Version,
	}
	var missed []*websocket.PreparedMessage
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
	if !resume {
		missed = nil
		w.Snapshot = r.state.ViewFor(c.sess.Participant)
	}
	pm, err := prepare(w)
	if err != nil {
		r.g.log.Error("encoding a welcome", "meeting", r.id, "err", err)
		c.kick(protocol.CloseInternal, "server fault; reconnect")
		return
	}
	c.start <- append([]*websocket.PreparedMessage{pm}, missed...)
	r.conns[c] = struct{}{}
	r.progressPoll = "" // send the joiner the progress of an open poll
}

// broadcastSignal relays a signal from the bus to the clients who may see
// it: a signal about a document (live ink names its "document"; a pointer
// names none and is about what the room is shown) goes only to those who
// may read that document, so a confidential document's ink reaches its
// readers, the chair and the secretaries alone. A signal about a document
// the meeting does not have goes to nobody.
func (r *room) broadcastSignal(data []byte) {
	doc := signalDocument(data)
	if doc == "" {
		doc = r.state.Presentation.Document
	}
	if doc != "" && r.state.Documents[doc] == nil {
		return
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, data)
	if err != nil {
		return
	}
	confidential := doc != "" && r.state.Documents[doc].Confidential
	for c := range r.conns {
		if !confidential || r.state.CanRead(c.sess.Participant, doc) {
			c.send(pm)
		}
	}
}

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

// sendProgress sends the open poll's ballot count when it changed.
func (r *room) sendProgress() {
	p := r.state.OpenPoll()
	if p == nil {
		r.progressPoll = ""
		return
	}
	if p.ID == r.progressPoll && len(p.Voters) == r.progressCast {
		return
	}
	r.progressPoll, r.progressCast = p.ID, len(p.Voters)
	members, present := r.state.Members()
	msg := protocol.Progress{Type: protocol.TypeProgress, Poll: p.ID, Cast: len(p.Voters), Members: members, Present: present}
	if p.Kind != "" {
		msg.Rooms = roomProgress(r.state, p)
	}
	pm, err := prepare(msg)
	if err != nil {
		return
	}
	for c := range r.conns {
		c.send(pm)
	}
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
