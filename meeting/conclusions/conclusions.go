// Package conclusions is the use case of conclusions and resolutions (kết
// luận, nghị quyết) of an agenda item and the follow-up of the tasks they
// assign (issue 13, part 4). Each conclusion is a log of its own
// (storage.ConclusionLogs: version-checked appends, the audit chain),
// folded by meeting/office. This package drafts one for a meeting's agenda
// item from the registry's committee, numbers it in the office's series
// when the chair approves (storage.Registry: atomic, gap-free per series
// and year), keeps the attachments of task reports (validated PDFs as
// blobs), and reminds the assignees of overdue tasks: a scheduler
// goroutine (Start/Close) appends TasksReminded (the web client shows it)
// and mails the assignee through the consultations' SMTP mailer.
//
// Concurrency: a Service is safe for concurrent use; each conclusion's
// cached state has its own lock; the scheduler is one goroutine owned by
// the Service.
package conclusions

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/schedule"
	"github.com/dais-meeting/dais/storage"
)

// Store is what the service needs from storage.
type Store interface {
	storage.ConclusionLogs
	storage.Registry
	storage.Blobs
}

// Registry reads the office's committees and people (*committees.Service).
type Registry interface {
	Members(ctx context.Context, committee string) (office.Committee, map[string]office.Person, error)
	People(ctx context.Context) ([]office.Person, error)
	Committees(ctx context.Context) ([]office.Committee, error)
	// SeatedCommittee: the office made the meeting from the committee
	// (committees.Seat recorded its members' seats there).
	SeatedCommittee(ctx context.Context, meetingID, committee string) (bool, error)
}

// MeetingInfo is what a conclusion needs of its meeting.
type MeetingInfo struct {
	Title string
	// Chair is the meeting's chair's participant id (a person id in a
	// meeting made from a committee).
	Chair string
	// Items are the agenda items' titles by id.
	Items map[string]string
}

// Meetings tells a meeting's title, chair and agenda (the command
// service's state, wired in cmd/daisd); NotFound when there is none.
type Meetings interface {
	Agenda(ctx context.Context, meetingID string) (MeetingInfo, error)
}

// PDFs checks an uploaded attachment and counts its pages (the node's PDF
// engine, as consultations' documents).
type PDFs interface {
	PageCount(ctx context.Context, r io.ReadSeeker) (pages int, err error)
}

// Options configures a Service. Zero values are what a server wants.
type Options struct {
	// Now tells the time. Zero: time.Now.
	Now func() time.Time
	// Symbol is the office's symbol in numbers ("15-KL/TU"). Zero: "TU".
	Symbol string
	// Rescan is the longest the scheduler sleeps. Zero: 1 minute.
	Rescan time.Duration
	// Link gives the address of a conclusion in the web client (e-mails).
	Link func(id string) string
	// Published, when set, is told of each conclusion published, once its
	// event is appended: the node rings the meeting's tablets (a notice
	// over the bus; the log stays the truth). It must not block.
	Published func(meetingID, conclusionID string)
	// Logger: zero, slog.Default.
	Logger *slog.Logger
}

// Service runs conclusions and their tasks.
type Service struct {
	store    Store
	reg      Registry
	meetings Meetings
	mailer   consultations.Mailer
	pdfs     PDFs
	opt      Options
	log      *slog.Logger

	mu    sync.Mutex
	cache map[string]*entry

	sched *schedule.Scheduler
}

type entry struct {
	mu sync.Mutex
	c  *office.Conclusion
}

// New returns a Service; mailer may be nil (reminders in the web client
// only).
func New(store Store, reg Registry, meetings Meetings, mailer consultations.Mailer, pdfs PDFs, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Symbol == "" {
		opt.Symbol = "TU"
	}
	if opt.Rescan <= 0 {
		opt.Rescan = time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	svc := &Service{store: store, reg: reg, meetings: meetings, mailer: mailer, pdfs: pdfs, opt: opt, log: opt.Logger,
		cache: map[string]*entry{}}
	svc.sched = schedule.New("conclusions", svc.Check, opt.Rescan, opt.Now, opt.Logger)
	return svc
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.opt.Now().UTC() }

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return meeting.Errorf(meeting.Unavailable, "Hết thời gian chờ; chưa có gì thay đổi", "timed out; nothing changed").WithCause(err)
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; chưa có gì thay đổi", "storage unavailable; nothing changed").WithCause(err)
}

func internal(err error) error {
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống; chưa có gì thay đổi", "internal error; nothing changed").WithCause(err)
}

func notFound(id string) error {
	return meeting.Errorf(meeting.NotFound, "Không có kết luận %q", "no conclusion %q", id)
}

func (s *Service) entry(id string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.cache[id]
	if e == nil {
		e = &entry{c: &office.Conclusion{}}
		s.cache[id] = e
	}
	return e
}

// catchUp folds the records appended since e's version. Caller holds e.mu.
func (s *Service) catchUp(ctx context.Context, id string, e *entry) error {
	recs, err := s.store.ReadConclusion(ctx, id, e.c.Version+1, 0)
	if err != nil {
		return unavailable(err)
	}
	for _, r := range recs {
		ev, err := office.DecodeRecord(r.Data, r.Seq)
		if err != nil {
			return internal(fmt.Errorf("conclusion %s, %w", id, err))
		}
		if err := e.c.Apply(ev); err != nil {
			e.c = &office.Conclusion{}
			return internal(fmt.Errorf("conclusion %s: %w", id, err))
		}
	}
	return nil
}

func clone(c *office.Conclusion) *office.Conclusion { return office.Copy(c) }

// Get returns a copy of the conclusion, caught up with its log.
func (s *Service) Get(ctx context.Context, id string) (*office.Conclusion, error) {
	if !office.ValidID(id) {
		return nil, notFound(id)
	}
	e := s.entry(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := s.catchUp(ctx, id, e); err != nil {
		return nil, err
	}
	if !e.c.Exists() {
		return nil, notFound(id)
	}
	return clone(e.c), nil
}

// All returns every conclusion, caught up, in id order.
func (s *Service) All(ctx context.Context) ([]*office.Conclusion, error) {
	ids, err := s.store.Conclusions(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]*office.Conclusion, 0, len(ids))
	for _, id := range ids {
		c, err := s.Get(ctx, id)
		if meeting.ErrorCode(err) == meeting.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// OfMeeting returns the conclusions of a meeting, in the order of their
// creation.
func (s *Service) OfMeeting(ctx context.Context, meetingID string) ([]*office.Conclusion, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	var out []*office.Conclusion
	for _, c := range all {
		if c.Meeting == meetingID {
			out = append(out, c)
		}
	}
	sortByCreation(out)
	return out, nil
}

func sortByCreation(cs []*office.Conclusion) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && (cs[j].Created.Before(cs[j-1].Created) || cs[j].Created.Equal(cs[j-1].Created) && cs[j].ID < cs[j-1].ID); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Events returns the conclusion's events after seq after.
func (s *Service) Events(ctx context.Context, id string, after uint64) ([]office.Event, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	recs, err := s.store.ReadConclusion(ctx, id, after+1, 0)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]office.Event, 0, len(recs))
	for _, r := range recs {
		var ev office.Event
		if err := json.Unmarshal(r.Data, &ev); err != nil {
			return nil, internal(err)
		}
		ev.Seq = r.Seq
		out = append(out, ev)
	}
	return out, nil
}

// newID is "kl-yyyy-mm-dd-" and six random letters.
func newID(at time.Time) string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i, x := range b {
		b[i] = alphabet[int(x)%len(alphabet)]
	}
	return "kl-" + at.Format("2006-01-02") + "-" + string(b[:])
}

func (s *Service) people(ctx context.Context) (map[string]office.Person, error) {
	ps, err := s.reg.People(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]office.Person, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// Draft starts a conclusion of a meeting's agenda item for committee (its
// chair approves it); the meeting and the item must exist. An empty
// committee is the one whose chair chairs the meeting (when exactly one
// does).
//
// Any account may make a meeting and be its secretary, so a secretary of
// a meeting drafts only the conclusions of the committee the office made
// that meeting from (the seating committees.Seat recorded); the office's
// staff (actor.Staff) draft for any committee. Anything else is refused
// (403) and stores nothing: a draft lands in the committee's chair's list
// to approve.
func (s *Service) Draft(ctx context.Context, actor office.Actor, committee string, d office.DraftConclusion) (*office.Conclusion, error) {
	if !actor.Secretary {
		return nil, meeting.Errorf(meeting.Forbidden, "Chỉ thư ký (tài khoản của văn phòng) mới soạn được kết luận", "only a secretary (an office account) drafts a conclusion")
	}
	info, err := s.meetings.Agenda(ctx, d.Meeting)
	if err != nil {
		return nil, err
	}
	if committee == "" {
		if committee, err = s.committeeOf(ctx, info.Chair); err != nil {
			return nil, err
		}
	}
	com, _, err := s.reg.Members(ctx, committee)
	if err != nil {
		return nil, err
	}
	if !actor.Staff {
		seated, err := s.reg.SeatedCommittee(ctx, d.Meeting, com.ID)
		if err != nil {
			return nil, err
		}
		if !seated {
			return nil, meeting.Errorf(meeting.Forbidden,
				"Kết luận của %s chỉ được soạn trong cuộc họp văn phòng lập từ ban này, hoặc bởi cán bộ văn phòng",
				"a conclusion of %s is drafted only in a meeting the office made from that committee, or by the office's staff", com.Name)
		}
	}
	title, items := info.Title, info.Items
	item, ok := items[d.AgendaItem]
	if !ok {
		return nil, meeting.Errorf(meeting.NotFound, "Cuộc họp không có mục chương trình %q", "the meeting has no agenda item %q", d.AgendaItem)
	}
	if d.People, err = s.people(ctx); err != nil {
		return nil, err
	}
	d.Committee, d.MeetingTitle, d.AgendaTitle = com, title, item
	if d.ID == "" {
		d.ID = newID(s.Now())
	}
	if _, err := s.Execute(ctx, d.ID, actor, d); err != nil {
		return nil, err
	}
	return s.Get(ctx, d.ID)
}

// committeeOf is the one committee chaired by person.
func (s *Service) committeeOf(ctx context.Context, person string) (string, error) {
	coms, err := s.reg.Committees(ctx)
	if err != nil {
		return "", err
	}
	var found []string
	for _, c := range coms {
		if ch, ok := c.Chair(); ok && person != "" && ch.Person == person {
			found = append(found, c.ID)
		}
	}
	if len(found) != 1 {
		return "", meeting.Errorf(meeting.Invalid, "Cần chọn ban có thẩm quyền kết luận (người chủ trì cuộc họp chủ trì %d ban)",
			"choose the committee the conclusion is of (the meeting's chair chairs %d committees)", len(found))
	}
	return found[0], nil
}

// Edit replaces a draft's title, text and tasks.
func (s *Service) Edit(ctx context.Context, id string, actor office.Actor, e office.EditConclusion) (*office.Conclusion, error) {
	var err error
	if e.People, err = s.people(ctx); err != nil {
		return nil, err
	}
	if _, err := s.Execute(ctx, id, actor, e); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Execute runs cmd on conclusion id as actor: catch up, decide, append at
// the version decided on (again after a lost race), fold.
func (s *Service) Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error) {
	if !office.ValidID(id) {
		return nil, meeting.Errorf(meeting.Invalid, "Mã kết luận %q không hợp lệ", "the conclusion id %q is not valid", id)
	}
	e := s.entry(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	for attempt := 0; attempt < 32; attempt++ {
		if err := s.catchUp(ctx, id, e); err != nil {
			return nil, err
		}
		events, err := office.DecideConclusion(e.c, actor, cmd, s.Now())
		if err != nil || len(events) == 0 {
			return nil, err
		}
		data := make([][]byte, len(events))
		for i, ev := range events {
			if data[i], err = json.Marshal(ev); err != nil {
				return nil, internal(err)
			}
		}
		_, err = s.store.AppendConclusion(ctx, id, e.c.Version, data)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, unavailable(err)
		}
		for _, ev := range events {
			if err := e.c.Apply(ev); err != nil {
				e.c = &office.Conclusion{}
				return nil, internal(err)
			}
		}
		s.wake()
		if s.opt.Published != nil {
			for _, ev := range events {
				if _, ok := ev.Data.(office.ConclusionPublished); ok {
					s.opt.Published(e.c.Meeting, e.c.ID)
				}
			}
		}
		return events, nil
	}
	return nil, meeting.Errorf(meeting.Unavailable, "Hệ thống đang bận, xin thử lại", "too much contention, try again")
}

func (s *Service) wake() { s.sched.Poke() }

// ---------------------------------------------------------------------------
// Numbering

// vietnam is the time zone a number's year is counted in.
var vietnam = time.FixedZone("ICT", 7*3600)

// series is a number series' registry entry (office.SeriesEntry).
type series = office.SeriesEntry

// Reserve gives conclusion the next number of series in year, or the one
// it was given before: one atomic registry update (a bbolt transaction, a
// Redis WATCH/MULTI), retried on contention, so two approvals at once
// never get the same number and none is skipped.
func (s *Service) Reserve(ctx context.Context, seriesName string, year int, conclusion string) (int, error) {
	id := office.SeriesEntryID(seriesName, year)
	var n int
	for attempt := 0; ; attempt++ {
		_, err := s.store.UpdateEntry(ctx, "series", id, func(old []byte) ([]byte, error) {
			v := series{Series: seriesName, Year: year, Given: map[string]int{}}
			if old != nil {
				if err := json.Unmarshal(old, &v); err != nil {
					return nil, err
				}
				if v.Given == nil {
					v.Given = map[string]int{}
				}
			}
			if got, ok := v.Given[conclusion]; ok {
				n = got
				return old, nil
			}
			v.Last++
			v.Given[conclusion] = v.Last
			n = v.Last
			return json.Marshal(v)
		})
		if errors.Is(err, storage.ErrConflict) && attempt < 100 && ctx.Err() == nil {
			continue
		}
		if err != nil {
			return 0, unavailable(err)
		}
		return n, nil
	}
}

// Approve: the chair approves the draft and it gets its number. The
// command is checked first (nothing is reserved for a refused approval),
// then the number is reserved for this conclusion and the approval
// appended with it; a retry after a failed append gets the same number.
func (s *Service) Approve(ctx context.Context, id string, actor office.Actor) (*office.Conclusion, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if _, err := office.DecideConclusion(c, actor, office.ApproveConclusion{Series: "check", Year: 2000, Number: 1}, now); err != nil {
		return nil, err
	}
	name, year := office.SeriesOf(c.Kind, s.opt.Symbol), now.In(vietnam).Year()
	n, err := s.Reserve(ctx, name, year, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Execute(ctx, id, actor, office.ApproveConclusion{Series: name, Year: year, Number: n}); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// ---------------------------------------------------------------------------
// Reports and attachments

// Report records a progress or completion report; attachment, when not
// nil, is a PDF checked by PDFs (refused with its reason, nothing stored)
// and kept as a blob.
func (s *Service) Report(ctx context.Context, id string, actor office.Actor, r office.ReportTask, title string, attachment io.ReadSeeker) (*office.Conclusion, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// Refuse before storing anything: the same checks with a stand-in.
	probe := r
	if attachment != nil {
		probe.Attachment = &office.Document{ID: "probe", SHA256: "probe", Pages: 1, Title: title}
	}
	if _, err := office.DecideConclusion(c, actor, probe, s.Now()); err != nil {
		return nil, err
	}
	if attachment != nil {
		pages, err := s.pdfs.PageCount(ctx, attachment)
		if err != nil {
			return nil, err
		}
		if _, err := attachment.Seek(0, io.SeekStart); err != nil {
			return nil, internal(err)
		}
		info, err := s.store.PutBlob(ctx, attachment)
		if err != nil {
			return nil, unavailable(err)
		}
		if title == "" {
			title = "Báo cáo " + info.SHA256[:6]
		}
		r.Attachment = &office.Document{ID: info.SHA256[:16], Title: title, SHA256: info.SHA256, Size: info.Size, Pages: pages}
	}
	if _, err := s.Execute(ctx, id, actor, r); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Attachment opens the attachment doc of a report on a task.
func (s *Service) Attachment(ctx context.Context, id, task, doc string) (office.Document, storage.BlobInfo, io.ReadSeekCloser, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return office.Document{}, storage.BlobInfo{}, nil, err
	}
	t, ok := c.Task(task)
	if !ok {
		return office.Document{}, storage.BlobInfo{}, nil, meeting.Errorf(meeting.NotFound, "Không có nhiệm vụ %q", "no task %q", task)
	}
	for _, r := range t.Reports {
		if r.Attachment != nil && r.Attachment.ID == doc {
			rc, info, err := s.store.OpenBlob(ctx, r.Attachment.SHA256)
			if err != nil {
				return office.Document{}, storage.BlobInfo{}, nil, unavailable(err)
			}
			return *r.Attachment, info, rc, nil
		}
	}
	return office.Document{}, storage.BlobInfo{}, nil, meeting.Errorf(meeting.NotFound, "Không có tệp đính kèm %q", "no attachment %q", doc)
}

// ---------------------------------------------------------------------------
// Reminders and the scheduler

// Remind records a reminder of the overdue tasks named (those of them
// late) and mails each person assignee with an address; it returns the
// tasks reminded and those whose mail failed.
func (s *Service) Remind(ctx context.Context, id string, actor office.Actor, tasks []string) (reminded, failed []string, err error) {
	evs, err := s.Execute(ctx, id, actor, office.RemindTasks{Tasks: tasks})
	if err != nil || len(evs) == 0 {
		return nil, nil, err
	}
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	reminded = evs[0].Data.(office.TasksReminded).Tasks
	if s.mailer == nil {
		return reminded, nil, nil
	}
	for _, tid := range reminded {
		t, _ := c.Task(tid)
		if t.Assignee.Email == "" {
			continue
		}
		if err := s.mailer.Send(ctx, overdueMail(c, *t, s.link(id))); err != nil {
			s.log.Error("an overdue task's reminder was not mailed", "conclusion", id, "task", tid, "err", err)
			failed = append(failed, tid)
			continue
		}
		s.log.Info("overdue task reminder mailed", "conclusion", id, "task", tid)
	}
	return reminded, failed, nil
}

func (s *Service) link(id string) string {
	if s.opt.Link == nil {
		return ""
	}
	return s.opt.Link(id)
}

// overdueMail is the reminder of an overdue task, in Vietnamese then
// English.
func overdueMail(c *office.Conclusion, t office.Task, link string) consultations.Mail {
	at := t.Deadline.In(vietnam).Format("15:04 ngày 02/01/2006")
	body := fmt.Sprintf("Kính gửi đồng chí %s,\r\n\r\nNhiệm vụ \"%s\" theo %s (%s) đã quá hạn %s mà chưa có báo cáo hoàn thành.\r\n"+
		"Đề nghị đồng chí báo cáo tiến độ, kết quả thực hiện.\r\n", t.Assignee.Name, t.Title, c.Heading(), c.Title, at)
	if link != "" {
		body += "Báo cáo tại: " + link + "\r\n"
	}
	body += "\r\nVăn phòng\r\n\r\n-- \r\n" + fmt.Sprintf("Reminder: the task \"%s\" of %s is overdue since %s (UTC+7) and not reported done; please report its progress.\r\n",
		t.Title, c.Numbered, t.Deadline.In(vietnam).Format("15:04, 2 January 2006"))
	return consultations.Mail{To: t.Assignee.Email, ToName: t.Assignee.Name,
		Subject: "Nhắc nhiệm vụ quá hạn: " + t.Title + " (" + c.Heading() + ")", Body: body}
}

// Start starts the scheduler; Close stops it and waits for it.
func (s *Service) Start() { s.sched.Start() }

// Close stops the scheduler and waits for it; it may be called more than
// once, and without Start.
func (s *Service) Close() { s.sched.Close() }

// Check reminds the assignees of every task of a published conclusion
// that is past its deadline, not done and not reminded since, and returns
// the next deadline to wait for (zero: none). The scheduler calls it;
// tests may too.
func (s *Service) Check(ctx context.Context) (time.Time, error) {
	all, err := s.All(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var (
		next time.Time
		errs []error
	)
	now := s.Now()
	for _, c := range all {
		if c.Status != office.StatusPublished || c.Archived != nil {
			continue // (an imported conclusion is read only)
		}
		var due []string
		for _, t := range c.Tasks {
			switch t.State(now) {
			case office.TaskLate:
				if t.Reminded.Before(t.Deadline) {
					due = append(due, t.ID)
				}
			case office.TaskOpen:
				if next.IsZero() || t.Deadline.Before(next) {
					next = t.Deadline
				}
			}
		}
		if len(due) == 0 {
			continue
		}
		if _, _, err := s.Remind(ctx, c.ID, office.Actor{System: true}, due); err != nil && meeting.ErrorCode(err) != meeting.Conflict {
			errs = append(errs, err)
		}
	}
	return next, errors.Join(errs...)
}

// Dashboard is the follow-up at now: per committee, the tasks of the
// published conclusions, open, late and done.
func (s *Service) Dashboard(ctx context.Context) ([]office.CommitteeTasks, time.Time, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	now := s.Now()
	return office.Dashboard(all, now), now, nil
}
