package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/records"
)

// Records is the use case behind the signed-record routes;
// *records.Records is one.
type Records interface {
	Issue(ctx context.Context, sess access.Session, key string, fresh bool) ([]byte, *meeting.SignedRecord, error)
	Current(ctx context.Context, sess access.Session, key string) ([]byte, *meeting.SignedRecord, error)
	Sign(ctx context.Context, sess access.Session, key string, fresh bool) (*records.Report, error)
	Upload(ctx context.Context, sess access.Session, key string, body io.Reader) (*records.Report, error)
	Report(ctx context.Context, sess access.Session, key string) (*records.Report, error)
}

var _ Records = (*records.Records)(nil)

// RecordsAPI serves a meeting's signed records (the minutes, the agenda
// packet, an election's counting minutes); record is a key of
// meeting.ParseRecord ("minutes/vi", "packet", "counting/<election>/vi"):
//
//	GET  /api/v1/meetings/{meeting}/records?record=K            the signatures (records.Report)
//	GET  /api/v1/meetings/{meeting}/records/file?record=K       the current (signed) version
//	POST /api/v1/meetings/{meeting}/records/issue?record=K[&fresh=1]
//	     freeze the record for signing (again, with fresh) and return the version to sign
//	POST /api/v1/meetings/{meeting}/records/sign?record=K[&fresh=1]
//	     the server signs with its certificate → the report
//	PUT  /api/v1/meetings/{meeting}/records/file?record=K       a version signed with dais sign → the report
//
// Who may: the chair and the secretaries, and for counting minutes the
// counting committee (meeting.State.CanSignRecord).
type RecordsAPI struct {
	sessions Sessions
	records  Records
	log      *slog.Logger
}

// NewRecords returns the record routes over sessions and recs.
func NewRecords(sessions Sessions, recs Records, log *slog.Logger) *RecordsAPI {
	if log == nil {
		log = slog.Default()
	}
	return &RecordsAPI{sessions: sessions, records: recs, log: log}
}

// Register mounts the record routes on mux.
func (a *RecordsAPI) Register(mux Mux) {
	const m = "/api/v1/meetings/{meeting}/records"
	recordRoutes(a.request).mount(mux, m)
}

// request authenticates r and reads its record key.
func (a *RecordsAPI) request(r *http.Request) (recordRequest, error) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		return recordRequest{}, err
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, _, _, err := meeting.ParseRecord(key); err != nil {
		return recordRequest{}, err
	}
	return recordRequest{
		rec:   minutesRecord{recs: a.records, sess: sess, key: key},
		fresh: q.Get("fresh") == "1",
		name:  "ky-" + sess.Meeting + "-" + strings.ReplaceAll(key, "/", "-"),
	}, nil
}
