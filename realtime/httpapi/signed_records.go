package httpapi

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/records"
)

// signedRecord is one signed record of one subject, bound to the caller
// who asks: what the record routes answer with. The meeting's records
// (minutesRecord) and an office document's (officeRecord) are ones.
type signedRecord interface {
	Issue(ctx context.Context, fresh bool) ([]byte, *meeting.SignedRecord, error)
	Current(ctx context.Context) ([]byte, *meeting.SignedRecord, error)
	Sign(ctx context.Context, fresh bool) (*records.Report, error)
	Upload(ctx context.Context, body io.Reader) (*records.Report, error)
	Report(ctx context.Context) (*records.Report, error)
}

// recordRequest is what a record route's request names once its caller
// is authenticated and its record key read: the record, whether a fresh
// version is asked for (fresh=1), and the download's file name (before
// fileSafe and without ".pdf").
type recordRequest struct {
	rec   signedRecord
	fresh bool
	name  string
}

// recordRoutes are the handlers of one family of signed-record routes,
// given how that family reads a request (its session, its subject, its
// record keys). The meeting's records, a conclusion's (from an office
// account and from the chair's console) and a consultation's summary
// share them.
type recordRoutes func(r *http.Request) (recordRequest, error)

// mount registers the five routes of a family under prefix: the report,
// the current file, issue, sign and a signed version taken back.
func (load recordRoutes) mount(mux Mux, prefix string) {
	mux.HandleFunc("GET "+prefix, load.report)
	mux.HandleFunc("GET "+prefix+"/file", load.file)
	mux.HandleFunc("POST "+prefix+"/issue", load.issue)
	mux.HandleFunc("POST "+prefix+"/sign", load.sign)
	mux.HandleFunc("PUT "+prefix+"/file", load.upload)
}

// report answers with the record's signatures.
func (load recordRoutes) report(w http.ResponseWriter, r *http.Request) {
	q, err := load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := q.rec.Report(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	WriteJSON(w, http.StatusOK, rep)
}

// file answers with the current (signed) version.
func (load recordRoutes) file(w http.ResponseWriter, r *http.Request) {
	q, err := load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := q.rec.Current(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	writeSignedRecord(w, q.name, cur, b)
}

// issue freezes the record for signing and answers with the version to sign.
func (load recordRoutes) issue(w http.ResponseWriter, r *http.Request) {
	q, err := load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	b, cur, err := q.rec.Issue(r.Context(), q.fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeSignedRecord(w, q.name, cur, b)
}

// sign has the server sign with its certificate and answers with the report.
func (load recordRoutes) sign(w http.ResponseWriter, r *http.Request) {
	q, err := load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	rep, err := q.rec.Sign(r.Context(), q.fresh)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// upload takes a version signed elsewhere (dais sign) and answers with the report.
func (load recordRoutes) upload(w http.ResponseWriter, r *http.Request) {
	q, err := load(r)
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
	rep, err := q.rec.Upload(r.Context(), r.Body)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, rep)
}

// writeSignedRecord answers with a record's PDF and its hash, as a
// download named name (made file-safe) + ".pdf".
func writeSignedRecord(w http.ResponseWriter, name string, cur *meeting.SignedRecord, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Dais-Record-SHA256", cur.SHA256)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileSafe(name) + ".pdf"}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// minutesRecord is a meeting's record key bound to a session.
type minutesRecord struct {
	recs Records
	sess access.Session
	key  string
}

func (m minutesRecord) Issue(ctx context.Context, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	return m.recs.Issue(ctx, m.sess, m.key, fresh)
}

func (m minutesRecord) Current(ctx context.Context) ([]byte, *meeting.SignedRecord, error) {
	return m.recs.Current(ctx, m.sess, m.key)
}

func (m minutesRecord) Sign(ctx context.Context, fresh bool) (*records.Report, error) {
	return m.recs.Sign(ctx, m.sess, m.key, fresh)
}

func (m minutesRecord) Upload(ctx context.Context, body io.Reader) (*records.Report, error) {
	return m.recs.Upload(ctx, m.sess, m.key, body)
}

func (m minutesRecord) Report(ctx context.Context) (*records.Report, error) {
	return m.recs.Report(ctx, m.sess, m.key)
}

// OfficeRecords is the use case behind an office document's signed
// records (a conclusion's PDF, a consultation's summary);
// *records.Conclusions and *records.Consultations are ones.
type OfficeRecords interface {
	Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error)
	Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error)
	Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*records.Report, error)
	Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*records.Report, error)
	Report(ctx context.Context, actor office.Actor, id, key string) (*records.Report, error)
}

// officeRecord is an office document's record key bound to an actor.
type officeRecord struct {
	recs    OfficeRecords
	act     office.Actor
	id, key string
}

func (o officeRecord) Issue(ctx context.Context, fresh bool) ([]byte, *meeting.SignedRecord, error) {
	return o.recs.Issue(ctx, o.act, o.id, o.key, fresh)
}

func (o officeRecord) Current(ctx context.Context) ([]byte, *meeting.SignedRecord, error) {
	return o.recs.Current(ctx, o.act, o.id, o.key)
}

func (o officeRecord) Sign(ctx context.Context, fresh bool) (*records.Report, error) {
	return o.recs.Sign(ctx, o.act, o.id, o.key, fresh)
}

func (o officeRecord) Upload(ctx context.Context, body io.Reader) (*records.Report, error) {
	return o.recs.Upload(ctx, o.act, o.id, o.key, body)
}

func (o officeRecord) Report(ctx context.Context) (*records.Report, error) {
	return o.recs.Report(ctx, o.act, o.id, o.key)
}
