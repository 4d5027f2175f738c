// Package consultations is the use case of written consultations (lấy ý
// kiến bằng văn bản, issue 13): each consultation is a log of its own
// (storage.ConsultationLogs: durable, version-checked appends, the audit
// chain), folded by meeting/office; this package drafts them from a
// committee of the registry, runs commands with optimistic concurrency,
// keeps the documents (validated PDFs in the blob store), and owns the
// server's side of time: a scheduler goroutine that closes each
// consultation at its deadline and reminds the members who have not
// answered before it — in the log (the web client shows it) and by e-mail.
//
// The deadline is in the log, not in the scheduler: a node that starts
// reads every consultation, closes those whose deadline passed while it was
// down and waits for the next. Several nodes may run schedulers on one
// store: the version-checked append lets exactly one close (the others see
// it closed), and a reminder's e-mails are sent only by the node whose
// RemindersSent event was appended (at most once; a failed send is
// logged, the event stays).
//
// Concurrency: a Service is safe for concurrent use. Each consultation's
// cached state has its own lock; the scheduler is one goroutine started by
// Start and stopped (and waited for) by Close.
package consultations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/schedule"
	"github.com/dais-meeting/dais/storage"
)

// Store is what the service needs from storage.
type Store interface {
	storage.ConsultationLogs
	storage.Blobs
}

// Committees reads the registry (*committees.Service is one).
type Committees interface {
	Members(ctx context.Context, committee string) (office.Committee, map[string]office.Person, error)
}

// Mail is one message to one person.
type Mail struct {
	To, ToName    string
	Subject, Body string
}

// Mailer sends mail (SMTP, mail.go). Send returns when the server has
// accepted the message, or the error.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Options configures a Service. Zero values are what a server wants.
type Options struct {
	// Now tells the time. Zero: time.Now.
	Now func() time.Time
	// RemindBefore: the members who have not answered are reminded once
	// this long before the deadline. Zero: 24 hours; negative: never.
	RemindBefore time.Duration
	// Rescan is the longest the scheduler sleeps before it reads the
	// consultations again (another node may have made one). Zero: 1 minute.
	Rescan time.Duration
	// Link gives the address of a consultation in the web client, for the
	// e-mails. Nil: no link.
	Link func(id string) string
	// Logger: zero, slog.Default.
	Logger *slog.Logger
	// Changed, when set, is told of each consultation sent (approved: open
	// for answers) or closed (by the chair or at its deadline), once its
	// event is appended: the node rings the tablets of the committee's
	// meetings (a notice, not replayed; they refetch after each welcome).
	Changed func(ctx context.Context, committee, consultationID string)
}

// Service runs consultations.
type Service struct {
	store  Store
	reg    Committees
	mailer Mailer
	pdfs   PDFs
	opt    Options
	log    *slog.Logger

	mu    sync.Mutex
	cache map[string]*entry

	sched *schedule.Scheduler
}

type entry struct {
	mu sync.Mutex
	c  *office.Consultation
}

// PDFs checks an uploaded document and counts its pages; a refusal is an
// Invalid *meeting.Error with the reason (the node's PDF engine).
type PDFs interface {
	PageCount(ctx context.Context, r io.ReadSeeker) (pages int, err error)
}

// New returns a Service. mailer may be nil (reminders only in the log);
// pdfs checks uploaded documents.
func New(store Store, reg Committees, mailer Mailer, pdfs PDFs, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RemindBefore == 0 {
		opt.RemindBefore = 24 * time.Hour
	}
	if opt.Rescan <= 0 {
		opt.Rescan = time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	svc := &Service{store: store, reg: reg, mailer: mailer, pdfs: pdfs, opt: opt, log: opt.Logger,
		cache: map[string]*entry{}}
	svc.sched = schedule.New("consultations", svc.Check, opt.Rescan, opt.Now, opt.Logger)
	return svc
}

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return meeting.Errorf(meeting.Unavailable, "Hết thời gian chờ; chưa có gì thay đổi", "timed out; nothing changed").WithCause(err)
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; chưa có gì thay đổi", "storage unavailable; nothing changed").WithCause(err)
}

func internal(err error) error {
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống; chưa có gì thay đổi", "internal error; nothing changed").WithCause(err)
}

func (s *Service) entry(id string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.cache[id]
	if e == nil {
		e = &entry{c: &office.Consultation{}}
		s.cache[id] = e
	}
	return e
}

// catchUp folds the records appended since e's version. Caller holds e.mu.
func (s *Service) catchUp(ctx context.Context, id string, e *entry) error {
	recs, err := s.store.ReadConsultation(ctx, id, e.c.Version+1, 0)
	if err != nil {
		return unavailable(err)
	}
	for _, r := range recs {
		ev, err := office.DecodeRecord(r.Data, r.Seq)
		if err != nil {
			return internal(fmt.Errorf("consultation %s, %w", id, err))
		}
		if err := e.c.Apply(ev); err != nil {
			e.c = &office.Consultation{}
			return internal(fmt.Errorf("consultation %s: %w", id, err))
		}
	}
	return nil
}

func clone(c *office.Consultation) *office.Consultation { return office.Copy(c) }

// Get returns a copy of the consultation, caught up with its log;
// NotFound when it has none.
func (s *Service) Get(ctx context.Context, id string) (*office.Consultation, error) {
	if !office.ValidID(id) {
		return nil, meeting.Errorf(meeting.NotFound, "Không có đợt lấy ý kiến %q", "no consultation %q", id)
	}
	e := s.entry(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := s.catchUp(ctx, id, e); err != nil {
		return nil, err
	}
	if !e.c.Exists() {
		return nil, meeting.Errorf(meeting.NotFound, "Không có đợt lấy ý kiến %q", "no consultation %q", id)
	}
	return clone(e.c), nil
}

// All returns every consultation, caught up, in id order.
func (s *Service) All(ctx context.Context) ([]*office.Consultation, error) {
	ids, err := s.store.Consultations(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]*office.Consultation, 0, len(ids))
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

// Events returns the consultation's events after seq after, in order.
func (s *Service) Events(ctx context.Context, id string, after uint64) ([]office.Event, uint64, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	recs, err := s.store.ReadConsultation(ctx, id, after+1, 0)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	out := make([]office.Event, 0, len(recs))
	for _, r := range recs {
		var ev office.Event
		if err := json.Unmarshal(r.Data, &ev); err != nil {
			return nil, 0, internal(err)
		}
		ev.Seq = r.Seq
		out = append(out, ev)
	}
	v := c.Version
	if n := len(out); n > 0 && out[n-1].Seq > v {
		v = out[n-1].Seq
	}
	return out, v, nil
}

// Chain returns the seq of the consultation log's last record and its
// audit chain link (hex; "" for a record stored without one).
func (s *Service) Chain(ctx context.Context, id string) (uint64, string, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return 0, "", err
	}
	recs, err := s.store.ReadConsultation(ctx, id, c.Version, 1)
	if err != nil {
		return 0, "", unavailable(err)
	}
	if len(recs) != 1 {
		return c.Version, "", nil
	}
	return recs[0].Seq, hex.EncodeToString(recs[0].Hash), nil
}

// newID is "yyyy-mm-dd-" and six random letters.
func newID(at time.Time) string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i, x := range b {
		b[i] = alphabet[int(x)%len(alphabet)]
	}
	return "lyk-" + at.Format("2006-01-02") + "-" + string(b[:])
}

// Draft starts a consultation of committee: its members, chair and
// majority rule are taken from the registry as they are now.
func (s *Service) Draft(ctx context.Context, actor office.Actor, committee string, d office.Draft) (*office.Consultation, error) {
	if !actor.Secretary {
		return nil, &meeting.Error{Code: meeting.Forbidden, Message: "only a secretary (an office account) prepares a consultation",
			MessageVI: "Chỉ thư ký (tài khoản của văn phòng) mới soạn được phiếu lấy ý kiến"}
	}
	com, people, err := s.reg.Members(ctx, committee)
	if err != nil {
		return nil, err
	}
	if len(com.Members) == 0 {
		return nil, meeting.Errorf(meeting.Conflict, "Ban %q chưa có thành viên", "committee %q has no members", com.Name)
	}
	d.Committee = com
	for _, p := range people {
		d.People = append(d.People, p)
	}
	if d.ID == "" {
		d.ID = newID(s.opt.Now().UTC())
	}
	if _, err := s.Execute(ctx, d.ID, actor, d); err != nil {
		return nil, err
	}
	return s.Get(ctx, d.ID)
}

// Execute runs cmd on consultation id as actor: catch up, decide, append
// at the version decided on (again after a lost race), fold. It returns
// the events appended (none when nothing changed).
func (s *Service) Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error) {
	if !office.ValidID(id) {
		return nil, meeting.Errorf(meeting.Invalid, "Mã đợt lấy ý kiến %q không hợp lệ", "the consultation id %q is not valid", id)
	}
	e := s.entry(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	for attempt := 0; attempt < 32; attempt++ {
		if err := s.catchUp(ctx, id, e); err != nil {
			return nil, err
		}
		events, err := office.Decide(e.c, actor, cmd, s.opt.Now())
		if err != nil || len(events) == 0 {
			return nil, err
		}
		data := make([][]byte, len(events))
		for i, ev := range events {
			if data[i], err = json.Marshal(ev); err != nil {
				return nil, internal(err)
			}
		}
		_, err = s.store.AppendConsultation(ctx, id, e.c.Version, data)
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, unavailable(err)
		}
		for _, ev := range events {
			if err := e.c.Apply(ev); err != nil {
				e.c = &office.Consultation{}
				return nil, internal(err)
			}
		}
		s.wake()
		if s.opt.Changed != nil && rings(events) {
			s.opt.Changed(ctx, e.c.Committee, e.c.ID)
		}
		return events, nil
	}
	return nil, meeting.Errorf(meeting.Unavailable, "Hệ thống đang bận, xin thử lại", "too much contention, try again")
}

// rings tells whether events send or close a consultation: what the
// tablets of its committee's meetings are rung for (Options.Changed).
func rings(events []office.Event) bool {
	for _, ev := range events {
		switch ev.Data.(type) {
		case office.ConsultationApproved, office.ConsultationClosed:
			return true
		}
	}
	return false
}

// wake tells the scheduler that something changed.
func (s *Service) wake() { s.sched.Poke() }

// Remind records a reminder to the members named (those of them who have
// not answered) and e-mails each who has an address. It returns the
// members reminded and those whose mail failed.
func (s *Service) Remind(ctx context.Context, id string, actor office.Actor, to []string) (reminded, failed []string, err error) {
	return s.remind(ctx, id, actor, office.Remind{To: to})
}

// remind runs cmd and mails whoever its event names.
func (s *Service) remind(ctx context.Context, id string, actor office.Actor, cmd office.Remind) (reminded, failed []string, err error) {
	evs, err := s.Execute(ctx, id, actor, cmd)
	if err != nil || len(evs) == 0 {
		return nil, nil, err
	}
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	reminded = evs[0].Data.(office.RemindersSent).To
	if s.mailer == nil {
		return reminded, nil, nil
	}
	for _, p := range reminded {
		m, _ := c.Member(p)
		if m.Email == "" {
			continue
		}
		if err := s.mailer.Send(ctx, reminderMail(c, m, s.link(id))); err != nil {
			s.log.Error("a consultation's reminder was not mailed", "consultation", id, "person", p, "err", err)
			failed = append(failed, p)
			continue
		}
		s.log.Info("consultation reminder mailed", "consultation", id, "person", p)
	}
	return reminded, failed, nil
}

func (s *Service) link(id string) string {
	if s.opt.Link == nil {
		return ""
	}
	return s.opt.Link(id)
}

var vietnam = time.FixedZone("ICT", 7*3600)

// reminderMail is the reminder to one member, in Vietnamese then English.
func reminderMail(c *office.Consultation, m office.Consulted, link string) Mail {
	at := c.Deadline.In(vietnam).Format("15:04 ngày 02/01/2006")
	body := fmt.Sprintf("Kính gửi đồng chí %s,\r\n\r\n%s đang lấy ý kiến bằng văn bản về: %s.\r\n"+
		"Đồng chí chưa gửi ý kiến. Hạn trả lời: %s (giờ Việt Nam).\r\n", m.Name, c.CommitteeName, c.Title, at)
	if link != "" {
		body += "Trả lời tại: " + link + "\r\n"
	}
	body += "\r\nVăn phòng\r\n\r\n-- \r\n" + fmt.Sprintf("Reminder: %s asks for your written opinion on \"%s\"; you have not answered yet. Deadline: %s (UTC+7).\r\n",
		c.CommitteeName, c.Title, c.Deadline.In(vietnam).Format("15:04, 2 January 2006"))
	return Mail{To: m.Email, ToName: m.Name, Subject: "Nhắc trả lời phiếu lấy ý kiến: " + c.Title + " (hạn " + at + ")", Body: body}
}

// ---------------------------------------------------------------------------
// The scheduler

// Start starts the scheduler; Close stops it. Start after Close does
// nothing.
func (s *Service) Start() { s.sched.Start() }

// Close stops the scheduler and waits for it; it may be called more than
// once, and without Start.
func (s *Service) Close() { s.sched.Close() }

// Check does what is due now — closes each open consultation whose
// deadline has passed, reminds the members who have not answered (and
// were not reminded) once the reminder time has come — and returns when
// something is due next (zero: nothing). The scheduler calls it; tests
// may too.
func (s *Service) Check(ctx context.Context) (time.Time, error) {
	all, err := s.All(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var (
		next time.Time
		errs []error
	)
	due := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	system := office.Actor{System: true}
	for _, c := range all {
		if c.Status != office.StatusOpen || c.Archived != nil {
			continue // (an imported consultation is read only)
		}
		now := s.opt.Now()
		if !now.Before(c.Deadline) {
			_, err := s.Execute(ctx, c.ID, system, office.Close{})
			if err != nil && meeting.ErrorCode(err) != meeting.Conflict {
				errs = append(errs, err)
			} else if err == nil {
				s.log.Info("consultation closed at its deadline", "consultation", c.ID)
			}
			continue
		}
		due(c.Deadline)
		if s.opt.RemindBefore < 0 {
			continue
		}
		var to []string
		for _, m := range c.Unanswered() {
			if c.Reminded[m.Person].IsZero() {
				to = append(to, m.Person)
			}
		}
		if len(to) == 0 {
			continue
		}
		at := c.Deadline.Add(-s.opt.RemindBefore)
		if now.Before(at) {
			due(at)
			continue
		}
		// Once: a node that loses the race to another node's reminder
		// decides again and reminds nobody (and mails nobody) twice.
		if _, _, err := s.remind(ctx, c.ID, system, office.Remind{To: to, Once: true}); err != nil && meeting.ErrorCode(err) != meeting.Conflict {
			errs = append(errs, err)
		}
	}
	return next, errors.Join(errs...)
}

// ---------------------------------------------------------------------------
// Documents

// AddDocument stores an uploaded PDF (checked by PDFs first: anything it
// refuses is refused with its reason, nothing stored) and adds it to the
// draft.
func (s *Service) AddDocument(ctx context.Context, id string, actor office.Actor, title string, r io.ReadSeeker) (office.Document, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return office.Document{}, err
	}
	if !actor.Secretary {
		return office.Document{}, &meeting.Error{Code: meeting.Forbidden, Message: "only a secretary (an office account) prepares a consultation",
			MessageVI: "Chỉ thư ký (tài khoản của văn phòng) mới soạn được phiếu lấy ý kiến"}
	}
	if c.Archived != nil {
		return office.Document{}, office.ErrConsultationArchived()
	}
	if c.Status != office.StatusDraft {
		return office.Document{}, meeting.Errorf(meeting.Conflict, "Phiếu đã được duyệt và gửi; không sửa được nữa", "the consultation was approved and sent; it can no longer be changed")
	}
	// The title is checked before anything is stored (Decide checks it
	// again).
	if title, err = office.CheckTitle(title); err != nil {
		return office.Document{}, err
	}
	pages, err := s.pdfs.PageCount(ctx, r)
	if err != nil {
		return office.Document{}, err
	}
	if _, err := r.Seek(0, 0); err != nil {
		return office.Document{}, internal(err)
	}
	info, err := s.store.PutBlob(ctx, r)
	if err != nil {
		return office.Document{}, unavailable(err)
	}
	d := office.Document{ID: info.SHA256[:16], Title: title, SHA256: info.SHA256, Size: info.Size, Pages: pages}
	if d.Title == "" {
		d.Title = "Tài liệu " + d.ID[:6]
	}
	if slices.ContainsFunc(c.Documents, func(x office.Document) bool { return x.ID == d.ID }) {
		return d, nil
	}
	if _, err := s.Execute(ctx, id, actor, office.AddDocument{Document: d}); err != nil {
		return office.Document{}, err
	}
	return d, nil
}

// Document opens a document of the consultation.
func (s *Service) Document(ctx context.Context, id, doc string) (office.Document, storage.BlobInfo, io.ReadSeekCloser, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return office.Document{}, storage.BlobInfo{}, nil, err
	}
	i := slices.IndexFunc(c.Documents, func(x office.Document) bool { return x.ID == doc })
	if i < 0 {
		return office.Document{}, storage.BlobInfo{}, nil, meeting.Errorf(meeting.NotFound, "Không có tài liệu %q", "no document %q", doc)
	}
	rc, info, err := s.store.OpenBlob(ctx, c.Documents[i].SHA256)
	if err != nil {
		return office.Document{}, storage.BlobInfo{}, nil, unavailable(err)
	}
	return c.Documents[i], info, rc, nil
}
