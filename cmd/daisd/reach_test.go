package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// reachOffice starts a node with the standing committee of
// putOfficePeople (bithu chairs; binh signs in as uv2, viet as uv1), its
// meeting made by the administrator and published, and an open
// consultation of the committee approved by the chair. It returns the
// node, the browsers and the meeting and consultation ids.
type reachOffice struct {
	n                     *node
	admin, chair, binh    *browser
	viet                  *browser
	meetingID, consultID  string
	consultBase, starting string
}

func newReachOffice(t *testing.T) *reachOffice {
	t.Helper()
	n := startAccountNode(t, "", account.SSOConfig{})
	r := &reachOffice{n: n, admin: newBrowser(t, n)}
	firstRun(t, r.admin)
	r.binh = officeAccount(t, n, r.admin, "binh", "Ngô Thị Hằng")
	r.viet = officeAccount(t, n, r.admin, "viet", "Đặng Quốc Việt")
	r.chair = officeAccount(t, n, r.admin, "bithu", "Trần Văn Bình")
	putOfficePeople(t, r.admin)
	var made struct {
		Session      access.Session
		Participants []meeting.Participant
	}
	starts := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	if st := r.admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Họp Ban Thường vụ thường kỳ",
		"starts_at": starts.Format(time.RFC3339), "place": "Phòng họp số 1"}, &made); st != http.StatusCreated {
		t.Fatalf("meeting from the committee: %d", st)
	}
	r.meetingID = made.Session.Meeting
	if _, err := n.svc.Execute(t.Context(), r.meetingID, meeting.Actor{Participant: "huong"}, meeting.Publish{}); err != nil {
		t.Fatal(err)
	}
	var v consultView
	draft := map[string]any{"committee": "btv", "title": "Lấy ý kiến về Đề án chuyển đổi số",
		"questions": []map[string]any{{"text": "Đồng chí có đồng ý thông qua Đề án?"}},
		"deadline":  time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)}
	if st := r.admin.call("POST", "/api/v1/consultations", draft, &v); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	r.consultID = v.Consultation.ID
	r.consultBase = "/api/v1/consultations/" + r.consultID
	if st := r.chair.call("POST", r.consultBase+"/approve", nil, &v); st != 200 || v.Consultation.Status != "open" {
		t.Fatalf("approve: %d %+v", st, v)
	}
	return r
}

// TestMemberReachesOwnWork (issue 13, "members reach their own work"): an
// ordinary member's account — no staff, no administrator — lists its
// meetings as a delegate too (not openable without an invitation code; a
// draft meeting not at all), its consultations with its own answer state,
// and answers one. What the account sees is decided by the account →
// person link alone: an account named like a member but not linked to
// them sees nothing and answers nothing, and two people cannot share one
// account.
func TestMemberReachesOwnWork(t *testing.T) {
	r := newReachOffice(t)

	var ms struct{ Meetings []httpapi.AccountMeeting }
	if st := r.binh.call("GET", "/api/v1/account/meetings", nil, &ms); st != 200 || len(ms.Meetings) != 1 {
		t.Fatalf("binh's meetings: %d %+v", st, ms)
	}
	m := ms.Meetings[0]
	if m.Meeting != r.meetingID || m.Role != meeting.RoleDelegate || m.Participant != "uv2" || m.CanOpen || m.Place != "Phòng họp số 1" || m.StartsAt.IsZero() {
		t.Fatalf("binh's meeting: %+v", m)
	}
	if st := r.binh.call("POST", "/api/v1/account/meetings/"+r.meetingID+"/open", nil, nil); st != http.StatusForbidden {
		t.Fatalf("a delegate opens the meeting without a code: %d, want 403", st)
	}
	if st := r.chair.call("GET", "/api/v1/account/meetings", nil, &ms); st != 200 || len(ms.Meetings) != 1 || !ms.Meetings[0].CanOpen || ms.Meetings[0].Role != meeting.RoleChair {
		t.Fatalf("the chair's meetings: %d %+v", st, ms)
	}

	// A draft meeting of the committee: its chair sees it, a delegate not.
	var made struct{ Session access.Session }
	if st := r.admin.call("POST", "/api/v1/committees/btv/meetings", map[string]any{"title": "Họp bất thường (chưa công bố)",
		"starts_at": time.Now().Add(96 * time.Hour).UTC().Format(time.RFC3339)}, &made); st != http.StatusCreated {
		t.Fatalf("second meeting: %d", st)
	}
	if r.binh.call("GET", "/api/v1/account/meetings", nil, &ms); len(ms.Meetings) != 1 {
		t.Fatalf("a delegate lists a draft meeting: %+v", ms.Meetings)
	}
	if r.chair.call("GET", "/api/v1/account/meetings", nil, &ms); len(ms.Meetings) != 2 {
		t.Fatalf("the chair's meetings with the draft: %+v", ms.Meetings)
	}

	// The consultation: listed unanswered, answered, listed answered.
	var list struct {
		Consultations []struct {
			ID       string               `json:"id"`
			Status   string               `json:"status"`
			Role     string               `json:"role"`
			Deadline time.Time            `json:"deadline"`
			Answered map[string]time.Time `json:"answered"`
		}
	}
	if st := r.binh.call("GET", "/api/v1/consultations", nil, &list); st != 200 || len(list.Consultations) != 1 ||
		list.Consultations[0].Role != "member" || list.Consultations[0].Status != "open" || len(list.Consultations[0].Answered) != 0 || list.Consultations[0].Deadline.IsZero() {
		t.Fatalf("binh's consultations: %d %+v", st, list)
	}
	body := map[string]any{"answers": []map[string]string{{"question": "q1", "choice": "Đồng ý"}}}
	if st := r.binh.call("POST", r.consultBase+"/answers", body, nil); st != 200 {
		t.Fatalf("binh answers from her account: %d", st)
	}
	if r.binh.call("GET", "/api/v1/consultations", nil, &list); len(list.Consultations) != 1 || list.Consultations[0].Answered["uv2"].IsZero() {
		t.Fatalf("binh's answer state: %+v", list)
	}

	// An account named as a member but not linked to any person: nothing.
	lookalike := officeAccount(t, r.n, r.admin, "hang2", "Ngô Thị Hằng")
	if st := lookalike.call("GET", "/api/v1/consultations", nil, &list); st != 200 || len(list.Consultations) != 0 {
		t.Fatalf("an unlinked namesake lists %d %+v", st, list)
	}
	if st := lookalike.call("POST", r.consultBase+"/answers", body, nil); st != http.StatusForbidden {
		t.Fatalf("an unlinked namesake answers: %d, want 403", st)
	}
	if st := lookalike.call("GET", "/api/v1/account/meetings", nil, &ms); st != 200 || len(ms.Meetings) != 0 {
		t.Fatalf("an unlinked namesake's meetings: %+v", ms)
	}
	// Two people cannot share an account: the second link is refused and
	// changes nothing.
	var e apiError
	if st := r.admin.call("PUT", "/api/v1/people/pbt", map[string]any{"name": "Lê Thị Phương", "account": "binh"}, &e); st != http.StatusConflict || e.Error.MessageVI == "" {
		t.Fatalf("a second person on binh's account: %d %+v", st, e)
	}
	var cal struct{ Person struct{ ID string } }
	if r.binh.call("GET", "/api/v1/account/calendar", nil, &cal); cal.Person.ID != "uv2" {
		t.Fatalf("binh signs in as %q, want uv2", cal.Person.ID)
	}
}

// TestStaffMark (issue 13, the "Cán bộ văn phòng" box): an administrator
// marks a person staff; their account then manages the registry; a staff
// account that is no administrator cannot make anyone staff (refused,
// nothing stored); unmarked, the account loses the registry again.
func TestStaffMark(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	admin := newBrowser(t, n)
	firstRun(t, admin)
	ha := officeAccount(t, n, admin, "ha", "Trần Thu Hà")
	putOfficePeople(t, admin)
	if st := ha.call("GET", "/api/v1/people", nil, nil); st != http.StatusForbidden {
		t.Fatalf("an account of nobody lists people: %d", st)
	}
	var out struct{ Person struct{ Staff bool } }
	if st := admin.call("PUT", "/api/v1/people/ha", map[string]any{"name": "Trần Thu Hà", "account": "ha", "staff": true}, &out); st != 200 || !out.Person.Staff {
		t.Fatalf("marking staff: %d %+v", st, out)
	}
	if st := ha.call("GET", "/api/v1/people", nil, nil); st != 200 {
		t.Fatalf("staff list people: %d", st)
	}
	var e apiError
	if st := ha.call("PUT", "/api/v1/people/pbt", map[string]any{"name": "Lê Thị Phương", "staff": true}, &e); st != http.StatusForbidden || e.Error.MessageVI == "" {
		t.Fatalf("staff makes staff: %d %+v", st, e)
	}
	var list struct {
		People []struct {
			ID    string
			Staff bool
		}
	}
	admin.call("GET", "/api/v1/people", nil, &list)
	for _, p := range list.People {
		if p.Staff != (p.ID == "ha") {
			t.Fatalf("after the refused change: %+v", list.People)
		}
	}
	if st := admin.call("PUT", "/api/v1/people/ha", map[string]any{"name": "Trần Thu Hà", "account": "ha"}, nil); st != 200 {
		t.Fatalf("unmarking: %d", st)
	}
	if st := ha.call("GET", "/api/v1/people", nil, nil); st != http.StatusForbidden {
		t.Fatalf("unmarked staff list people: %d", st)
	}
}
