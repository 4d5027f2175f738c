package httpapi

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/records"
)

// ConclusionRecords is the use case behind a conclusion's signed PDF;
// *records.Conclusions is one.
type ConclusionRecords interface {
	Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error)
	Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error)
	Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*records.Report, error)
	Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*records.Report, error)
	Report(ctx context.Context, actor office.Actor, id, key string) (*records.Report, error)
}

var _ ConclusionRecords = (*records.Conclusions)(nil)

// ConclusionRecordsAPI serves an approved conclusion's PDF as a signed
// record, as RecordsAPI serves a meeting's minutes, with an office
// account's session; record is "conclusion/vi" or "conclusion/en":
//
//	GET  /api/v1/conclusions/{conclusion}/record?record=K             the signatures (records.Report)
//	GET  /api/v1/conclusions/{conclusion}/record/file?record=K        the current (signed) version
//	POST /api/v1/conclusions/{conclusion}/record/issue?record=K[&fresh=1]
//	     freeze the PDF for signing (again, with fresh) and return the version to sign
//	POST /api/v1/conclusions/{conclusion}/record/sign?record=K[&fresh=1]
//	     the server signs with its certificate → the report
//	PUT  /api/v1/conclusions/{conclusion}/record/file?record=K        a version signed with dais sign → the report
//
// Who may: the committee's chair and the office's staff
// (office.Conclusion.MaySignRecord); anyone else is answered as if there
// were no such conclusion when they may not read it, forbidden when they
// may.
type ConclusionRecordsAPI struct {
	c    *ConclusionsAPI
	recs ConclusionRecords
}

// NewConclusionRecords returns the routes; c reads the caller and the
// conclusion as the conclusions' routes do.
func NewConclusionRecords(c *ConclusionsAPI, recs ConclusionRecords) *ConclusionRecordsAPI {
	return &ConclusionRecordsAPI{c: c, recs: recs}
}

// Register mounts the routes on mux.
//
// From the chair's console, with the meeting's session (the chair signs
// the meeting's approved conclusions where they approved them):
//
//	GET  /api/v1/meetings/{meeting}/conclusions/{conclusion}/record?record=K       the signatures
//	GET  /api/v1/meetings/{meeting}/conclusions/{conclusion}/record/file?record=K  the current (signed) version
//	POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/record/sign?record=K  the server signs → the report
//
// Only a session that proves the office's person who chairs the
// conclusion's committee may: one the chair opened from their account
// (POST /api/v1/account/meetings/{meeting}/open; committees.MeetingPerson),
// as for approving from the console. A session of an invitation code
// proves no person and is refused (403), the meeting secretary's too:
// their session acts as the office's secretary for drafting, but signing
// an issued document in the office's name stays with an office account
// (the home, dais sign -conclusion).
func (a *ConclusionRecordsAPI) Register(mux Mux) {
	const p = "/api/v1/conclusions/{conclusion}/record"
	mux.HandleFunc("GET "+p, a.report)
	mux.HandleFunc("GET "+p+"/file", a.file)
	mux.HandleFunc("POST "+p+"/issue", a.issue)
	mux.HandleFunc("POST "+p+"/sign", a.sign)
	mux.HandleFunc("PUT "+p+"/file", a.upload)
	const m = "/api/v1/meetings/{meeting}/conclusions/{conclusion}/record"
	mux.HandleFunc("GET "+m, a.meetingReport)
	mux.HandleFunc("GET "+m+"/file", a.meetingFile)
	mux.HandleFunc("POST "+m+"/sign", a.meetingSign)
}

// meetingRequest authenticates r's meeting session as the conclusion's
// chair (see Register), reads the conclusion of the path's meeting and
// the record key.
func (a *ConclusionRecordsAPI) meetingRequest(r *http.Request) (*office.Conclusion, office.Actor, string, bool, error) {
	act, _, err := a.c.meetingActor(r)
	if err != nil {
		return nil, act, "", false, err
	}
	c, err := a.c.ofMeeting(r)
	if err != nil {
		return nil, act, "", false, err
	}
	if act.Person == "" || act.Person != c.Chair {
		return nil, act, "", false, meeting.Errorf(meeting.Forbidden,
			"Chỉ người chủ trì của ban, mở bàn điều khiển từ tài khoản của mình, mới ký được kết luận tại đây; thư ký ký từ tài khoản văn phòng.",
			"only the committee's chair, with the console opened from their own account, signs a conclusion here; the secretaries sign from an office account")
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, err := office.ParseRecordKey(key); err != nil {
		return nil, act, "", false, err
	}
	return c, act, key, q.Get("fresh") == "1", nil
}

func (a *ConclusionRecordsAPI) meetingReport(w http.ResponseWriter, r *http.Request) {
	c, act, key, _, err := a.meetingRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.recs.Report(r.Context(), act, c.ID, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, rep)
}

func (a *ConclusionRecordsAPI) meetingFile(w http.ResponseWriter, r *http.Request) {
	c, act, key, _, err := a.meetingRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := a.recs.Current(r.Context(), act, c.ID, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeConclusionRecord(w, c, key, cur, b)
}

func (a *ConclusionRecordsAPI) meetingSign(w http.ResponseWriter, r *http.Request) {
	c, act, key, fresh, err := a.meetingRequest(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.recs.Sign(r.Context(), act, c.ID, key, fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// request authenticates r, reads the conclusion (404 to whoever may not
// read it) and the record key.
func (a *ConclusionRecordsAPI) request(r *http.Request) (*office.Conclusion, office.Actor, string, bool, error) {
	c, _, act, err := a.c.load(r)
	if err != nil {
		return nil, act, "", false, err
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, err := office.ParseRecordKey(key); err != nil {
		return nil, act, "", false, err
	}
	return c, act, key, q.Get("fresh") == "1", nil
}

func (a *ConclusionRecordsAPI) report(w http.ResponseWriter, r *http.Request) {
	c, act, key, _, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.recs.Report(r.Context(), act, c.ID, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, rep)
}

func (a *ConclusionRecordsAPI) file(w http.ResponseWriter, r *http.Request) {
	c, act, key, _, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := a.recs.Current(r.Context(), act, c.ID, key)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeConclusionRecord(w, c, key, cur, b)
}

func (a *ConclusionRecordsAPI) issue(w http.ResponseWriter, r *http.Request) {
	c, act, key, fresh, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := a.recs.Issue(r.Context(), act, c.ID, key, fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeConclusionRecord(w, c, key, cur, b)
}

func (a *ConclusionRecordsAPI) sign(w http.ResponseWriter, r *http.Request) {
	c, act, key, fresh, err := a.request(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := a.recs.Sign(r.Context(), act, c.ID, key, fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

func (a *ConclusionRecordsAPI) upload(w http.ResponseWriter, r *http.Request) {
	c, act, key, _, err := a.request(r)
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
	rep, err := a.recs.Upload(r.Context(), act, c.ID, key, r.Body)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// writeConclusionRecord answers with the PDF and its hash.
func writeConclusionRecord(w http.ResponseWriter, c *office.Conclusion, key string, cur *meeting.SignedRecord, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Dais-Record-SHA256", cur.SHA256)
	name := "ky-ket-luan-" + c.ID
	if c.Numbered != "" {
		name = "ky-" + strings.ToLower(office.KindSymbol(c.Kind)) + "-" + c.Numbered
	}
	name += "-" + strings.TrimPrefix(key, "conclusion/")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileSafe(strings.ReplaceAll(name, "/", "-")) + ".pdf"}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
