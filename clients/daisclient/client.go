// Package daisclient is a Go client of the Dais protocol (v1): sign in with
// an invitation code, connect, receive the meeting's events in order, send
// commands and wait for their acks. The tests, the load generator and the
// admin CLI use it.
//
// A Client is one connection. It does not reconnect by itself: when Done is
// closed, dial again with Options.LastSeq = c.LastSeq() to resume.
//
// Concurrency: every method is safe for concurrent use. One goroutine (the
// reader) owns the socket's read side; writes are serialised by a mutex.
package daisclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// Session is a signed-in participant, as /api/v1/join returns it.
type Session struct {
	Token       string `json:"token"`
	Meeting     string `json:"meeting"`
	Participant string `json:"participant"`
	Role        string `json:"role"`
}

// Join redeems an invitation code at baseURL (http://host:port); see
// API.Join.
func Join(ctx context.Context, baseURL, code string) (Session, error) {
	return (&API{Base: baseURL}).Join(ctx, code)
}

// Options tune Dial. The zero value connects fresh (a snapshot).
type Options struct {
	// LastSeq resumes after this seq; 0 asks for a snapshot.
	LastSeq uint64
	// Device is the tablet's device id sent in the hello ("": none).
	Device string
	// Origin is sent as the Origin header when set (browsers always send one).
	Origin string
	// Dialer; nil means websocket.DefaultDialer.
	Dialer *websocket.Dialer
	// OnEvent, when set, receives every event (on the reader goroutine,
	// with the client's lock held: it must be quick and must not call the
	// Client), and events are not queued for Next.
	OnEvent func(Received)
	// KeepState folds the snapshot and events into a meeting.State that
	// State returns. Load generators leave it off to save memory.
	KeepState bool
	// Light is for load generators that only time events: an event frame
	// reaches OnEvent with its Seq and nothing else (Data nil), read from
	// the frame's first bytes instead of decoding it, so that thousands of
	// simulated tablets on the server's own machine take less of its CPU.
	// Other messages, and any frame not in the server's usual shape, are
	// decoded as always. It needs OnEvent and not KeepState.
	Light bool
	// WireClock, when set, tells when what the reader has just read
	// reached the socket (Received.Wire, Acked.Wire): a load generator
	// that runs thousands of clients on the server's own cores passes the
	// kernel's receive time of the socket's last read, which does not
	// include the wait for the generator's reader to be scheduled.
	WireClock func() time.Time
	// OnClose, when set, is called once when the connection ends, after
	// Done is closed, with why (a *CloseError when the server closed it,
	// e.g. 4008: resume by dialing again with LastSeq). It runs on the
	// reader goroutine, without the client's lock: it may call the
	// Client, and should start anything slow on a goroutine of its own.
	OnClose func(err error)
}

// Received is an event and when this client received it.
type Received struct {
	Event meeting.Event
	At    time.Time // when the reader took it
	Wire  time.Time // when its bytes reached the socket (Options.WireClock; zero without)
}

// Acked is a command's ack and when this client received it.
type Acked struct {
	protocol.Ack
	At   time.Time // when the reader took it
	Wire time.Time // when its bytes reached the socket (Options.WireClock; zero without)
}

// arrival is when the reader took a message, and when it reached the
// socket.
type arrival struct{ at, wire time.Time }

// Client is one connection to a Dais node.
type Client struct {
	ws      *websocket.Conn
	welcome protocol.Welcome
	opt     Options

	writeMu sync.Mutex
	nextID  atomic.Uint64

	mu       sync.Mutex
	cond     *sync.Cond // signalled on every new event and at the end
	events   []Received // received, not yet taken by Next
	lastSeq  uint64
	state    *meeting.State
	acks     map[string]chan Acked
	progress *protocol.Progress
	// attendance is the last attendance counts received (a lean
	// welcome's, then the attendance messages'); nil for a viewer who
	// gets every check-in.
	attendance *meeting.Lean
	signals    []protocol.Signal
	// takeBacks are the take-back messages received, in order (the
	// welcome's take_back is in Welcome).
	takeBacks [][]string
	// notices are the server's notices received, in order.
	notices []protocol.Notice
	moved   *protocol.Move
	err     error // why the connection ended
	code    int   // the close code the server sent, if any

	done chan struct{}
}

// Dial connects to baseURL's /ws with token, says hello and waits for the
// welcome. The events the client missed (or a snapshot) follow.
func Dial(ctx context.Context, baseURL, token string, opt Options) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/") + "/ws")
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	}
	dialer := opt.Dialer
	if dialer == nil {
		dialer = websocket.DefaultDialer
	}
	hdr := http.Header{}
	if opt.Origin != "" {
		hdr.Set("Origin", opt.Origin)
	}
	ws, resp, err := dialer.DialContext(ctx, u.String(), hdr)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("daisclient: dial: %w (%s)", err, resp.Status)
		}
		return nil, fmt.Errorf("daisclient: dial: %w", err)
	}
	ws.SetReadLimit(64 << 20)
	c := &Client{ws: ws, opt: opt, lastSeq: opt.LastSeq, acks: map[string]chan Acked{}, done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	if err := c.writeJSON(protocol.Hello{Type: protocol.TypeHello, Protocol: protocol.Version, Token: token, LastSeq: opt.LastSeq, Device: opt.Device}); err != nil {
		ws.Close()
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.SetReadDeadline(dl)
	}
	_, data, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return nil, &CloseError{Code: ce.Code, Text: ce.Text}
		}
		return nil, fmt.Errorf("daisclient: waiting for the welcome: %w", err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	if err := json.Unmarshal(data, &c.welcome); err != nil || c.welcome.Type != protocol.TypeWelcome {
		ws.Close()
		return nil, fmt.Errorf("daisclient: expected a welcome, got %.200s", data)
	}
	if c.welcome.Snapshot != nil {
		c.lastSeq = c.welcome.Snapshot.Version
		if l := c.welcome.Snapshot.Lean; l != nil {
			cp := *l
			c.attendance = &cp
		}
		if opt.KeepState {
			c.state = c.welcome.Snapshot
		}
	} else if opt.KeepState {
		return nil, errors.New("daisclient: KeepState needs a snapshot: dial with LastSeq 0")
	}
	c.welcome.Snapshot = nil // held in c.state when kept; free it otherwise
	ws.SetPingHandler(func(data string) error {
		c.writeMu.Lock()
		defer c.writeMu.Unlock()
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(10*time.Second))
	})
	go c.readLoop()
	return c, nil
}

// ErrOutOfOrder ends a connection on which the server sent an event at or
// below the last seq received (a duplicate, or one out of order): a
// broken promise of the protocol, not a network failure.
var ErrOutOfOrder = errors.New("duplicate or out of order")

// CloseError is how the server ended the connection.
type CloseError struct {
	Code int
	Text string
}

func (e *CloseError) Error() string {
	return "daisclient: closed by server: " + strconv.Itoa(e.Code) + " " + e.Text
}

// Welcome is the server's answer to the hello.
func (c *Client) Welcome() protocol.Welcome { return c.welcome }

func (c *Client) readLoop() {
	defer func() {
		close(c.done)
		if c.opt.OnClose != nil {
			c.opt.OnClose(c.Err())
		}
	}()
	for {
		_, data, err := c.ws.ReadMessage()
		now := arrival{at: time.Now()}
		if c.opt.WireClock != nil {
			now.wire = c.opt.WireClock()
		}
		if err != nil {
			c.finish(err)
			return
		}
		if err := c.handle(data, now); err != nil {
			c.finish(err)
			c.ws.Close()
			return
		}
	}
}

// inbound holds the fields of every message the server sends, so that a
// frame is decoded in one pass (and an event's data in a second one),
// whatever its type.
type inbound struct {
	Type string `json:"type"`
	// event
	Event *struct {
		Seq   uint64          `json:"seq"`
		Type  string          `json:"type"`
		V     int             `json:"v"`
		At    time.Time       `json:"at"`
		Actor string          `json:"actor"`
		Data  json.RawMessage `json:"data"`
	} `json:"event"`
	// ack
	ID     string         `json:"id"`
	OK     bool           `json:"ok"`
	Seq    uint64         `json:"seq"`
	Error  *meeting.Error `json:"error"`
	Queued bool           `json:"queued"`
	// progress
	Poll    string                  `json:"poll"`
	Cast    int                     `json:"cast"`
	Members int                     `json:"members"`
	Present int                     `json:"present"`
	Rooms   []protocol.RoomProgress `json:"rooms"`
	// signal
	Name string          `json:"name"`
	From string          `json:"from"`
	Data json.RawMessage `json:"data"`
	// move
	RetryMS int `json:"retry_ms"`
	// takeback
	Documents []string `json:"documents"`
}

// lightPrefix is how the server's event frames begin (protocol.Event,
// then meeting.Event's wire form, fields in declaration order).
var lightPrefix = []byte(`{"type":"event","event":{"seq":`)

// lightSeq reads the seq of an event frame from its first bytes.
func lightSeq(frame []byte) (uint64, bool) {
	if !bytes.HasPrefix(frame, lightPrefix) {
		return 0, false
	}
	var n uint64
	i, digits := len(lightPrefix), 0
	for ; i < len(frame) && frame[i] >= '0' && frame[i] <= '9'; i++ {
		n = n*10 + uint64(frame[i]-'0')
		digits++
	}
	if digits == 0 || digits > 18 || i >= len(frame) || frame[i] != ',' {
		return 0, false
	}
	return n, true
}

// handle processes one message from the server.
func (c *Client) handle(data []byte, now arrival) error {
	if c.opt.Light && c.opt.OnEvent != nil && c.state == nil {
		if seq, ok := lightSeq(data); ok {
			c.mu.Lock()
			defer c.mu.Unlock()
			if seq <= c.lastSeq {
				return fmt.Errorf("daisclient: event %d after %d: %w", seq, c.lastSeq, ErrOutOfOrder)
			}
			c.lastSeq = seq
			c.opt.OnEvent(Received{Event: meeting.Event{Seq: seq}, At: now.at, Wire: now.wire})
			c.cond.Broadcast()
			return nil
		}
	}
	var m inbound
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("daisclient: malformed message: %w", err)
	}
	var ev meeting.Event
	if m.Type == protocol.TypeEvent {
		if m.Event == nil {
			return errors.New("daisclient: malformed event: no event")
		}
		d, err := meeting.DecodeEventDataFormat(m.Event.Type, m.Event.V, m.Event.Data)
		if err != nil {
			return fmt.Errorf("daisclient: malformed event: %w", err)
		}
		ev = meeting.Event{Seq: m.Event.Seq, At: m.Event.At, Actor: m.Event.Actor, Data: d}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case protocol.TypeEvent:
		if ev.Seq <= c.lastSeq {
			return fmt.Errorf("daisclient: event %d after %d: %w", ev.Seq, c.lastSeq, ErrOutOfOrder)
		}
		if c.state != nil {
			if err := c.state.Follow(ev); err != nil {
				return fmt.Errorf("daisclient: folding event %d: %w", ev.Seq, err)
			}
		}
		c.lastSeq = ev.Seq
		if c.opt.OnEvent != nil {
			c.opt.OnEvent(Received{Event: ev, At: now.at, Wire: now.wire})
		} else {
			c.events = append(c.events, Received{Event: ev, At: now.at, Wire: now.wire})
		}
		c.cond.Broadcast()
	case protocol.TypeAck:
		if ch := c.acks[m.ID]; ch != nil {
			ch <- Acked{Ack: protocol.Ack{Type: m.Type, ID: m.ID, OK: m.OK, Seq: m.Seq, Error: m.Error, Queued: m.Queued}, At: now.at, Wire: now.wire}
			delete(c.acks, m.ID)
		}
	case protocol.TypeProgress:
		c.progress = &protocol.Progress{Type: m.Type, Poll: m.Poll, Cast: m.Cast, Members: m.Members, Present: m.Present, Rooms: m.Rooms}
		c.cond.Broadcast()
	case protocol.TypeAttendance:
		// Its "rooms" are not progress's: decoded apart (rare: a few a
		// second at most).
		var a protocol.Attendance
		if err := json.Unmarshal(data, &a); err != nil {
			return fmt.Errorf("daisclient: malformed attendance: %w", err)
		}
		l := a.Lean
		c.attendance = &l
		if c.state != nil && c.state.Lean != nil {
			cp := l
			c.state.Lean = &cp
		}
		c.cond.Broadcast()
	case protocol.TypeSignal:
		c.signals = append(c.signals, protocol.Signal{Type: m.Type, Name: m.Name, From: m.From, Data: m.Data})
		c.cond.Broadcast()
	case protocol.TypeMove:
		c.moved = &protocol.Move{Type: m.Type, RetryMS: m.RetryMS}
	case protocol.TypeTakeBack:
		c.takeBacks = append(c.takeBacks, m.Documents)
		c.cond.Broadcast()
	case protocol.TypeNotice:
		c.notices = append(c.notices, protocol.Notice{Type: m.Type, Name: m.Name, ID: m.ID})
		c.cond.Broadcast()
	}
	return nil
}

// finish records why the connection ended and wakes every waiter.
func (c *Client) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		c.code = ce.Code
		err = &CloseError{Code: ce.Code, Text: ce.Text}
	}
	c.err = err
	for id, ch := range c.acks {
		close(ch)
		delete(c.acks, id)
	}
	c.cond.Broadcast()
}

func (c *Client) writeJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// Do sends a command and waits for its ack. It returns the seq of the
// command's last event (0 if it changed nothing), or the server's refusal
// as a *meeting.Error.
func (c *Client) Do(ctx context.Context, cmd meeting.Command) (uint64, error) {
	a, err := c.DoTimed(ctx, cmd)
	return a.Seq, err
}

// Send sends a command by name with raw JSON arguments and waits for its ack.
func (c *Client) Send(ctx context.Context, name string, args json.RawMessage) (uint64, error) {
	a, err := c.send(ctx, c.newID(), name, args)
	return a.Seq, err
}

// SendID sends a command with the given command id and returns its whole
// ack (Queued: held at a bridge site until its link is back); a refusal
// is the error. A resend with the same id is how a client retries a
// command whose ack it did not get; one id must not be waited for twice
// at once.
func (c *Client) SendID(ctx context.Context, id, name string, args json.RawMessage) (protocol.Ack, error) {
	a, err := c.send(ctx, id, name, args)
	return a.Ack, err
}

// DoTimed is Do that also tells when the ack arrived.
func (c *Client) DoTimed(ctx context.Context, cmd meeting.Command) (Acked, error) {
	args, err := json.Marshal(cmd)
	if err != nil {
		return Acked{}, err
	}
	return c.send(ctx, c.newID(), cmd.CommandName(), args)
}

// newID is a command id not used before on this connection.
func (c *Client) newID() string { return "c" + strconv.FormatUint(c.nextID.Add(1), 10) }

func (c *Client) send(ctx context.Context, id, name string, args json.RawMessage) (Acked, error) {
	ch := make(chan Acked, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return Acked{}, err
	}
	c.acks[id] = ch
	c.mu.Unlock()
	if err := c.writeJSON(protocol.Command{Type: protocol.TypeCommand, ID: id, Name: name, Args: args}); err != nil {
		c.mu.Lock()
		delete(c.acks, id)
		c.mu.Unlock()
		return Acked{}, err
	}
	select {
	case a, ok := <-ch:
		if !ok {
			return Acked{}, c.Err()
		}
		if !a.OK {
			if a.Error == nil {
				return a, errors.New("daisclient: refused without an error")
			}
			return a, a.Error
		}
		return a, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.acks, id)
		c.mu.Unlock()
		return Acked{}, ctx.Err()
	}
}

// Signal sends an ephemeral signal.
func (c *Client) Signal(name string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return c.writeJSON(protocol.Signal{Type: protocol.TypeSignal, Name: name, Data: raw})
}

// Next returns the next received event not yet taken, waiting for one.
func (c *Client) Next(ctx context.Context) (Received, error) {
	var r Received
	err := c.wait(ctx, func() bool {
		if len(c.events) == 0 {
			return false
		}
		r = c.events[0]
		c.events = c.events[1:]
		return true
	})
	return r, err
}

// WaitFor waits until cond (called with the client's lock held, on the
// received state) is true.
func (c *Client) WaitFor(ctx context.Context, cond func(v View) bool) error {
	return c.wait(ctx, func() bool {
		return cond(View{LastSeq: c.lastSeq, State: c.state, Progress: c.progress, Signals: c.signals, Attendance: c.attendance, TakeBacks: c.takeBacks, Notices: c.notices})
	})
}

// View is what a client has received, as WaitFor's condition sees it. It
// must not be kept beyond the call.
type View struct {
	LastSeq  uint64
	State    *meeting.State // nil unless Options.KeepState
	Progress *protocol.Progress
	Signals  []protocol.Signal
	// Attendance is the last attendance counts received, for a delegate or
	// an observer (nil for the chair, secretaries and displays, who get
	// every check-in).
	Attendance *meeting.Lean
	// TakeBacks are the documents of each take-back message received
	// (protocol.TakeBack), in order.
	TakeBacks [][]string
	// Notices are the server's notices received (protocol.Notice), in order.
	Notices []protocol.Notice
}

// wait calls ok under the lock whenever something arrives, until it returns
// true, the connection ends, or ctx ends.
func (c *Client) wait(ctx context.Context, ok func() bool) error {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if ok() {
			return nil
		}
		if c.err != nil {
			return c.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		c.cond.Wait()
	}
}

// LastSeq is the seq of the last event received (or of the snapshot).
func (c *Client) LastSeq() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastSeq
}

// State returns a copy of the folded state (Options.KeepState), or nil.
func (c *Client) State() *meeting.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil {
		return nil
	}
	return c.state.Clone()
}

// Moved returns the server's move message if it sent one (it is draining).
func (c *Client) Moved() *protocol.Move {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.moved
}

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (a *CloseError when the server closed it),
// or nil while it is open.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// CloseCode is the close code the server sent, or 0.
func (c *Client) CloseCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code
}

// Close closes the connection politely and waits for the reader to end.
func (c *Client) Close() error {
	c.writeMu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.writeMu.Unlock()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
	}
	err := c.ws.Close()
	<-c.done
	return err
}

// Drop cuts the connection without a close frame, as a tablet leaving Wi-Fi
// range would, and waits for the reader to end.
func (c *Client) Drop() {
	_ = c.ws.Close()
	<-c.done
}
