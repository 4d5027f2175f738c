package main

import (
	"context"
	"net/http"
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
	if st := viet.call("POST", M, draft, &v, bearer(own.Token)...); st != http.StatusCreated {
		t.Fatalf("draft in the member's meeting: %d", st)
	}
	forged := v.Conclusion.ID
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
