package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/office"
)

// TestNoEmailsToMembers: the office's e-mail addresses are for its staff
// (and each person's own): a member, the committee's chair, an assignee, a
// delegate's tablet and the chair's console see the others by name and
// title on every route that carries people — a consultation (list, view,
// events, the tablet's list), a conclusion (office and meeting routes, the
// responses of approve and publish), the account's tasks and the chair's
// dashboard. The staff's views still carry the addresses (the reminders
// need them), so the check is not vacuous.
func TestNoEmailsToMembers(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")  // uv1
	chair := officeAccount(t, n, admin, "bithu", "Trần Văn Bình") // bithu, chairs btv
	putOfficePeople(t, admin)

	sec := office.Actor{Secretary: true, Staff: true, Account: "huong"}
	c1, err := n.consults.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về quy chế", Questions: []office.Question{{Text: "Đồng ý?"}}, Deadline: time.Now().Add(72 * time.Hour)})
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
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	M := "/api/v1/meetings/" + mid
	var v conclusionView
	if st := admin.call("POST", M+"/conclusions", map[string]any{"agenda_item": "ns", "title": "Kết luận về ngân sách", "text": "Thống nhất.",
		"tasks": []map[string]any{
			{"title": "Trình HĐND", "assignee": map[string]string{"kind": "person", "person": "uv1"}, "deadline": time.Now().Add(72 * time.Hour)},
			{"title": "Tuyên truyền", "assignee": map[string]string{"kind": "person", "person": "pbt"}, "deadline": time.Now().Add(-time.Hour)},
		}}, &v, bearer(made.Session.Token)...); st != http.StatusCreated {
		t.Fatalf("staff draft in the committee's meeting: %d", st)
	}
	k := v.Conclusion.ID
	var console access.Session
	if st := chair.call("POST", "/api/v1/account/meetings/"+mid+"/open", nil, &console); st != http.StatusOK {
		t.Fatalf("the chair opens the console: %d", st)
	}

	// raw is the body of a 2xx answer.
	raw := func(b *browser, method, path string, hdr ...string) string {
		t.Helper()
		var out json.RawMessage
		if st := b.call(method, path, nil, &out, hdr...); st/100 != 2 {
			t.Fatalf("%s %s: %d %s", method, path, st, out)
		}
		return string(out)
	}
	addr := func(id string) string { return id + "@tinhuy.example" }
	others := func(me string) []string {
		var out []string
		for _, id := range []string{"bithu", "pbt", "uv1", "uv2"} {
			if id != me {
				out = append(out, addr(id))
			}
		}
		return out
	}
	check := func(who, what, body string, hidden []string) {
		t.Helper()
		for _, a := range hidden {
			if strings.Contains(body, a) {
				t.Errorf("%s sees %s in %s", who, a, what)
			}
		}
	}
	// The chair approves and publishes from the console: the answers
	// carry no member's address.
	check("the chair's console", "the approval", raw(chair, "POST", M+"/conclusions/"+k+"/approve", bearer(console.Token)...), others("bithu"))
	check("the chair's console", "the publication", raw(chair, "POST", M+"/conclusions/"+k+"/publish", bearer(console.Token)...), others("bithu"))
	check("the chair", "the consultation's approval", raw(chair, "POST", "/api/v1/consultations/"+c1.ID+"/approve"), others("bithu"))

	C := "/api/v1/consultations/" + c1.ID
	tablet := tokenFor(t, n, mid, "uv2")
	for _, c := range []struct {
		who  string
		b    *browser
		hdr  []string
		path string
		me   string
	}{
		{"a member", viet, nil, "/api/v1/consultations", "uv1"},
		{"a member", viet, nil, C, "uv1"},
		{"a member", viet, nil, C + "/events?after=0", "uv1"},
		{"a member", viet, nil, "/api/v1/conclusions", "uv1"},
		{"a member", viet, nil, "/api/v1/conclusions/" + k, "uv1"},
		{"an assignee", viet, nil, "/api/v1/account/tasks", "uv1"},
		{"the chair", chair, nil, C, "bithu"},
		{"the chair", chair, nil, C + "/events?after=0", "bithu"},
		{"the chair", chair, nil, "/api/v1/conclusions/" + k, "bithu"},
		{"the chair", chair, nil, "/api/v1/tasks/dashboard", "bithu"},
		{"the chair's console", chair, bearer(console.Token), M + "/conclusions", "bithu"},
		{"a delegate's tablet", viet, bearer(tablet), M + "/conclusions", ""},
		{"a delegate's tablet", viet, bearer(tablet), M + "/consultations", "uv2"},
	} {
		body := raw(c.b, "GET", c.path, c.hdr...)
		check(c.who, c.path, body, others(c.me))
		if c.me != "" && c.path == C && !strings.Contains(body, addr(c.me)) {
			t.Errorf("%s does not see their own address in %s", c.who, c.path)
		}
	}
	// The office's staff see them: the reminders are sent to them.
	for _, path := range []string{C, C + "/events?after=0", "/api/v1/conclusions/" + k, "/api/v1/tasks/dashboard"} {
		if body := raw(admin, "GET", path); !strings.Contains(body, addr("pbt")) {
			t.Errorf("staff do not see the addresses in %s: %s", path, body)
		}
	}
	if body := raw(admin, "GET", M+"/conclusions", bearer(made.Session.Token)...); !strings.Contains(body, addr("uv1")) {
		t.Errorf("the staff secretary's workspace does not see the assignees' addresses: %s", body)
	}
	// Nothing stored changed: the log keeps the addresses (for reminders).
	if c, err := n.concls.Get(ctx, k); err != nil || c.Tasks[0].Assignee.Email != addr("uv1") {
		t.Fatalf("the stored conclusion lost its addresses: %+v, %v", c, err)
	}
	if c, err := n.consults.Get(ctx, c1.ID); err != nil || c.Members[1].Email != addr("pbt") {
		t.Fatalf("the stored consultation lost its addresses: %+v, %v", c, err)
	}
}

// writeLog is a ResponseWriter that keeps each Write's size and whether
// the headers were sent before the first byte.
type writeLog struct {
	header  http.Header
	status  int
	writes  []int
	body    bytes.Buffer
	early   bool // a byte before WriteHeader
	typeSet string
}

func (w *writeLog) Header() http.Header { return w.header }
func (w *writeLog) WriteHeader(s int) {
	if w.status == 0 {
		w.status, w.typeSet = s, w.header.Get("Content-Type")
	}
}
func (w *writeLog) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.early = true
		w.WriteHeader(http.StatusOK)
	}
	w.writes = append(w.writes, len(p))
	return w.body.Write(p)
}

// TestCommitteeArchiveStreams: the committee archive (internal listener)
// was made in memory whole and then written — a committee whose members
// attached many large reports (each up to -max-upload-bytes, as many as
// they like) took the node's memory. It is now streamed as it is made:
// the response comes in many writes, none of them the whole archive; the
// headers go with the first byte, the archive verifies, and a committee
// with nothing to archive is still a 404.
func TestCommitteeArchiveStreams(t *testing.T) {
	f := newOfficeFixture(t)
	ctx := context.Background()
	var pdfBuf bytes.Buffer
	if err := f.n.pdfs.Generate(ctx, &pdfBuf, "Báo cáo tiến độ", 60, nil); err != nil {
		t.Fatal(err)
	}
	for i, pct := range []string{"30", "60"} {
		// Two different files (the blob store keeps one copy of the same).
		file := append([]byte(nil), pdfBuf.Bytes()...)
		if i == 1 {
			pdfBuf.Reset()
			if err := f.n.pdfs.Generate(ctx, &pdfBuf, "Báo cáo tiến độ lần hai", 60, nil); err != nil {
				t.Fatal(err)
			}
			file = pdfBuf.Bytes()
		}
		if st, b := reportTask(t, f.viet, "/api/v1/conclusions/"+f.kl+"/tasks/t1/reports", map[string]string{"percent": pct, "note": "Tiến độ"}, file); st != 200 {
			t.Fatalf("report %d: %d %s", i, st, b)
		}
	}
	archiveOf := func(committee string) *writeLog {
		w := &writeLog{header: http.Header{}}
		r := httptest.NewRequest("GET", "/archive/committee/"+committee, nil)
		r.SetPathValue("committee", committee)
		f.n.archiveCommittee(w, r)
		return w
	}
	w := archiveOf("btv")
	if w.status != http.StatusOK || w.typeSet != "application/x-tar" {
		t.Fatalf("archive: %d %q", w.status, w.typeSet)
	}
	total, largest := w.body.Len(), 0
	for _, n := range w.writes {
		largest = max(largest, n)
	}
	if len(w.writes) < 10 || largest >= total/2 {
		t.Fatalf("the archive (%d bytes) came in %d writes, the largest %d: not streamed", total, len(w.writes), largest)
	}
	rep, err := archive.Verify(ctx, bytes.NewReader(w.body.Bytes()))
	if err != nil {
		t.Fatalf("the streamed archive does not verify: %v", err)
	}
	if rep.Summary.Committee != "btv" || rep.PDFs < 2 {
		t.Fatalf("the archive's report: %+v", rep)
	}
	if w := archiveOf("bkt"); w.status != http.StatusNotFound {
		t.Fatalf("a committee with nothing to archive: %d", w.status)
	}
	if w := archiveOf("Bí-thư"); w.status != http.StatusBadRequest {
		t.Fatalf("a bad committee id: %d", w.status)
	}
}

// TestStaffDraftsAnywhereWhileStaff: the office's staff draft a conclusion
// of any committee, also in a meeting not made from it — from the
// workspace session their own account opened. The staff rights are read
// at each request: once the person's staff mark is taken away that
// session drafts nothing there (403); once the account is disabled the
// session itself has ended (401); nothing is stored.
func TestStaffDraftsAnywhereWhileStaff(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	vp := officeAccount(t, n, admin, "vanphong", "Lê Văn Phòng")
	putOfficePeople(t, admin)
	if st := admin.call("PUT", "/api/v1/people/vp", map[string]any{"name": "Lê Văn Phòng", "account": "vanphong", "staff": true}, nil); st != 200 {
		t.Fatalf("PUT vp: %d", st)
	}
	var own access.Session
	if st := vp.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Họp chuẩn bị", "starts_at": "2026-12-20T08:00:00+07:00", "place": "Phòng họp"}, &own); st != http.StatusCreated {
		t.Fatalf("staff make a meeting: %d", st)
	}
	if _, err := n.svc.Execute(ctx, own.Meeting, meeting.Actor{Participant: own.Participant}, meeting.AddAgendaItem{Item: meeting.Item{ID: "x", Title: "Nội dung"}}); err != nil {
		t.Fatal(err)
	}
	M := "/api/v1/meetings/" + own.Meeting + "/conclusions"
	body := map[string]any{"committee": "btv", "agenda_item": "x", "title": "Kết luận", "text": "Nội dung."}
	bearer := []string{"Authorization", "Bearer " + own.Token}
	if st := vp.call("POST", M, body, nil, bearer...); st != http.StatusCreated {
		t.Fatalf("staff draft for btv in their own meeting: %d", st)
	}
	if st := admin.call("PUT", "/api/v1/people/vp", map[string]any{"name": "Lê Văn Phòng", "account": "vanphong"}, nil); st != 200 {
		t.Fatalf("the administrator takes the staff mark away: %d", st)
	}
	var e apiError
	if st := vp.call("POST", M, body, &e, bearer...); st != http.StatusForbidden || e.Error.MessageVI == "" || e.Error.Message == "" {
		t.Fatalf("a former staff member's session drafts: %d %+v, want 403", st, e)
	}
	if st := admin.call("PUT", "/api/v1/people/vp", map[string]any{"name": "Lê Văn Phòng", "account": "vanphong", "staff": true}, nil); st != 200 {
		t.Fatalf("staff again: %d", st)
	}
	if st := admin.call("POST", "/api/v1/accounts/vanphong/disable", nil, nil); st != http.StatusOK {
		t.Fatalf("disable: %d", st)
	}
	// Disabling the account ended the meeting session it opened (the
	// office would also ask whether its account is still active staff).
	if st := vp.call("POST", M, body, nil, bearer...); st != http.StatusUnauthorized {
		t.Fatalf("a disabled staff account's session drafts: %d, want 401", st)
	}
	if all, err := n.concls.All(ctx); err != nil || len(all) != 1 {
		t.Fatalf("conclusions stored: %d (%v), want the one staff drafted", len(all), err)
	}
}

// TestDisabledChairConsoleActsAsNobody: the chair's console acted as the
// chair in the office after the administrator disabled the chair's
// account (a lost laptop): it approved a conclusion and took its number.
// A session whose account is disabled acts as no office person, and
// disabling the account now ends the session itself
// (TestDisablingEndsAccountSessions): the approval is refused 401, the
// conclusion stays a draft, no number.
func TestDisabledChairConsoleActsAsNobody(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	chair := officeAccount(t, n, admin, "bithu", "Trần Văn Bình")
	putOfficePeople(t, admin)
	var made struct{ Session access.Session }
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	mid := made.Session.Meeting
	if _, err := n.svc.Execute(ctx, mid, meeting.Actor{Participant: secretaryOf(t, n, mid)}, meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Ngân sách"}}); err != nil {
		t.Fatal(err)
	}
	M := "/api/v1/meetings/" + mid + "/conclusions"
	var v conclusionView
	if st := admin.call("POST", M, map[string]any{"agenda_item": "ns", "title": "Kết luận", "text": "Thống nhất."}, &v, "Authorization", "Bearer "+made.Session.Token); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	var console access.Session
	if st := chair.call("POST", "/api/v1/account/meetings/"+mid+"/open", nil, &console); st != http.StatusOK {
		t.Fatalf("the chair opens the console: %d", st)
	}
	if st := admin.call("POST", "/api/v1/accounts/bithu/disable", nil, nil); st != http.StatusOK {
		t.Fatalf("disable: %d", st)
	}
	var e apiError
	if st := chair.call("POST", M+"/"+v.Conclusion.ID+"/approve", nil, &e, "Authorization", "Bearer "+console.Token); st != http.StatusUnauthorized || e.Error.MessageVI == "" {
		t.Fatalf("the disabled chair's console approves: %d %+v, want 401 (the session was ended)", st, e)
	}
	if c, err := n.concls.Get(ctx, v.Conclusion.ID); err != nil || c.Status != office.StatusDraft || c.Numbered != "" {
		t.Fatalf("after the refusal: %+v, %v", c, err)
	}
}
