package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
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
		{"id": "uv1", "name": "Đặng Quốc Việt", "title": "Trưởng Ban Tổ chức", "email": "uv1@tinhuy.example"},
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
