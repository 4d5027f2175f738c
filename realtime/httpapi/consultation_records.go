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

// ConsultationRecords is the use case behind a consultation's signed
// summary; *records.Consultations is one.
type ConsultationRecords interface {
	Issue(ctx context.Context, actor office.Actor, id, key string, fresh bool) ([]byte, *meeting.SignedRecord, error)
	Current(ctx context.Context, actor office.Actor, id, key string) ([]byte, *meeting.SignedRecord, error)
	Sign(ctx context.Context, actor office.Actor, id, key string, fresh bool) (*records.Report, error)
	Upload(ctx context.Context, actor office.Actor, id, key string, body io.Reader) (*records.Report, error)
	Report(ctx context.Context, actor office.Actor, id, key string) (*records.Report, error)
}

var _ ConsultationRecords = (*records.Consultations)(nil)

// ConsultationRecordsAPI serves a closed consultation's summary PDF (Báo
// cáo tổng hợp ý kiến) as a signed record, as ConclusionRecordsAPI serves
// a conclusion's, with an office account's session; record is
// "summary/vi" or "summary/en":
//
//	GET  /api/v1/consultations/{consultation}/record?record=K             the signatures (records.Report)
//	GET  /api/v1/consultations/{consultation}/record/file?record=K        the current (signed) version
//	POST /api/v1/consultations/{consultation}/record/issue?record=K[&fresh=1]
//	     freeze the summary for signing (again, with fresh) and return the version to sign
//	POST /api/v1/consultations/{consultation}/record/sign?record=K[&fresh=1]
//	     the server signs with its certificate → the report
//	PUT  /api/v1/consultations/{consultation}/record/file?record=K        a version signed with dais sign -consultation → the report
//
// Who may: the committee's chair and the office's staff
// (office.Consultation.MaySignRecord); a member is forbidden, anyone else
// is refused as by the consultation's own routes.
type ConsultationRecordsAPI struct {
	c    *ConsultationsAPI
	recs ConsultationRecords
}

// NewConsultationRecords returns the routes; c reads the caller and the
// consultation as the consultations' routes do.
func NewConsultationRecords(c *ConsultationsAPI, recs ConsultationRecords) *ConsultationRecordsAPI {
	return &ConsultationRecordsAPI{c: c, recs: recs}
}

// Register mounts the routes on mux.
func (a *ConsultationRecordsAPI) Register(mux Mux) {
	const p = "/api/v1/consultations/{consultation}/record"
	mux.HandleFunc("GET "+p, a.report)
	mux.HandleFunc("GET "+p+"/file", a.file)
	mux.HandleFunc("POST "+p+"/issue", a.issue)
	mux.HandleFunc("POST "+p+"/sign", a.sign)
	mux.HandleFunc("PUT "+p+"/file", a.upload)
}

// request authenticates r, reads the consultation (refused to whoever is
// not part of it) and the record key.
func (a *ConsultationRecordsAPI) request(r *http.Request) (*office.Consultation, office.Actor, string, bool, error) {
	c, _, act, _, err := a.c.load(r)
	if err != nil {
		return nil, act, "", false, err
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, err := office.ParseConsultationRecordKey(key); err != nil {
		return nil, act, "", false, err
	}
	return c, act, key, q.Get("fresh") == "1", nil
}

func (a *ConsultationRecordsAPI) report(w http.ResponseWriter, r *http.Request) {
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

func (a *ConsultationRecordsAPI) file(w http.ResponseWriter, r *http.Request) {
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
	writeConsultationRecord(w, c, key, cur, b)
}

func (a *ConsultationRecordsAPI) issue(w http.ResponseWriter, r *http.Request) {
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
	writeConsultationRecord(w, c, key, cur, b)
}

func (a *ConsultationRecordsAPI) sign(w http.ResponseWriter, r *http.Request) {
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

func (a *ConsultationRecordsAPI) upload(w http.ResponseWriter, r *http.Request) {
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

// writeConsultationRecord answers with the PDF and its hash.
func writeConsultationRecord(w http.ResponseWriter, c *office.Consultation, key string, cur *meeting.SignedRecord, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Dais-Record-SHA256", cur.SHA256)
	name := "ky-bao-cao-tong-hop-y-kien-" + c.ID + "-" + strings.TrimPrefix(key, "summary/")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileSafe(name) + ".pdf"}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
