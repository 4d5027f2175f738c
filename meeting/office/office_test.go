package office_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/office/icaltest"
)

func TestPersonCheck(t *testing.T) {
	tests := []struct {
		name string
		p    office.Person
		code meeting.Code
	}{
		{"fine", office.Person{ID: " Huong.NT ", Name: " Nguyễn Thị Hương ", Email: "Huong@TinhUy.vn"}, ""},
		{"bad id", office.Person{ID: "Hương", Name: "Nguyễn Thị Hương"}, meeting.Invalid},
		{"no name", office.Person{ID: "huong", Name: "  "}, meeting.Invalid},
		{"two lines", office.Person{ID: "huong", Name: "Nguyễn\nThị"}, meeting.Invalid},
		{"bad e-mail", office.Person{ID: "huong", Name: "Hương", Email: "huong@"}, meeting.Invalid},
		{"header in e-mail", office.Person{ID: "huong", Name: "Hương", Email: "a@b.vn>\r\nBcc: x@y.vn"}, meeting.Invalid},
		{"bad account", office.Person{ID: "huong", Name: "Hương", Account: "Hương!"}, meeting.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Check()
			if got := meeting.ErrorCode(err); got != tt.code {
				t.Fatalf("Check = %v, want code %q", err, tt.code)
			}
			var me *meeting.Error
			if err != nil && (!asError(err, &me) || me.MessageVI == "" || me.Message == "") {
				t.Fatalf("error without both messages: %#v", err)
			}
			if err == nil && (tt.p.ID != "huong.nt" || tt.p.Name != "Nguyễn Thị Hương" || tt.p.Email != "huong@tinhuy.vn") {
				t.Fatalf("not normalised: %+v", tt.p)
			}
		})
	}
}

func asError(err error, me **meeting.Error) bool {
	e, ok := err.(*meeting.Error)
	*me = e
	return ok
}

func TestCommitteeCheck(t *testing.T) {
	known := func(p string) bool { return p == "a1" || p == "a2" || p == "a3" }
	tests := []struct {
		name string
		c    office.Committee
		code meeting.Code
	}{
		{"fine", office.Committee{ID: "btv", Name: "Ban Thường vụ", Members: []office.Member{{Person: "a1", Chair: true, Title: "Bí thư"}, {Person: "a2"}}}, ""},
		{"no name", office.Committee{ID: "btv", Members: nil}, meeting.Invalid},
		{"bad id", office.Committee{ID: "Ban thường vụ", Name: "x"}, meeting.Invalid},
		{"unknown person", office.Committee{ID: "btv", Name: "x", Members: []office.Member{{Person: "zz"}}}, meeting.NotFound},
		{"twice", office.Committee{ID: "btv", Name: "x", Members: []office.Member{{Person: "a1"}, {Person: "a1"}}}, meeting.Invalid},
		{"two chairs", office.Committee{ID: "btv", Name: "x", Members: []office.Member{{Person: "a1", Chair: true}, {Person: "a2", Chair: true}}}, meeting.Invalid},
		{"bad majority", office.Committee{ID: "btv", Name: "x", Majority: "most"}, meeting.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := meeting.ErrorCode(tt.c.Check(known)); got != tt.code {
				t.Fatalf("Check: code %q, want %q", got, tt.code)
			}
		})
	}
}

func TestCommitteeParticipants(t *testing.T) {
	c := office.Committee{ID: "btv", Name: "Ban Thường vụ", Members: []office.Member{
		{Person: "bithu", Chair: true, Title: "Bí thư Tỉnh ủy"}, {Person: "pbt"}, {Person: "vp"}}}
	people := map[string]office.Person{"bithu": {ID: "bithu", Name: "Trần Văn Bình"}, "pbt": {ID: "pbt", Name: "Lê Thị Phó", Title: "Phó Bí thư"}, "vp": {ID: "vp", Name: "Chánh Văn phòng"}}
	ps := c.Participants(people, "main", "vp")
	if len(ps) != 2 || ps[0].Role != meeting.RoleChair || ps[0].Title != "Bí thư Tỉnh ủy" || ps[1].Role != meeting.RoleDelegate || ps[1].Title != "Phó Bí thư" || ps[1].Room != "main" {
		t.Fatalf("Participants = %+v", ps)
	}
}

var t0 = time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)

// committee11 is a committee of 11 with "m01" chairing.
func committee11() (office.Committee, []office.Person) {
	c := office.Committee{ID: "btv", Name: "Ban Thường vụ Tỉnh ủy"}
	var people []office.Person
	for i := 1; i <= 11; i++ {
		id := "m" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		c.Members = append(c.Members, office.Member{Person: id, Chair: i == 1})
		people = append(people, office.Person{ID: id, Name: "Ủy viên " + id, Email: id + "@tinhuy.vn"})
	}
	return c, people
}

func run(t *testing.T, c *office.Consultation, a office.Actor, cmd office.Command, at time.Time) error {
	t.Helper()
	evs, err := office.Decide(c, a, cmd, at)
	if err != nil {
		return err
	}
	for _, e := range evs {
		// Through the wire form, as the log holds it.
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back office.Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("decoding %s: %v", b, err)
		}
		if err := c.Apply(back); err != nil {
			t.Fatal(err)
		}
	}
	return nil
}

var (
	secretary = office.Actor{Secretary: true, Account: "vanphong"}
	chair     = office.Actor{Person: "m01"}
	system    = office.Actor{System: true}
)

func member(i int) office.Actor {
	return office.Actor{Person: "m" + string(rune('0'+i/10)) + string(rune('0'+i%10))}
}

func drafted(t *testing.T) *office.Consultation {
	t.Helper()
	com, people := committee11()
	c := &office.Consultation{}
	if err := run(t, c, secretary, office.Draft{ID: "ct1", Committee: com, People: people, Title: "Lấy ý kiến về Đề án chuyển đổi số",
		Questions: []office.Question{{Text: "Đồng chí có đồng ý thông qua Đề án?"}, {ID: "gopy", Kind: office.QuestionFree, Text: "Góp ý thêm"}},
		Deadline:  t0.Add(48 * time.Hour)}, t0); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConsultationRefusals(t *testing.T) {
	c := drafted(t)
	if c.Status != office.StatusDraft || len(c.Members) != 11 || c.Chair != "m01" || c.Questions[0].Kind != office.QuestionChoice ||
		strings.Join(c.Questions[0].Choices, "|") != "Đồng ý|Không đồng ý|Ý kiến khác" || c.Questions[0].ID != "q1" {
		t.Fatalf("drafted %+v", c)
	}
	full := []office.Answer{{Question: "q1", Choice: "Đồng ý"}, {Question: "gopy", Text: "Cần bổ sung kinh phí."}}
	tests := []struct {
		name  string
		actor office.Actor
		cmd   office.Command
		at    time.Time
		code  meeting.Code
	}{
		{"a member cannot edit", member(3), office.Edit{Title: "x", Questions: c.Questions, Deadline: t0.Add(time.Hour)}, t0, meeting.Forbidden},
		{"edit without questions", secretary, office.Edit{Title: "x", Deadline: t0.Add(time.Hour)}, t0, meeting.Invalid},
		{"edit with a past deadline", secretary, office.Edit{Title: "x", Questions: c.Questions, Deadline: t0.Add(-time.Hour)}, t0, meeting.Invalid},
		{"edit with a bad kind", secretary, office.Edit{Title: "x", Questions: []office.Question{{Text: "?", Kind: "many"}}, Deadline: t0.Add(time.Hour)}, t0, meeting.Invalid},
		{"a secretary cannot approve", secretary, office.Approve{}, t0, meeting.Forbidden},
		{"a member cannot approve", member(2), office.Approve{}, t0, meeting.Forbidden},
		{"no answer before it is sent", member(2), office.Give{Answers: full}, t0, meeting.Conflict},
		{"approve after the deadline", chair, office.Approve{}, t0.Add(49 * time.Hour), meeting.Conflict},
		{"close a draft", chair, office.Close{}, t0, meeting.Conflict},
		{"draft twice", secretary, office.Draft{ID: "ct1"}, t0, meeting.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Version
			err := run(t, c, tt.actor, tt.cmd, tt.at)
			if got := meeting.ErrorCode(err); got != tt.code || c.Version != v {
				t.Fatalf("err %v (code %q), version %d→%d; want code %q, nothing changed", err, got, v, c.Version, tt.code)
			}
		})
	}
	if err := run(t, c, chair, office.Approve{}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	open := []struct {
		name  string
		actor office.Actor
		cmd   office.Command
		at    time.Time
		code  meeting.Code
	}{
		{"not a member", office.Actor{Person: "zz"}, office.Give{Answers: full}, t0.Add(2 * time.Hour), meeting.Forbidden},
		{"a question missing", member(2), office.Give{Answers: full[:1]}, t0.Add(2 * time.Hour), meeting.Invalid},
		{"an unknown choice", member(2), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Có"}, full[1]}}, t0.Add(2 * time.Hour), meeting.Invalid},
		{"other without a text", member(2), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Ý kiến khác"}, full[1]}}, t0.Add(2 * time.Hour), meeting.Invalid},
		{"free without a text", member(2), office.Give{Answers: []office.Answer{full[0], {Question: "gopy"}}}, t0.Add(2 * time.Hour), meeting.Invalid},
		{"an unknown question", member(2), office.Give{Answers: append(full, office.Answer{Question: "q9", Choice: "Đồng ý"})}, t0.Add(2 * time.Hour), meeting.NotFound},
		{"after the deadline", member(2), office.Give{Answers: full}, t0.Add(48 * time.Hour), meeting.Conflict},
		{"edit once sent", secretary, office.Edit{Title: "x", Questions: c.Questions, Deadline: t0.Add(72 * time.Hour)}, t0.Add(2 * time.Hour), meeting.Conflict},
		{"the server closes early", system, office.Close{}, t0.Add(47 * time.Hour), meeting.Conflict},
		{"a member closes", member(3), office.Close{}, t0.Add(2 * time.Hour), meeting.Forbidden},
		{"remind a stranger", secretary, office.Remind{To: []string{"zz"}}, t0.Add(2 * time.Hour), meeting.NotFound},
	}
	for _, tt := range open {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Version
			err := run(t, c, tt.actor, tt.cmd, tt.at)
			if got := meeting.ErrorCode(err); got != tt.code || c.Version != v {
				t.Fatalf("err %v (code %q), version %d→%d; want code %q, nothing changed", err, got, v, c.Version, tt.code)
			}
		})
	}
}

// TestConsultationCount: 11 members; the count is against all members
// (party-procedures.md: 6 needed, 5 are not enough), a changed answer
// counts once, written opinions are kept, reminders only go to those who
// have not answered.
func TestConsultationCount(t *testing.T) {
	tests := []struct {
		name     string
		majority string
		agree    int // members m01.. who answer Đồng ý; the next answer Không đồng ý, one Ý kiến khác
		passed   bool
		needed   int
	}{
		{"6 of 11 pass", "", 6, true, 6},
		{"5 of 11 (of 7 answering) do not pass", "", 5, false, 6},
		{"5 of 7 answering pass when counted on answers", office.MajorityAnswered, 5, true, 4},
		{"7 of 11 short of two thirds", office.MajorityTwoThirds, 7, false, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			com, people := committee11()
			com.Majority = tt.majority
			c := &office.Consultation{}
			must := func(a office.Actor, cmd office.Command, at time.Time) {
				t.Helper()
				if err := run(t, c, a, cmd, at); err != nil {
					t.Fatalf("%s: %v", cmd.CommandName(), err)
				}
			}
			must(secretary, office.Draft{ID: "ct", Committee: com, People: people, Title: "Đề án", Questions: []office.Question{{Text: "Thông qua?"}}, Deadline: t0.Add(24 * time.Hour)}, t0)
			must(chair, office.Approve{}, t0)
			at := t0.Add(time.Hour)
			// Member 2 first disagrees, then changes to agree: one answer.
			must(member(2), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Không đồng ý"}}}, at)
			for i := 1; i <= tt.agree; i++ {
				must(member(i), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}}}, at)
			}
			must(member(tt.agree+1), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Ý kiến khác", Text: "Đề nghị làm rõ nguồn vốn; \"ưu tiên\" vùng sâu."}}}, at)
			if tt.agree < 6 {
				must(member(tt.agree+2), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Không đồng ý"}}}, at)
			}
			v := c.Version
			must(system, office.Remind{To: []string{"m01", "m11", "m10"}}, at)
			if c.Version != v+1 || len(c.Reminded) != 2 || !c.Reminded["m11"].Equal(at) || !c.Reminded["m01"].IsZero() {
				t.Fatalf("reminded %v, want m10 and m11 only", c.Reminded)
			}
			// The server's reminder, decided again (after another node's):
			// nobody twice.
			if evs, err := office.Decide(c, system, office.Remind{To: []string{"m10", "m11"}, Once: true}, at); err != nil || len(evs) != 0 {
				t.Fatalf("a second automatic reminder: %v, %v", evs, err)
			}
			must(system, office.Close{}, t0.Add(24*time.Hour))
			r := c.Result
			if c.Status != office.StatusClosed || c.ClosedBy != "deadline" || r == nil {
				t.Fatalf("closed %s by %q", c.Status, c.ClosedBy)
			}
			q := r.Questions[0]
			if q.Counts[0].Count != tt.agree || *q.Passed != tt.passed || q.Needed != tt.needed || r.Members != 11 {
				t.Fatalf("result %+v: agree %d passed %v needed %d", r, q.Counts[0].Count, *q.Passed, q.Needed)
			}
			if len(q.Opinions) != 1 || q.Opinions[0].Text != "Đề nghị làm rõ nguồn vốn; \"ưu tiên\" vùng sâu." {
				t.Fatalf("opinions %+v", q.Opinions)
			}
			total := 0
			for _, cc := range q.Counts {
				total += cc.Count
			}
			if total != r.Answered || len(r.NotAnswered) != 11-r.Answered {
				t.Fatalf("counts %+v add to %d, answered %d, not answered %v", q.Counts, total, r.Answered, r.NotAnswered)
			}
		})
	}
}

func TestEventFormatRefusal(t *testing.T) {
	var e office.Event
	err := json.Unmarshal([]byte(`{"seq":1,"type":"AnswerGiven","v":2,"at":"2026-12-03T01:00:00Z","data":{"person":"a"}}`), &e)
	if err == nil || !strings.Contains(err.Error(), "newer Dais") {
		t.Fatalf("a newer format: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"seq":1,"type":"Nope","at":"2026-12-03T01:00:00Z"}`), &e); err == nil {
		t.Fatal("an unknown type decoded")
	}
	b, _ := json.Marshal(office.Event{Seq: 1, At: t0, Data: office.ConsultationApproved{}})
	if strings.Contains(string(b), `"v"`) {
		t.Fatalf("a format-1 event carries a format: %s", b)
	}
}

func TestICalendar(t *testing.T) {
	long := "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15 (mở rộng); thảo luận, cho ý kiến về Báo cáo chính trị\\Dự thảo"
	entries := []office.CalendarEntry{
		{UID: "meeting-hn15@dais", Kind: office.EntryMeeting, Title: long, Start: t0, End: t0.Add(office.MeetingLength),
			Location: "Hội trường Tỉnh ủy, tầng 3", Description: "Đồng chí dự với tư cách: đại biểu\nMang theo máy tính bảng."},
		{UID: "consultation-ct1@dais", Kind: office.EntryConsultation, Title: "Hạn góp ý: Đề án", Start: t0.Add(47 * time.Hour), End: t0.Add(48 * time.Hour)},
	}
	data := office.ICalendar("Lịch của Nguyễn Thị Hương", entries, t0)
	cal, err := icaltest.Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if cal.Props["X-WR-CALNAME"] != "Lịch của Nguyễn Thị Hương" || len(cal.Events) != 2 {
		t.Fatalf("calendar %+v", cal)
	}
	e := cal.Events[0]
	if e.Summary != long || e.Location != "Hội trường Tỉnh ủy, tầng 3" || e.Description != "Đồng chí dự với tư cách: đại biểu\nMang theo máy tính bảng." ||
		!e.Start.Equal(t0) || !e.End.Equal(t0.Add(office.MeetingLength)) || !e.Stamp.Equal(t0) || e.UID != "meeting-hn15@dais" {
		t.Fatalf("event %+v", e)
	}
	if !strings.Contains(string(data), "\r\n ") {
		t.Fatal("the long summary was not folded")
	}
	// The strict reader itself refuses what it must.
	bad := map[string]string{
		"bare LF":         strings.ReplaceAll(string(data), "\r\n", "\n"),
		"unescaped comma": strings.Replace(string(data), `tầng 3`, `tầng, 3`, 1),
		"long line":       strings.Replace(string(data), "METHOD:PUBLISH", "METHOD:PUBLISH"+strings.Repeat("X", 80), 1),
		"no UID":          strings.Replace(string(data), "UID:consultation-ct1@dais\r\n", "", 1),
		"split character": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-A:" + string([]byte("Hư")[:2]) + "\r\n " + string([]byte("Hư")[2:]) + "\r\nEND:VCALENDAR\r\n",
		"unbalanced":      strings.Replace(string(data), "END:VEVENT\r\n", "", 1),
	}
	for name, s := range bad {
		if _, err := icaltest.Parse([]byte(s)); err == nil {
			t.Errorf("%s: the strict reader accepted it", name)
		}
	}
}

// TestDecideLeavesCommandQuestions: drafting completes the event's
// questions (id, kind, default choices), not the caller's slice — a caller
// that reuses it for a second draft must not change the first one's
// events (a data race with a reader of the first, seen with -race in
// cmd/daisd's TestOfficeForeignIDs).
func TestDecideLeavesCommandQuestions(t *testing.T) {
	qs := []office.Question{{Text: "Đồng ý thông qua?"}}
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ", Members: []office.Member{{Person: "a", Chair: true}, {Person: "b"}}}
	evs, err := office.Decide(&office.Consultation{}, office.Actor{Secretary: true}, office.Draft{ID: "c1", Title: "Lấy ý kiến", Questions: qs, Deadline: now.Add(time.Hour),
		Committee: com, People: []office.Person{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if qs[0].ID != "" || qs[0].Kind != "" || qs[0].Choices != nil {
		t.Fatalf("the caller's question was changed: %+v", qs[0])
	}
	got := evs[0].Data.(office.ConsultationDrafted).Questions[0]
	if got.ID != "q1" || got.Kind != office.QuestionChoice || len(got.Choices) != len(office.DefaultChoices) {
		t.Fatalf("the event's question: %+v", got)
	}
}
