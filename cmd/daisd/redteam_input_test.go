package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/office/icaltest"
	"github.com/dais-meeting/dais/meeting/pdf/hostile"
)

// countBlobs counts the stored blobs (files named by their sha256) under
// the node's data folder.
func countBlobs(tb testing.TB, n *node) int {
	tb.Helper()
	count := 0
	err := filepath.WalkDir(n.cfg.Data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			count++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return count
}

// officeFixture is a node with the standing committee (putOfficePeople),
// an administrator, viet (uv1), a draft consultation and a published
// conclusion with uv1's task t1.
type officeFixture struct {
	n             *node
	admin, viet   *browser
	consult, kl   string
	meetingID     string
	meetingSecTok string
}

func newOfficeFixture(t *testing.T) *officeFixture {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")
	putOfficePeople(t, admin)
	sec := office.Actor{Secretary: true, Staff: true, Account: "huong"}
	c, err := n.consults.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến", Questions: []office.Question{{Text: "Đồng ý?"}}, Deadline: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var made struct{ Session access.Session }
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	mid := made.Session.Meeting
	if _, err := n.svc.Execute(ctx, mid, meeting.Actor{Participant: secretaryOf(t, n, mid)}, meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Ngân sách"}}); err != nil {
		t.Fatal(err)
	}
	k, err := n.concls.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: mid, AgendaItem: "ns", Title: "Kết luận", Text: "Thống nhất.",
		Tasks: []office.TaskDraft{{Title: "Trình HĐND", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "uv1"}, Deadline: time.Now().Add(72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.concls.Approve(ctx, k.ID, office.Actor{Person: "bithu"}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.concls.Execute(ctx, k.ID, sec, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}
	return &officeFixture{n: n, admin: admin, viet: viet, consult: c.ID, kl: k.ID, meetingID: mid, meetingSecTok: made.Session.Token}
}

// post sends body as the browser with a content type and returns the
// status and the error's code.
func (b *browser) post(method, path, ctype string, body []byte) (int, apiError) {
	b.tb.Helper()
	req, _ := http.NewRequest(method, b.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", b.base)
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var e apiError
	_ = json.Unmarshal(data, &e)
	return resp.StatusCode, e
}

// TestOfficeUploadsHostilePDFs: the office's upload paths — a
// consultation's document, a task report's attachment — run every file of
// the hostile corpus (one of each class) through the same pre-scan and
// validation as a meeting's documents: each is refused 400 with a reason
// in both languages (active content too: the office refuses rather than
// cleans), and neither a blob nor an event is stored.
func TestOfficeUploadsHostilePDFs(t *testing.T) {
	f := newOfficeFixture(t)
	ctx := context.Background()
	dir := filepath.Join("..", "..", "meeting", "pdf", "testdata", "hostile")
	seen := map[string]bool{}
	var cases []hostile.Case
	for _, c := range hostile.Cases() {
		if c.Large || c.MeasureOnly || seen[c.Class] || (c.Want.Refused == "" && len(c.Want.Removed) == 0) {
			continue
		}
		seen[c.Class] = true
		cases = append(cases, c)
	}
	if len(cases) < 5 {
		t.Fatalf("only %d classes of hostile files", len(cases))
	}
	blobs := countBlobs(t, f.n)
	for _, c := range cases {
		data := c.Load(dir)
		st, e := f.admin.post("POST", "/api/v1/consultations/"+f.consult+"/documents?title=x", "application/pdf", data)
		if st != http.StatusBadRequest || e.Error.Code != string(meeting.Invalid) || e.Error.MessageVI == "" {
			t.Errorf("%s (%s) as a consultation's document: %d %+v, want 400 invalid", c.Name, c.Class, st, e.Error)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("done", "true")
		_ = mw.WriteField("note", "Báo cáo")
		fw, _ := mw.CreateFormFile("file", c.Name+".pdf")
		_, _ = fw.Write(data)
		_ = mw.Close()
		st, e = f.viet.post("POST", "/api/v1/conclusions/"+f.kl+"/tasks/t1/reports", mw.FormDataContentType(), body.Bytes())
		if st != http.StatusBadRequest || e.Error.Code != string(meeting.Invalid) || e.Error.MessageVI == "" {
			t.Errorf("%s (%s) as a report's attachment: %d %+v, want 400 invalid", c.Name, c.Class, st, e.Error)
		}
	}
	if got := countBlobs(t, f.n); got != blobs {
		t.Errorf("%d blobs stored by refused uploads", got-blobs)
	}
	c, _ := f.n.consults.Get(ctx, f.consult)
	k, _ := f.n.concls.Get(ctx, f.kl)
	if len(c.Documents) != 0 || c.Version != 1 || len(k.Tasks[0].Reports) != 0 || !k.Tasks[0].Done.IsZero() {
		t.Fatalf("refused uploads changed the office: %d documents (v%d), reports %+v", len(c.Documents), c.Version, k.Tasks[0].Reports)
	}
	t.Logf("%d classes refused on both paths: %v", len(cases), func() []string {
		var s []string
		for _, c := range cases {
			s = append(s, c.Class+":"+c.Name)
		}
		return s
	}())
}

// TestOfficeHostileRequests: oversized, deeply nested, wrongly typed and
// overlong JSON and hostile titles are refused 400 with a reason and store
// nothing; a meeting title written to inject iCalendar lines comes out of
// the feed as one escaped SUMMARY, read by the strict reader.
func TestOfficeHostileRequests(t *testing.T) {
	f := newOfficeFixture(t)
	ctx := context.Background()
	deadline := time.Now().Add(48 * time.Hour).Format(time.RFC3339)
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	bodies := []struct {
		name, method, path string
		b                  *browser
		body               string
	}{
		{"300 KB", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":"` + strings.Repeat("a", 300<<10) + `"}`},
		{"nested 100,000 deep", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":"x","questions":` + deep + `}`},
		{"a number for a title", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":5,"questions":[{"text":"x"}],"deadline":"` + deadline + `"}`},
		{"a 200 KB title", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":"` + strings.Repeat("ệ", 60<<10) + `","questions":[{"text":"x"}],"deadline":"` + deadline + `"}`},
		{"an override in a title", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":"L\u1ea5y \u202eý kiến","questions":[{"text":"x"}],"deadline":"` + deadline + `"}`},
		{"a NUL in a question", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv","title":"x","questions":[{"text":"a\u0000b"}],"deadline":"` + deadline + `"}`},
		{"not JSON", "POST", "/api/v1/consultations", f.admin, `{"committee":"btv",`},
		{"two values", "PUT", "/api/v1/people/px", f.admin, `{"name":"A"}{"name":"B"}`},
		{"a person's name with an override", "PUT", "/api/v1/people/px", f.admin, `{"name":"Tr\u1ea7n \u202eVăn"}`},
		{"a committee of 501", "PUT", "/api/v1/committees/big", f.admin, `{"name":"Lớn","members":[` + strings.TrimSuffix(strings.Repeat(`{"person":"uv1"},`, 501), ",") + `]}`},
		{"progress 1e309", "POST", "/api/v1/conclusions/" + f.kl + "/tasks/t1/reports", f.viet, `{"percent":1e309,"note":"x"}`},
		{"progress -5", "POST", "/api/v1/conclusions/" + f.kl + "/tasks/t1/reports", f.viet, `{"percent":-5,"note":"x"}`},
		{"a note with an escape", "POST", "/api/v1/conclusions/" + f.kl + "/tasks/t1/reports", f.viet, `{"percent":5,"note":"x\u001b[2J"}`},
	}
	before, _ := f.n.consults.All(ctx)
	for _, r := range bodies {
		st, e := r.b.post(r.method, r.path, "application/json", []byte(r.body))
		if st != http.StatusBadRequest || e.Error.Code != string(meeting.Invalid) || e.Error.MessageVI == "" || e.Error.Message == "" {
			t.Errorf("%s: %d %+v, want 400 invalid in both languages", r.name, st, e.Error)
		}
	}
	// A hostile title of a consultation's document.
	var pdfBuf bytes.Buffer
	if err := f.n.pdfs.Generate(ctx, &pdfBuf, "Tài liệu", 1, nil); err != nil {
		t.Fatal(err)
	}
	blobs := countBlobs(t, f.n)
	for _, title := range []string{"a%E2%80%AEfdp.exe", strings.Repeat("x", 301), "a%0D%0AContent-Type:%20text/html"} {
		if st, e := f.admin.post("POST", "/api/v1/consultations/"+f.consult+"/documents?title="+title, "application/pdf", pdfBuf.Bytes()); st != 400 || e.Error.Code != string(meeting.Invalid) {
			t.Errorf("a document titled %.40q: %d %+v", title, st, e.Error)
		}
	}
	if got := countBlobs(t, f.n); got != blobs {
		t.Errorf("refused titles stored %d blobs", got-blobs)
	}
	after, _ := f.n.consults.All(ctx)
	c, _ := f.n.consults.Get(ctx, f.consult)
	k, _ := f.n.concls.Get(ctx, f.kl)
	if len(after) != len(before) || len(c.Documents) != 0 || len(k.Tasks[0].Reports) != 0 {
		t.Fatalf("refusals stored something: %d → %d consultations, %d documents, %d reports", len(before), len(after), len(c.Documents), len(k.Tasks[0].Reports))
	}
	if _, err := f.n.registry.Person(ctx, "px"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("px was stored: %v", err)
	}

	// iCalendar: a meeting whose title and place try to add lines.
	evil := "Họp\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:Giả\r\nEND:VEVENT"
	for _, c := range []meeting.Command{meeting.UpdateMeeting{Title: evil, Place: "Phòng 1; tầng 2, \\ nhà A"}, meeting.Publish{}} {
		if _, err := f.n.svc.Execute(ctx, f.meetingID, meeting.Actor{Participant: secretaryOf(t, f.n, f.meetingID)}, c); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := f.n.registry.NewFeed(ctx, "uv1")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.admin.base+"/api/v1/calendar/"+tok+".ics", nil)
	resp, err := f.admin.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cal, err := icaltest.Parse(data)
	if err != nil {
		t.Fatalf("the feed: %v\n%s", err, data)
	}
	found := 0
	for _, ev := range cal.Events {
		if ev.UID == "evil@x" || ev.Summary == "Giả" {
			t.Fatalf("an injected event in the feed:\n%s", data)
		}
		if ev.UID == "meeting-"+f.meetingID+"@dais" {
			found++
			if ev.Summary != strings.ReplaceAll(evil, "\r\n", "\n") || ev.Location != "Phòng 1; tầng 2, \\ nhà A" {
				t.Fatalf("the meeting's entry: %q at %q", ev.Summary, ev.Location)
			}
		}
	}
	if found != 1 || bytes.Count(data, []byte("\r\nBEGIN:VEVENT\r\n")) != len(cal.Events) {
		t.Fatalf("the meeting's entries %d of %d events:\n%s", found, len(cal.Events), data)
	}
}
