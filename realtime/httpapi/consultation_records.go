package httpapi

import (
	"net/http"
	"strings"

	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/records"
)

// ConsultationRecords is the use case behind a consultation's signed
// summary; *records.Consultations is one.
type ConsultationRecords = OfficeRecords

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
	recordRoutes(a.request).mount(mux, p)
}

// request authenticates r, reads the consultation (refused to whoever is
// not part of it) and the record key.
func (a *ConsultationRecordsAPI) request(r *http.Request) (recordRequest, error) {
	c, _, act, _, err := a.c.load(r)
	if err != nil {
		return recordRequest{}, err
	}
	q := r.URL.Query()
	key := q.Get("record")
	if _, err := office.ParseConsultationRecordKey(key); err != nil {
		return recordRequest{}, err
	}
	return recordRequest{
		rec:   officeRecord{recs: a.recs, act: act, id: c.ID, key: key},
		fresh: q.Get("fresh") == "1",
		name:  "ky-bao-cao-tong-hop-y-kien-" + c.ID + "-" + strings.TrimPrefix(key, "summary/"),
	}, nil
}
