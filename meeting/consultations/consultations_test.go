package consultations_test

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

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/consultations/smtptest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time       { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)      { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration)  { c.Set(c.Now().Add(d)) }
func noMeetings() committees.Meetings { return nil }
func openStore(tb testing.TB, dir string) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(dir, bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

var t0 = time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)

// people: m1 chairs; m4 has no e-mail address.
var people = []office.Person{
	{ID: "m1", Name: "Trần Văn Bình", Email: "binh@tinhuy.example"},
	{ID: "m2", Name: "Lê Thị Phương", Email: "phuong@tinhuy.example"},
	{ID: "m3", Name: "Đặng Quốc Việt", Email: "viet@tinhuy.example"},
	{ID: "m4", Name: "Ngô Thị Hằng"},
	{ID: "m5", Name: "Vũ Đức Thắng", Email: "thang@tinhuy.example"},
}

func registry(tb testing.TB, store storage.Registry) *committees.Service {
	tb.Helper()
	reg := committees.New(store, nil, nil, committees.Options{})
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

var (
	secretary = office.Actor{Secretary: true, Account: "vanphong"}
	chair     = office.Actor{Person: "m1"}
)

func agree(q1 string) []office.Answer { return []office.Answer{{Question: "q1", Choice: q1}} }

// TestRemindersAndDeadline: the scheduler's check reminds, a day before
// the deadline, exactly the members who have not answered — in the log
// and by e-mail through a real SMTP server (STARTTLS, AUTH) — in
// Vietnamese, MIME-encoded; a member who answered gets nothing; a second
// check mails nobody again; at the deadline the consultation is closed
// and counted against all members.
func TestRemindersAndDeadline(t *testing.T) {
	ctx := t.Context()
	store := openStore(t, t.TempDir())
	reg := registry(t, store)
	srv := smtptest.Start(t, "vanphong", "mật-khẩu-thư")
	mailer, err := consultations.NewSMTPMailer(consultations.SMTPConfig{Addr: srv.Addr, From: "Văn phòng Tỉnh ủy <vanphong@tinhuy.example>",
		Username: "vanphong", Password: "mật-khẩu-thư", TLS: srv.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: t0}
	svc := consultations.New(store, reg, mailer, nil, consultations.Options{Now: clk.Now,
		Link: func(id string) string { return "https://dais.tinhuy.example/#consultation/" + id }})
	defer svc.Close()

	c, err := svc.Draft(ctx, secretary, "btv", office.Draft{Title: "Đề án chuyển đổi số năm 2027",
		Questions: []office.Question{{Text: "Đồng chí có đồng ý thông qua Đề án?"}}, Deadline: t0.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Members) != 5 || c.Chair != "m1" || !strings.HasPrefix(c.ID, "lyk-2026-12-03-") {
		t.Fatalf("drafted %+v", c)
	}
	// Drafts remind nobody and are not closed.
	if next, err := svc.Check(ctx); err != nil || !next.IsZero() {
		t.Fatalf("Check on a draft = %v, %v", next, err)
	}
	if _, err := svc.Execute(ctx, c.ID, chair, office.Approve{}); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	for _, a := range []struct {
		who    string
		choice string
	}{{"m2", "Không đồng ý"}, {"m2", "Đồng ý"}, {"m3", "Đồng ý"}} {
		if _, err := svc.Execute(ctx, c.ID, office.Actor{Person: a.who}, office.Give{Answers: agree(a.choice)}); err != nil {
			t.Fatal(err)
		}
	}
	next, err := svc.Check(ctx)
	if err != nil || !next.Equal(t0.Add(48*time.Hour)) || len(srv.Messages()) != 0 {
		t.Fatalf("Check before the reminder time = %v, %v, %d mails; want the reminder time, none", next, err, len(srv.Messages()))
	}

	clk.Set(t0.Add(49 * time.Hour))
	next, err = svc.Check(ctx)
	if err != nil || !next.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("Check at the reminder time = %v, %v", next, err)
	}
	got, _ := svc.Get(ctx, c.ID)
	var reminded []string
	for p := range got.Reminded {
		reminded = append(reminded, p)
	}
	slices.Sort(reminded)
	if strings.Join(reminded, ",") != "m1,m4,m5" {
		t.Fatalf("reminded in the log: %v, want m1, m4, m5 (m2 and m3 answered)", reminded)
	}
	msgs := srv.Messages()
	var rcpts []string
	for _, m := range msgs {
		rcpts = append(rcpts, m.To...)
		if !m.TLS || m.User != "vanphong" || m.From != "vanphong@tinhuy.example" {
			t.Fatalf("mail sent without TLS or auth: %+v", m)
		}
	}
	slices.Sort(rcpts)
	if strings.Join(rcpts, ",") != "binh@tinhuy.example,thang@tinhuy.example" {
		t.Fatalf("mailed %v, want the two non-answerers with an address", rcpts)
	}
	for _, m := range msgs {
		msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		dec := new(mime.WordDecoder)
		subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || !strings.HasPrefix(subject, "Nhắc trả lời phiếu lấy ý kiến: Đề án chuyển đổi số năm 2027 (hạn 08:00 ngày 06/12/2026)") {
			t.Fatalf("subject %q (%q), %v", subject, msg.Header.Get("Subject"), err)
		}
		if raw := msg.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?b?") || strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
			t.Fatalf("the subject is not MIME-encoded: %q", raw)
		}
		to, err := mail.ParseAddress(msg.Header.Get("To"))
		if err != nil || (to.Name != "Trần Văn Bình" && to.Name != "Vũ Đức Thắng") {
			t.Fatalf("To %q → %+v, %v", msg.Header.Get("To"), to, err)
		}
		from, _ := mail.ParseAddress(msg.Header.Get("From"))
		if from == nil || from.Name != "Văn phòng Tỉnh ủy" {
			t.Fatalf("From %q", msg.Header.Get("From"))
		}
		if msg.Header.Get("Content-Type") != "text/plain; charset=utf-8" || msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Fatalf("headers %v", msg.Header)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Kính gửi đồng chí " + to.Name, "Ban Thường vụ Tỉnh ủy đang lấy ý kiến bằng văn bản về: Đề án chuyển đổi số năm 2027",
			"Đồng chí chưa gửi ý kiến", "https://dais.tinhuy.example/#consultation/" + c.ID, "Reminder:"} {
			if !strings.Contains(string(body), want) {
				t.Fatalf("body lacks %q:\n%s", want, body)
			}
		}
	}
	// Once reminded, not again; a secretary's reminder goes to whoever
	// still has not answered.
	if _, err := svc.Check(ctx); err != nil || len(srv.Messages()) != 2 {
		t.Fatalf("a second check mailed again: %d mails, %v", len(srv.Messages()), err)
	}
	if _, err := svc.Execute(ctx, c.ID, office.Actor{Person: "m5"}, office.Give{Answers: agree("Đồng ý")}); err != nil {
		t.Fatal(err)
	}
	reminded, failed, err := svc.Remind(ctx, c.ID, secretary, []string{"m1", "m4", "m5", "m2"})
	if err != nil || strings.Join(reminded, ",") != "m1,m4" || len(failed) != 0 || len(srv.Messages()) != 3 || srv.Messages()[2].To[0] != "binh@tinhuy.example" {
		t.Fatalf("the secretary's reminder: %v %v %v, %d mails", reminded, failed, err, len(srv.Messages()))
	}

	// The deadline: closed by the server, counted against all five.
	clk.Set(t0.Add(72 * time.Hour))
	if next, err := svc.Check(ctx); err != nil || !next.IsZero() {
		t.Fatalf("Check at the deadline = %v, %v", next, err)
	}
	got, _ = svc.Get(ctx, c.ID)
	if got.Status != office.StatusClosed || got.ClosedBy != "deadline" || got.Result.Answered != 3 || got.Result.Questions[0].Counts[0].Count != 3 ||
		!*got.Result.Questions[0].Passed || got.Result.Questions[0].Needed != 3 {
		t.Fatalf("after the deadline: %s by %s, %+v", got.Status, got.ClosedBy, got.Result)
	}
	// Answers after the deadline are refused and change nothing.
	_, err = svc.Execute(ctx, c.ID, office.Actor{Person: "m4"}, office.Give{Answers: agree("Đồng ý")})
	if meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("an answer after the close: %v", err)
	}
}

// TestSchedulerSurvivesRestart: the deadline is in the log. A consultation
// whose deadline passes while no server runs is closed by the next
// server's scheduler when it starts; a running scheduler closes one when
// its deadline comes; Close stops the scheduler and waits for it.
func TestSchedulerSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	store := openStore(t, t.TempDir())
	reg := registry(t, store)
	mk := func(svc *consultations.Service, deadline time.Time) string {
		t.Helper()
		c, err := svc.Draft(ctx, secretary, "btv", office.Draft{Title: "Lấy ý kiến", Questions: []office.Question{{Text: "Đồng ý?"}}, Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Execute(ctx, c.ID, chair, office.Approve{}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	waitClosed := func(svc *consultations.Service, id string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			c, err := svc.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status == office.StatusClosed {
				if c.ClosedBy != "deadline" || c.Result == nil {
					t.Fatalf("closed by %q, result %+v", c.ClosedBy, c.Result)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("consultation %s still %s after its deadline", id, c.Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// A server runs, then stops; the deadline passes while none runs.
	clk := &clock{t: t0}
	first := consultations.New(store, reg, nil, nil, consultations.Options{Now: clk.Now, RemindBefore: -1})
	first.Start()
	down := mk(first, t0.Add(time.Hour))
	first.Close()
	first.Close() // twice is harmless
	clk.Add(2 * time.Hour)
	second := consultations.New(store, reg, nil, nil, consultations.Options{Now: clk.Now, RemindBefore: -1})
	second.Start()
	waitClosed(second, down)
	second.Close()

	// A running scheduler (on the real clock) closes one when its
	// deadline comes, without being told.
	third := consultations.New(store, reg, nil, nil, consultations.Options{RemindBefore: -1})
	third.Start()
	defer third.Close()
	soon := mk(third, time.Now().Add(300*time.Millisecond))
	waitClosed(third, soon)
}

// TestChangedRings: Options.Changed hears of a consultation sent (approved)
// and closed — by the chair, or by the scheduler's check at the deadline —
// with its committee, and of nothing else (its draft, an edit, answers,
// reminders, a refused command).
func TestChangedRings(t *testing.T) {
	ctx := t.Context()
	store := openStore(t, t.TempDir())
	reg := registry(t, store)
	clk := &clock{t: t0}
	var (
		mu   sync.Mutex
		rung []string
	)
	svc := consultations.New(store, reg, nil, nil, consultations.Options{Now: clk.Now, RemindBefore: time.Hour,
		Changed: func(_ context.Context, committee, id string) {
			mu.Lock()
			defer mu.Unlock()
			rung = append(rung, committee+"/"+id)
		}})
	defer svc.Close()
	heard := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(rung, " ")
	}
	draft := func() string {
		t.Helper()
		c, err := svc.Draft(ctx, secretary, "btv", office.Draft{Title: "Quy chế làm việc",
			Questions: []office.Question{{Text: "Đồng chí có đồng ý?"}}, Deadline: t0.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	a, b := draft(), draft()
	if _, err := svc.Execute(ctx, a, secretary, office.Approve{}); err == nil {
		t.Fatal("the secretary approved")
	}
	if h := heard(); h != "" {
		t.Fatalf("drafts and a refused approval rang: %q", h)
	}
	for _, id := range []string{a, b} {
		if _, err := svc.Execute(ctx, id, chair, office.Approve{}); err != nil {
			t.Fatal(err)
		}
	}
	if h := heard(); h != "btv/"+a+" btv/"+b {
		t.Fatalf("after sending: %q", h)
	}
	if _, err := svc.Execute(ctx, a, office.Actor{Person: "m2"}, office.Give{Answers: agree("Đồng ý")}); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(23*time.Hour + 30*time.Minute)) // reminders due: they ring nobody
	if _, err := svc.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := svc.Get(ctx, a); len(c.Reminded) == 0 {
		t.Fatal("nobody was reminded")
	}
	if _, err := svc.Execute(ctx, a, chair, office.Close{}); err != nil {
		t.Fatal(err)
	}
	if h := heard(); h != "btv/"+a+" btv/"+b+" btv/"+a {
		t.Fatalf("after an answer, reminders and the chair's close: %q", h)
	}
	clk.Set(t0.Add(24 * time.Hour)) // b's deadline: the check closes it
	if _, err := svc.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if h := heard(); h != "btv/"+a+" btv/"+b+" btv/"+a+" btv/"+b {
		t.Fatalf("after the deadline: %q", h)
	}
	if c, _ := svc.Get(ctx, b); c.Status != office.StatusClosed {
		t.Fatalf("b is %s", c.Status)
	}
}
