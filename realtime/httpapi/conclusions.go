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
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/office"
)

// ConclusionPDFs writes a conclusion and the follow-up report (*pdf.Engine
// is one).
type ConclusionPDFs interface {
	Conclusion(ctx context.Context, dst io.Writer, c *office.Conclusion, lang string, loc *time.Location) error
	FollowUpReport(ctx context.Context, dst io.Writer, committees []office.CommitteeTasks, lang string, loc *time.Location, now time.Time) error
}

// ConclusionsAPI serves conclusions and resolutions and the follow-up of
// their tasks (docs/between-meetings.md, "Conclusions and tasks").
//
// In a meeting, with the meeting's session (the secretary's workspace, the
// chair's console, a delegate's tablet):
//
//	GET  /api/v1/meetings/{meeting}/conclusions                        published ones (all for the chair and secretaries)
//	POST /api/v1/meetings/{meeting}/conclusions                        a secretary drafts one for an agenda item
//	PUT  /api/v1/meetings/{meeting}/conclusions/{conclusion}           a secretary edits the draft
//	POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/approve   the committee's chair approves: it gets its number
//	POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/publish   a secretary or the chair publishes it
//	GET  /api/v1/meetings/{meeting}/conclusions/{conclusion}/pdf?lang= the conclusion as PDF
//
// In the office, with an account's session:
//
//	GET  /api/v1/conclusions                                 those the account may see
//	GET  /api/v1/conclusions/{conclusion}
//	POST /api/v1/conclusions/{conclusion}/approve            the committee's chair
//	POST /api/v1/conclusions/{conclusion}/publish            staff or the chair
//	POST /api/v1/conclusions/{conclusion}/remind             staff: remind the overdue tasks' assignees
//	POST /api/v1/conclusions/{conclusion}/tasks/{task}/reports   the assignee: progress or done (multipart, optional PDF)
//	GET  /api/v1/conclusions/{conclusion}/tasks/{task}/attachments/{doc}
//	GET  /api/v1/conclusions/{conclusion}/pdf?lang=
//	GET  /api/v1/account/tasks                               the signed-in person's tasks
//	GET  /api/v1/tasks/dashboard                             staff and chairs: open, late, done per committee
//	GET  /api/v1/tasks/dashboard.pdf?lang=                   the same as a PDF report
type ConclusionsAPI struct {
	sessions Sessions
	acc      *account.Service
	reg      *committees.Service
	svc      *conclusions.Service
	pdfs     ConclusionPDFs
	maxBytes int64
	log      *slog.Logger
}

// NewConclusions returns the routes; maxBytes bounds an attachment.
func NewConclusions(sessions Sessions, acc *account.Service, reg *committees.Service, svc *conclusions.Service, pdfs ConclusionPDFs, maxBytes int64, log *slog.Logger) *ConclusionsAPI {
	if log == nil {
		log = slog.Default()
	}
	return &ConclusionsAPI{sessions: sessions, acc: acc, reg: reg, svc: svc, pdfs: pdfs, maxBytes: maxBytes, log: log}
}

// Register mounts the routes on mux.
func (a *ConclusionsAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/conclusions", a.meetingList)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/conclusions", a.meetingDraft)
	mux.HandleFunc("PUT /api/v1/meetings/{meeting}/conclusions/{conclusion}", a.meetingEdit)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/approve", a.meetingApprove)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/publish", a.meetingPublish)
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/conclusions/{conclusion}/pdf", a.meetingPDF)

	mux.HandleFunc("GET /api/v1/conclusions", a.list)
	mux.HandleFunc("GET /api/v1/conclusions/{conclusion}", a.get)
	mux.HandleFunc("POST /api/v1/conclusions/{conclusion}/approve", a.approve)
	mux.HandleFunc("POST /api/v1/conclusions/{conclusion}/publish", a.publish)
	mux.HandleFunc("POST /api/v1/conclusions/{conclusion}/remind", a.remind)
	mux.HandleFunc("POST /api/v1/conclusions/{conclusion}/tasks/{task}/reports", a.report)
	mux.HandleFunc("GET /api/v1/conclusions/{conclusion}/tasks/{task}/attachments/{doc}", a.attachment)
	mux.HandleFunc("GET /api/v1/conclusions/{conclusion}/pdf", a.pdf)
	mux.HandleFunc("GET /api/v1/account/tasks", a.myTasks)
	mux.HandleFunc("GET /api/v1/tasks/dashboard", a.dashboard)
	mux.HandleFunc("GET /api/v1/tasks/dashboard.pdf", a.dashboardPDF)
}

// ---------------------------------------------------------------------------
// In a meeting

// meetingActor is the actor of a meeting session: its secretaries draft
// (for their own meeting only); its participant acts as the office's
// person of the same id only when that person's own account opened the
// session (committees.MeetingPerson: the chair who opened the console from
// their account approves). A session of an invitation code acts as no
// person: the code's holder is whoever the meeting's secretary gave it to,
// under an id the secretary chose.
func (a *ConclusionsAPI) meetingActor(r *http.Request) (office.Actor, meeting.Role, error) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		return office.Actor{}, "", err
	}
	act := office.Actor{Account: "meeting:" + sess.Meeting + ":" + sess.Participant}
	if sess.Role == meeting.RoleSecretary {
		act.Secretary = true
		// Staff only when the office's staff opened it from their account:
		// any account may make a meeting and be its secretary.
		if act.Staff, err = staffAccount(r.Context(), a.acc, a.reg, sess.Account); err != nil {
			return office.Actor{}, "", err
		}
		return act, sess.Role, nil
	}
	// The account that opened it must still be enabled: a meeting session
	// outlives the account's disabling, and a disabled chair's console
	// approved and signed in the office's name.
	active, _, err := a.acc.Active(r.Context(), sess.Account)
	if err != nil || !active {
		return act, sess.Role, err
	}
	if act.Person, err = a.reg.MeetingPerson(r.Context(), sess.Account, sess.Participant); err != nil {
		return office.Actor{}, "", err
	}
	return act, sess.Role, nil
}

// ofMeeting reads a conclusion of the path's meeting (404 for another
// meeting's).
func (a *ConclusionsAPI) ofMeeting(r *http.Request) (*office.Conclusion, error) {
	c, err := a.svc.Get(r.Context(), r.PathValue("conclusion"))
	if err != nil {
		return nil, err
	}
	if c.Meeting != r.PathValue("meeting") {
		return nil, meeting.Errorf(meeting.NotFound, "Không có kết luận %q trong cuộc họp này", "no conclusion %q in this meeting", c.ID)
	}
	return c, nil
}

func staffRole(role meeting.Role) bool {
	return role == meeting.RoleSecretary || role == meeting.RoleChair
}

func (a *ConclusionsAPI) meetingList(w http.ResponseWriter, r *http.Request) {
	act, role, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	all, err := a.svc.OfMeeting(r.Context(), r.PathValue("meeting"))
	if err != nil {
		WriteError(w, err)
		return
	}
	out := []*office.Conclusion{}
	for _, c := range all {
		if c.Status == office.StatusPublished || staffRole(role) {
			out = append(out, a.meetingView(c, act))
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conclusions": out})
}

// meetingView is c as a meeting session sees it: the assignees' e-mail
// addresses only for the office's staff (a secretary's session their own
// account opened) — a delegate, the chair, or a meeting's secretary who
// is not staff sees names (docs/security.md, "Who sees e-mail addresses").
func (a *ConclusionsAPI) meetingView(c *office.Conclusion, act office.Actor) *office.Conclusion {
	if !act.Staff {
		c.HideEmails(act.Person)
	}
	return c
}

// officeView is c as an office account sees it: the addresses for staff,
// the caller's own for the others.
func officeView(c *office.Conclusion, caller officeCaller) *office.Conclusion {
	if !caller.staff {
		c.HideEmails(caller.person.ID)
	}
	return c
}

// conclusionRequest is what a secretary sends to draft or edit.
type conclusionRequest struct {
	ID         string             `json:"id,omitempty"`
	Committee  string             `json:"committee,omitempty"`
	Kind       string             `json:"kind,omitempty"`
	AgendaItem string             `json:"agenda_item,omitempty"`
	Title      string             `json:"title"`
	Text       string             `json:"text"`
	Tasks      []office.TaskDraft `json:"tasks"`
}

func (a *ConclusionsAPI) meetingDraft(w http.ResponseWriter, r *http.Request) {
	act, _, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req conclusionRequest
	if err := readJSONMax(r, &req, 512<<10); err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.svc.Draft(r.Context(), act, strings.TrimSpace(req.Committee), office.DraftConclusion{ID: strings.TrimSpace(req.ID), Kind: req.Kind,
		Meeting: r.PathValue("meeting"), AgendaItem: req.AgendaItem, Title: req.Title, Text: req.Text, Tasks: req.Tasks})
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("conclusion drafted", "conclusion", c.ID, "meeting", c.Meeting, "by", act.Account)
	WriteJSON(w, http.StatusCreated, map[string]any{"conclusion": a.meetingView(c, act)})
}

func (a *ConclusionsAPI) meetingEdit(w http.ResponseWriter, r *http.Request) {
	act, _, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.ofMeeting(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req conclusionRequest
	if err := readJSONMax(r, &req, 512<<10); err != nil {
		WriteError(w, err)
		return
	}
	if c, err = a.svc.Edit(r.Context(), c.ID, act, office.EditConclusion{Title: req.Title, Text: req.Text, Tasks: req.Tasks}); err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conclusion": a.meetingView(c, act)})
}

func (a *ConclusionsAPI) meetingApprove(w http.ResponseWriter, r *http.Request) {
	act, _, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.ofMeeting(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.doApprove(w, r, c.ID, act, func(c *office.Conclusion) *office.Conclusion { return a.meetingView(c, act) })
}

func (a *ConclusionsAPI) doApprove(w http.ResponseWriter, r *http.Request, id string, act office.Actor, see func(*office.Conclusion) *office.Conclusion) {
	c, err := a.svc.Approve(r.Context(), id, act)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("conclusion approved", "conclusion", c.ID, "number", c.Numbered)
	WriteJSON(w, http.StatusOK, map[string]any{"conclusion": see(c)})
}

func (a *ConclusionsAPI) meetingPublish(w http.ResponseWriter, r *http.Request) {
	act, _, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.ofMeeting(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.doPublish(w, r, c.ID, act, func(c *office.Conclusion) *office.Conclusion { return a.meetingView(c, act) })
}

func (a *ConclusionsAPI) doPublish(w http.ResponseWriter, r *http.Request, id string, act office.Actor, see func(*office.Conclusion) *office.Conclusion) {
	if _, err := a.svc.Execute(r.Context(), id, act, office.PublishConclusion{}); err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.svc.Get(r.Context(), id)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conclusion": see(c)})
}

func (a *ConclusionsAPI) meetingPDF(w http.ResponseWriter, r *http.Request) {
	_, role, err := a.meetingActor(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	c, err := a.ofMeeting(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if c.Status != office.StatusPublished && !staffRole(role) {
		WriteError(w, meeting.Errorf(meeting.NotFound, "Không có kết luận %q trong cuộc họp này", "no conclusion %q in this meeting", c.ID))
		return
	}
	a.writeConclusionPDF(w, r, c)
}

func (a *ConclusionsAPI) writeConclusionPDF(w http.ResponseWriter, r *http.Request, c *office.Conclusion) {
	var buf bytes.Buffer
	if err := a.pdfs.Conclusion(r.Context(), &buf, c, r.URL.Query().Get("lang"), nil); err != nil {
		WriteError(w, err)
		return
	}
	name := "ket-luan-" + c.ID
	if c.Numbered != "" {
		name = strings.ReplaceAll(strings.ToLower(office.KindSymbol(c.Kind))+"-"+c.Numbered, "/", "-")
	}
	writePDF(w, buf.Bytes(), name+".pdf")
}

func writePDF(w http.ResponseWriter, b []byte, filename string) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": filename}))
	_, _ = w.Write(b)
}

// ---------------------------------------------------------------------------
// In the office

func (a *ConclusionsAPI) caller(r *http.Request) (officeCaller, office.Actor, error) {
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

// mayRead: staff and the chair read every conclusion; a person reads the
// published ones of the committees they sit on or assigning them a task.
func (a *ConclusionsAPI) mayRead(ctx context.Context, c *office.Conclusion, caller officeCaller) bool {
	switch {
	case caller.staff:
		return true
	case !caller.hasPerson:
		return false
	case caller.person.ID == c.Chair:
		return true
	case c.Status != office.StatusPublished:
		return false
	}
	for _, t := range c.Tasks {
		if assignedTo(t, caller.person) {
			return true
		}
	}
	com, _, err := a.reg.Members(ctx, c.Committee)
	if err != nil {
		return false
	}
	for _, m := range com.Members {
		if m.Person == caller.person.ID {
			return true
		}
	}
	return false
}

func assignedTo(t office.Task, p office.Person) bool {
	switch t.Assignee.Kind {
	case office.AssignPerson:
		return t.Assignee.Person == p.ID
	case office.AssignUnit:
		return p.Unit != "" && strings.EqualFold(strings.TrimSpace(p.Unit), t.Assignee.Name)
	}
	return false
}

func (a *ConclusionsAPI) load(r *http.Request) (*office.Conclusion, officeCaller, office.Actor, error) {
	caller, act, err := a.caller(r)
	if err != nil {
		return nil, caller, act, err
	}
	c, err := a.svc.Get(r.Context(), r.PathValue("conclusion"))
	if err != nil {
		return nil, caller, act, err
	}
	if !a.mayRead(r.Context(), c, caller) {
		return nil, caller, act, meeting.Errorf(meeting.NotFound, "Không có kết luận %q", "no conclusion %q", c.ID)
	}
	return c, caller, act, nil
}

func (a *ConclusionsAPI) list(w http.ResponseWriter, r *http.Request) {
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
	m := r.URL.Query().Get("meeting")
	out := []*office.Conclusion{}
	for _, c := range all {
		if (m == "" || c.Meeting == m) && a.mayRead(r.Context(), c, caller) {
			out = append(out, officeView(c, caller))
		}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conclusions": out})
}

func (a *ConclusionsAPI) get(w http.ResponseWriter, r *http.Request) {
	c, caller, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"conclusion": officeView(c, caller)})
}

func (a *ConclusionsAPI) approve(w http.ResponseWriter, r *http.Request) {
	c, caller, act, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.doApprove(w, r, c.ID, act, func(c *office.Conclusion) *office.Conclusion { return officeView(c, caller) })
}

func (a *ConclusionsAPI) publish(w http.ResponseWriter, r *http.Request) {
	c, caller, act, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.doPublish(w, r, c.ID, act, func(c *office.Conclusion) *office.Conclusion { return officeView(c, caller) })
}

func (a *ConclusionsAPI) remind(w http.ResponseWriter, r *http.Request) {
	c, caller, act, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if !caller.staff {
		WriteError(w, errNotStaff())
		return
	}
	var late []string
	now := a.svc.Now()
	for _, t := range c.Tasks {
		if t.State(now) == office.TaskLate {
			late = append(late, t.ID)
		}
	}
	reminded, failed, err := a.svc.Remind(r.Context(), c.ID, act, late)
	writeReminded(w, reminded, failed, err)
}

// report reads a progress report: multipart/form-data (percent, done,
// note, title, file: an optional PDF) or JSON (no attachment).
func (a *ConclusionsAPI) report(w http.ResponseWriter, r *http.Request) {
	c, caller, act, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	cmd := office.ReportTask{Task: r.PathValue("task"), Unit: caller.person.Unit}
	var (
		title string
		file  io.ReadSeeker
	)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, a.maxBytes+64<<10)
		mr, err := r.MultipartReader()
		if err != nil {
			WriteError(w, meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ", "a bad multipart request"))
			return
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				WriteError(w, meeting.Errorf(meeting.Invalid, "Tệp quá lớn hoặc yêu cầu không đọc được (tối đa %d MB)", "the file is too large or the request unreadable (at most %d MB)", a.maxBytes>>20))
				return
			}
			if part.FormName() == "file" {
				tmp, err := os.CreateTemp("", "dais-report-*.pdf")
				if err != nil {
					WriteError(w, meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err))
					return
				}
				defer os.Remove(tmp.Name())
				defer tmp.Close()
				n, err := io.Copy(tmp, io.LimitReader(part, a.maxBytes+1))
				if err != nil || n > a.maxBytes {
					WriteError(w, meeting.Errorf(meeting.Invalid, "Tệp quá lớn (tối đa %d MB)", "the file is too large (at most %d MB)", a.maxBytes>>20))
					return
				}
				if n > 0 {
					if _, err := tmp.Seek(0, io.SeekStart); err != nil {
						WriteError(w, meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err))
						return
					}
					file = tmp
				}
				continue
			}
			v, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				WriteError(w, meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ", "a bad multipart request"))
				return
			}
			switch val := string(v); part.FormName() {
			case "percent":
				if cmd.Percent, err = strconv.Atoi(strings.TrimSpace(val)); err != nil {
					WriteError(w, meeting.Errorf(meeting.Invalid, "Tiến độ %q không phải số", "progress %q is not a number", val))
					return
				}
			case "done":
				cmd.Done = val == "true" || val == "1" || val == "on"
			case "note":
				cmd.Note = val
			case "title":
				title = strings.TrimSpace(val)
			default:
				WriteError(w, meeting.Errorf(meeting.Invalid, "Trường %q không có", "no field %q", part.FormName()))
				return
			}
		}
	default:
		var req struct {
			Percent int    `json:"percent"`
			Done    bool   `json:"done"`
			Note    string `json:"note"`
		}
		if err := readJSONMax(r, &req, 64<<10); err != nil {
			WriteError(w, err)
			return
		}
		cmd.Percent, cmd.Done, cmd.Note = req.Percent, req.Done, req.Note
	}
	c, err = a.svc.Report(r.Context(), c.ID, act, cmd, title, file)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("task reported", "conclusion", c.ID, "task", cmd.Task, "done", cmd.Done, "attachment", file != nil)
	WriteJSON(w, http.StatusOK, map[string]any{"conclusion": officeView(c, caller)})
}

func (a *ConclusionsAPI) attachment(w http.ResponseWriter, r *http.Request) {
	c, _, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	d, _, rc, err := a.svc.Attachment(r.Context(), c.ID, r.PathValue("task"), r.PathValue("doc"))
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

func (a *ConclusionsAPI) pdf(w http.ResponseWriter, r *http.Request) {
	c, _, _, err := a.load(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.writeConclusionPDF(w, r, c)
}

func (a *ConclusionsAPI) myTasks(w http.ResponseWriter, r *http.Request) {
	caller, _, err := a.caller(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	out := []office.TaskRow{}
	if caller.hasPerson {
		all, err := a.svc.All(r.Context())
		if err != nil {
			WriteError(w, err)
			return
		}
		now := a.svc.Now()
		for _, c := range all {
			if c.Status != office.StatusPublished {
				continue
			}
			for _, t := range c.Tasks {
				if assignedTo(t, caller.person) {
					out = append(out, c.Row(t, now))
				}
			}
		}
	}
	if !caller.staff {
		office.HideTaskEmails(out, caller.person.ID)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"tasks": out, "now": a.svc.Now()})
}

// board is the dashboard the caller may see: staff every committee's, a
// chair the committees they chair.
func (a *ConclusionsAPI) board(r *http.Request) ([]office.CommitteeTasks, time.Time, error) {
	caller, _, err := a.caller(r)
	if err != nil {
		return nil, time.Time{}, err
	}
	dash, now, err := a.svc.Dashboard(r.Context())
	if err != nil {
		return nil, now, err
	}
	if caller.staff {
		return dash, now, nil
	}
	chaired := map[string]bool{}
	if caller.hasPerson {
		coms, err := a.reg.Committees(r.Context())
		if err != nil {
			return nil, now, err
		}
		for _, c := range coms {
			if ch, ok := c.Chair(); ok && ch.Person == caller.person.ID {
				chaired[c.ID] = true
			}
		}
	}
	if len(chaired) == 0 {
		return nil, now, meeting.Errorf(meeting.Forbidden, "Chỉ văn phòng và người chủ trì các ban xem được bảng theo dõi nhiệm vụ",
			"only the office and the committees' chairs see the task dashboard")
	}
	out := []office.CommitteeTasks{}
	for _, ct := range dash {
		if chaired[ct.Committee] {
			out = append(out, ct)
		}
	}
	// A chair follows the tasks by name; the addresses are the office's.
	office.HideDashboardEmails(out, caller.person.ID)
	return out, now, nil
}

func (a *ConclusionsAPI) dashboard(w http.ResponseWriter, r *http.Request) {
	dash, now, err := a.board(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"committees": dash, "now": now})
}

func (a *ConclusionsAPI) dashboardPDF(w http.ResponseWriter, r *http.Request) {
	dash, now, err := a.board(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var buf bytes.Buffer
	if err := a.pdfs.FollowUpReport(r.Context(), &buf, dash, r.URL.Query().Get("lang"), nil, now); err != nil {
		WriteError(w, err)
		return
	}
	writePDF(w, buf.Bytes(), "bao-cao-theo-doi-nhiem-vu-"+now.Format("2006-01-02")+".pdf")
}
