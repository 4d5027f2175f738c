package httpapi

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	mux.HandleFunc("GET "+m, a.report)
	mux.HandleFunc("GET "+m+"/file", a.file)
	mux.HandleFunc("POST "+m+"/issue", a.issue)
	mux.HandleFunc("POST "+m+"/sign", a.sign)
	mux.HandleFunc("PUT "+m+"/file", a.upload)
}

// request authenticates r and reads its record key.
func (a *RecordsAPI) request(r *http.Request) (access.Session, string, bool, error) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		return sess, "", false, err
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, _, _, err := meeting.ParseRecord(key); err != nil {
		return sess, "", false, err
	}
	return sess, key, q.Get("fresh") == "1", nil
}

func (a *RecordsAPI) report(w http.ResponseWriter, r *http.Request) {
	sess, key, _, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.records.Report(r.Context(), sess, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, rep)
}

func (a *RecordsAPI) file(w http.ResponseWriter, r *http.Request) {
	sess, key, _, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := a.records.Current(r.Context(), sess, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeRecord(w, sess, key, cur, b)
}

func (a *RecordsAPI) issue(w http.ResponseWriter, r *http.Request) {
	sess, key, fresh, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := a.records.Issue(r.Context(), sess, key, fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeRecord(w, sess, key, cur, b)
}

func (a *RecordsAPI) sign(w http.ResponseWriter, r *http.Request) {
	sess, key, fresh, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.records.Sign(r.Context(), sess, key, fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

func (a *RecordsAPI) upload(w http.ResponseWriter, r *http.Request) {
	sess, key, _, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/pdf" && mt != "application/octet-stream") {
			WriteError(w, meeting.Errorf(meeting.Invalid, "Nội dung tải lên phải là tệp PDF đã ký.", "the upload must be the signed PDF"))
			return
		}
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(transferTime(r.ContentLength)))
	rep, err := a.records.Upload(r.Context(), sess, key, r.Body)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// writeRecord answers with a record's PDF and its hash.
func writeRecord(w http.ResponseWriter, sess access.Session, key string, cur *meeting.SignedRecord, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Dais-Record-SHA256", cur.SHA256)
	name := "ky-" + sess.Meeting + "-" + strings.ReplaceAll(key, "/", "-") + ".pdf"
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileSafe(strings.TrimSuffix(name, ".pdf")) + ".pdf"}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
