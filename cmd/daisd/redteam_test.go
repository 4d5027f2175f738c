package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/office"
)

// The red team's probes of the office (issue 13) against a real node:
// each refusal is the documented error and changes nothing.

// TestNoChairByParticipantID: a meeting's participant id is not an office
// identity. Any account may make a meeting; its secretary chooses the
// participants' ids and hands out their invitation codes. A member (viet)
// who makes a meeting, seats a "chair" under the real chair's person id
// (bithu) and joins as them by code, then drafts a conclusion of the
// standing committee in that meeting, must not get it approved and
// numbered in the office's series: the approval is refused 403, the
// conclusion stays a draft and no number is taken (the real chair's next
// approval gets 01). In the committee's own meeting a session of the
// chair's code is refused the same way; the chair's console opened from
// the chair's account approves.
func TestNoChairByParticipantID(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")
	chair := officeAccount(t, n, admin, "bithu", "Trần Văn Bình")
	putOfficePeople(t, admin)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

	// The member's own meeting, with a fake chair "bithu".
	var own access.Session
	if st := viet.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Họp giả", "starts_at": "2026-12-20T08:00:00+07:00", "place": "Phòng họp"}, &own); st != http.StatusCreated {
		t.Fatalf("a member makes a meeting: %d", st)
	}
	sec := meeting.Actor{Participant: "viet"}
	for _, c := range []meeting.Command{
		meeting.AddAgendaItem{Item: meeting.Item{ID: "x", Title: "Nội dung"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "bithu", Name: "Trần Văn Bình", Role: meeting.RoleChair, Room: "main"}},
	} {
		if _, err := n.svc.Execute(ctx, own.Meeting, sec, c); err != nil {
			t.Fatalf("%s: %v", c.CommandName(), err)
		}
	}
	fake := tokenFor(t, n, own.Meeting, "bithu")
	M := "/api/v1/meetings/" + own.Meeting + "/conclusions"
	draft := map[string]any{"committee": "btv", "agenda_item": "x", "title": "Kết luận giả mạo", "text": "Không có thật."}
	var v conclusionView
	// The member, secretary of their own meeting, may not even draft a
	// conclusion of the committee there (it would land in the chair's list
	// to approve): 403, nothing stored.
	for _, body := range []map[string]any{draft, {"agenda_item": "x", "title": "Kết luận giả mạo", "text": "Không có thật."}} {
		var e apiError
		if st := viet.call("POST", M, body, &e, bearer(own.Token)...); st != http.StatusForbidden || e.Error.Code != string(meeting.Forbidden) || e.Error.MessageVI == "" || e.Error.Message == "" {
			t.Fatalf("draft in the member's meeting: %d %+v, want 403 forbidden (vi, en)", st, e)
		}
	}
	if all, err := n.concls.All(ctx); err != nil || len(all) != 0 {
		t.Fatalf("refused drafts stored %d conclusions (%v)", len(all), err)
	}
	// Had one been drafted there (by the office's staff), the fake chair
	// still could not approve or publish it.
	k, err := n.concls.Draft(ctx, office.Actor{Secretary: true, Staff: true, Account: "admin"}, "btv", office.DraftConclusion{Meeting: own.Meeting, AgendaItem: "x", Title: "Kết luận", Text: "Nội dung."})
	if err != nil {
		t.Fatal(err)
	}
	forged := k.ID
	for _, path := range []string{M + "/" + forged + "/approve", M + "/" + forged + "/publish"} {
		var e apiError
		if st := viet.call("POST", path, nil, &e, bearer(fake)...); st != http.StatusForbidden || e.Error.Code != string(meeting.Forbidden) || e.Error.MessageVI == "" {
			t.Errorf("POST %s as the fake chair: %d %+v, want 403 forbidden", path, st, e)
		}
	}
	if c, err := n.concls.Get(ctx, forged); err != nil || c.Status != office.StatusDraft || c.Numbered != "" || c.Version != 1 {
		t.Fatalf("the forged conclusion after the refusals: %+v, %v", c, err)
	}

	// The committee's meeting: the chair's code does not approve, the
	// chair's account does.
	var made struct{ Session access.Session }
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	mid := made.Session.Meeting
	if _, err := n.svc.Execute(ctx, mid, meeting.Actor{Participant: secretaryOf(t, n, mid)}, meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Ngân sách"}}); err != nil {
		t.Fatal(err)
	}
	M = "/api/v1/meetings/" + mid + "/conclusions"
	if st := admin.call("POST", M, map[string]any{"agenda_item": "ns", "title": "Kết luận về ngân sách", "text": "Thống nhất."}, &v, bearer(made.Session.Token)...); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	id := v.Conclusion.ID
	code := tokenFor(t, n, mid, "bithu")
	if st := viet.call("POST", M+"/"+id+"/approve", nil, nil, bearer(code)...); st != http.StatusForbidden {
		t.Fatalf("the chair's invitation code approves: %d, want 403", st)
	}
	var console access.Session
	if st := chair.call("POST", "/api/v1/account/meetings/"+mid+"/open", nil, &console); st != http.StatusOK || console.Participant != "bithu" {
		t.Fatalf("the chair opens the console from the account: %d %+v", st, console)
	}
	if st := chair.call("POST", M+"/"+id+"/approve", nil, &v, bearer(console.Token)...); st != http.StatusOK || v.Conclusion.Numbered != "01-KL/TU" {
		t.Fatalf("the chair approves from the console: %d %+v", st, v.Conclusion)
	}
	_ = time.Second
}

// TestStaffMarkOnlyByAdmin: the office's staff manage people, but only an
// administrator makes someone staff or takes it away. A staff account
// saving another staff person without the mark (as a form that does not
// show it would) was taking their staff rights away; now it is refused 403
// and stores nothing, a save that keeps the mark goes through, and a new
// person marked staff by staff is refused as before.
func TestStaffMarkOnlyByAdmin(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	vp := officeAccount(t, n, admin, "vanphong", "Lê Văn Phòng")
	for id, body := range map[string]map[string]any{
		"vp":  {"name": "Lê Văn Phòng", "account": "vanphong", "staff": true},
		"vp2": {"name": "Phạm Thị Hai", "title": "Chuyên viên", "staff": true},
	} {
		if st := admin.call("PUT", "/api/v1/people/"+id, body, nil); st != 200 {
			t.Fatalf("PUT %s: %d", id, st)
		}
	}
	for _, r := range []struct {
		name, id string
		body     map[string]any
	}{
		{"take another's staff mark away", "vp2", map[string]any{"name": "Phạm Thị Hai", "title": "Chuyên viên chính"}},
		{"a new person marked staff", "vp3", map[string]any{"name": "Người mới", "staff": true}},
	} {
		var e apiError
		if st := vp.call("PUT", "/api/v1/people/"+r.id, r.body, &e); st != http.StatusForbidden || e.Error.Code != string(meeting.Forbidden) || e.Error.MessageVI == "" {
			t.Errorf("%s: %d %+v, want 403", r.name, st, e)
		}
	}
	if p, err := n.registry.Person(ctx, "vp2"); err != nil || !p.Staff || p.Title != "Chuyên viên" {
		t.Fatalf("vp2 after the refusal: %+v, %v", p, err)
	}
	if _, err := n.registry.Person(ctx, "vp3"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("vp3 was stored: %v", err)
	}
	var out struct{ Person office.Person }
	if st := vp.call("PUT", "/api/v1/people/vp2", map[string]any{"name": "Phạm Thị Hai", "title": "Chuyên viên chính", "staff": true}, &out); st != 200 || !out.Person.Staff || out.Person.Title != "Chuyên viên chính" {
		t.Fatalf("staff edits a staff person keeping the mark: %d %+v", st, out)
	}
}

// TestOfficeForeignIDs: every kind of caller tries the office's routes
// with ids that are not theirs — another committee's consultation and
// conclusion, another person's calendar and feed, someone else's task,
// answering for another member, a substitute answering for the member
// they replace, a meeting session on account routes, made-up ids. Each is
// refused with the documented status and error, and nothing changes.
func TestOfficeForeignIDs(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	ctx := context.Background()
	admin := newBrowser(t, n)
	firstRun(t, admin)
	viet := officeAccount(t, n, admin, "viet", "Đặng Quốc Việt")    // uv1, member of btv, assignee of t1
	binh := officeAccount(t, n, admin, "binh", "Ngô Thị Hằng")      // uv2, member of btv
	khac := officeAccount(t, n, admin, "khac", "Vũ Văn Khác")       // ngoai, member of bkt only
	thay := officeAccount(t, n, admin, "thay", "Phan Văn Thay")     // the substitute's person, on no committee
	staff := officeAccount(t, n, admin, "vanphong", "Lê Văn Phòng") // staff, on no committee
	putOfficePeople(t, admin)
	for id, body := range map[string]map[string]any{
		"ngoai": {"name": "Vũ Văn Khác", "account": "khac", "unit": "Ban Tuyên giáo"},
		"thay":  {"name": "Phan Văn Thay", "account": "thay"},
		"vp":    {"name": "Lê Văn Phòng", "account": "vanphong", "staff": true},
	} {
		if st := admin.call("PUT", "/api/v1/people/"+id, body, nil); st != 200 {
			t.Fatalf("PUT %s: %d", id, st)
		}
	}
	if st := admin.call("PUT", "/api/v1/committees/bkt", map[string]any{"name": "Ủy ban Kiểm tra",
		"members": []map[string]any{{"person": "ngoai", "chair": true}, {"person": "pbt"}}}, nil); st != 200 {
		t.Fatal("PUT bkt")
	}

	// An open consultation of btv (viet answered) and a draft one of bkt.
	sec := office.Actor{Secretary: true, Staff: true, Account: "huong"}
	q := []office.Question{{Text: "Đồng ý thông qua?"}}
	c1, err := n.consults.Draft(ctx, sec, "btv", office.Draft{Title: "Lấy ý kiến về quy chế", Questions: q, Deadline: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.consults.Execute(ctx, c1.ID, office.Actor{Person: "bithu"}, office.Approve{}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.consults.Execute(ctx, c1.ID, office.Actor{Person: "uv1"}, office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}}); err != nil {
		t.Fatal(err)
	}
	c2, err := n.consults.Draft(ctx, sec, "bkt", office.Draft{Title: "Lấy ý kiến của Ủy ban Kiểm tra", Questions: q, Deadline: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// A meeting of btv with a substitute seated for uv1, and a published
	// conclusion with uv1's task.
	var made struct{ Session access.Session }
	if st := admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-20T08:00:00+07:00"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	mid := made.Session.Meeting
	msec := meeting.Actor{Participant: secretaryOf(t, n, mid)}
	for _, c := range []meeting.Command{
		meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Ngân sách"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "thay", Name: "Phan Văn Thay", Role: meeting.RoleObserver, Room: "main"}},
		meeting.SeatSubstitute{Participant: "thay", For: "uv1"},
	} {
		if _, err := n.svc.Execute(ctx, mid, msec, c); err != nil {
			t.Fatalf("%s: %v", c.CommandName(), err)
		}
	}
	k, err := n.concls.Draft(ctx, sec, "btv", office.DraftConclusion{Meeting: mid, AgendaItem: "ns", Title: "Kết luận về ngân sách", Text: "Thống nhất.",
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
	feed, err := n.registry.NewFeed(ctx, "uv1")
	if err != nil {
		t.Fatal(err)
	}
	subTok := tokenFor(t, n, mid, "thay")
	delTok := tokenFor(t, n, mid, "uv2")

	nobody := newBrowser(t, n)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	C1, C2, K := "/api/v1/consultations/"+c1.ID, "/api/v1/consultations/"+c2.ID, "/api/v1/conclusions/"+k.ID
	answer := map[string]any{"answers": []map[string]string{{"question": "q1", "choice": "Không đồng ý"}}}
	report := map[string]any{"percent": 100, "done": true, "note": "xong"}
	type probe struct {
		who          string
		b            *browser
		hdr          []string
		method, path string
		body         any
		status       int
		code         meeting.Code
	}
	probes := []probe{
		// Nobody signed in.
		{"nobody", nobody, nil, "GET", C1, nil, 401, meeting.Unauthorized},
		{"nobody", nobody, nil, "POST", C1 + "/answers", answer, 401, meeting.Unauthorized},
		{"nobody", nobody, nil, "POST", K + "/tasks/t1/reports", report, 401, meeting.Unauthorized},
		{"nobody", nobody, nil, "GET", "/api/v1/people/uv1/calendar", nil, 401, meeting.Unauthorized},
		{"nobody, a made-up feed", nobody, nil, "GET", "/api/v1/calendar/" + strings.Repeat("A", 43) + ".ics", nil, 404, meeting.NotFound},
		// A delegate's and the substitute's meeting sessions on the office's account routes.
		{"a delegate's meeting session", nobody, bearer(delTok), "GET", C1, nil, 401, meeting.Unauthorized},
		{"a delegate's meeting session", nobody, bearer(delTok), "POST", C1 + "/answers", answer, 401, meeting.Unauthorized},
		{"the substitute's meeting session", nobody, bearer(subTok), "POST", C1 + "/answers", answer, 401, meeting.Unauthorized},
		{"the substitute's meeting session", nobody, bearer(subTok), "POST", K + "/tasks/t1/reports", report, 401, meeting.Unauthorized},
		// The substitute's own account: not a member, not the assignee.
		{"the substitute's account answers for the member", thay, nil, "POST", C1 + "/answers", answer, 403, meeting.Forbidden},
		{"the substitute's account reads", thay, nil, "GET", C1, nil, 403, meeting.Forbidden},
		{"the substitute's account reports on the member's task", thay, nil, "POST", K + "/tasks/t1/reports", report, 404, meeting.NotFound},
		// A member of another committee.
		{"another committee's member", khac, nil, "GET", C1, nil, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "POST", C1 + "/answers", answer, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "GET", C1 + "/events?after=0", nil, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "GET", C1 + "/summary.pdf", nil, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "GET", K, nil, 404, meeting.NotFound},
		{"another committee's member", khac, nil, "GET", K + "/pdf", nil, 404, meeting.NotFound},
		{"another committee's member", khac, nil, "POST", K + "/tasks/t1/reports", report, 404, meeting.NotFound},
		{"another committee's member", khac, nil, "GET", "/api/v1/people/uv1/calendar", nil, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "POST", "/api/v1/people/uv1/feed", nil, 403, meeting.Forbidden},
		{"another committee's member", khac, nil, "DELETE", "/api/v1/people/uv1/feed", nil, 403, meeting.Forbidden},
		{"the chair of bkt approves btv's", khac, nil, "POST", C1 + "/close", nil, 403, meeting.Forbidden},
		// A member of the same committee: not for another, not another's task.
		{"a member answers for another", binh, nil, "POST", C1 + "/answers", map[string]any{"person": "uv1", "answers": answer["answers"]}, 400, meeting.Invalid},
		{"a member reports on another's task", binh, nil, "POST", K + "/tasks/t1/reports", report, 403, meeting.Forbidden},
		{"a member reads a draft of their committee's chair", binh, nil, "GET", C2, nil, 403, meeting.Forbidden},
		{"a member closes", binh, nil, "POST", C1 + "/close", nil, 403, meeting.Forbidden},
		{"a member reminds", binh, nil, "POST", C1 + "/remind", nil, 403, meeting.Forbidden},
		{"a member reads the dashboard", binh, nil, "GET", "/api/v1/tasks/dashboard", nil, 403, meeting.Forbidden},
		{"a made-up consultation", binh, nil, "GET", "/api/v1/consultations/lyk-2026-12-03-aaaaaa", nil, 404, meeting.NotFound},
		{"a made-up task", viet, nil, "POST", K + "/tasks/t9/reports", report, 404, meeting.NotFound},
		{"a made-up attachment", viet, nil, "GET", K + "/tasks/t1/attachments/0123456789abcdef", nil, 404, meeting.NotFound},
		{"a made-up document", viet, nil, "GET", C1 + "/documents/0123456789abcdef/file", nil, 404, meeting.NotFound},
		// The office's staff and the administrator: no answer, no approval.
		{"staff answer", staff, nil, "POST", C1 + "/answers", answer, 403, meeting.Forbidden},
		{"staff approve", staff, nil, "POST", C2 + "/approve", nil, 403, meeting.Forbidden},
		{"staff approve a conclusion", staff, nil, "POST", "/api/v1/conclusions/" + k.ID + "/approve", nil, 403, meeting.Forbidden},
		{"the administrator answers", admin, nil, "POST", C1 + "/answers", answer, 403, meeting.Forbidden},
		{"the administrator closes", admin, nil, "POST", C1 + "/close", nil, 403, meeting.Forbidden},
	}
	before1, before2, beforeK := c1.Version+2, c2.Version, uint64(0)
	if kk, err := n.concls.Get(ctx, k.ID); err == nil {
		beforeK = kk.Version
	}
	for _, p := range probes {
		var e apiError
		if st := p.b.call(p.method, p.path, p.body, &e, p.hdr...); st != p.status || e.Error.Code != string(p.code) || e.Error.MessageVI == "" || e.Error.Message == "" {
			t.Errorf("%s: %s %s: %d %+v, want %d %s", p.who, p.method, p.path, st, e.Error, p.status, p.code)
		}
	}
	got1, _ := n.consults.Get(ctx, c1.ID)
	got2, _ := n.consults.Get(ctx, c2.ID)
	gotK, _ := n.concls.Get(ctx, k.ID)
	if got1.Version != before1 || len(got1.Answers) != 1 || got1.Answers["uv1"][0].Choice != "Đồng ý" || got2.Version != before2 || gotK.Version != beforeK || len(gotK.Tasks[0].Reports) != 0 {
		t.Fatalf("the refusals changed something: c1 v%d (want %d) %+v, c2 v%d (want %d), k v%d (want %d) %+v",
			got1.Version, before1, got1.Answers, got2.Version, before2, gotK.Version, beforeK, gotK.Tasks[0].Reports)
	}
	if p, err := n.registry.FeedPerson(ctx, feed); err != nil || p.ID != "uv1" {
		t.Fatalf("uv1's feed after the refusals: %+v, %v", p, err)
	}
	// A member sees their own answers only, in the consultation and its events.
	var view struct {
		Consultation struct {
			Answers map[string]any `json:"answers"`
		}
	}
	if st := binh.call("GET", C1, nil, &view); st != 200 || len(view.Consultation.Answers) != 0 {
		t.Fatalf("binh reads another's answer: %d %+v", st, view)
	}
	var evs struct{ Events []office.Event }
	if st := binh.call("GET", C1+"/events?after=0", nil, &evs); st != 200 {
		t.Fatalf("events: %d", st)
	}
	for _, ev := range evs.Events {
		if a, ok := ev.Data.(office.AnswerGiven); ok && a.Person != "uv2" {
			t.Fatalf("binh reads %s's answer in the events", a.Person)
		}
	}
}
