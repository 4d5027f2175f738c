package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/consultations/smtptest"
	"github.com/dais-meeting/dais/meeting/demo"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/office/icaltest"
)

// officeAccount makes an account through the administrator's browser,
// signs it in (password, then a second factor) in a browser of its own,
// and returns that browser.
func officeAccount(tb testing.TB, n *node, admin *browser, id, name string) *browser {
	tb.Helper()
	var added struct{ Password string }
	if st := admin.call("POST", "/api/v1/accounts", map[string]any{"id": id, "name": name}, &added); st != http.StatusCreated {
		tb.Fatalf("adding account %s: %d", id, st)
	}
	b := newBrowser(tb, n)
	var s account.Session
	if st := b.call("POST", "/api/v1/account/login", map[string]string{"id": id, "password": added.Password}, &s); st != 200 {
		tb.Fatalf("%s's first sign-in: %d", id, st)
	}
	var en enrolment
	b.call("POST", "/api/v1/account/enrolment", nil, &en)
	key, _ := account.DecodeSecret(en.Secret)
	s = account.Session{}
	if st := b.call("POST", "/api/v1/account/totp", map[string]string{"secret": en.Secret, "code": account.TOTPCode(key, time.Now())}, &s); st != 200 || s.Pending {
		tb.Fatalf("%s's enrolment: %d %+v", id, st, s)
	}
	return b
}

type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		MessageVI string `json:"message_vi"`
	} `json:"error"`
}

// putOfficePeople stores the standing committee's people: "bithu" chairs,
// "binh" signs in as "uv2", and a committee "btv" of four.
func putOfficePeople(tb testing.TB, admin *browser) {
	tb.Helper()
	people := []map[string]any{
		{"id": "bithu", "name": "Trần Văn Bình", "title": "Bí thư Tỉnh ủy", "email": "bithu@tinhuy.example", "account": "bithu"},
		{"id": "pbt", "name": "Lê Thị Phương", "title": "Phó Bí thư Thường trực", "email": "pbt@tinhuy.example"},
		{"id": "uv1", "name": "Đặng Quốc Việt", "title": "Trưởng Ban Tổ chức", "email": "uv1@tinhuy.example", "account": "viet"},
		{"id": "uv2", "name": "Ngô Thị Hằng", "title": "Chủ nhiệm Ủy ban Kiểm tra", "email": "uv2@tinhuy.example", "account": "binh"},
	}
	for _, p := range people {
		id := p["id"].(string)
		delete(p, "id")
		var out struct{ Person office.Person }
		if st := admin.call("PUT", "/api/v1/people/"+id, p, &out); st != 200 || out.Person.ID != id {
			tb.Fatalf("PUT person %s: %d %+v", id, st, out)
		}
	}
	com := map[string]any{"name": "Ban Thường vụ Tỉnh ủy", "members": []map[string]any{
		{"person": "bithu", "chair": true, "title": "Bí thư"}, {"person": "pbt"}, {"person": "uv1"}, {"person": "uv2"}}}
	if st := admin.call("PUT", "/api/v1/committees/btv", com, nil); st != 200 {
		tb.Fatalf("PUT committee: %d", st)
	}
}

// TestCommitteesAndCalendar: the office keeps people and a committee once
// (bad input refused, nothing stored), a meeting is made from the
// committee with its members as participants, and each person's calendar
// shows it — in the web client's route and in the private iCalendar feed,
// read by a strict RFC 5545 reader; a new feed voids the old URL, and a
// revoked one answers 404.
func TestCommitteesAndCalendar(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	admin := newBrowser(t, n)
	firstRun(t, admin)
	plain := officeAccount(t, n, admin, "binh", "Ngô Thị Hằng")

	// Refusals: each names what is wrong, in both languages, and stores nothing.
	refusals := []struct {
		name, method, path string
		body               any
		b                  *browser
		status             int
	}{
		{"a bad person id", "PUT", "/api/v1/people/Bí-thư", map[string]any{"name": "X"}, admin, 400},
		{"a person without a name", "PUT", "/api/v1/people/pbt", map[string]any{"name": " "}, admin, 400},
		{"an unknown field", "PUT", "/api/v1/people/pbt", map[string]any{"name": "X", "role": "chair"}, admin, 400},
		{"a bad e-mail", "PUT", "/api/v1/people/pbt", map[string]any{"name": "X", "email": "pbt@"}, admin, 400},
		{"an unknown member", "PUT", "/api/v1/committees/btv", map[string]any{"name": "Ban Thường vụ", "members": []map[string]any{{"person": "nobody"}}}, admin, 404},
		{"a plain account", "PUT", "/api/v1/people/pbt", map[string]any{"name": "Lê Thị Phương"}, plain, 403},
		{"a plain account lists", "GET", "/api/v1/people", nil, plain, 403},
		{"no committee", "POST", "/api/v1/committees/nope/meetings", map[string]any{"title": "X", "starts_at": "2026-12-20T08:00:00+07:00"}, admin, 404},
		{"no account's person", "GET", "/api/v1/account/calendar", nil, plain, 404},
	}
	for _, r := range refusals {
		var e apiError
		if st := r.b.call(r.method, r.path, r.body, &e); st != r.status || e.Error.Message == "" || e.Error.MessageVI == "" {
			t.Errorf("%s: %d %+v, want %d with both messages", r.name, st, e, r.status)
		}
	}
	var list struct{ People []office.Person }
	if admin.call("GET", "/api/v1/people", nil, &list); len(list.People) != 0 {
		t.Fatalf("refused requests stored people: %+v", list.People)
	}

	putOfficePeople(t, admin)
	// Two chairs are refused and the committee stays as it was.
	var e apiError
	if st := admin.call("PUT", "/api/v1/committees/btv", map[string]any{"name": "Ban Thường vụ", "members": []map[string]any{
		{"person": "bithu", "chair": true}, {"person": "pbt", "chair": true}}}, &e); st != 400 {
		t.Fatalf("two chairs: %d %+v", st, e)
	}
	var got struct {
		Committee office.Committee
		People    []office.Person
	}
	if st := admin.call("GET", "/api/v1/committees/btv", nil, &got); st != 200 || len(got.Committee.Members) != 4 || len(got.People) != 4 || got.People[0].Name != "Trần Văn Bình" {
		t.Fatalf("GET committee: %d %+v", st, got)
	}

	// A meeting of the committee: its members are the participants.
	var made struct {
		Session      access.Session
		Participants []meeting.Participant
	}
	starts := time.Date(2026, 12, 10, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ, phiên thường kỳ tháng 12",
		"starts_at": starts.Format(time.RFC3339), "place": "Phòng họp số 1, Tỉnh ủy"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	if made.Session.Role != meeting.RoleSecretary || len(made.Participants) != 4 {
		t.Fatalf("made %+v", made)
	}
	ctx := t.Context()
	st, err := n.svc.State(ctx, made.Session.Meeting)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]meeting.Role{"huong": meeting.RoleSecretary, "bithu": meeting.RoleChair, "pbt": meeting.RoleDelegate, "uv1": meeting.RoleDelegate, "uv2": meeting.RoleDelegate}
	for id, role := range want {
		if p := st.Participant(id); p == nil || p.Role != role {
			t.Fatalf("participant %s = %+v, want role %s", id, p, role)
		}
	}
	if st.Participant("bithu").Title != "Bí thư" || st.Participant("pbt").Title != "Phó Bí thư Thường trực" {
		t.Fatalf("titles: %+v %+v", st.Participant("bithu"), st.Participant("pbt"))
	}
	// Not published yet: a delegate's calendar does not show it.
	var cal struct {
		Person  office.Person
		Feed    bool
		Entries []office.CalendarEntry
	}
	if admin.call("GET", "/api/v1/people/uv1/calendar", nil, &cal); len(cal.Entries) != 0 {
		t.Fatalf("a draft meeting on a delegate's calendar: %+v", cal.Entries)
	}
	if _, err := n.svc.Execute(ctx, made.Session.Meeting, meeting.Actor{Participant: "huong"}, meeting.Publish{}); err != nil {
		t.Fatal(err)
	}
	if c := admin.call("GET", "/api/v1/people/uv1/calendar", nil, &cal); c != 200 || len(cal.Entries) != 1 || cal.Entries[0].Kind != office.EntryMeeting ||
		!cal.Entries[0].Start.Equal(starts) || cal.Entries[0].Location != "Phòng họp số 1, Tỉnh ủy" {
		t.Fatalf("uv1's calendar: %d %+v", c, cal)
	}
	// The member's own account sees their calendar.
	if c := plain.call("GET", "/api/v1/account/calendar", nil, &cal); c != 200 || cal.Person.ID != "uv2" || len(cal.Entries) != 1 || cal.Feed {
		t.Fatalf("binh's calendar: %d %+v", c, cal)
	}

	// The private feed: no credentials but its URL.
	var feed struct{ URL, Webcal string }
	if c := plain.call("POST", "/api/v1/account/calendar/feed", nil, &feed); c != http.StatusCreated || !strings.HasPrefix(feed.URL, baseURL(n)+"/api/v1/calendar/") || !strings.HasPrefix(feed.Webcal, "webcal://") {
		t.Fatalf("new feed: %d %+v", c, feed)
	}
	anyone := newBrowser(t, n)
	body, ctype, code := getRaw(t, anyone, feed.URL)
	if code != 200 || ctype != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %s", code, ctype)
	}
	ical, err := icaltest.Parse(body)
	if err != nil {
		t.Fatalf("the feed is not strict iCalendar: %v\n%s", err, body)
	}
	if len(ical.Events) != 1 {
		t.Fatalf("feed events: %+v", ical.Events)
	}
	ev := ical.Events[0]
	if ev.UID != "meeting-"+made.Session.Meeting+"@dais" || ev.Summary != "Hội nghị Ban Thường vụ, phiên thường kỳ tháng 12" ||
		ev.Location != "Phòng họp số 1, Tỉnh ủy" || !ev.Start.Equal(starts) || !ev.End.Equal(starts.Add(office.MeetingLength)) ||
		!strings.Contains(ev.Description, "đại biểu") || !strings.Contains(ical.Props["X-WR-CALNAME"], "Ngô Thị Hằng") {
		t.Fatalf("feed event %+v", ev)
	}
	// A meeting any account makes, naming the
	// committee's chair by their person id, stays off the chair's calendar
	// (and phone): only a meeting the office seated them in is theirs.
	var own access.Session
	if c := plain.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Họp giả danh", "starts_at": starts.Add(24 * time.Hour).Format(time.RFC3339)}, &own); c != http.StatusCreated {
		t.Fatalf("a plain account's meeting: %d", c)
	}
	by := meeting.Actor{Participant: own.Participant}
	if _, err := n.svc.Execute(ctx, own.Meeting, by, meeting.AddParticipant{Participant: meeting.Participant{ID: "bithu", Name: "Trần Văn Bình", Role: meeting.RoleChair, Room: "main"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Execute(ctx, own.Meeting, by, meeting.Publish{}); err != nil {
		t.Fatal(err)
	}
	if c := admin.call("GET", "/api/v1/people/bithu/calendar", nil, &cal); c != 200 || len(cal.Entries) != 1 || cal.Entries[0].ID != made.Session.Meeting {
		t.Fatalf("the chair's calendar after another account's meeting named them: %d %+v", c, cal.Entries)
	}
	// A new feed voids the old URL; a revoked feed answers 404.
	var feed2 struct{ URL, Webcal string }
	admin.call("POST", "/api/v1/people/uv2/feed", nil, &feed2)
	if _, _, code := getRaw(t, anyone, feed.URL); code != 404 {
		t.Fatalf("the old feed after a new one: %d", code)
	}
	if _, _, code := getRaw(t, anyone, feed2.URL); code != 200 {
		t.Fatalf("the new feed: %d", code)
	}
	if c := plain.call("DELETE", "/api/v1/account/calendar/feed", nil, nil); c != http.StatusNoContent {
		t.Fatalf("revoke: %d", c)
	}
	for i, u := range []string{feed2.URL, baseURL(n) + "/api/v1/calendar/guess.ics", baseURL(n) + "/api/v1/calendar/" + strings.Repeat("A", 43)} {
		if _, _, code := getRaw(t, anyone, u); code != 404 {
			t.Fatalf("feed %d after revocation or guessed: %d", i, code)
		}
	}
}

// getRaw GETs a URL and returns the body, its content type and status.
func getRaw(tb testing.TB, b *browser, url string) ([]byte, string, int) {
	tb.Helper()
	resp, err := b.c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(fmt.Errorf("reading %s: %w", url, err))
	}
	return data, resp.Header.Get("Content-Type"), resp.StatusCode
}

// consultView is what the tests read of a consultation's answer.
type consultView struct {
	Consultation struct {
		ID            string                     `json:"id"`
		Status        string                     `json:"status"`
		Role          string                     `json:"role"`
		ClosedBy      string                     `json:"closed_by"`
		AnsweredCount int                        `json:"answered_count"`
		Answers       map[string][]office.Answer `json:"answers"`
		Documents     []office.Document          `json:"documents"`
		Result        *office.Summary            `json:"result"`
	} `json:"consultation"`
}

// TestConsultationEndToEnd walks a written consultation over HTTP with a
// real SMTP server: a secretary drafts it for the standing committee (bad
// drafts refused), adds a PDF, the chair approves it (the secretary may
// not), members answer from their accounts and one changes her answer, a
// member sees only her own answers and events, the secretary's reminder
// mails exactly the members who have not answered (Vietnamese, MIME), the
// chair closes it, the count is against all members, the summary PDF reads
// "Báo cáo tổng hợp ý kiến" with the opinions, and the log is chained.
func TestConsultationEndToEnd(t *testing.T) {
	srv := smtptest.Start(t, "vanphong", "thư-mật-khẩu")
	n, err := startNode(context.Background(), config{
		Listen: "127.0.0.1:0", Data: t.TempDir(), Name: "consult", Logger: testLogger("consult"),
		Accounts: accountsConfig{SetupSecret: "TEST-SETUP-SECRET", Params: fastHashes},
		Office: officeConfig{RemindBefore: -1, PublicURL: "https://dais.tinhuy.example",
			SMTP: consultations.SMTPConfig{Addr: srv.Addr, From: "Văn phòng Tỉnh ủy <vanphong@tinhuy.example>", Username: "vanphong",
				Password: "thư-mật-khẩu", TLS: srv.TLSConfig()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.shutdown(context.Background()) })
	admin := newBrowser(t, n)
	firstRun(t, admin)
	binh := officeAccount(t, n, admin, "binh", "Ngô Thị Hằng")
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")
	chair := officeAccount(t, n, admin, "bithu", "Trần Văn Bình")
	putOfficePeople(t, admin)

	deadline := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	draft := map[string]any{"committee": "btv", "title": "Lấy ý kiến về Đề án chuyển đổi số tỉnh năm 2027",
		"questions": []map[string]any{{"text": "Đồng chí có đồng ý thông qua Đề án?"}, {"id": "gopy", "kind": "free", "text": "Ý kiến góp ý khác"}},
		"deadline":  deadline.Format(time.RFC3339)}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range draft {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for _, r := range []struct {
		name   string
		b      *browser
		body   any
		status int
	}{
		{"no questions", admin, with("questions", []any{}), 400},
		{"a past deadline", admin, with("deadline", time.Now().Add(-time.Hour).Format(time.RFC3339)), 400},
		{"an unknown committee", admin, with("committee", "nope"), 404},
		{"a bad kind", admin, with("questions", []map[string]any{{"text": "?", "kind": "many"}}), 400},
		{"a member drafts", binh, draft, 403},
	} {
		var e apiError
		if st := r.b.call("POST", "/api/v1/consultations", r.body, &e); st != r.status || e.Error.MessageVI == "" {
			t.Errorf("%s: %d %+v, want %d", r.name, st, e, r.status)
		}
	}
	var v consultView
	if st := admin.call("POST", "/api/v1/consultations", draft, &v); st != http.StatusCreated || v.Consultation.Status != "draft" || v.Consultation.Role != "staff" {
		t.Fatalf("draft: %d %+v", st, v)
	}
	id := v.Consultation.ID
	base := "/api/v1/consultations/" + id

	// A PDF for the draft; something else is refused.
	var pdfBuf bytes.Buffer
	if err := n.pdfs.Generate(t.Context(), &pdfBuf, "Dự thảo Đề án chuyển đổi số", 3, nil); err != nil {
		t.Fatal(err)
	}
	var added struct{ Document office.Document }
	if st := upload(t, admin, base+"/documents?title=D%E1%BB%B1+th%E1%BA%A3o+%C4%90%E1%BB%81+%C3%A1n", pdfBuf.Bytes(), &added); st != http.StatusCreated || added.Document.Pages != 3 || added.Document.Title != "Dự thảo Đề án" {
		t.Fatalf("upload: %d %+v", st, added)
	}
	if st := upload(t, admin, base+"/documents?title=x", []byte("not a PDF at all"), nil); st != 400 {
		t.Fatalf("a non-PDF upload: %d", st)
	}
	// Before approval a member sees nothing of it; the secretary cannot approve.
	if st := binh.call("GET", base, nil, nil); st != 403 {
		t.Fatalf("a member reads a draft: %d", st)
	}
	if st := admin.call("POST", base+"/approve", nil, nil); st != 403 {
		t.Fatalf("the secretary approves: %d", st)
	}
	if st := chair.call("POST", base+"/approve", nil, &v); st != 200 || v.Consultation.Status != "open" || v.Consultation.Role != "chair" {
		t.Fatalf("the chair approves: %d %+v", st, v)
	}
	// Answers: binh changes hers; viet writes another opinion; a bad one is refused.
	answer := func(b *browser, q1, text, free string) int {
		v = consultView{}
		return b.call("POST", base+"/answers", map[string]any{"answers": []map[string]string{{"question": "q1", "choice": q1, "text": text}, {"question": "gopy", "text": free}}}, &v)
	}
	if st := answer(binh, "Không đồng ý", "", "Chưa rõ kinh phí."); st != 200 {
		t.Fatalf("binh's first answer: %d", st)
	}
	if st := answer(binh, "Đồng ý", "", "Đề nghị ưu tiên vùng sâu, vùng xa."); st != 200 || v.Consultation.Role != "member" || len(v.Consultation.Answers) != 1 {
		t.Fatalf("binh's second answer: %d %+v", st, v)
	}
	if st := answer(viet, "Ý kiến khác", "", "x"); st != 400 {
		t.Fatalf("Ý kiến khác without a text: %d", st)
	}
	if st := answer(viet, "Ý kiến khác", "Cần bổ sung lộ trình; \"đánh giá\" tác động.", "Không."); st != 200 {
		t.Fatalf("viet's answer: %d", st)
	}
	v = consultView{}
	if st := binh.call("GET", base, nil, &v); st != 200 || v.Consultation.AnsweredCount != 2 || len(v.Consultation.Answers) != 1 || v.Consultation.Answers["uv2"][0].Choice != "Đồng ý" {
		t.Fatalf("binh's view: %d %+v", st, v)
	}
	var evs struct {
		Events []struct {
			Seq  uint64         `json:"seq"`
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"events"`
		Version uint64 `json:"version"`
	}
	binh.call("GET", base+"/events?after=0", nil, &evs)
	answers := 0
	for _, e := range evs.Events {
		if e.Type == "AnswerGiven" {
			answers++
			if e.Data["person"] != "uv2" {
				t.Fatalf("binh sees another member's answer: %+v", e)
			}
		}
	}
	if answers != 2 || evs.Version != 6 {
		t.Fatalf("binh's events: %+v", evs)
	}
	// The secretary's reminder: the two who have not answered (bithu, pbt),
	// mailed in Vietnamese; nobody who answered gets one.
	var rem struct {
		Reminded   []string `json:"reminded"`
		MailFailed []string `json:"mail_failed"`
	}
	if st := admin.call("POST", base+"/remind", nil, &rem); st != 200 || strings.Join(rem.Reminded, ",") != "bithu,pbt" || len(rem.MailFailed) != 0 {
		t.Fatalf("remind: %d %+v", st, rem)
	}
	var rcpts []string
	for _, m := range srv.Messages() {
		rcpts = append(rcpts, m.To...)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if !strings.HasPrefix(subject, "Nhắc trả lời phiếu lấy ý kiến: Lấy ý kiến về Đề án chuyển đổi số tỉnh năm 2027") ||
			!strings.Contains(string(body), "https://dais.tinhuy.example/#consultation="+id) || !strings.Contains(string(body), "Ban Thường vụ Tỉnh ủy") {
			t.Fatalf("mail %q:\n%s", subject, body)
		}
	}
	slices.Sort(rcpts)
	if strings.Join(rcpts, ",") != "bithu@tinhuy.example,pbt@tinhuy.example" {
		t.Fatalf("reminders mailed to %v", rcpts)
	}
	if st := binh.call("POST", base+"/remind", nil, nil); st != 403 {
		t.Fatalf("a member reminds: %d", st)
	}
	if st := binh.call("GET", base+"/summary.pdf", nil, nil); st != 409 {
		t.Fatalf("a member's summary before the close: %d", st)
	}
	// The chair closes it: 1 agrees of 4 members; 3 needed.
	if st := binh.call("POST", base+"/close", nil, nil); st != 403 {
		t.Fatalf("a member closes: %d", st)
	}
	if st := chair.call("POST", base+"/close", nil, &v); st != 200 || v.Consultation.Status != "closed" || v.Consultation.ClosedBy != "chair" {
		t.Fatalf("the chair closes: %d %+v", st, v)
	}
	r := v.Consultation.Result
	if r == nil || r.Members != 4 || r.Answered != 2 || r.Questions[0].Counts[0].Count != 1 || r.Questions[0].Counts[2].Count != 1 ||
		*r.Questions[0].Passed || r.Questions[0].Needed != 3 || len(r.Questions[1].Opinions) != 2 {
		t.Fatalf("result %+v", r)
	}
	if st := answer(binh, "Đồng ý", "", "muộn"); st != 409 {
		t.Fatalf("an answer after the close: %d", st)
	}
	pdfBytes, ctype, code := getRaw(t, binh, baseURL(n)+base+"/summary.pdf")
	if code != 200 || ctype != "application/pdf" {
		t.Fatalf("summary: %d %s", code, ctype)
	}
	text := pdfToText(t, pdfBytes)
	for _, want := range []string{"BÁO CÁO TỔNG HỢP Ý KIẾN", "Lấy ý kiến về Đề án chuyển đổi số tỉnh năm 2027", "Ban Thường vụ Tỉnh ủy",
		"Kết quả: KHÔNG THÔNG QUA (1/4 đồng ý; cần ít nhất 3)", "Không trả lời: Trần Văn Bình, Lê Thị Phương",
		"Đặng Quốc Việt: Cần bổ sung lộ trình; \"đánh giá\" tác động.", "Ngô Thị Hằng: Đề nghị ưu tiên vùng sâu, vùng xa.", "do người chủ trì kết thúc"} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
	// The document is there for members; the calendar shows the consultation.
	if body, ctype, code := getRaw(t, binh, baseURL(n)+base+"/documents/"+added.Document.ID+"/file"); code != 200 || ctype != "application/pdf" || !bytes.Equal(body, pdfBuf.Bytes()) {
		t.Fatalf("document: %d %s", code, ctype)
	}
	var cal struct{ Entries []office.CalendarEntry }
	binh.call("GET", "/api/v1/account/calendar", nil, &cal)
	if len(cal.Entries) != 1 || cal.Entries[0].Kind != office.EntryConsultation || !cal.Entries[0].Answered || !cal.Entries[0].End.Equal(deadline) {
		t.Fatalf("binh's calendar: %+v", cal.Entries)
	}
	// The log is durable and chained.
	recs, err := n.store.ReadConsultation(t.Context(), id, 1, 0)
	if err != nil || len(recs) != 8 {
		t.Fatalf("the log: %d records, %v", len(recs), err)
	}
	for _, rec := range recs {
		if len(rec.Hash) == 0 {
			t.Fatalf("record %d is not chained", rec.Seq)
		}
	}
	// The summary printed the log's last link: whoever holds it can check
	// the stored consultation against it.
	if last := hex.EncodeToString(recs[7].Hash); !strings.Contains(text, last) || !strings.Contains(text, "sự kiện cuối số 8") {
		t.Fatalf("the summary lacks the chain's last link %s", last)
	}
}

// upload POSTs a PDF as the browser and decodes the answer into out.
func upload(tb testing.TB, b *browser, path string, body []byte, out any) int {
	tb.Helper()
	req, _ := http.NewRequest("POST", b.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Origin", b.base)
	resp, err := b.c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			tb.Fatalf("%s: %v", data, err)
		}
	}
	return resp.StatusCode
}

// pdfToText extracts a PDF's text with poppler's pdftotext.
func pdfToText(tb testing.TB, b []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext not found (%v): install poppler-utils", err)
	}
	path := filepath.Join(tb.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// TestSeedDemoOffice: the demo (make run) has a draft for comment, the
// committee of the demo meeting's members and an open written consultation
// of it, once: seeding
// again (a restart) makes no second one; a member's calendar holds both
// the meeting and the consultation.
func TestSeedDemoOffice(t *testing.T) {
	ctx := t.Context()
	n := mustStartNode(t, t.TempDir())
	var out bytes.Buffer
	if err := seedDemo(ctx, n, &out); err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, n, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	// The draft for comment (issue 13, part 5), once: two versions, two comments.
	st, err := n.svc.State(ctx, demo.MeetingID)
	if err != nil {
		t.Fatal(err)
	}
	if dr := st.Drafts[demo.DraftID]; dr == nil || len(dr.Versions) != 2 || !dr.OpenAt(time.Now()) || len(st.DraftComments) != 2 || !strings.Contains(out.String(), demo.DraftTitle) {
		t.Fatalf("the demo's draft %+v, %d comments; printed %q", dr, len(st.DraftComments), out.String())
	}
	com, err := n.registry.Committee(ctx, demo.CommitteeID)
	if err != nil {
		t.Fatal(err)
	}
	chair, _ := com.Chair()
	if len(com.Members) != 14 || chair.Person != "p01" || com.Name != "Ban Chấp hành Đảng bộ tỉnh" {
		t.Fatalf("committee %+v", com)
	}
	all, err := n.consults.All(ctx)
	if err != nil || len(all) != 1 || all[0].Status != office.StatusOpen || len(all[0].Members) != 14 || !strings.Contains(out.String(), all[0].ID) {
		t.Fatalf("consultations %d %v; printed %q", len(all), err, out.String())
	}
	es, err := n.registry.Calendar(ctx, "p03")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range es {
		kinds[e.Kind] = true
	}
	if !kinds[office.EntryMeeting] || !kinds[office.EntryConsultation] {
		t.Fatalf("p03's calendar: %+v", es)
	}
}
