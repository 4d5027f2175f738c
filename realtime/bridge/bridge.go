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
//     (dais.site.<site>.read.<meeting>, answered by any central node from its
//     store, in pages), checks each record's audit-chain link against the
//     link before it, appends them to its replica in seq order and hands the
//     events to its gateway. The centre's log stays the truth: the replica
//     holds exactly its records, with the same links. A tail check once a
//     second and every reconnection of the leaf catch up what a lost
//     doorbell or a cut missed.
//   - Commands: a site tablet's command goes to the centre by request
//     (dais.site.<site>.cmd.<meeting>) with the tablet's session token; the
//     centre authenticates the token and runs the command as that
//     participant. The tablet's ack waits for the centre's. While the link
//     is cut commands are refused Unavailable (ballots too: docs/bridge.md).
//   - Sign-in: a site tablet's join goes to the centre (dais.site.<site>.join);
//     the edge keeps the session the centre exported
//     (dais.site.<site>.session), so that a signed-in tablet keeps working
//     through a cut.
//
// Hub is the centre's side, Edge the site's. Both are safe for concurrent
// use; every goroutine they start is stopped by Close.
package bridge

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage"
)

// Subjects. Everything between the centre and one site is on the site's
// own subjects, dais.site.<site>.> (natsbus.SiteSubjects), so that the
// centre's NATS can hold each site's leaf connection to them
// (docs/bridge.md, "Trust between the sites"):
//
//	dais.site.<site>.read.<meeting>   read records (request)
//	dais.site.<site>.cmd.<meeting>    a tablet's command (request)
//	dais.site.<site>.file.<meeting>   a document (request)
//	dais.site.<site>.join|session|signout|ping   sign-in, the link (request)
//	dais.site.<site>.status           the site's report (publish)
//	dais.site.<site>.rec.<meeting>    records the centre pushes
//	dais.site.<site>.inbox.…          the edge's reply inboxes
const (
	sitePrefix = natsbus.SitePrefix
	// subjectPrefix + <meeting> + ".rec" is the subject a push is signed
	// for: the same bytes go to every site following the meeting.
	subjectPrefix = "dais.bridge."
	kindJoin      = "join"
	kindSession   = "session"
	kindSignOut   = "signout"
	kindPing      = "ping"
	kindStatus    = "status"
	// queueGroup: one central node answers each request.
	queueGroup = "dais-bridge"
)

// siteSubject is dais.site.<site>.<kind>[.<meeting>].
func siteSubject(site, kind, meetingID string) string {
	if meetingID == "" {
		return sitePrefix + site + "." + kind
	}
	return sitePrefix + site + "." + kind + "." + meetingID
}

func readSubject(site, meetingID string) string { return siteSubject(site, "read", meetingID) }
func cmdSubject(site, meetingID string) string  { return siteSubject(site, "cmd", meetingID) }

// pushSubject is what a push of a meeting's records is signed for:
// dais.bridge.<meeting>.rec (one signature, whichever site it goes to).
func pushSubject(meetingID string) string { return subjectPrefix + meetingID + ".rec" }

// sitePushSubject carries the records pushed to one site.
func sitePushSubject(site, meetingID string) string { return siteSubject(site, "rec", meetingID) }

// parseSubject splits dais.site.<site>.<kind>[.<meeting>]; ok is false for
// anything else.
func parseSubject(subject string) (site, kind, meetingID string, ok bool) {
	rest, found := strings.CutPrefix(subject, sitePrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ".")
	switch {
	case len(parts) == 2:
		site, kind = parts[0], parts[1]
	case len(parts) == 3:
		site, kind, meetingID = parts[0], parts[1], parts[2]
	default:
		return "", "", "", false
	}
	return site, kind, meetingID, natsbus.ValidSite(site)
}

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
