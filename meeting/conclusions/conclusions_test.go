package conclusions_test

import (
	"context"

	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/consultations/smtptest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var t0 = time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)

var people = []office.Person{
	{ID: "m1", Name: "Trần Văn Bình", Email: "binh@tinhuy.example"},
	{ID: "m2", Name: "Lê Thị Phương", Email: "phuong@tinhuy.example", Unit: "Ban Tuyên giáo"},
	{ID: "m3", Name: "Đặng Quốc Việt", Email: "viet@tinhuy.example", Unit: "Sở Tài chính"},
}

// meetings is a fake of the command service's agenda.
type meetings map[string]map[string]string

func (m meetings) Agenda(_ context.Context, id string) (conclusions.MeetingInfo, error) {
	items, ok := m[id]
	if !ok {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp %q", "no meeting %q", id)
	}
	return conclusions.MeetingInfo{Title: "Hội nghị Ban Thường vụ tháng 12", Chair: "m1", Items: items}, nil
}

var agenda = meetings{"btv-12": {"a2": "Dự toán ngân sách năm 2027"}}

type store interface {
	conclusions.Store
}

func registry(tb testing.TB, s store) *committees.Service {
	tb.Helper()
	reg := committees.New(s, nil, nil, committees.Options{})
	ctx := context.Background()
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy"}
	for i, p := range people {
		if _, err := reg.PutPerson(ctx, p); err != nil {
			tb.Fatal(err)
		}
		com.Members = append(com.Members, office.Member{Person: p.ID, Chair: i == 0})
	}
	if _, err := reg.PutCommittee(ctx, com); err != nil {
		tb.Fatal(err)
	}
	return reg
}

func openBolt(tb testing.TB) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(tb.TempDir(), bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func openRedis(tb testing.TB) *redis.Store {
	tb.Helper()
	prefix := redistest.Prefix(tb)
	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	key := seal.NewKey()
	s, err := redis.New(client, redis.Options{Prefix: prefix, BallotKey: &key})
	if err != nil {
		client.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// pdfs counts a fake PDF's pages: "%PDF" files have one, others are
// refused as the node's engine refuses them.
type pdfs struct{}

func (pdfs) PageCount(_ context.Context, r io.ReadSeeker) (int, error) {
	b, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(b), "%PDF") {
		return 0, meeting.Errorf(meeting.Invalid, "Tệp không phải PDF", "not a PDF")
	}
	return 1, nil
}

var (
	secretary = office.Actor{Secretary: true, Staff: true, Account: "vanphong"}
	chair     = office.Actor{Person: "m1"}
)

func draft(t *testing.T, svc *conclusions.Service, kind string) *office.Conclusion {
	t.Helper()
	c, err := svc.Draft(t.Context(), secretary, "btv", office.DraftConclusion{Kind: kind, Meeting: "btv-12", AgendaItem: "a2",
		Title: "Kết luận về dự toán ngân sách năm 2027", Text: "Ban Thường vụ thống nhất thông qua dự toán.",
		Tasks: []office.TaskDraft{
			{Title: "Hoàn thiện dự toán trình HĐND", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "m3"}, Deadline: t0.Add(48 * time.Hour)},
			{Title: "Tuyên truyền kết quả", Assignee: office.Assignee{Kind: office.AssignUnit, Name: "Ban Tuyên giáo"}, Deadline: t0.Add(96 * time.Hour)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConclusionFollowUp: drafted for an agenda item, approved by the chair
// with its number, published; the person assignee reports progress then
// completion with a PDF; the unit's task is reported by a person of the
// unit only; at its deadline the open task is late, its assignee reminded
// once in the log and by e-mail through a real SMTP server, and the
// dashboard counts it late.
func TestConclusionFollowUp(t *testing.T) {
	ctx := t.Context()
	st := openBolt(t)
	reg := registry(t, st)
	srv := smtptest.Start(t, "vanphong", "mật-khẩu")
	mailer, err := consultations.NewSMTPMailer(consultations.SMTPConfig{Addr: srv.Addr, From: "Văn phòng Tỉnh ủy <vanphong@tinhuy.example>",
		Username: "vanphong", Password: "mật-khẩu", TLS: srv.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: t0}
	svc := conclusions.New(st, reg, agenda, mailer, pdfs{}, conclusions.Options{Now: clk.Now})
	defer svc.Close()

	// Refusals change nothing.
	for _, tc := range []struct {
		name  string
		actor office.Actor
		d     office.DraftConclusion
		code  meeting.Code
	}{
		{"a member drafts", chair, office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y"}, meeting.Forbidden},
		{"no such item", secretary, office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a9", Title: "x", Text: "y"}, meeting.NotFound},
		{"no such meeting", secretary, office.DraftConclusion{Meeting: "nope", AgendaItem: "a2", Title: "x", Text: "y"}, meeting.NotFound},
		{"no text", secretary, office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x"}, meeting.Invalid},
		{"bad kind", secretary, office.DraftConclusion{Kind: "decree", Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y"}, meeting.Invalid},
		{"unknown assignee", secretary, office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y",
			Tasks: []office.TaskDraft{{Title: "t", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "ghost"}, Deadline: t0}}}, meeting.NotFound},
		{"task without deadline", secretary, office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y",
			Tasks: []office.TaskDraft{{Title: "t", Assignee: office.Assignee{Kind: office.AssignUnit, Name: "Sở Tài chính"}}}}, meeting.Invalid},
	} {
		if _, err := svc.Draft(ctx, tc.actor, "btv", tc.d); meeting.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		} else if e, ok := err.(*meeting.Error); !ok || e.MessageVI == "" || e.Message == "" {
			t.Errorf("%s: %v has no Vietnamese and English message", tc.name, err)
		}
	}
	if all, _ := svc.All(ctx); len(all) != 0 {
		t.Fatalf("refused drafts stored %d conclusions", len(all))
	}
	if _, err := svc.Draft(ctx, secretary, "nope", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y"}); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("a draft for no committee: %v", err)
	}

	// The committee chaired by the meeting's chair, when none is named.
	if c, err := svc.Draft(ctx, secretary, "", office.DraftConclusion{Meeting: "btv-12", AgendaItem: "a2", Title: "x", Text: "y"}); err != nil || c.Committee != "btv" {
		t.Fatalf("a draft naming no committee: %+v, %v", c, err)
	}
	c := draft(t, svc, office.KindConclusion)
	if c.Status != office.StatusDraft || c.Chair != "m1" || c.AgendaTitle != "Dự toán ngân sách năm 2027" || c.Tasks[0].Assignee.Name != "Đặng Quốc Việt" || c.Tasks[0].Assignee.Email != "viet@tinhuy.example" {
		t.Fatalf("drafted %+v", c)
	}
	if _, err := svc.Approve(ctx, c.ID, office.Actor{Person: "m2"}); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a member approves: %v", err)
	}
	if _, err := svc.Execute(ctx, c.ID, secretary, office.PublishConclusion{}); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("published before approval: %v", err)
	}
	if c, err = svc.Approve(ctx, c.ID, chair); err != nil || c.Numbered != "01-KL/TU" || c.Heading() != "Kết luận số 01-KL/TU" || c.Year != 2026 {
		t.Fatalf("approved: %+v, %v", c, err)
	}
	if _, err := svc.Approve(ctx, c.ID, chair); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("approved twice: %v", err)
	}
	if _, err := svc.Edit(ctx, c.ID, secretary, office.EditConclusion{Title: "x", Text: "y"}); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("edited after approval: %v", err)
	}
	report := office.ReportTask{Task: "t1", Percent: 50, Note: "Đã gửi Sở Tài chính"}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, report, "", nil); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("reported before publication: %v", err)
	}
	if _, err := svc.Execute(ctx, c.ID, secretary, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}

	// Reports: the assignee only; a unit's task by a person of the unit.
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m2"}, report, "", nil); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("someone else reports: %v", err)
	}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, office.ReportTask{Task: "t1", Percent: 140, Note: "x"}, "", nil); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("140%%: %v", err)
	}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, office.ReportTask{Task: "t1", Done: true}, "bc.pdf", strings.NewReader("not a pdf")); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("a non-PDF attachment: %v", err)
	}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, report, "", nil); err != nil {
		t.Fatal(err)
	}
	c, err = svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, office.ReportTask{Task: "t1", Done: true, Note: "Đã trình HĐND"}, "Báo cáo kết quả", strings.NewReader("%PDF-1.7 báo cáo"))
	if err != nil {
		t.Fatal(err)
	}
	t1, _ := c.Task("t1")
	if t1.Done.IsZero() || t1.Percent != 100 || len(t1.Reports) != 2 || t1.Reports[1].Attachment == nil || t1.Reports[1].Attachment.Title != "Báo cáo kết quả" {
		t.Fatalf("task 1 after completion: %+v", t1)
	}
	doc, _, rc, err := svc.Attachment(ctx, c.ID, "t1", t1.Reports[1].Attachment.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.7 báo cáo" || doc.Pages != 1 {
		t.Fatalf("attachment %q %+v", b, doc)
	}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, report, "", nil); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("a report after completion: %v", err)
	}
	if _, err := svc.Report(ctx, c.ID, office.Actor{Person: "m3"}, office.ReportTask{Task: "t2", Percent: 10, Note: "x"}, "", nil); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a person of another unit reports for Ban Tuyên giáo: %v", err)
	}

	// Nothing is due before t2's deadline; at it, t2 is late and its
	// assignee (a unit: no address) reminded in the log only; once.
	next, err := svc.Check(ctx)
	if err != nil || !next.Equal(t0.Add(96*time.Hour)) || len(srv.Messages()) != 0 {
		t.Fatalf("Check before the deadline = %v, %v, %d mails", next, err, len(srv.Messages()))
	}
	clk.Set(t0.Add(96 * time.Hour))
	if _, err := svc.Check(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ = svc.Get(ctx, c.ID)
	if t2, _ := c.Task("t2"); t2.Reminded.IsZero() || t2.State(clk.Now()) != office.TaskLate {
		t.Fatalf("t2 at its deadline: %+v", t2)
	}
	if _, err := svc.Check(ctx); err != nil || c.Version != mustVersion(t, svc, c.ID) {
		t.Fatalf("a second check reminded again: %v", err)
	}
	dash, _, err := svc.Dashboard(ctx)
	if err != nil || len(dash) != 1 || dash[0].Late != 1 || dash[0].Done != 1 || dash[0].Open != 0 || dash[0].Tasks[0].ID != "t2" || dash[0].Tasks[0].State != office.TaskLate {
		t.Fatalf("dashboard %+v, %v", dash, err)
	}

	// A person's overdue task is mailed to them (Vietnamese, MIME-encoded).
	clk.Set(t0)
	r := draft(t, svc, office.KindResolution)
	if r, err = svc.Approve(ctx, r.ID, chair); err != nil || r.Numbered != "01-NQ/TU" {
		t.Fatalf("a resolution's number: %+v, %v (its own series)", r, err)
	}
	if _, err := svc.Execute(ctx, r.ID, chair, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(50 * time.Hour))
	if _, err := svc.Check(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "viet@tinhuy.example" {
		t.Fatalf("mails %+v, want one to the assignee of t1", msgs)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(msgs[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if subject != "Nhắc nhiệm vụ quá hạn: Hoàn thiện dự toán trình HĐND (Nghị quyết số 01-NQ/TU)" || !strings.Contains(string(body), "Kính gửi đồng chí Đặng Quốc Việt") {
		t.Fatalf("mail %q\n%s", subject, body)
	}
}

func mustVersion(t *testing.T, svc *conclusions.Service, id string) uint64 {
	t.Helper()
	c, err := svc.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version
}

// TestNumbersConcurrent: conclusions approved at once — by two services
// (two nodes) on one store — get the numbers 1…n of their series, each
// once, on bbolt and on Redis; a retried reservation for the same
// conclusion gives its number again.
func TestNumbersConcurrent(t *testing.T) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) store
	}{
		{"bolt", func(tb testing.TB) store { return openBolt(tb) }},
		{"redis", func(tb testing.TB) store { return openRedis(tb) }},
	} {
		t.Run(backend.name, func(t *testing.T) {
			ctx := t.Context()
			st := backend.open(t)
			reg := registry(t, st)
			clk := &clock{t: t0}
			nodes := []*conclusions.Service{
				conclusions.New(st, reg, agenda, nil, pdfs{}, conclusions.Options{Now: clk.Now}),
				conclusions.New(st, reg, agenda, nil, pdfs{}, conclusions.Options{Now: clk.Now}),
			}
			const n = 16
			ids := make([]string, n)
			for i := range ids {
				ids[i] = draft(t, nodes[0], office.KindConclusion).ID
			}
			var wg sync.WaitGroup
			got := make([]*office.Conclusion, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { got[i], errs[i] = nodes[i%2].Approve(ctx, ids[i], chair) })
			}
			// The same conclusion approved on both nodes at once: one wins.
			dup := draft(t, nodes[0], office.KindConclusion)
			var dupErr [2]error
			for j := range 2 {
				wg.Go(func() { _, dupErr[j] = nodes[j].Approve(ctx, dup.ID, chair) })
			}
			wg.Wait()
			var numbers []int
			for i, err := range errs {
				if err != nil {
					t.Fatalf("approval %d: %v", i, err)
				}
				numbers = append(numbers, got[i].Number)
			}
			if (dupErr[0] == nil) == (dupErr[1] == nil) || meeting.ErrorCode(errors(dupErr)) != meeting.Conflict {
				t.Fatalf("the same conclusion approved twice at once: %v", dupErr)
			}
			d, _ := nodes[1].Get(ctx, dup.ID)
			numbers = append(numbers, d.Number)
			slices.Sort(numbers)
			for i, x := range numbers {
				if x != i+1 {
					t.Fatalf("numbers %v: want 1…%d, each once", numbers, n+1)
				}
			}
			if again, err := nodes[0].Reserve(ctx, "KL/TU", 2026, ids[3]); err != nil || again != got[3].Number {
				t.Fatalf("a retried reservation: %d, %v; want %d", again, err, got[3].Number)
			}
			if next, err := nodes[1].Reserve(ctx, "KL/TU", 2026, "another"); err != nil || next != n+2 {
				t.Fatalf("the next number: %d, %v; want %d", next, err, n+2)
			}
			if other, err := nodes[1].Reserve(ctx, "KL/TU", 2027, "another"); err != nil || other != 1 {
				t.Fatalf("a new year starts at 1: %d, %v", other, err)
			}
		})
	}
}

// errors returns whichever of two errors is not nil.
func errors(e [2]error) error {
	if e[0] != nil {
		return e[0]
	}
	return e[1]
}

// TestDraftOnlyWhereTheOfficeSeatedTheCommittee: any account may make a
// meeting and be its secretary, and a draft lands in the committee chair's
// list to approve. A secretary of a meeting who is not the office's staff
// drafts only for the committee the office made the meeting from (the
// seating committees.Seat records); staff draft for any committee.
// Refusals are 403 in both languages and store nothing.
func TestDraftOnlyWhereTheOfficeSeatedTheCommittee(t *testing.T) {
	ctx := t.Context()
	st := openBolt(t)
	reg := registry(t, st)
	if _, err := reg.PutCommittee(ctx, office.Committee{ID: "bch", Name: "Ban Chấp hành", Members: []office.Member{{Person: "m2", Chair: true}, {Person: "m3"}}}); err != nil {
		t.Fatal(err)
	}
	if err := reg.LinkSeats(ctx, "btv-12", "btv", []string{"m1", "m2", "m3"}); err != nil {
		t.Fatal(err)
	}
	items := map[string]string{"a2": "Dự toán ngân sách năm 2027"}
	svc := conclusions.New(st, reg, meetings{"btv-12": items, "own": items}, nil, pdfs{}, conclusions.Options{Now: (&clock{t: t0}).Now})
	defer svc.Close()

	meetingSecretary := office.Actor{Secretary: true, Account: "meeting:own:viet"}
	staff := office.Actor{Secretary: true, Staff: true, Account: "vanphong"}
	d := func(m string) office.DraftConclusion {
		return office.DraftConclusion{Meeting: m, AgendaItem: "a2", Title: "Kết luận giả", Text: "Không có thật."}
	}
	for _, tc := range []struct {
		name, meeting, committee string
	}{
		{"an account's own meeting, a committee named", "own", "btv"},
		{"an account's own meeting, the chair's committee", "own", ""},
		{"an account's own meeting, another committee", "own", "bch"},
		{"the committee's meeting, another committee", "btv-12", "bch"},
	} {
		_, err := svc.Draft(ctx, meetingSecretary, tc.committee, d(tc.meeting))
		if e, ok := err.(*meeting.Error); !ok || e.Code != meeting.Forbidden || e.MessageVI == "" || e.Message == "" {
			t.Errorf("%s: %v, want 403 in both languages", tc.name, err)
		}
	}
	if all, err := svc.All(ctx); err != nil || len(all) != 0 {
		t.Fatalf("refused drafts stored %d conclusions (%v)", len(all), err)
	}
	if c, err := svc.Draft(ctx, meetingSecretary, "", d("btv-12")); err != nil || c.Committee != "btv" || c.Chair != "m1" {
		t.Fatalf("the secretary of the committee's meeting drafts: %+v, %v", c, err)
	}
	if c, err := svc.Draft(ctx, staff, "bch", d("own")); err != nil || c.Committee != "bch" || c.Chair != "m2" {
		t.Fatalf("staff draft for any committee: %+v, %v", c, err)
	}
}
