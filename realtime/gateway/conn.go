package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// conn is one client connection: a reader (the goroutine that attached it)
// and, while it owes something, a writer goroutine draining queue.
type conn struct {
	g    *Gateway
	ws   *websocket.Conn
	sess access.Session
	// device is the tablet's device id from its hello ("" when none).
	device string

	// qmu guards first, started, queue, queueMax's use, writing and ended:
	// what the writer has to write and whether a writer runs.
	qmu sync.Mutex
	// first is the welcome and the events the client missed, given once
	// (begin); the writer writes it before anything in queue, and nothing
	// is written before it.
	first   []*message
	started bool
	// queue holds live messages, at most queueMax; full means the client
	// is too slow. A catch-up's messages take one place in it together
	// (burstMark, with the messages in bursts). nil when empty: an idle
	// tablet holds no queue.
	queue    []*message
	queueMax int
	// writing is set while a writer goroutine runs (startWriter): a
	// connection has one only while it owes something, so that thousands
	// of idle tablets do not each keep a parked goroutine and its stack.
	writing bool
	// ended is set when the writer has closed the connection: no writer
	// starts again, and what is queued after goes nowhere.
	ended bool
	// restOwed asks the writer to write what writeNow left (rest).
	restOwed bool
	// burstMu guards bursts: the messages of each burstMark in queue, in
	// order (appended by the room, taken by the writer).
	burstMu sync.Mutex
	bursts  [][]*message
	// slice is the connection's place in the room's paced counts (see
	// paceSlices); owned by the room goroutine.
	slice int
	// pending is what the room is collecting for this connection while it
	// delivers a batch of events (room.to); owned by the room goroutine.
	pending []*message

	// wmu is held by whoever writes to the socket: the writer, the
	// reader answering a ping or a close, or the goroutine that sends a
	// message to an idle connection (writeNow).
	wmu sync.Mutex
	// owed counts what was handed to the writer and is not written yet
	// (the start batch counts one until it is): writeNow writes only when
	// nothing is owed, so the order of messages holds.
	owed atomic.Int64
	// rest is the end of a frame writeNow could not finish without
	// waiting; whoever writes next writes it first (guarded by wmu).
	rest []byte
	// closed is set when no more may be written: the close frame went
	// out, the socket failed, or the writer ended (guarded by wmu).
	closed bool
	// raw is the socket for writeNow (nil: not a plain TCP socket; every
	// message goes through the writer).
	raw syscall.RawConn
	// rests counts the frames writeNow left half-written.
	rests atomic.Int64

	kickOnce  sync.Once
	kicked    chan struct{} // closed by kick
	closeCode int           // set before kicked is closed
	closeText string
	// writerDone is closed when the last writer has ended the connection
	// (after kick, or a failed write).
	writerDone chan struct{}

	// lean is set (by the room, at the welcome) for a delegate or an
	// observer: lean snapshots, attendance as counts.
	lean bool
	// phase is the connection's ping slot (guarded by g.mu).
	phase int
	// wrote counts the messages the writer has handed to the socket;
	// wroteSeen is its value when the pinger last looked (guarded by
	// g.mu). See pingSlot.
	wrote     atomic.Uint64
	wroteSeen uint64
	// kernelLive is set when the socket has TCP_USER_TIMEOUT: data the
	// peer does not acknowledge in time ends the connection, so a
	// connection being written to needs no ping to show it is alive.
	kernelLive bool
	// deadlineMu orders the pinger's extension of the read deadline
	// with writeClose's short one: once closing, the deadline only
	// shortens.
	deadlineMu sync.Mutex
	closing    bool
	// opened is when the connection said hello (the oldest of a session
	// is replaced first).
	opened time.Time
	// budget is the participant's, shared with their other connections;
	// set before the read loop starts.
	budget *budget
}

func newConn(g *Gateway, ws *websocket.Conn, sess access.Session) *conn {
	size := g.cfg.QueueSize
	if meeting.LeanRole(sess.Role) {
		// Thousands of them: a tablet that falls 64 messages behind
		// resumes cheaply from its last seq.
		size = min(size, g.cfg.LeanQueueSize)
	}
	c := &conn{
		g: g, ws: ws, sess: sess,
		queueMax:   size,
		kicked:     make(chan struct{}),
		writerDone: make(chan struct{}),
		opened:     time.Now(),
	}
	c.owed.Store(1) // the start batch: nothing is written before the welcome
	if ws != nil {
		c.raw = rawConn(ws.NetConn())
	}
	return c
}

// send writes a message to an idle connection's socket at once
// (writeNow), or queues it, without blocking. A full queue disconnects the
// client with CloseTooSlow: it will resume from its last seq.
func (c *conn) send(m *message) {
	if c.writeNow(m) {
		return
	}
	c.enqueue(m)
}

// enqueue hands m to the writer, or kicks a client whose queue is full.
func (c *conn) enqueue(m *message) bool {
	if c.offer(m) {
		return true
	}
	c.tooSlow()
	return false
}

// offer queues m for the writer, starting one if none runs, and reports
// whether there was room. A connection the writer has ended takes m and
// drops it.
func (c *conn) offer(m *message) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.ended {
		return true
	}
	if len(c.queue) >= c.queueMax {
		return false
	}
	c.owed.Add(1)
	c.queue = append(c.queue, m)
	if c.started {
		c.startWriter()
	}
	return true
}

// begin gives the writer the welcome and the events the client missed,
// to write before anything queued.
func (c *conn) begin(batch []*message) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	// owed counted one for the batch until now; it counts its messages
	// until they are written.
	c.owed.Add(int64(len(batch)) - 1)
	c.first, c.started = batch, true
	c.startWriter()
}

// flushLater asks the writer to write what writeNow left. wmu is held.
func (c *conn) flushLater() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.restOwed = true
	c.startWriter()
}

// startWriter starts a writer goroutine unless one runs, or the
// connection has no socket (tests that read the queue). qmu is held.
func (c *conn) startWriter() {
	if c.writing || c.ended || c.ws == nil {
		return
	}
	c.writing = true
	c.g.wg.Add(1) // the connection's reader holds the group open until writerDone
	go func() {
		defer c.g.wg.Done()
		c.writeLoop()
	}()
}

// sendBurst queues the messages of one catch-up (the events of a gap read
// from the log, a bridge site's records after a cut) as one place in the
// queue: a burst of past events is not a slow client, who is one that
// lets its queue's worth of deliveries pile up. The writer writes them one
// frame each, in order. Only the room's goroutine calls it.
func (c *conn) sendBurst(pms []*message) {
	switch len(pms) {
	case 0:
		return
	case 1:
		c.send(pms[0])
		return
	}
	c.burstMu.Lock()
	c.bursts = append(c.bursts, pms)
	c.burstMu.Unlock()
	if !c.enqueue(burstMark) {
		// Not queued: take it back (the writer takes bursts only for
		// marks it read, so the last one is this one).
		c.burstMu.Lock()
		c.bursts[len(c.bursts)-1] = nil
		c.bursts = c.bursts[:len(c.bursts)-1]
		c.burstMu.Unlock()
	}
}

// nextBurst takes the messages of the burstMark the writer read.
func (c *conn) nextBurst() []*message {
	c.burstMu.Lock()
	defer c.burstMu.Unlock()
	if len(c.bursts) == 0 {
		return nil
	}
	b := c.bursts[0]
	c.bursts[0] = nil
	c.bursts = c.bursts[1:]
	if len(c.bursts) == 0 {
		c.bursts = nil
	}
	return b
}

// tooSlow disconnects the client whose queue is full.
func (c *conn) tooSlow() {
	select {
	case <-c.kicked:
	default:
		c.g.cfg.Metrics.slow()
	}
	c.kick(protocol.CloseTooSlow, "too slow; resume from your last seq")
}

// sendJSON encodes v and queues it.
func (c *conn) sendJSON(v any) {
	pm, err := prepare(v)
	if err != nil {
		c.g.log.Error("encoding a message", "err", err)
		return
	}
	c.send(pm)
}

// kick asks the writer to close the connection with code; the first call wins.
func (c *conn) kick(code int, text string) {
	c.kickOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.kicked)
		// The writer sends the close frame; one starts if none runs.
		c.qmu.Lock()
		c.startWriter()
		c.qmu.Unlock()
		// A writer blocked in a write to a peer that stopped reading does
		// not see kicked: close the socket under it if it has not finished
		// within WriteTimeout.
		time.AfterFunc(c.g.cfg.WriteTimeout, func() {
			select {
			case <-c.writerDone:
			default:
				_ = c.ws.NetConn().Close()
			}
		})
	})
}

// pingMark, queued to a connection, asks its writer to send a ping.
var pingMark = new(message)

// burstMark, queued to a connection, asks its writer to write the next of
// its bursts (sendBurst).
var burstMark = new(message)

// writeLoop writes what is queued to the socket, in order, until nothing
// is left, and returns; or ends the connection when kicked or when a
// write fails. It is the socket's writer but for writeNow (an idle
// connection's messages) and the reader's answers to the peer's pings and
// close, all under wmu. One runs at a time (startWriter).
func (c *conn) writeLoop() {
	for {
		c.qmu.Lock()
		var first, batch []*message
		if c.started {
			first, batch = c.first, c.queue
			c.first, c.queue = nil, nil
		}
		rest := c.restOwed
		c.restOwed = false
		kicked := false
		select {
		case <-c.kicked:
			kicked = true
		default:
		}
		if !kicked && !rest && len(first) == 0 && len(batch) == 0 {
			// Nothing owed: the goroutine ends, and the next message
			// that cannot go at once starts another.
			c.writing = false
			c.qmu.Unlock()
			return
		}
		c.qmu.Unlock()
		if kicked {
			c.writeClose()
			c.end()
			return
		}
		if !c.write(first, batch) {
			c.end()
			return
		}
		c.owed.Add(-int64(len(first) + len(batch)))
	}
}

// write writes what writeNow left, then the messages of first and batch,
// under wmu. It reports whether the socket took them.
func (c *conn) write(first, batch []*message) bool {
	nc := c.ws.NetConn()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return false
	}
	if err := c.flushRest(nc); err != nil {
		return false
	}
	// No write deadline per message: gorilla would re-arm a timer on the
	// socket at every write, a measurable share of a fan-out to thousands.
	// A write blocked on a peer that stopped reading is ended by kick's
	// watchdog instead: the peer's queue overflows, it is kicked, and the
	// socket is closed under it if it has not finished in time.
	//
	// The frames of what was queued go in one write (writev), up to a
	// ping.
	var bufs net.Buffers
	flush := func() bool {
		if len(bufs) == 0 {
			return true
		}
		n := len(bufs)
		if _, err := bufs.WriteTo(nc); err != nil {
			return false
		}
		c.wrote.Add(uint64(n))
		return true
	}
	for _, ms := range [2][]*message{first, batch} {
		for _, m := range ms {
			switch m {
			case pingMark:
				if !flush() || c.control(websocket.PingMessage, nil) != nil {
					return false
				}
			case burstMark:
				for _, m := range c.nextBurst() {
					bufs = append(bufs, m.wire)
				}
			default:
				bufs = append(bufs, m.wire)
			}
		}
	}
	return flush()
}

// end is the last writer's: nothing more is written, the socket is
// closed, and no writer starts again.
func (c *conn) end() {
	c.wmu.Lock()
	c.closed = true
	c.wmu.Unlock()
	_ = c.ws.Close()
	c.qmu.Lock()
	c.ended = true // writing stays set
	c.first, c.queue = nil, nil
	c.qmu.Unlock()
	close(c.writerDone)
}

// writeClose tells a draining client where to go, sends the close frame and
// gives the reader a moment to see the peer's answer.
func (c *conn) writeClose() {
	c.wmu.Lock()
	if !c.closed {
		c.closed = true
		if c.closeCode == protocol.CloseDraining {
			// Spread the reconnections of a whole room over a few
			// seconds: the move goes after any rest, before the close.
			if m, err := prepare(protocol.Move{Type: protocol.TypeMove, RetryMS: 200 + rand.IntN(2000)}); err == nil {
				c.rest = slices.Concat(c.rest, m.wire)
			}
		}
		_ = c.control(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeText))
	}
	c.wmu.Unlock()
	// The reader ends when the peer answers the close, or at its deadline.
	c.deadlineMu.Lock()
	c.closing = true
	_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
	c.deadlineMu.Unlock()
}

// answer is the reader's handling of the peer's ping (a pong) and close
// (the close echoed), written under wmu after any rest.
func (c *conn) answer(typ int, data []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return
	}
	if typ == websocket.CloseMessage {
		c.closed = true
	}
	_ = c.control(typ, data)
}

// keepReading moves the read deadline to t, unless the connection is
// closing.
func (c *conn) keepReading(t time.Time) {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	if !c.closing {
		_ = c.ws.SetReadDeadline(t)
	}
}

// readLoop reads the client's messages until the socket fails or closes.
func (c *conn) readLoop() {
	wait := c.g.cfg.silence()
	_ = c.ws.SetReadDeadline(time.Now().Add(wait))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(wait))
	})
	c.ws.SetPingHandler(func(data string) error {
		c.answer(websocket.PongMessage, []byte(data))
		return nil
	})
	c.ws.SetCloseHandler(func(code int, _ string) error {
		c.answer(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""))
		return nil
	})
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		select {
		case <-c.kicked:
			return
		default:
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(wait))
		if typ != websocket.TextMessage {
			c.kick(protocol.CloseProtocol, "text frames only")
			return
		}
		if !c.handleAside(data) {
			return
		}
	}
}

// handleAside runs handle on a goroutine of its own and waits for it, so
// that messages are still handled one at a time, in order. Decoding a
// message and running a command (the log's append, the meeting's fold)
// grow a stack to 8 KiB or more; the reader, parked for hours between a
// tablet's messages, would keep that stack (the runtime shrinks a parked
// stack only while it uses under a quarter of it): 4 KiB more for every
// tablet that checked in. The goroutine's stack goes when it ends.
func (c *conn) handleAside(data []byte) bool {
	done := make(chan bool, 1)
	go func() { done <- c.handle(data) }()
	return <-done
}

// handle decodes and acts on one text message from the client; false
// ends the connection (it was kicked for a malformed message).
func (c *conn) handle(data []byte) bool {
	var env protocol.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		c.kick(protocol.CloseProtocol, "malformed message")
		return false
	}
	switch env.Type {
	case protocol.TypeCommand:
		var cmd protocol.Command
		if err := json.Unmarshal(data, &cmd); err != nil {
			c.kick(protocol.CloseProtocol, "malformed command")
			return false
		}
		c.sendJSON(c.run(cmd))
	case protocol.TypePing:
		var p protocol.Ping
		if err := json.Unmarshal(data, &p); err != nil || len(p.ID) > 64 {
			c.kick(protocol.CloseProtocol, "malformed ping")
			return false
		}
		c.sendJSON(protocol.Pong{Type: protocol.TypePong, ID: p.ID})
	case protocol.TypeSignal:
		var sig protocol.Signal
		if err := json.Unmarshal(data, &sig); err != nil || sig.Name == "" {
			c.kick(protocol.CloseProtocol, "malformed signal")
			return false
		}
		// Over the size or the participant's rate: dropped, as a
		// signal lost on the way would be.
		if len(data) <= MaxSignalSize && c.budget.signals.Allow() {
			c.relaySignal(sig)
		}
	default:
		c.kick(protocol.CloseProtocol, fmt.Sprintf("unknown message type %q", env.Type))
		return false
	}
	return true
}

// run executes one command and returns its ack. A panic becomes an Internal
// refusal: it never reaches the client as a dropped connection.
func (c *conn) run(cmd protocol.Command) (ack protocol.Ack) {
	ack = protocol.Ack{Type: protocol.TypeAck, ID: cmd.ID}
	start := time.Now()
	defer func() {
		outcome := "ok"
		if ack.Error != nil {
			outcome = string(ack.Error.Code)
		}
		name := cmd.Name
		if !meeting.KnownCommand(name) {
			name = "unknown" // keep the metric's labels bounded
		}
		c.g.cfg.Metrics.command(name, outcome, time.Since(start))
	}()
	defer func() {
		if p := recover(); p != nil {
			c.g.log.Error("command panicked", "command", cmd.Name, "panic", p, "stack", string(debug.Stack()))
			ack.OK, ack.Seq, ack.Error = false, 0, errorOf(fmt.Errorf("panic: %v", p))
		}
	}()
	settle, err := c.budget.allow(c.sess.Role, cmd.Name, len(cmd.Args), time.Now())
	if err != nil {
		ack.Error = errorOf(err)
		return ack
	}
	mc, err := meeting.DecodeCommand(cmd.Name, cmd.Args)
	if err != nil {
		settle(false)
		ack.Error = errorOf(err)
		return ack
	}
	ctx, cancel := context.WithTimeout(protocol.WithCommandID(access.WithSession(c.g.ctx, c.sess), cmd.ID), c.g.cfg.CommandTimeout)
	defer cancel()
	events, err := c.g.meetings.Execute(ctx, c.sess.Meeting, meeting.Actor{Participant: c.sess.Participant}, mc)
	if errors.Is(err, protocol.ErrQueued) {
		settle(true)
		ack.OK, ack.Queued = true, true
		return ack
	}
	if err != nil {
		ack.Error = errorOf(err)
		switch ack.Error.Code {
		case meeting.Invalid, meeting.NotFound, meeting.Forbidden, meeting.Conflict, meeting.RateLimited, meeting.Unauthorized, meeting.Archived:
			settle(false) // the meeting refused it: nothing was written
		case meeting.Internal:
			settle(true) // it may have been
			c.g.log.Error("command failed", "meeting", c.sess.Meeting, "command", cmd.Name, "err", err)
		case meeting.Unavailable:
			settle(true)
			c.g.log.Warn("command refused: a dependency is unavailable", "meeting", c.sess.Meeting, "command", cmd.Name, "err", err)
		}
		return ack
	}
	settle(true)
	ack.OK = true
	if n := len(events); n > 0 {
		ack.Seq = events[n-1].Seq
	}
	return ack
}

// relaySignal publishes an ephemeral signal from this client, stamped with
// who sent it, if the client may send signals to the room.
func (c *conn) relaySignal(sig protocol.Signal) {
	if c.sess.Role == meeting.RoleObserver {
		return
	}
	sig.Type = protocol.TypeSignal // never a notice, whatever the frame said
	sig.From = c.sess.Participant
	data, err := json.Marshal(sig)
	if err != nil {
		return
	}
	if err := c.g.bus.PublishSignal(c.sess.Meeting, data); err != nil {
		c.g.log.Warn("relaying a signal failed", "meeting", c.sess.Meeting, "err", err)
	}
}
