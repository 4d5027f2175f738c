package httpapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
)

// SummaryPDFs writes a consultation's summary (*pdf.Engine is one).
type SummaryPDFs interface {
	ConsultationSummary(ctx context.Context, dst io.Writer, c *office.Consultation, o pdf.SummaryOptions) error
}

// ConsultationsAPI serves written consultations (docs/between-meetings.md):
//
//	GET  /api/v1/consultations                         those the account may see
//	POST /api/v1/consultations                         staff: draft one for a committee
//	GET  /api/v1/consultations/{consultation}          one, as the caller may see it
//	PUT  /api/v1/consultations/{consultation}          staff: edit the draft
//	POST /api/v1/consultations/{consultation}/documents?title=…  staff: add a PDF to the draft
//	GET  /api/v1/consultations/{consultation}/documents/{doc}/file
//	POST /api/v1/consultations/{consultation}/approve  the chair: approve and send
//	POST /api/v1/consultations/{consultation}/answers  a member: answer (again, until the deadline)
//	POST /api/v1/consultations/{consultation}/remind   staff: remind those who have not answered
//	POST /api/v1/consultations/{consultation}/close    the chair: close and sum up now
//	GET  /api/v1/consultations/{consultation}/events?after=N  the log after seq N
//	GET  /api/v1/consultations/{consultation}/summary.pdf?lang=vi|en
//
// On a member's tablet, with the meeting's session (a participant the
// meeting seated as a member of its committee: committees.SeatedPerson):
//
//	GET  /api/v1/meetings/{meeting}/consultations                          the open consultations of that committee the member is asked
//	POST /api/v1/meetings/{meeting}/consultations/{consultation}/answers   the member answers (again, until the deadline)
//	GET  /api/v1/meetings/{meeting}/consultations/{consultation}/documents/{doc}/file  a document of one it lists
type ConsultationsAPI struct {
	sessions Sessions
	read     MeetingReader
	acc      *account.Service
	reg      *committees.Service
	svc      *consultations.Service
	pdfs     SummaryPDFs
	maxBytes int64
	log      *slog.Logger
}

// NewConsultations returns the routes; maxBytes bounds an uploaded PDF.
// sessions and read serve the tablets' routes.
func NewConsultations(sessions Sessions, read MeetingReader, acc *account.Service, reg *committees.Service, svc *consultations.Service, pdfs SummaryPDFs, maxBytes int64, log *slog.Logger) *ConsultationsAPI {
	if log == nil {
		log = slog.Default()
	}
	return &ConsultationsAPI{sessions: sessions, read: read, acc: acc, reg: reg, svc: svc, pdfs: pdfs, maxBytes: maxBytes, log: log}
}

// Register mounts the routes on mux.
func (a *ConsultationsAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/consultations", a.list)
	mux.HandleFunc("POST /api/v1/consultations", a.draft)
	mux.HandleFunc("GET /api/v1/consultations/{consultation}", a.get)
	mux.HandleFunc("PUT /api/v1/consultations/{consultation}", a.edit)
	mux.HandleFunc("POST /api/v1/consultations/{consultation}/documents", a.upload)
	mux.HandleFunc("GET /api/v1/consultations/{consultation}/documents/{doc}/file", a.file)
	mux.HandleFunc("POST /api/v1/consultations/{consultation}/approve", a.command(func(*http.Request) (office.Command, error) { return office.Approve{}, nil }))
	mux.HandleFunc("POST /api/v1/consultations/{consultation}/answers", a.command(func(r *http.Request) (office.Command, error) {
		var req office.Give
		err := readJSONMax(r, &req, 256<<10)
		return req, err
	}))
	mux.HandleFunc("POST /api/v1/consultations/{consultation}/close", a.command(func(*http.Request) (office.Command, error) { return office.Close{}, nil }))
	mux.HandleFunc("POST /api/v1/consultations/{consultation}/remind", a.remind)
	mux.HandleFunc("GET /api/v1/consultations/{consultation}/events", a.events)
	mux.HandleFunc("GET /api/v1/consultations/{consultation}/summary.pdf", a.summary)
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/consultations", a.tabletList)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/consultations/{consultation}/answers", a.tabletAnswer)
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/consultations/{consultation}/documents/{doc}/file", a.tabletFile)
}

// Roles of a caller in a consultation.
const (
	roleStaff  = "staff"
	roleChair  = "chair"
	roleMember = "member"
)

// ConsultationView is a consultation as one caller sees it: staff and the
// chair see every answer; a member sees their own (and, once it is closed,
// the result with the written opinions).
type ConsultationView struct {
	*office.Consultation
	// Role is the caller's: staff, chair or member.
	Role string `json:"role"`
	// AnsweredCount is how many members have answered.
	AnsweredCount int `json:"answered_count"`
}

func (a *ConsultationsAPI) caller(r *http.Request) (officeCaller, office.Actor, error) {
	c, err := officeCallerOf(r.Context(), a.acc, a.reg, r)
	if err != nil {
		return c, office.Actor{}, err
	}
	act := office.Actor{Secretary: c.staff, Staff: c.staff, Account: c.account.Account.ID}
	if c.hasPerson {
		act.Person = c.person.ID
	}
	return c, act, nil
}

// roleIn is the caller's role in c, or "" when they may not see it.
func roleIn(c *office.Consultation, caller officeCaller) string {
	switch {
	case caller.hasPerson && caller.person.ID == c.Chair:
		return roleChair
	case caller.staff:
		return roleStaff
	case caller.hasPerson && c.IsMember(caller.person.ID) && c.Status != office.StatusDraft:
		return roleMember
	}
	return ""
}

func view(c *office.Consultation, role, me string, staff bool) ConsultationView {
	v := ConsultationView{Consultation: c, Role: role, AnsweredCount: len(c.Answered)}
	if !staff {
		// A member or the chair sees the others by name and title: the
		// addresses are the office's (docs/security.md).
		c.HideEmails(me)
	}
	if role == roleMember {
		mine := func(m map[string]time.Time) map[string]time.Time {
			out := map[string]time.Time{}
			if t, ok := m[me]; ok {
				out[me] = t
			}
			return out
		}
		ans := map[string][]office.Answer{}
		if a, ok := c.Answers[me]; ok {
			ans[me] = a
		}
		c.Answers, c.Answered, c.Reminded = ans, mine(c.Answered), mine(c.Reminded)
	}
	return v
}

// load reads a consultation and the caller's role; 403 when they have none.
func (a *ConsultationsAPI) load(r *http.Request) (*office.Consultation, officeCaller, office.Actor, string, error) {
	caller, act, err := a.caller(r)
	if err != nil {
		return nil, caller, act, "", err
	}
	c, err := a.svc.Get(r.Context(), r.PathValue("consultation"))
	if err != nil {
		return nil, caller, act, "", err
	}
	role := roleIn(c, caller)
	if role == "" {
		return nil, caller, act, "", meeting.Errorf(meeting.Forbidden, "Đồng chí không thuộc đợt lấy ý kiến này", "you are not part of this consultation")
	}
	return c, caller, act, role, nil
}

func (a *ConsultationsAPI) list(w http.ResponseWriter, r *http.Request) {
	caller, _, err := a.caller(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	all, err := a.svc.All(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	out := []ConsultationView{}
	for _, c := range all {
		if role := roleIn(c, caller); role != "" {
			out = append(out, view(c, role, caller.person.ID, caller.staff))
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"consultations": out})
}

// draftRequest is what a secretary sends to draft or edit.
type draftRequest struct {
	Committee   string            `json:"committee,omitempty"`
	ID          string            `json:"id,omitempty"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Questions   []office.Question `json:"questions"`
	Deadline    time.Time         `json:"deadline"`
}

func (a *ConsultationsAPI) draft(w http.ResponseWriter, r *http.Request) {
	caller, act, err := a.caller(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if !caller.staff {
		WriteError(w, errNotStaff())
		return
	}
	var req draftRequest
	if err := readJSONMax(r, &req, 256<<10); err != nil {
		WriteError(w, err)
		return
	}
	if req.Committee == "" {
		WriteError(w, meeting.Errorf(meeting.Invalid, "Cần chọn ban được lấy ý kiến", "a committee is needed"))
		return
	}
	c, err := a.svc.Draft(r.Context(), act, req.Committee, office.Draft{ID: strings.TrimSpace(req.ID), Title: req.Title,
		Description: req.Description, Questions: req.Questions, Deadline: req.Deadline})
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("consultation drafted", "consultation", c.ID, "committee", c.Committee, "by account", act.Account)
	WriteJSON(w, http.StatusCreated, map[string]any{"consultation": view(c, roleIn(c, caller), caller.person.ID, caller.staff)})
}

func (a *ConsultationsAPI) get(w http.ResponseWriter, r *http.Request) {
	c, caller, _, role, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"consultation": view(c, role, caller.person.ID, caller.staff)})
}

func (a *ConsultationsAPI) edit(w http.ResponseWriter, r *http.Request) {
	_, caller, act, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req draftRequest
	if err := readJSONMax(r, &req, 256<<10); err != nil {
		WriteError(w, err)
		return
	}
	a.run(w, r, caller, act, office.Edit{Title: req.Title, Description: req.Description, Questions: req.Questions, Deadline: req.Deadline})
}

// command runs the command that parse reads from the request.
func (a *ConsultationsAPI) command(parse func(*http.Request) (office.Command, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, caller, act, _, err := a.load(r)
		if err != nil {
			WriteError(w, err)
			return
		}
		cmd, err := parse(r)
		if err != nil {
			WriteError(w, err)
			return
		}
		a.run(w, r, caller, act, cmd)
	}
}

// run executes cmd and answers the consultation as the caller sees it.
func (a *ConsultationsAPI) run(w http.ResponseWriter, r *http.Request, caller officeCaller, act office.Actor, cmd office.Command) {
	id := r.PathValue("consultation")
	if _, err := a.svc.Execute(r.Context(), id, act, cmd); err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("consultation command", "consultation", id, "command", cmd.CommandName(), "by account", act.Account)
	WriteJSON(w, http.StatusOK, map[string]any{"consultation": view(c, roleIn(c, caller), caller.person.ID, caller.staff)})
}

func (a *ConsultationsAPI) remind(w http.ResponseWriter, r *http.Request) {
	c, _, act, role, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if role != roleStaff && !act.Secretary {
		WriteError(w, errNotStaff())
		return
	}
	var to []string
	for _, m := range c.Unanswered() {
		to = append(to, m.Person)
	}
	reminded, failed, err := a.svc.Remind(r.Context(), c.ID, act, to)
	writeReminded(w, reminded, failed, err)
}

// writeReminded answers a reminder: who was reminded and whose mail
// failed (empty lists, never null), or the error.
func writeReminded(w http.ResponseWriter, reminded, failed []string, err error) {
	if err != nil {
		WriteError(w, err)
		return
	}
	if reminded == nil {
		reminded = []string{}
	}
	if failed == nil {
		failed = []string{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"reminded": reminded, "mail_failed": failed})
}

func (a *ConsultationsAPI) events(w http.ResponseWriter, r *http.Request) {
	c, caller, _, role, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var after uint64
	if s := r.URL.Query().Get("after"); s != "" {
		if after, err = strconv.ParseUint(s, 10, 64); err != nil {
			WriteError(w, meeting.Errorf(meeting.Invalid, "Tham số after không hợp lệ: %q", "after is not a number: %q", s))
			return
		}
	}
	evs, version, err := a.svc.Events(r.Context(), c.ID, after)
	if err != nil {
		WriteError(w, err)
		return
	}
	out := make([]office.Event, 0, len(evs))
	me := caller.person.ID
	for _, ev := range evs {
		if !caller.staff {
			ev = office.HideEventEmails(ev, me)
		}
		if role == roleMember {
			// A member sees their own answers and reminders only.
			switch d := ev.Data.(type) {
			case office.AnswerGiven:
				if d.Person != me {
					continue
				}
			case office.RemindersSent:
				if !slicesContains(d.To, me) {
					continue
				}
				ev.Data = office.RemindersSent{To: []string{me}}
			}
		}
		out = append(out, ev)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"events": out, "version": version})
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (a *ConsultationsAPI) summary(w http.ResponseWriter, r *http.Request) {
	c, _, _, role, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if role == roleMember && c.Status != office.StatusClosed {
		WriteError(w, meeting.Errorf(meeting.Conflict, "Báo cáo tổng hợp có khi kết thúc lấy ý kiến", "the summary is there once the consultation is closed"))
		return
	}
	seq, hash, err := a.svc.Chain(r.Context(), c.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	var buf bytes.Buffer
	o := pdf.SummaryOptions{Lang: r.URL.Query().Get("lang"), Made: time.Now(), ChainSeq: seq, ChainHash: hash}
	if err := a.pdfs.ConsultationSummary(r.Context(), &buf, c, o); err != nil {
		WriteError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": "bao-cao-tong-hop-y-kien-" + c.ID + ".pdf"}))
	_, _ = w.Write(buf.Bytes())
}

func (a *ConsultationsAPI) upload(w http.ResponseWriter, r *http.Request) {
	_, _, act, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	tmp, err := os.CreateTemp("", "dais-consultation-*.pdf")
	if err != nil {
		WriteError(w, meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err))
		return
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, io.LimitReader(r.Body, a.maxBytes+1))
	if err != nil {
		WriteError(w, meeting.Errorf(meeting.Invalid, "Không đọc được tệp tải lên", "the upload could not be read"))
		return
	}
	if n > a.maxBytes {
		WriteError(w, meeting.Errorf(meeting.Invalid, "Tệp quá lớn (tối đa %d MB)", "the file is too large (at most %d MB)", a.maxBytes>>20))
		return
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		WriteError(w, meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err))
		return
	}
	d, err := a.svc.AddDocument(r.Context(), r.PathValue("consultation"), act, strings.TrimSpace(r.URL.Query().Get("title")), tmp)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusCreated, map[string]any{"document": d})
}

func (a *ConsultationsAPI) file(w http.ResponseWriter, r *http.Request) {
	c, _, _, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.serveDocument(w, r, c)
}

// serveDocument sends the path's document of c (ranges, ETag).
func (a *ConsultationsAPI) serveDocument(w http.ResponseWriter, r *http.Request, c *office.Consultation) {
	d, _, rc, err := a.svc.Document(r.Context(), c.ID, r.PathValue("doc"))
	if err != nil {
		WriteError(w, err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+d.SHA256+`"`)
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": d.Title + ".pdf"}))
	http.ServeContent(w, r, "", time.Time{}, rc)
}

// readJSONMax is readJSON with a larger bound (a consultation's questions).
func readJSONMax(r *http.Request, v any, max int64) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil || int64(len(body)) > max {
		return meeting.Errorf(meeting.Invalid, "Yêu cầu quá lớn hoặc không đọc được", "the request body is too large or unreadable")
	}
	return decodeJSON(body, v)
}

// ---------------------------------------------------------------------------
// On a member's tablet (a meeting session)

// tabletMember is the person a meeting session proves, and the committee
// whose consultations it may answer. A written consultation is answered
// by each member for themself, so the session proves a person only when:
//   - the meeting seated its participant as that person, a member of
//     the committee, when it was made from the committee (SeatedPerson:
//     a record the server wrote, never an id or a name the secretaries
//     typed);
//   - the participant is still in the meeting, a member (chair or
//     delegate), and not seated as someone's substitute: a substitute
//     (người dự thay) never answers for the member they replace.
//
// ok is false when the session proves no one (an observer, a
// substitute, a display, a meeting not made from a committee).
func (a *ConsultationsAPI) tabletMember(r *http.Request) (sess access.Session, seat committees.SeatedAs, ok bool, err error) {
	sess, err = meetingSession(a.sessions, r)
	if err != nil {
		return sess, seat, false, err
	}
	if !sess.Role.Member() {
		return sess, seat, false, nil
	}
	seat, ok, err = a.reg.SeatedPerson(r.Context(), sess.Meeting, sess.Participant)
	if err != nil || !ok {
		return sess, seat, false, err
	}
	p, found, err := a.read.Participant(r.Context(), sess.Meeting, sess.Participant)
	if err != nil {
		return sess, seat, false, err
	}
	if !found || !p.Role.Member() || p.For != "" {
		return sess, seat, false, nil
	}
	return sess, seat, true, nil
}

// askedOf reports whether a member's tablet is shown c: an open
// consultation of the seat's committee that asks the seat's person.
func askedOf(c *office.Consultation, seat committees.SeatedAs) bool {
	return c.Committee == seat.Committee && c.Status == office.StatusOpen && c.IsMember(seat.Person)
}

func (a *ConsultationsAPI) tabletList(w http.ResponseWriter, r *http.Request) {
	_, seat, ok, err := a.tabletMember(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	out := []ConsultationView{}
	if !ok {
		// Not a member of a committee's meeting: nothing to answer here.
		WriteJSON(w, http.StatusOK, map[string]any{"person": "", "consultations": out})
		return
	}
	all, err := a.svc.All(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	for _, c := range all {
		if askedOf(c, seat) {
			out = append(out, view(c, roleMember, seat.Person, false))
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"person": seat.Person, "consultations": out})
}

func (a *ConsultationsAPI) tabletAnswer(w http.ResponseWriter, r *http.Request) {
	sess, seat, ok, err := a.tabletMember(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if !ok {
		WriteError(w, meeting.Errorf(meeting.Forbidden,
			"Máy này không trả lời phiếu lấy ý kiến thay cho ai: chỉ thành viên của ban (không phải người dự thay) trả lời phiếu của mình",
			"this tablet answers no consultation: only a member of the committee (not a substitute) answers their own"))
		return
	}
	id := r.PathValue("consultation")
	c, err := a.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, err)
		return
	}
	if c.Committee != seat.Committee || !c.IsMember(seat.Person) {
		WriteError(w, meeting.Errorf(meeting.Forbidden, "Đồng chí không thuộc đợt lấy ý kiến này", "you are not part of this consultation"))
		return
	}
	var req office.Give
	if err := readJSONMax(r, &req, 256<<10); err != nil {
		WriteError(w, err)
		return
	}
	act := office.Actor{Person: seat.Person, Account: "meeting:" + sess.Meeting + ":" + sess.Participant}
	if _, err := a.svc.Execute(r.Context(), id, act, req); err != nil {
		WriteError(w, err)
		return
	}
	if c, err = a.svc.Get(r.Context(), id); err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("consultation answered from a tablet", "consultation", id, "person", seat.Person, "meeting", sess.Meeting)
	WriteJSON(w, http.StatusOK, map[string]any{"consultation": view(c, roleMember, seat.Person, false)})
}

// tabletFile sends a document of a consultation the member's tablet lists
// (open, the seated committee's, asking the member); 403 otherwise.
func (a *ConsultationsAPI) tabletFile(w http.ResponseWriter, r *http.Request) {
	_, seat, ok, err := a.tabletMember(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var c *office.Consultation
	if ok {
		if c, err = a.svc.Get(r.Context(), r.PathValue("consultation")); err != nil {
			WriteError(w, err)
			return
		}
	}
	if !ok || !askedOf(c, seat) {
		WriteError(w, meeting.Errorf(meeting.Forbidden, "Đồng chí không thuộc đợt lấy ý kiến này", "you are not part of this consultation"))
		return
	}
	a.serveDocument(w, r, c)
}
