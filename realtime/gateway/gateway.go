// Package gateway is the WebSocket edge of a Dais node: tablets, consoles and
// displays connect here, say hello with their session token and the last
// sequence number they saw, and then receive their meeting's events in order
// while they send commands.
//
// Structure: one room per meeting with connected clients on this node. A
// room is one goroutine that owns the meeting's delivered state: it takes
// events from the bus, fills any gap from the log, folds each event once,
// encodes it once (a message: the whole WebSocket frame) and hands it to
// every client allowed to see it. Each connection has exactly one reader
// goroutine (each message it reads, a command included, runs on a
// short-lived goroutine it waits for: one at a time, in order) and, only
// while it owes something, a writer goroutine draining a bounded queue; a
// client whose queue is full is disconnected with CloseTooSlow and resumes,
// so a slow tablet never slows the others. A message to a connection that
// owes nothing is written into its socket at once by the sender, without
// waiting (conn.writeNow); what the socket does not take is the writer's.
//
// Locks: Gateway.mu guards the rooms and connections maps and is never held
// while sending on a channel that can block. Rooms share nothing else. A
// connection's wmu is held by whoever writes to its socket; the room only
// ever tries it (TryLock), so a tablet that stopped reading never holds a
// room up.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// Meetings is what the gateway needs from the meeting service.
type Meetings interface {
	// Execute runs a command and returns the events it appended.
	Execute(ctx context.Context, meetingID string, a meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
	// State returns the meeting's state caught up with the log.
	State(ctx context.Context, meetingID string) (*meeting.State, error)
	// ReadEvents returns events with seq >= from, at most max.
	ReadEvents(ctx context.Context, meetingID string, from uint64, max int) ([]meeting.Event, error)
	// Version returns the seq of the meeting's last event.
	Version(ctx context.Context, meetingID string) (uint64, error)
}

// Sessions authenticates the hello; *access.Service is one.
type Sessions interface {
	// Authenticate returns the session of a token, or an Unauthorized
	// *meeting.Error.
	Authenticate(ctx context.Context, token string) (access.Session, error)
}

// Bus is what the gateway needs from the message bus.
type Bus interface {
	// Subscribe delivers a meeting's published events and signals until
	// the returned function is called. The callbacks must not block.
	// onEvents receives only events another node vouched for; called with
	// none, it is a doorbell: read the log.
	Subscribe(meetingID string, onEvents func([]meeting.Event), onSignal func([]byte)) (func(), error)
	// PublishSignal sends an ephemeral signal to every node of the meeting.
	PublishSignal(meetingID string, data []byte) error
}

// Config tunes the gateway. Zero values mean the defaults given.
type Config struct {
	// AllowedOrigins lists extra browser origins (scheme://host[:port])
	// allowed to connect; a page served by this node (same host) always is,
	// and so is a client that sends no Origin (not a browser).
	AllowedOrigins []string
	// QueueSize is each connection's outgoing queue, in messages; 0 means 256.
	QueueSize int
	// LeanQueueSize is the queue of a delegate's or an observer's
	// connection (the many, who get no one else's check-ins or ballots);
	// 0 means 64, as the bare hub's. At most QueueSize.
	LeanQueueSize int
	// ResumeWindow is how many events a client may be behind and still be
	// sent the events it missed instead of a snapshot; 0 means 5000.
	ResumeWindow int
	// PingInterval is how often the server pings a connection it has
	// written nothing to since the last time; 0 means 25 s. A client
	// silent for 2.5 intervals is dropped — unless the node has been
	// writing to it all along and the kernel holds the data to account
	// (TCP_USER_TIMEOUT of 2.5 intervals, on Linux): see pingSlot.
	PingInterval time.Duration
	// WriteTimeout bounds one write to a client; 0 means 10 s.
	WriteTimeout time.Duration
	// HelloTimeout bounds the wait for the hello; 0 means 10 s.
	HelloTimeout time.Duration
	// CommandTimeout bounds one command; 0 means 15 s.
	CommandTimeout time.Duration
	// TailCheck is how often a room asks the log whether it missed the last
	// events of a burst (a lost bus message); 0 means 1 s.
	TailCheck time.Duration
	// ProgressInterval is the most often a room sends ballot progress; 0
	// means 250 ms.
	ProgressInterval time.Duration
	// RoomIdle is how long a room without clients lives on; 0 means 30 s.
	RoomIdle time.Duration
	// Limits bound what one participant may make the node do.
	Limits Limits
	// Logger; nil means slog.Default().
	Logger *slog.Logger
	// Metrics; nil records none.
	Metrics *Metrics
}

// silence is how long a connection may go without a word from its client
// (or, with TCP_USER_TIMEOUT, without its acknowledgements).
func (c *Config) silence() time.Duration { return c.PingInterval * 5 / 2 }

func (c *Config) defaults() {
	if c.QueueSize == 0 {
		c.QueueSize = 256
	}
	if c.LeanQueueSize == 0 {
		c.LeanQueueSize = 64
	}
	if c.ResumeWindow == 0 {
		c.ResumeWindow = 5000
	}
	if c.PingInterval == 0 {
		c.PingInterval = 25 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.HelloTimeout == 0 {
		c.HelloTimeout = 10 * time.Second
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = 15 * time.Second
	}
	if c.TailCheck == 0 {
		c.TailCheck = time.Second
	}
	if c.ProgressInterval == 0 {
		c.ProgressInterval = 250 * time.Millisecond
	}
	if c.RoomIdle == 0 {
		c.RoomIdle = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Limits.defaults()
}

// Gateway serves WebSocket clients. New, then mount it as an http.Handler,
// then Shutdown.
type Gateway struct {
	cfg      Config
	meetings Meetings
	sessions Sessions
	bus      Bus
	log      *slog.Logger
	upgrader websocket.Upgrader

	ctx    context.Context // ends at Shutdown; rooms and commands run under it
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the gateway started

	sends atomic.Uint64 // the rooms' sends to their clients (Sends)

	mu       sync.Mutex
	draining bool
	rooms    map[string]*room
	conns    map[*conn]struct{}
	budgets  map[string]*budget // by meeting and participant
	// budgetsSwept is the size of budgets at which the next sweep runs
	// (twice what the last sweep kept).
	budgetsSwept int
	// byToken holds the connections by session token (the sockets of one
	// session: SocketsPerSession, a handful), so that a connect does not
	// scan every connection.
	byToken map[string][]*conn
	// phases holds the connections by ping slot (see pinger).
	phases    [pingSlots]map[*conn]struct{}
	nextPhase int
}

// New returns a Gateway using meetings and bus.
func New(cfg Config, meetings Meetings, sessions Sessions, bus Bus) *Gateway {
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	g := &Gateway{
		cfg: cfg, meetings: meetings, sessions: sessions, bus: bus, log: cfg.Logger,
		ctx: ctx, cancel: cancel,
		rooms: map[string]*room{}, conns: map[*conn]struct{}{}, budgets: map[string]*budget{},
		byToken: map[string][]*conn{},
	}
	g.upgrader = websocket.Upgrader{
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		WriteBufferPool:  &sync.Pool{},
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      g.checkOrigin,
	}
	g.wg.Add(1)
	go g.pinger()
	return g
}

// pingSlots is how many phases the ping interval is cut into: every
// connection is pinged once per PingInterval, in its own slot of
// PingInterval/pingSlots, so that the pings of thousands of connections
// are spread over the interval instead of one burst (a burst that lands
// in a presentation delays that page turn for everyone).
const pingSlots = 50

// Sends counts the times a room has sent its clients something (an event,
// a signal, the counts) since the gateway started: when it stands still,
// no presentation or vote is under way on this node (the heap returner
// in cmd/daisd waits for that).
func (g *Gateway) Sends() uint64 { return g.sends.Load() }

// pinger pings the connections of one ping slot every
// PingInterval/pingSlots (conn.ping: at once to an idle connection, else
// behind what its writer owes): one ticker for the gateway instead of one
// per connection.
//
// The slots due are counted from the clock, not from the ticks: a tick
// that comes late (a busy machine) pings every slot that fell due since the
// last one, so each connection is still pinged once per PingInterval.
func (g *Gateway) pinger() {
	defer g.wg.Done()
	slot := max(g.cfg.PingInterval/pingSlots, time.Millisecond)
	t := time.NewTicker(slot)
	defer t.Stop()
	start, done := time.Now(), int64(0) // slots pinged since start
	for {
		select {
		case <-g.ctx.Done():
			return
		case now := <-t.C:
			for due := int64(now.Sub(start) / slot); done < due; done++ {
				g.pingSlot(int(done % pingSlots))
			}
		}
	}
}

// pingSlot pings every connection whose phase is slot and returns how
// many it pinged.
//
// A connection the writer has written to since the pinger last looked,
// on a socket with TCP_USER_TIMEOUT, is not pinged: if its peer is gone,
// the kernel ends the connection when that data stays unacknowledged for
// the timeout, just as a missing pong would. Its read deadline is moved
// on instead. During a presentation every tablet is written to at every
// page turn, and the pings and their pongs (a write and a read, two
// goroutine wake-ups per connection per interval) were the largest cost
// the bare hub does not pay.
func (g *Gateway) pingSlot(slot int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, skipped := 0, 0
	var until time.Time
	for c := range g.phases[slot] {
		wrote := c.wrote.Load()
		active := wrote != c.wroteSeen
		c.wroteSeen = wrote
		if active && c.kernelLive {
			if until.IsZero() {
				until = time.Now().Add(g.cfg.silence())
			}
			c.keepReading(until)
			skipped++
			continue
		}
		if c.ping() {
			n++
		}
	}
	g.cfg.Metrics.pinged(n, skipped)
	return n
}

// assignPhase gives c the ping slot with the fewest connections (ties: the
// next one after the last given), keeping the slots even as connections
// come and go. g.mu is held.
func (g *Gateway) assignPhase(c *conn) {
	best := -1
	for i := range pingSlots {
		s := (g.nextPhase + i) % pingSlots
		if best < 0 || len(g.phases[s]) < len(g.phases[best]) {
			best = s
		}
	}
	g.nextPhase = (best + 1) % pingSlots
	if g.phases[best] == nil {
		g.phases[best] = map[*conn]struct{}{}
	}
	g.phases[best][c] = struct{}{}
	c.phase = best
}

// checkOrigin allows clients that send no Origin (not browsers), pages of
// the same host, and the configured origins.
func (g *Gateway) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range g.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}

// ServeHTTP upgrades the request and hands the socket to a goroutine that
// serves the client until it leaves.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	draining := g.draining
	if !draining {
		g.wg.Add(1)
	}
	g.mu.Unlock()
	if draining {
		http.Error(w, "server is shutting down; reconnect to another node", http.StatusServiceUnavailable)
		return
	}
	defer g.wg.Done()
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	// Serve the socket on a goroutine of the gateway's own and return: the
	// HTTP server then frees the request and its buffers, which would
	// otherwise be held for the hours a tablet stays connected.
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.serve(ws)
	}()
}

// serve reads and checks the hello, then hands the connection to attach on
// a new goroutine and returns. The hello's work (decoding, the session's
// lookup in the store) grows this goroutine's stack to several KiB; the
// reader that then waits for hours on a tablet's next message starts
// small on a goroutine of its own (2 KiB, about 6 KiB less per connection
// at 10,000 tablets).
func (g *Gateway) serve(ws *websocket.Conn) {
	ws.SetReadLimit(protocol.MaxMessageSize)
	sess, lastSeq, device, code, reason := g.hello(ws)
	if code != 0 {
		closeNow(ws, code, reason, g.cfg.WriteTimeout)
		return
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.attach(ws, sess, lastSeq, device)
	}()
}

// attach joins a client that said hello to its meeting's room and reads its
// messages until it leaves. This goroutine is the connection's reader.
func (g *Gateway) attach(ws *websocket.Conn, sess access.Session, lastSeq uint64, device string) {
	c := newConn(g, ws, sess)
	c.device = device
	c.kernelLive = setUserTimeout(ws.NetConn(), g.cfg.silence())
	if !g.register(c) {
		closeNow(ws, protocol.CloseDraining, "server is shutting down", g.cfg.WriteTimeout)
		return
	}
	defer g.unregister(c)
	budget, evict := g.acquireBudget(c)
	c.budget = budget
	defer g.releaseBudget(c)
	for _, o := range evict {
		o.kick(protocol.CloseReplaced, "too many connections of this session; this one is replaced")
	}
	rm := g.acquire(sess.Meeting)
	defer g.release(rm)
	if !rm.join(c, lastSeq) {
		c.kick(protocol.CloseDraining, "server is shutting down")
	} else {
		c.readLoop()
		rm.leave(c)
	}
	c.kick(websocket.CloseNormalClosure, "")
	<-c.writerDone
}

// hello reads and checks the first message: the session, the last seq
// and the device id it gives. A non-zero code refuses it.
func (g *Gateway) hello(ws *websocket.Conn) (access.Session, uint64, string, int, string) {
	_ = ws.SetReadDeadline(time.Now().Add(g.cfg.HelloTimeout))
	_, data, err := ws.ReadMessage()
	if err != nil {
		return access.Session{}, 0, "", protocol.CloseBadHello, "no hello"
	}
	var h protocol.Hello
	if err := json.Unmarshal(data, &h); err != nil || h.Type != protocol.TypeHello {
		return access.Session{}, 0, "", protocol.CloseBadHello, "the first message must be a hello"
	}
	if h.Protocol != protocol.Version {
		return access.Session{}, 0, "", protocol.CloseBadHello, "unsupported protocol version"
	}
	if h.Device != "" && !validDevice(h.Device) {
		return access.Session{}, 0, "", protocol.CloseBadHello, "invalid device id"
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.cfg.CommandTimeout)
	defer cancel()
	sess, err := g.sessions.Authenticate(ctx, h.Token)
	if err != nil {
		if errors.Is(err, access.ErrRevoked) {
			return access.Session{}, 0, "", protocol.CloseRevoked, "session revoked; wipe and sign in with a new code"
		}
		if meeting.ErrorCode(err) == meeting.Unauthorized {
			return access.Session{}, 0, "", protocol.CloseUnauthorized, "invalid or expired session"
		}
		return access.Session{}, 0, "", protocol.CloseInternal, "cannot check the session now"
	}
	return sess, h.LastSeq, h.Device, 0, ""
}

// validDevice reports whether a device id is letters, digits, '-', '_'
// and '.', 1 to 64 of them.
func validDevice(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (g *Gateway) register(c *conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return false
	}
	g.conns[c] = struct{}{}
	g.byToken[c.sess.Token] = append(g.byToken[c.sess.Token], c)
	g.assignPhase(c)
	g.cfg.Metrics.connected(1)
	return true
}

func (g *Gateway) unregister(c *conn) {
	g.mu.Lock()
	if _, ok := g.conns[c]; ok {
		delete(g.phases[c.phase], c)
		if same := removeConn(g.byToken[c.sess.Token], c); len(same) > 0 {
			g.byToken[c.sess.Token] = same
		} else {
			delete(g.byToken, c.sess.Token)
		}
	}
	delete(g.conns, c)
	g.mu.Unlock()
	g.cfg.Metrics.connected(-1)
}

// acquire returns the meeting's room, starting it if needed, and counts a
// reference to it; release gives the reference back.
func (g *Gateway) acquire(meetingID string) *room {
	g.mu.Lock()
	defer g.mu.Unlock()
	rm := g.rooms[meetingID]
	if rm == nil {
		rm = newRoom(g, meetingID)
		g.rooms[meetingID] = rm
		g.cfg.Metrics.room(1)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			defer g.cfg.Metrics.room(-1)
			rm.run(g.ctx)
		}()
	}
	rm.refs++
	return rm
}

func (g *Gateway) release(rm *room) {
	g.mu.Lock()
	rm.refs--
	g.mu.Unlock()
}

// retire removes an idle room if nobody holds it; the room then stops.
func (g *Gateway) retire(rm *room) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if rm.refs > 0 {
		return false
	}
	delete(g.rooms, rm.id)
	return true
}

// Connections is the number of connected clients.
func (g *Gateway) Connections() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

// MeetingConnections returns the number of open connections of a
// meeting's clients (a bridge site reports it to the chair).
func (g *Gateway) MeetingConnections(meetingID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for c := range g.conns {
		if c.sess.Meeting == meetingID {
			n++
		}
	}
	return n
}

// Shutdown drains the gateway: new connections are refused, every client is
// told to move (reconnect and resume, on another node) and closed with
// CloseDraining, and Shutdown waits for every goroutine, or for ctx. It may be
// called more than once.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.mu.Lock()
	g.draining = true
	conns := make([]*conn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.kick(protocol.CloseDraining, "server is restarting; reconnect")
	}
	done := make(chan struct{})
	go func() {
		// Clients close their side; rooms stop when the context ends.
		deadline := time.Now().Add(5 * time.Second)
		for g.Connections() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		g.cancel()
		g.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		g.cancel()
		return ctx.Err()
	}
}

// Close stops the gateway abruptly, as a crash would: every socket is cut
// without a close frame, and Close waits for every goroutine. Clients
// reconnect and resume as after a network failure. It may be called more
// than once, and after Shutdown.
func (g *Gateway) Close() {
	g.mu.Lock()
	g.draining = true
	for c := range g.conns {
		_ = c.ws.Close()
	}
	g.mu.Unlock()
	g.cancel()
	g.wg.Wait()
}

// closeNow sends a close frame and closes the socket, for connections that
// never got a writer goroutine.
func closeNow(ws *websocket.Conn, code int, reason string, timeout time.Duration) {
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(timeout))
	_ = ws.Close()
}

// errorOf turns any error into the *meeting.Error a client is shown.
func errorOf(err error) *meeting.Error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return me
	}
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống; lệnh chưa được thực hiện", "internal error; the command had no effect")
}
