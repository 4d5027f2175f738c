package office

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dais-meeting/dais/meeting"
)

// TestHostileText: what the office keeps and prints (PDFs, CSV, calendars,
// e-mail) is composed (NFC), without the invisible characters that only
// hide what is written, and a bidirectional override or a control
// character is refused — in a person's name, a consultation's description,
// an answer, a report's note, a conclusion's text, a document's title.
func TestHostileText(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Hương")
	p := Person{ID: "p1", Name: nfd + "\u200b", Title: "Phó\u00adBí thư"}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Nguyễn Thị Hương" || !norm.NFC.IsNormalString(p.Name) || p.Title != "PhóBí thư" {
		t.Fatalf("the person as stored: %q %q", p.Name, p.Title)
	}
	for _, name := range []string{"Trần \u202eVăn", "Lê \u2066Bình\u2069", "Đỗ\x1bMinh", "Mai\u0085Lan", "Hai\nDòng"} {
		q := Person{ID: "p2", Name: name}
		if err := q.Check(); meeting.ErrorCode(err) != meeting.Invalid {
			t.Errorf("name %q: %v, want invalid", name, err)
		}
	}
	if _, err := CheckTitle("Báo cáo \u202efdp.exe"); meeting.ErrorCode(err) != meeting.Invalid {
		t.Errorf("an override in a document's title: %v", err)
	}
	if _, err := CheckTitle(strings.Repeat("a", 301)); meeting.ErrorCode(err) != meeting.Invalid {
		t.Errorf("a 301-character title: %v", err)
	}
	if got, err := CheckTitle("  " + norm.NFD.String("Tờ trình") + " "); err != nil || got != "Tờ trình" {
		t.Errorf("a title: %q %v", got, err)
	}
	if got, ok := Body("Dòng một\r\n\tDòng hai\u200b"); !ok || got != "Dòng một\n\tDòng hai" {
		t.Errorf("a body: %q %v", got, ok)
	}

	// Through the decisions: nothing is decided from such text.
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	sec := Actor{Secretary: true, Account: "vp"}
	com := Committee{ID: "btv", Name: "Ban Thường vụ", Members: []Member{{Person: "a", Chair: true}, {Person: "b"}}}
	draft := Draft{ID: "lyk-1", Committee: com, Title: "Lấy ý kiến", Description: "Mô tả \u202ehiểm", Questions: []Question{{Text: "Đồng ý?"}}, Deadline: now.Add(48 * time.Hour)}
	if _, err := Decide(&Consultation{}, sec, draft, now); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("a description with an override: %v", err)
	}
	draft.Description = "Mô tả"
	c := &Consultation{}
	for _, step := range []struct {
		a   Actor
		cmd Command
	}{{sec, draft}, {Actor{Person: "a"}, Approve{}}} {
		evs, err := Decide(c, step.a, step.cmd, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	give := Give{Answers: []Answer{{Question: "q1", Choice: OtherChoice, Text: "Ý kiến \u2067khác"}}}
	if _, err := Decide(c, Actor{Person: "b"}, give, now); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("an answer with an isolate: %v", err)
	}
	d0 := &Consultation{}
	evs, err := Decide(d0, sec, draft, now)
	if err != nil || d0.Apply(evs[0]) != nil {
		t.Fatal(err)
	}
	if _, err := Decide(d0, sec, AddDocument{Document: Document{ID: "d1", SHA256: "x", Pages: 1, Title: "a\u202eb"}}, now); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("a document titled with an override: %v", err)
	}
	if _, _, _, err := checkConclusion("Kết luận", "Nội dung \x07", nil, nil, nil); meeting.ErrorCode(err) != meeting.Invalid {
		t.Fatalf("a conclusion's text with a bell: %v", err)
	}
}

// TestOldAnswersStillCheck: an answer recorded before texts were cleaned
// (decomposed, with a zero-width space) checks as recorded (the audit's
// CheckAnswers), while a new one is cleaned when given.
func TestOldAnswersStillCheck(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	c := &Consultation{}
	com := Committee{ID: "btv", Name: "Ban", Members: []Member{{Person: "a", Chair: true}, {Person: "b"}}}
	for _, s := range []struct {
		a   Actor
		cmd Command
	}{{Actor{Secretary: true}, Draft{ID: "lyk-1", Committee: com, Title: "T", Questions: []Question{{Text: "Q", Kind: QuestionFree}}, Deadline: now.Add(time.Hour)}}, {Actor{Person: "a"}, Approve{}}} {
		evs, err := Decide(c, s.a, s.cmd, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := []Answer{{Question: "q1", Text: norm.NFD.String("Đồng ý") + "\u200b"}}
	if got, err := c.CheckAnswers(old); err != nil || got[0].Text != old[0].Text {
		t.Fatalf("an old answer re-checked: %+v %v", got, err)
	}
	evs, err := Decide(c, Actor{Person: "b"}, Give{Answers: old}, now)
	if err != nil || evs[0].Data.(AnswerGiven).Answers[0].Text != "Đồng ý" {
		t.Fatalf("a new answer: %+v %v", evs, err)
	}
}
