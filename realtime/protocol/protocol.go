// Package protocol is Dais's wire protocol, version 1: the JSON messages a
// client and the server exchange over one WebSocket, one message per text
// frame. docs/protocol.md describes the conversation; this package is its
// single definition in Go, shared by the gateway and the Go client.
package protocol

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/dais-meeting/dais/meeting"
)

// Version is the protocol version this package speaks.
const Version = 1

// MaxMessageSize is the largest frame a client may send, in bytes. A larger
// one closes the connection (1009, message too big).
const MaxMessageSize = 64 << 10

// Message types, client to server.
const (
	TypeHello   = "hello"
	TypeCommand = "command"
	TypeSignal  = "signal"
	// TypePing asks for a pong at once: how a browser, which cannot see
	// WebSocket ping frames, finds out that a quiet connection is dead.
	TypePing = "ping"
)

// Message types, server to client.
const (
	TypeWelcome  = "welcome"
	TypeEvent    = "event"
	TypeAck      = "ack"
	TypeProgress = "progress"
	// TypeSignal (above) also flows server to client.
	TypeMove = "move"
	TypePong = "pong"
	// TypeAttendance carries attendance counts to delegates and observers.
	TypeAttendance = "attendance"
	// TypeTakeBack tells a tablet to delete its copies of documents that
	// were taken back (issue 12).
	TypeTakeBack = "takeback"
	// TypeNotice tells the clients of a meeting that something of it kept
	// outside its log changed (issue 13: a conclusion was published, a consultation sent or closed).
	TypeNotice = "notice"
)

// Notice names (Notice.Name).
const (
	// NoticeConclusions: a conclusion or resolution of the meeting was
	// published; GET /api/v1/meetings/{m}/conclusions again.
	NoticeConclusions = "conclusions"
	// NoticeConsultations: a written consultation of the committee the
	// meeting was made from was sent or closed; GET
	// /api/v1/meetings/{m}/consultations again.
	NoticeConsultations = "consultations"
)

// Close codes the server uses (RFC 6455 private range 4000–4999), and what a
// client should do about each.
const (
	// CloseBadHello: the first message was not a valid hello. Do not retry
	// unchanged.
	CloseBadHello = 4000
	// CloseUnauthorized: the session token is unknown or expired; sign in again.
	CloseUnauthorized = 4001
	// CloseProtocol: a message could not be parsed. Do not retry unchanged.
	CloseProtocol = 4002
	// CloseRevoked: a secretary revoked this session, or removed its
	// participant. Delete every document and state kept for offline use
	// and return to sign-in; the next sign-in needs a new code. Sent to a
	// connected tablet within a second of the revocation (on every node),
	// and in answer to a hello with a revoked session.
	CloseRevoked = 4003
	// CloseTooSlow: the client fell behind; reconnect and resume from the
	// last seq it saw.
	CloseTooSlow = 4008
	// CloseDraining: the server is shutting down; reconnect (to any node)
	// and resume.
	CloseDraining = 4009
	// CloseInternal: a server fault; reconnect and resume.
	CloseInternal = 4011
	// CloseReplaced: the session opened more connections than the server
	// allows (4); this, its oldest, was closed. Do not reconnect it: the
	// newer connections serve the session.
	CloseReplaced = 4029
)

// Envelope is every message: its type and the type's own fields. Decoding
// reads Type first, then the rest into the matching struct.
type Envelope struct {
	Type string `json:"type"`
}

// Hello opens a conversation: who the client is and what it last saw.
type Hello struct {
	Type     string `json:"type"` // "hello"
	Protocol int    `json:"protocol"`
	Token    string `json:"token"`
	// LastSeq is the seq of the last event the client applied; 0 asks for
	// a snapshot.
	LastSeq uint64 `json:"last_seq"`
	// Device is the tablet's stable device id (made once, kept on the
	// device; letters, digits, '-', '_', '.', at most 64): the copy
	// register and the take-backs are per device. Optional; a malformed
	// one closes the connection (CloseBadHello).
	Device string `json:"device,omitempty"`
}

// Welcome answers a hello. Exactly one of two things follows it: when
// Snapshot is set, it is the meeting as of Seq and the events after Seq
// follow; otherwise the events after the client's LastSeq follow, then live
// events. Either way every event is sent once, in seq order.
type Welcome struct {
	Type        string `json:"type"` // "welcome"
	Protocol    int    `json:"protocol"`
	Meeting     string `json:"meeting"`
	Participant string `json:"participant"`
	Role        string `json:"role"`
	// Seq is the meeting's position when the welcome was sent.
	Seq      uint64         `json:"seq"`
	Snapshot *meeting.State `json:"snapshot,omitempty"`
	// TakeBack lists the documents taken back of which this device (or
	// the participant, from no named device) still holds copies, as the
	// copy register says: delete them, then send ConfirmDeletion.
	TakeBack []string `json:"take_back,omitempty"`
}

// TakeBack tells a connected tablet to delete every copy it keeps of
// Documents (taken back: by a secretary's TakeBackDocument or by the
// close), then to send ConfirmDeletion with its device id and the
// documents it no longer holds. Sent right after the event that took them
// back, to each connection whose device the copy register says holds
// copies of them; a tablet offline then gets them in its welcome.
type TakeBack struct {
	Type      string   `json:"type"` // "takeback"
	Documents []string `json:"documents"`
}

// Command asks the server to run a meeting command. ID is the client's and
// comes back in the ack; Args are the command's fields (see the meeting
// package), e.g. {"type":"command","id":"c7","name":"TurnPage","args":{"page":5}}.
type Command struct {
	Type string          `json:"type"` // "command"
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

// Event carries one event of the meeting's log.
type Event struct {
	Type  string        `json:"type"` // "event"
	Event meeting.Event `json:"event"`
}

// Ack answers a command: OK with the seq of its last event (0 when it
// produced none that the client will see), or the error.
//
// Queued (with OK) says the command was not run yet: a bridge site whose
// link to the centre is cut holds a request to speak (or its withdrawal)
// and sends it once the link is back (docs/bridge.md); its event arrives
// then like any other.
type Ack struct {
	Type   string         `json:"type"` // "ack"
	ID     string         `json:"id"`
	OK     bool           `json:"ok"`
	Seq    uint64         `json:"seq,omitempty"`
	Error  *meeting.Error `json:"error,omitempty"`
	Queued bool           `json:"queued,omitempty"`
}

// ErrQueued is what a gateway's meetings return for a command they hold
// to run later (a bridge site's cut link): acked OK and Queued.
var ErrQueued = errors.New("the command is queued until the link to the centre is back")

type commandIDKey struct{}

// WithCommandID carries a client's command id (Command.ID) with the
// command's context, for whoever runs it to recognise a resend.
func WithCommandID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, commandIDKey{}, id)
}

// CommandIDFrom returns the command id WithCommandID put in ctx ("" when none).
func CommandIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(commandIDKey{}).(string)
	return id
}

// Progress is the ephemeral count of ballots in the open poll, sent to
// everyone at most a few times a second while a poll is open. It carries no
// seq and is not replayed.
type Progress struct {
	Type    string `json:"type"` // "progress"
	Poll    string `json:"poll"`
	Cast    int    `json:"cast"`
	Members int    `json:"members"`
	Present int    `json:"present"`
	// Rooms is each room's count while an election round is open: what
	// the counting committee's console shows (ballots returned against
	// the members present, per room; a room on paper has no tablet
	// ballots).
	Rooms []RoomProgress `json:"rooms,omitempty"`
}

// RoomProgress is one room's ballots in the open election round.
type RoomProgress struct {
	Room    string `json:"room"`
	Cast    int    `json:"cast"`
	Present int    `json:"present"`
}

// Attendance is the ephemeral attendance of the meeting, sent to the
// delegates and observers (who get lean snapshots and no one else's
// CheckedIn/CheckedOut) right after their welcome and then at most a few
// times a second while it changes. It carries no seq and is not replayed:
// a client sets its state's lean counts (meeting.Lean) from it.
type Attendance struct {
	Type string `json:"type"` // "attendance"
	meeting.Lean
}

// Signal is ephemeral traffic (a laser pointer, ink being drawn): relayed
// to the meeting's other clients over the bus, never stored, no seq. From
// is set by the server.
type Signal struct {
	Type string          `json:"type"` // "signal"
	Name string          `json:"name"`
	From string          `json:"from,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Notice is a doorbell from the server: something of the meeting kept
// outside the meeting's log (a conclusion, in the office's log of its own)
// changed, so a client showing it fetches it again. Like a Signal it
// travels over the bus only, carries no seq and is not replayed: a client
// that was away (asleep, reconnecting with last_seq) fetches what it shows
// after every welcome instead. Only the server sends one; From is never
// set. Clients ignore the names they do not know.
type Notice struct {
	Type string `json:"type"` // "notice"
	Name string `json:"name"`
	// ID names what changed (the conclusion), when there is one.
	ID string `json:"id,omitempty"`
}

// Ping asks the server for a Pong with the same ID, e.g.
// {"type":"ping","id":"h12"}. It changes nothing and is not rate-limited
// beyond the connection's read deadline; clients send one every few
// seconds when nothing else arrived.
type Ping struct {
	Type string `json:"type"` // "ping"
	ID   string `json:"id,omitempty"`
}

// Pong answers a Ping.
type Pong struct {
	Type string `json:"type"` // "pong"
	ID   string `json:"id,omitempty"`
}

// Move tells a client that the server is going away: reconnect after
// RetryMS milliseconds and resume. The close (CloseDraining) follows.
type Move struct {
	Type    string `json:"type"` // "move"
	RetryMS int    `json:"retry_ms"`
}
