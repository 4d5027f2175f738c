// Package bridge joins a bridge site (điểm cầu) to the centre: an edge node
// in the site's room serves the site's tablets from a replica of the
// meetings' logs, and the centre's nodes answer the edge's requests.
//
// The edge's embedded NATS server is a leaf node of the centre's NATS
// (package natsbus); everything between edge and centre crosses that one
// leaf connection, and nats-server reconnects it after a cut.
//
//   - Events: the centre's event messages on dais.m.<meeting>.ev reach the
//     edge through the leaf connection as doorbells. The edge then reads the
//     records after its replica's version from the centre
//     (dais.bridge.<meeting>.read, answered by any central node from its
//     store, in pages), checks each record's audit-chain link against the
//     link before it, appends them to its replica in seq order and hands the
//     events to its gateway. The centre's log stays the truth: the replica
//     holds exactly its records, with the same links. A tail check once a
//     second and every reconnection of the leaf catch up what a lost
//     doorbell or a cut missed.
//   - Commands: a site tablet's command goes to the centre by request
//     (dais.bridge.<meeting>.cmd) with the tablet's session token; the
//     centre authenticates the token and runs the command as that
//     participant. The tablet's ack waits for the centre's. While the link
//     is cut commands are refused Unavailable (ballots too: docs/bridge.md).
//   - Sign-in: a site tablet's join goes to the centre (dais.bridge.join);
//     the edge keeps the session the centre exported
//     (dais.bridge.session), so that a signed-in tablet keeps working
//     through a cut.
//
// Hub is the centre's side, Edge the site's. Both are safe for concurrent
// use; every goroutine they start is stopped by Close.
package bridge

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Subjects of the requests edges send to the centre.
const (
	// subjectPrefix + <meeting> + ".read" / ".cmd".
	subjectPrefix  = "dais.bridge."
	subjectJoin    = "dais.bridge.join"
	subjectSession = "dais.bridge.session"
	subjectSignOut = "dais.bridge.signout"
	subjectPing    = "dais.bridge.ping"
	// queueGroup: one central node answers each request.
	queueGroup = "dais-bridge"
)

func readSubject(meetingID string) string { return subjectPrefix + meetingID + ".read" }
func cmdSubject(meetingID string) string  { return subjectPrefix + meetingID + ".cmd" }

// pushSubject carries the records a central node pushes to the sites
// following a meeting: dais.bridge.<meeting>.rec.
func pushSubject(meetingID string) string { return subjectPrefix + meetingID + ".rec" }

// maxPage bounds the records of one read answer, and maxPageBytes their
// data (the embedded NATS carries 8 MB messages; a page stays well under).
const (
	maxPage      = 500
	maxPageBytes = 2 << 20
)

// readRequest asks for the records with seq > After.
type readRequest struct {
	After uint64 `json:"after"`
	Max   int    `json:"max,omitempty"`
}

// record is a log record as the centre stores it (data as appended, and
// its audit-chain link).
type record struct {
	Seq  uint64 `json:"seq"`
	Data []byte `json:"data"`
	Hash []byte `json:"hash,omitempty"`
	Prev []byte `json:"prev,omitempty"`
}

type readReply struct {
	Records []record `json:"records,omitempty"`
	// Version is the centre's version when it read: more to come when it
	// is beyond the last record.
	Version uint64         `json:"version"`
	Error   *meeting.Error `json:"error,omitempty"`
}

type cmdRequest struct {
	Token string          `json:"token"`
	Name  string          `json:"name"`
	Args  json.RawMessage `json:"args,omitempty"`
}

type cmdReply struct {
	Events []meeting.Event `json:"events,omitempty"`
	Error  *meeting.Error  `json:"error,omitempty"`
}

type joinRequest struct {
	Code string `json:"code"`
}

type sessionRequest struct {
	Token string `json:"token"`
}

// sessionReply carries a session's stored record (and, for a join, its
// token).
type sessionReply struct {
	Token   string          `json:"token,omitempty"`
	Session storage.Session `json:"session"`
	Error   *meeting.Error  `json:"error,omitempty"`
}

// errorOf turns err into the *meeting.Error a reply carries.
func errorOf(err error) *meeting.Error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return me
	}
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống; lệnh chưa được thực hiện", "internal error; the command had no effect")
}

// errCut is the refusal of what needs the centre while the link is cut.
func errCut() *meeting.Error {
	return meeting.Errorf(meeting.Unavailable,
		"Điểm cầu đang mất kết nối với hội trường chính; thao tác chưa được thực hiện, xin thử lại khi có kết nối",
		"this bridge site's link to the centre is cut; nothing was done, try again once it is back")
}

// errUnknown is the refusal of a command whose answer the cut swallowed.
func errUnknown() *meeting.Error {
	return meeting.Errorf(meeting.Unavailable,
		"Mất kết nối với hội trường chính trước khi có trả lời; chưa rõ lệnh đã được thực hiện hay chưa (phiếu biểu quyết gửi lại sẽ không bị tính hai lần)",
		"the link to the centre was lost before its answer; the command's outcome is unknown (a ballot sent again is not counted twice)")
}

// requestTimeout bounds a request the edge sends without a deadline of its
// own (reads, sign-in).
const requestTimeout = 10 * time.Second
