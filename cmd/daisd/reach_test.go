package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/protocol"
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
	docID                 string // the consultation's PDF
	docPDF                []byte
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
	var pdfBuf bytes.Buffer
	if err := n.pdfs.Generate(t.Context(), &pdfBuf, "Dự thảo Đề án chuyển đổi số", 2, nil); err != nil {
		t.Fatal(err)
	}
	r.docPDF = pdfBuf.Bytes()
	var added struct{ Document struct{ ID string } }
	if st := upload(t, r.admin, r.consultBase+"/documents?title=du-thao", r.docPDF, &added); st != http.StatusCreated {
		t.Fatalf("upload: %d", st)
	}
	r.docID = added.Document.ID
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

// TestTabletAnswers (issue 13, consultations on a tablet): a member's
// tablet, signed in with the meeting's invitation code, lists the open
// consultations of the committee the meeting was made from and answers for
// its member — the answer is theirs, as if given from their account. A
// substitute seated for an absent member sees none and answers nothing
// (written consultations are per member); so does a participant of another
// meeting that merely has a member's id; and a closed consultation is no
// longer listed.
func TestTabletAnswers(t *testing.T) {
	r := newReachOffice(t)
	n, ctx := r.n, t.Context()
	base := baseURL(r.n) + "/api/v1/meetings/" + r.meetingID + "/consultations"
	type tabletList struct {
		Person        string `json:"person"`
		Consultations []struct {
			ID       string                     `json:"id"`
			Role     string                     `json:"role"`
			Answers  map[string][]office.Answer `json:"answers"`
			Answered map[string]time.Time       `json:"answered"`
		} `json:"consultations"`
	}
	list := func(token, url string) tabletList {
		t.Helper()
		st, body := request(t, "GET", url, token, nil)
		var out tabletList
		if st != 200 || json.Unmarshal(body, &out) != nil {
			t.Fatalf("GET %s: %d %s", url, st, body)
		}
		return out
	}
	answer := func(token, url, choice string) (int, []byte) {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"answers": []map[string]string{{"question": "q1", "choice": choice}}})
		req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := contractClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}

	// Việt (uv1) on his tablet: the open consultation, unanswered; he answers.
	viet := tokenFor(t, n, r.meetingID, "uv1")
	got := list(viet, base)
	if got.Person != "uv1" || len(got.Consultations) != 1 || got.Consultations[0].ID != r.consultID || got.Consultations[0].Role != "member" || len(got.Consultations[0].Answered) != 0 {
		t.Fatalf("uv1's tablet lists %+v", got)
	}
	// The consultation's document, with the meeting's session.
	docPath := base + "/" + r.consultID + "/documents/" + r.docID + "/file"
	if st, body := request(t, "GET", docPath, viet, nil); st != 200 || !bytes.Equal(body, r.docPDF) {
		t.Fatalf("uv1's tablet reads the document: %d, %d bytes (want %d)", st, len(body), len(r.docPDF))
	}
	if st, body := answer(viet, base+"/"+r.consultID+"/answers", "Không đồng ý"); st != 200 {
		t.Fatalf("uv1 answers from the tablet: %d %s", st, body)
	}
	got = list(viet, base)
	if a := got.Consultations[0].Answers["uv1"]; len(a) != 1 || a[0].Choice != "Không đồng ý" || got.Consultations[0].Answered["uv1"].IsZero() {
		t.Fatalf("uv1's answer on the tablet: %+v", got)
	}
	// The same answer, seen from his account: it is his.
	var v consultView
	if st := r.viet.call("GET", r.consultBase, nil, &v); st != 200 || v.Consultation.Answers["uv1"][0].Choice != "Không đồng ý" {
		t.Fatalf("uv1's account sees %d %+v", st, v)
	}
	// He changes it from his tablet; a bad answer is refused and changes nothing.
	if st, _ := answer(viet, base+"/"+r.consultID+"/answers", "Đồng ý"); st != 200 {
		t.Fatalf("uv1 answers again: %d", st)
	}
	if st, _ := answer(viet, base+"/"+r.consultID+"/answers", "Có lẽ"); st != http.StatusBadRequest {
		t.Fatalf("a choice that is none: %d", st)
	}
	r.viet.call("GET", r.consultBase, nil, &v)
	if v.Consultation.Answers["uv1"][0].Choice != "Đồng ý" {
		t.Fatalf("after a refused answer: %+v", v.Consultation.Answers)
	}

	// Hằng (uv2) is away; a substitute is seated for her. The substitute's
	// tablet sees nothing and cannot answer for her.
	var room string
	st, err := n.svc.State(ctx, r.meetingID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rm := range st.Rooms {
		if rm.Main {
			room = rm.ID
		}
	}
	sec := meeting.Actor{Participant: "huong"}
	for _, cmd := range []meeting.Command{
		meeting.MarkAbsent{Participant: "uv2", Reason: "Đi công tác", Approved: true},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "thay-uv2", Name: "Trịnh Quang Huy", Role: meeting.RoleObserver, Room: room}},
		meeting.SeatSubstitute{Participant: "thay-uv2", For: "uv2"},
	} {
		if _, err := n.svc.Execute(ctx, r.meetingID, sec, cmd); err != nil {
			t.Fatalf("%s: %v", cmd.CommandName(), err)
		}
	}
	sub := tokenFor(t, n, r.meetingID, "thay-uv2")
	if got := list(sub, base); got.Person != "" || len(got.Consultations) != 0 {
		t.Fatalf("the substitute's tablet lists %+v", got)
	}
	if st, body := answer(sub, base+"/"+r.consultID+"/answers", "Đồng ý"); st != http.StatusForbidden {
		t.Fatalf("the substitute answers: %d %s", st, body)
	}
	if st, _ := request(t, "GET", docPath, sub, nil); st != http.StatusForbidden {
		t.Fatalf("the substitute reads the document: %d", st)
	}
	// Hằng herself still answers from her tablet (she is the member).
	hang := tokenFor(t, n, r.meetingID, "uv2")
	if got := list(hang, base); got.Person != "uv2" || len(got.Consultations) != 1 {
		t.Fatalf("uv2's tablet lists %+v", got)
	}

	// Another meeting, not made from the committee, with a participant
	// under a member's id and name: its tablet proves no one.
	var own access.Session
	if st := r.admin.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Hội nghị khác", "starts_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &own); st != http.StatusCreated {
		t.Fatalf("another meeting: %d", st)
	}
	ownState, err := n.svc.State(ctx, own.Meeting)
	if err != nil {
		t.Fatal(err)
	}
	var ownRoom string
	for _, rm := range ownState.Rooms {
		if rm.Main {
			ownRoom = rm.ID
		}
	}
	if _, err := n.svc.Execute(ctx, own.Meeting, meeting.Actor{Participant: own.Participant},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "pbt", Name: "Lê Thị Phương", Role: meeting.RoleDelegate, Room: ownRoom}}); err != nil {
		t.Fatal(err)
	}
	fake := tokenFor(t, n, own.Meeting, "pbt")
	other := baseURL(n) + "/api/v1/meetings/" + own.Meeting + "/consultations"
	if got := list(fake, other); got.Person != "" || len(got.Consultations) != 0 {
		t.Fatalf("a namesake in another meeting lists %+v", got)
	}
	if st, _ := answer(fake, other+"/"+r.consultID+"/answers", "Đồng ý"); st != http.StatusForbidden {
		t.Fatalf("a namesake in another meeting answers: %d", st)
	}
	if st, _ := request(t, "GET", other+"/"+r.consultID+"/documents/"+r.docID+"/file", fake, nil); st != http.StatusForbidden {
		t.Fatalf("a namesake in another meeting reads the document: %d", st)
	}
	r.chair.call("GET", r.consultBase, nil, &v)
	if len(v.Consultation.Answers) != 1 || v.Consultation.AnsweredCount != 1 {
		t.Fatalf("answers after the refusals: %+v", v.Consultation)
	}

	// Closed: no longer listed, and no answer taken.
	if st := r.chair.call("POST", r.consultBase+"/close", nil, nil); st != 200 {
		t.Fatalf("close: %d", st)
	}
	if got := list(hang, base); len(got.Consultations) != 0 {
		t.Fatalf("a closed consultation on the tablet: %+v", got)
	}
	if st, _ := answer(hang, base+"/"+r.consultID+"/answers", "Đồng ý"); st != http.StatusConflict {
		t.Fatalf("an answer after the close: %d", st)
	}
	if st, _ := request(t, "GET", docPath, hang, nil); st != http.StatusForbidden {
		t.Fatalf("a closed consultation's document from the tablet: %d", st)
	}
}

// TestConclusionPublishedRingsTablets (issue 13: publication reaches the
// tablets at once): when a conclusion of the meeting's item is published,
// every connected tablet of the meeting gets a notice over its WebSocket
// ({"type":"notice","name":"conclusions","id":…}) — not the approval
// before it, not a tablet of another meeting — and the published list is
// what it then fetches. The notice is not replayed: a tablet that was away
// resumes from its last seq and finds the conclusion by fetching after
// its welcome, as the web client does.
func TestConclusionPublishedRingsTablets(t *testing.T) {
	r := newReachOffice(t)
	n, ctx := r.n, t.Context()
	if _, err := n.svc.Execute(ctx, r.meetingID, meeting.Actor{Participant: "huong"},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "ns", Title: "Dự toán ngân sách năm 2027"}}); err != nil {
		t.Fatal(err)
	}
	secTok := tokenFor(t, n, r.meetingID, "huong")
	// The chair approves from the console opened from their account (an
	// invitation code's session acts as no office person).
	var console access.Session
	if st := r.chair.call("POST", "/api/v1/account/meetings/"+r.meetingID+"/open", nil, &console); st != http.StatusOK {
		t.Fatalf("the chair opens the console: %d", st)
	}
	chairTok := console.Token
	tabTok := tokenFor(t, n, r.meetingID, "uv1")
	awayTok := tokenFor(t, n, r.meetingID, "uv2")

	// Another meeting's tablet, to hear nothing.
	var own access.Session
	if st := r.admin.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Hội nghị khác", "starts_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &own); st != http.StatusCreated {
		t.Fatalf("another meeting: %d", st)
	}
	dial := func(tok string, last uint64) *daisclient.Client {
		t.Helper()
		c, err := daisclient.Dial(ctx, baseURL(n), tok, daisclient.Options{LastSeq: last})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	tab := dial(tabTok, 0)
	other := dial(own.Token, 0)
	away := dial(awayTok, 0)
	awaySeq := away.Welcome().Seq
	_ = away.Close() // uv2's tablet sleeps through the publication

	b := newBrowser(t, n)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	M := "/api/v1/meetings/" + r.meetingID + "/conclusions"
	var v conclusionView
	if st := b.call("POST", M, map[string]any{"agenda_item": "ns", "title": "Kết luận về dự toán ngân sách năm 2027",
		"text": "Ban Thường vụ thống nhất thông qua dự toán."}, &v, bearer(secTok)...); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	id := v.Conclusion.ID
	if st := b.call("POST", M+"/"+id+"/approve", nil, &v, bearer(chairTok)...); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	if st := b.call("POST", M+"/"+id+"/publish", nil, &v, bearer(secTok)...); st != 200 || v.Conclusion.Status != office.StatusPublished {
		t.Fatalf("publish: %d %+v", st, v.Conclusion)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var got []protocol.Notice
	if err := tab.WaitFor(wctx, func(v daisclient.View) bool {
		got = slices.Clone(v.Notices)
		return len(v.Notices) > 0
	}); err != nil {
		t.Fatalf("no notice on the tablet after the publication: %v", err)
	}
	if len(got) != 1 || got[0].Type != protocol.TypeNotice || got[0].Name != protocol.NoticeConclusions || got[0].ID != id {
		t.Fatalf("the tablet's notices: %+v, want one for %s (the approval rings nobody)", got, id)
	}
	// What the notice asks it to fetch lists the conclusion.
	var list struct{ Conclusions []office.Conclusion }
	if st := b.call("GET", M, nil, &list, bearer(tabTok)...); st != 200 || len(list.Conclusions) != 1 || list.Conclusions[0].ID != id {
		t.Fatalf("the tablet's list: %d %+v", st, list)
	}
	// Another meeting's tablet has heard nothing by then.
	_ = other.WaitFor(wctx, func(v daisclient.View) bool {
		if len(v.Notices) != 0 {
			t.Errorf("another meeting's tablet got %+v", v.Notices)
		}
		return true
	})
	// The sleeping tablet resumes from its seq: no notice is replayed, and
	// its fetch after the welcome finds the conclusion.
	back := dial(awayTok, awaySeq)
	if w := back.Welcome(); w.Seq < awaySeq {
		t.Fatalf("resume from %d: welcome at %d", awaySeq, w.Seq)
	}
	_ = back.WaitFor(wctx, func(v daisclient.View) bool {
		if len(v.Notices) != 0 {
			t.Errorf("a notice replayed on resume: %+v", v.Notices)
		}
		return true
	})
	if st := b.call("GET", M, nil, &list, bearer(awayTok)...); st != 200 || len(list.Conclusions) != 1 || list.Conclusions[0].Numbered == "" {
		t.Fatalf("the resumed tablet's list: %d %+v", st, list)
	}
}

// TestConsultationRingsTablets (issue 13: tablets learn at once when a
// consultation is sent or closed): the chair's approval of a consultation
// of the committee rings every connected tablet of a meeting made from that
// committee with {"type":"notice","name":"consultations","id":…} — not its
// drafting, not a tablet of a meeting not made from the committee — and so
// does its closing; what the notice asks for then lists it (open, then
// gone). Not replayed: a tablet that slept through resumes without it.
func TestConsultationRingsTablets(t *testing.T) {
	r := newReachOffice(t)
	n, ctx := r.n, t.Context()
	tabTok := tokenFor(t, n, r.meetingID, "uv1")
	awayTok := tokenFor(t, n, r.meetingID, "uv2")
	var own access.Session
	if st := r.admin.call("POST", "/api/v1/account/meetings", map[string]any{"title": "Hội nghị khác", "starts_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &own); st != http.StatusCreated {
		t.Fatalf("another meeting: %d", st)
	}
	dial := func(tok string, last uint64) *daisclient.Client {
		t.Helper()
		c, err := daisclient.Dial(ctx, baseURL(n), tok, daisclient.Options{LastSeq: last})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	tab := dial(tabTok, 0)
	other := dial(own.Token, 0)
	away := dial(awayTok, 0)
	awaySeq := away.Welcome().Seq
	_ = away.Close()

	var v consultView
	draft := map[string]any{"committee": "btv", "title": "Lấy ý kiến về Quy chế làm việc",
		"questions": []map[string]any{{"text": "Đồng chí có đồng ý thông qua Quy chế?"}},
		"deadline":  time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)}
	if st := r.admin.call("POST", "/api/v1/consultations", draft, &v); st != http.StatusCreated {
		t.Fatalf("draft: %d", st)
	}
	id := v.Consultation.ID
	base := "/api/v1/consultations/" + id
	if st := r.chair.call("POST", base+"/approve", nil, &v); st != 200 || v.Consultation.Status != "open" {
		t.Fatalf("approve: %d %+v", st, v)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	waitNotices := func(want int) []protocol.Notice {
		t.Helper()
		var got []protocol.Notice
		if err := tab.WaitFor(wctx, func(v daisclient.View) bool {
			got = slices.Clone(v.Notices)
			return len(v.Notices) >= want
		}); err != nil {
			t.Fatalf("the tablet has %d notices, want %d: %v", len(got), want, err)
		}
		return got
	}
	got := waitNotices(1)
	if len(got) != 1 || got[0].Type != protocol.TypeNotice || got[0].Name != protocol.NoticeConsultations || got[0].ID != id {
		t.Fatalf("the tablet's notices after sending: %+v, want one for %s (the draft rings nobody)", got, id)
	}
	type tabletList struct {
		Person        string `json:"person"`
		Consultations []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"consultations"`
	}
	b := newBrowser(t, n)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	M := "/api/v1/meetings/" + r.meetingID + "/consultations"
	listed := func(tok string) bool {
		t.Helper()
		var l tabletList
		if st := b.call("GET", M, nil, &l, bearer(tok)...); st != 200 || l.Person != "uv1" && l.Person != "uv2" {
			t.Fatalf("the tablet's consultations: %d %+v", st, l)
		}
		for _, c := range l.Consultations {
			if c.ID == id {
				return true
			}
		}
		return false
	}
	if !listed(tabTok) {
		t.Fatal("the notice's fetch does not list the consultation sent")
	}
	if st := r.chair.call("POST", base+"/close", nil, &v); st != 200 || v.Consultation.Status != "closed" {
		t.Fatalf("close: %d %+v", st, v)
	}
	got = waitNotices(2)
	if len(got) != 2 || got[1].Name != protocol.NoticeConsultations || got[1].ID != id {
		t.Fatalf("the tablet's notices after closing: %+v", got)
	}
	if listed(tabTok) {
		t.Fatal("the closed consultation is still listed for answers")
	}
	// A meeting not made from the committee heard nothing by then.
	_ = other.WaitFor(wctx, func(v daisclient.View) bool {
		if len(v.Notices) != 0 {
			t.Errorf("another meeting's tablet got %+v", v.Notices)
		}
		return true
	})
	back := dial(awayTok, awaySeq)
	_ = back.WaitFor(wctx, func(v daisclient.View) bool {
		if len(v.Notices) != 0 {
			t.Errorf("a notice replayed on resume: %+v", v.Notices)
		}
		return true
	})
}
