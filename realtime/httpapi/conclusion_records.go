package httpapi

import (
	"net/http"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/records"
)

// ConclusionRecords is the use case behind a conclusion's signed PDF;
// *records.Conclusions is one.
type ConclusionRecords = OfficeRecords

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
	recordRoutes(a.request).mount(mux, p)
	const m = "/api/v1/meetings/{meeting}/conclusions/{conclusion}/record"
	console := recordRoutes(a.meetingRequest)
	mux.HandleFunc("GET "+m, console.report)
	mux.HandleFunc("GET "+m+"/file", console.file)
	mux.HandleFunc("POST "+m+"/sign", console.sign)
}

// meetingRequest authenticates r's meeting session as the conclusion's
// chair (see Register), reads the conclusion of the path's meeting and
// the record key.
func (a *ConclusionRecordsAPI) meetingRequest(r *http.Request) (recordRequest, error) {
	act, _, err := a.c.meetingActor(r)
	if err != nil {
		return recordRequest{}, err
	}
	c, err := a.c.ofMeeting(r)
	if err != nil {
		return recordRequest{}, err
	}
	if act.Person == "" || act.Person != c.Chair {
		return recordRequest{}, meeting.Errorf(meeting.Forbidden,
			"Chỉ người chủ trì của ban, mở bàn điều khiển từ tài khoản của mình, mới ký được kết luận tại đây; thư ký ký từ tài khoản văn phòng.",
			"only the committee's chair, with the console opened from their own account, signs a conclusion here; the secretaries sign from an office account")
	}
	return a.record(r, c, act)
}

// request authenticates r, reads the conclusion (404 to whoever may not
// read it) and the record key.
func (a *ConclusionRecordsAPI) request(r *http.Request) (recordRequest, error) {
	c, _, act, err := a.c.load(r)
	if err != nil {
		return recordRequest{}, err
	}
	return a.record(r, c, act)
}

// record reads r's record key of conclusion c for act.
func (a *ConclusionRecordsAPI) record(r *http.Request, c *office.Conclusion, act office.Actor) (recordRequest, error) {
	q := r.URL.Query()
	key := q.Get("record")
	if _, err := office.ParseRecordKey(key); err != nil {
		return recordRequest{}, err
	}
	name := "ky-ket-luan-" + c.ID
	if c.Numbered != "" {
		name = "ky-" + strings.ToLower(office.KindSymbol(c.Kind)) + "-" + c.Numbered
	}
	name += "-" + strings.TrimPrefix(key, "conclusion/")
	return recordRequest{
		rec:   officeRecord{recs: a.recs, act: act, id: c.ID, key: key},
		fresh: q.Get("fresh") == "1",
		name:  strings.ReplaceAll(name, "/", "-"),
	}, nil
}
