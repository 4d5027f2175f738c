package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/consultations/smtptest"
	"github.com/dais-meeting/dais/meeting/demo"
	"github.com/dais-meeting/dais/meeting/office"
)

type conclusionView struct {
	Conclusion office.Conclusion `json:"conclusion"`
}

// reportTask posts a multipart progress report with an optional file.
func reportTask(tb testing.TB, b *browser, path string, fields map[string]string, file []byte) (int, []byte) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "bao-cao.pdf")
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.base)
	resp, err := b.c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// TestConclusionsEndToEnd (issue 13, part 4) over HTTP on a real node: in
// a meeting made from the standing committee, the secretary drafts a
// conclusion of an agenda item with two tasks (a person's, a unit's
// already past its deadline); a delegate does not see the draft; the chair
// approves from the console and it gets 01-KL/TU; published, every
// participant sees it and the minutes list it; the person assignee reports
// completion with a PDF (a non-PDF is refused); the unit's overdue task is
// reminded once and shows late on the dashboard and in its PDF report; a
// member who chairs nothing is refused the dashboard.
func TestConclusionsEndToEnd(t *testing.T) {
	srv := smtptest.Start(t, "vanphong", "thư-mật-khẩu")
	n, err := startNode(context.Background(), config{
		Listen: "127.0.0.1:0", Data: t.TempDir(), Name: "conclude", Logger: testLogger("conclude"),
		Accounts: accountsConfig{SetupSecret: "TEST-SETUP-SECRET", Params: fastHashes},
		Office: officeConfig{RemindBefore: -1, Symbol: "TU",
			SMTP: consultations.SMTPConfig{Addr: srv.Addr, From: "Văn phòng Tỉnh ủy <vanphong@tinhuy.example>", Username: "vanphong",
				Password: "thư-mật-khẩu", TLS: srv.TLSConfig()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.shutdown(context.Background()) })
	ctx := t.Context()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	binh := officeAccount(t, n, admin, "binh", "Ngô Thị Hằng")
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")
	chairAcct := officeAccount(t, n, admin, "bithu", "Trần Văn Bình")
	putOfficePeople(t, admin)

	var made struct {
		Session struct{ Meeting, Token string }
	}
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ tháng 12",
		"starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	mid := made.Session.Meeting
	if _, err := n.svc.Execute(ctx, mid, meeting.Actor{Participant: secretaryOf(t, n, mid)}, meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Dự toán ngân sách năm 2027"}}); err != nil {
		t.Fatal(err)
	}
	as := func(tok string) (*browser, string) {
		b := newBrowser(t, n)
		return b, tok
	}
	sec, secTok := as(made.Session.Token)
	// The chair's console is opened from the chair's account: a session of
	// the chair's invitation code acts as no person of the office.
	var cs access.Session
	if st := chairAcct.call("POST", "/api/v1/account/meetings/"+mid+"/open", nil, &cs); st != 200 || cs.Participant != "bithu" {
		t.Fatalf("the chair opens the console: %d %+v", st, cs)
	}
	console, chairTok := as(cs.Token)
	tablet, delTok := as(tokenFor(t, n, mid, "uv2"))
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	M := "/api/v1/meetings/" + mid + "/conclusions"

	past := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
	later := time.Now().Add(7 * 24 * time.Hour).UTC().Truncate(time.Second)
	draft := map[string]any{"agenda_item": "ns", "title": "Kết luận về dự toán ngân sách năm 2027",
		"text": "Ban Thường vụ thống nhất thông qua dự toán ngân sách năm 2027.",
		"tasks": []map[string]any{
			{"title": "Hoàn thiện dự toán trình HĐND tỉnh", "assignee": map[string]string{"kind": "person", "person": "uv1"}, "deadline": later},
			{"title": "Tuyên truyền kết quả", "assignee": map[string]string{"kind": "unit", "name": "Ban Tuyên giáo"}, "deadline": past},
		}}
	for _, r := range []struct {
		name   string
		b      *browser
		tok    string
		body   map[string]any
		status int
	}{
		{"a delegate drafts", tablet, delTok, draft, 403},
		{"no such agenda item", sec, secTok, map[string]any{"agenda_item": "x", "title": "t", "text": "x"}, 404},
		{"an unknown field", sec, secTok, map[string]any{"agenda_item": "ns", "title": "t", "text": "x", "number": 5}, 400},
		{"a task for nobody", sec, secTok, map[string]any{"agenda_item": "ns", "title": "t", "text": "x",
			"tasks": []map[string]any{{"title": "x", "assignee": map[string]string{"kind": "person", "person": "ghost"}, "deadline": later}}}, 404},
	} {
		var e apiError
		if st := r.b.call("POST", M, r.body, &e, bearer(r.tok)...); st != r.status || e.Error.MessageVI == "" || e.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d", r.name, st, e, r.status)
		}
	}
	var v conclusionView
	if st := sec.call("POST", M, draft, &v, bearer(secTok)...); st != http.StatusCreated || v.Conclusion.Committee != "btv" || v.Conclusion.Chair != "bithu" {
		t.Fatalf("draft: %d %+v", st, v)
	}
	id := v.Conclusion.ID
	var list struct{ Conclusions []office.Conclusion }
	if st := tablet.call("GET", M, nil, &list, bearer(delTok)...); st != 200 || len(list.Conclusions) != 0 {
		t.Fatalf("a delegate sees a draft: %d %+v", st, list)
	}
	if st := sec.call("POST", M+"/"+id+"/approve", nil, nil, bearer(secTok)...); st != 403 {
		t.Fatalf("the secretary approves: %d", st)
	}
	if st := console.call("POST", M+"/"+id+"/approve", nil, &v, bearer(chairTok)...); st != 200 || v.Conclusion.Numbered != "01-KL/TU" {
		t.Fatalf("the chair approves: %d %+v", st, v.Conclusion)
	}
	if st := sec.call("POST", M+"/"+id+"/publish", nil, &v, bearer(secTok)...); st != 200 || v.Conclusion.Status != office.StatusPublished {
		t.Fatalf("publish: %d %+v", st, v.Conclusion)
	}
	if st := tablet.call("GET", M, nil, &list, bearer(delTok)...); st != 200 || len(list.Conclusions) != 1 || list.Conclusions[0].Numbered != "01-KL/TU" {
		t.Fatalf("a delegate's list once published: %d %+v", st, list)
	}

	// Signing from the console: the chair's account-opened session reads
	// the record (this node has no certificate: signing on the server is
	// refused, saying so); the secretary's and a delegate's sessions are
	// refused 403.
	REC := M + "/" + id + "/record?record=conclusion/vi"
	var rep struct {
		Record     string `json:"record"`
		Issued     bool   `json:"issued"`
		Signatures []any  `json:"signatures"`
	}
	if st := console.call("GET", REC, nil, &rep, bearer(chairTok)...); st != 200 || rep.Record != "conclusion/vi" || rep.Issued {
		t.Fatalf("the chair's console reads the record: %d %+v", st, rep)
	}
	for _, who := range []struct {
		name string
		b    *browser
		tok  string
	}{{"the secretary's session", sec, secTok}, {"a delegate's session", tablet, delTok}} {
		var e apiError
		if st := who.b.call("POST", M+"/"+id+"/record/sign?record=conclusion/vi", nil, &e, bearer(who.tok)...); st != 403 || e.Error.MessageVI == "" {
			t.Fatalf("%s signs from the console: %d %+v", who.name, st, e)
		}
	}
	var noCert apiError
	if st := console.call("POST", M+"/"+id+"/record/sign?record=conclusion/vi", nil, &noCert, bearer(chairTok)...); st != 409 || !strings.Contains(noCert.Error.Message, "no signing certificate") {
		t.Fatalf("the chair signs on a node without a certificate: %d %+v", st, noCert)
	}

	// The minutes list it under its agenda item, with the tasks.
	req, _ := http.NewRequest("GET", sec.base+"/api/v1/meetings/"+mid+"/minutes.pdf", nil)
	req.Header.Set("Authorization", "Bearer "+secTok)
	resp, err := sec.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	minutes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := strings.Join(strings.Fields(pdfToText(t, minutes)), " ")
	for _, want := range []string{"Dự toán ngân sách năm 2027", "Kết luận số 01-KL/TU: Kết luận về dự toán ngân sách năm 2027",
		"Hoàn thiện dự toán trình HĐND tỉnh — Đặng Quốc Việt"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the minutes lack %q:\n%s", want, text)
		}
	}

	// The assignee's list and report: a non-PDF refused, then done with a PDF.
	var mine struct{ Tasks []office.TaskRow }
	if st := viet.call("GET", "/api/v1/account/tasks", nil, &mine); st != 200 || len(mine.Tasks) != 1 || mine.Tasks[0].ID != "t1" || mine.Tasks[0].State != office.TaskOpen {
		t.Fatalf("viet's tasks: %d %+v", st, mine)
	}
	R := "/api/v1/conclusions/" + id + "/tasks/t1/reports"
	if st, b := reportTask(t, viet, R, map[string]string{"done": "true", "note": "x"}, []byte("not a PDF")); st != 400 {
		t.Fatalf("a non-PDF attachment: %d %s", st, b)
	}
	if st, _ := reportTask(t, binh, R, map[string]string{"percent": "50", "note": "x"}, nil); st != 404 && st != 403 {
		t.Fatalf("someone else reports: %d", st)
	}
	var pdfBuf bytes.Buffer
	if err := n.pdfs.Generate(ctx, &pdfBuf, "Báo cáo kết quả", 2, nil); err != nil {
		t.Fatal(err)
	}
	st, b := reportTask(t, viet, R, map[string]string{"done": "true", "note": "Đã trình HĐND tỉnh", "title": "Báo cáo kết quả"}, pdfBuf.Bytes())
	if st != 200 {
		t.Fatalf("the report: %d %s", st, b)
	}
	c, err := n.concls.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	att := c.Tasks[0].Reports[0].Attachment
	if c.Tasks[0].Done.IsZero() || att == nil || att.Pages != 2 {
		t.Fatalf("t1 after the report: %+v", c.Tasks[0])
	}
	req, _ = http.NewRequest("GET", admin.base+"/api/v1/conclusions/"+id+"/tasks/t1/attachments/"+att.ID, nil)
	req.Header.Set("Origin", admin.base)
	resp, err = admin.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, pdfBuf.Bytes()) {
		t.Fatalf("the attachment: %d, %d bytes", resp.StatusCode, len(got))
	}

	// The unit's task is late: reminded once (no address: in the log only).
	if _, err := n.concls.Check(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ = n.concls.Get(ctx, id)
	if c.Tasks[1].Reminded.IsZero() || len(srv.Messages()) != 0 {
		t.Fatalf("the late unit task: %+v, %d mails", c.Tasks[1], len(srv.Messages()))
	}
	var dash struct {
		Committees []office.CommitteeTasks
	}
	for _, b := range []*browser{admin, chairAcct} {
		if st := b.call("GET", "/api/v1/tasks/dashboard", nil, &dash); st != 200 || len(dash.Committees) != 1 || dash.Committees[0].Late != 1 ||
			dash.Committees[0].Done != 1 || dash.Committees[0].Tasks[0].State != office.TaskLate {
			t.Fatalf("dashboard: %d %+v", st, dash)
		}
	}
	if st := binh.call("GET", "/api/v1/tasks/dashboard", nil, nil); st != 403 {
		t.Fatalf("a member who chairs nothing reads the dashboard: %d", st)
	}
	importedReadOnlyOverHTTP(t, n, viet, id)
	// The assignee's own list reads the states as the dashboard does
	// (office.Conclusion.TaskState; its table test has the open imported
	// task; viet's own was done before the import).
	mine.Tasks = nil
	if st := viet.call("GET", "/api/v1/account/tasks", nil, &mine); st != 200 || len(mine.Tasks) == 0 {
		t.Fatalf("viet's tasks after the import: %d %+v", st, mine)
	}
	for _, tk := range mine.Tasks {
		if want := map[string]string{"t1": office.TaskDone, "t2": office.TaskImported}[tk.ID]; tk.State != want {
			t.Fatalf("viet's task %s after the import: state %q, want %q", tk.ID, tk.State, want)
		}
	}
	// Imported, its tasks are history: listed apart, counted nowhere (a
	// chair sees no address in them either).
	for _, b := range []*browser{admin, chairAcct} {
		dash.Committees = nil
		if st := b.call("GET", "/api/v1/tasks/dashboard", nil, &dash); st != 200 || len(dash.Committees) != 1 {
			t.Fatalf("dashboard after the import: %d %+v", st, dash)
		}
		ct := dash.Committees[0]
		if ct.Open != 0 || ct.Late != 0 || ct.Done != 0 || len(ct.Tasks) != 0 || len(ct.Imported) != 2 ||
			ct.Imported[0].ID != "t2" || ct.Imported[0].State != office.TaskImported || ct.Imported[1].ID != "t1" || ct.Imported[1].State != office.TaskDone {
			t.Fatalf("dashboard after the import: %+v", ct)
		}
		if email := ct.Imported[1].Assignee.Email; (b == admin) != (email != "") {
			t.Fatalf("the imported task's assignee address for %s: %q", b.base, email)
		}
	}
	req, _ = http.NewRequest("GET", admin.base+"/api/v1/tasks/dashboard.pdf", nil)
	req.Header.Set("Origin", admin.base)
	resp, err = admin.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	report, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text = strings.Join(strings.Fields(pdfToText(t, report)), " ")
	for _, want := range []string{"BÁO CÁO THEO DÕI THỰC HIỆN NHIỆM VỤ", "Ban Thường vụ Tỉnh ủy", "Tổng số: 0 — Đang thực hiện: 0 — Quá hạn: 0 — Hoàn thành: 0",
		"khôi phục từ bản lưu trữ (chỉ để xem, không tính vào số liệu trên): 2", "Tuyên truyền kết quả"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the report lacks %q:\n%s", want, text)
		}
	}
}

// importedReadOnlyOverHTTP: conclusion id's log marked imported from an
// archive as dais archive import marks it (office.ArchivedMark after its
// last event; the import itself is tested in meeting/archive), a report
// on its task over HTTP is refused 409 "archived" in both languages and
// nothing is appended; reading it still works.
func importedReadOnlyOverHTTP(t *testing.T, n *node, assignee *browser, id string) {
	t.Helper()
	ctx := t.Context()
	c, err := n.concls.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last, err := n.store.ReadConclusion(ctx, id, c.Version, 1)
	if err != nil || len(last) != 1 {
		t.Fatal(err)
	}
	mark, err := office.ArchivedMark("conclusion", strings.Repeat("ab", 32), c.Version, fmt.Sprintf("%x", last[0].Hash), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(mark)
	if _, err := n.store.AppendConclusion(ctx, id, c.Version, [][]byte{data}); err != nil {
		t.Fatal(err)
	}
	st, b := reportTask(t, assignee, "/api/v1/conclusions/"+id+"/tasks/t2/reports", map[string]string{"percent": "50", "note": "Đang làm"}, nil)
	var refusal apiError
	if err := json.Unmarshal(b, &refusal); st != http.StatusConflict || err != nil || refusal.Error.Code != string(meeting.Archived) ||
		!strings.Contains(refusal.Error.MessageVI, "bản lưu trữ") || !strings.Contains(refusal.Error.Message, "read only") {
		t.Fatalf("a report on an imported conclusion: %d %s", st, b)
	}
	var v conclusionView
	if st := assignee.call("GET", "/api/v1/conclusions/"+id, nil, &v); st != 200 || v.Conclusion.Archived == nil || v.Conclusion.Version != c.Version+1 {
		t.Fatalf("the imported conclusion read back: %d %+v", st, v.Conclusion)
	}
}

// secretaryOf is the participant id of a meeting's first secretary.
func secretaryOf(tb testing.TB, n *node, mid string) string {
	tb.Helper()
	st, err := n.svc.State(context.Background(), mid)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range st.Participants {
		if p.Role == meeting.RoleSecretary {
			return p.ID
		}
	}
	tb.Fatal("no secretary")
	return ""
}

// TestSeedDemoConclusion: the demo (make run) has a published conclusion
// of its meeting's first item with two tasks, one late on the dashboard;
// seeding again adds none.
func TestSeedDemoConclusion(t *testing.T) {
	ctx := t.Context()
	n := mustStartNode(t, t.TempDir())
	var out bytes.Buffer
	for range 2 {
		if err := seedDemo(ctx, n, &out); err != nil {
			t.Fatal(err)
		}
	}
	all, err := n.concls.All(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("conclusions %d, %v", len(all), err)
	}
	c := all[0]
	if c.Status != office.StatusPublished || c.Numbered != "01-KL/TU" || c.Meeting != demo.MeetingID || len(c.Tasks) != 2 || !strings.Contains(out.String(), c.ID) {
		t.Fatalf("the demo's conclusion %+v; printed %q", c, out.String())
	}
	dash, _, err := n.concls.Dashboard(ctx)
	if err != nil || len(dash) != 1 || dash[0].Late != 1 || dash[0].Open != 1 || dash[0].Committee != demo.CommitteeID {
		t.Fatalf("the demo's dashboard %+v, %v", dash, err)
	}
}
