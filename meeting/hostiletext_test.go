package meeting

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestHiddenControlsRefused: a name, a title or a comment holding a
// bidirectional override (U+202E "Trojan source": what a reader sees is not
// the order written), an isolate, an escape or another control character
// is refused with the character named, in both languages, and changes
// nothing; tabs and line breaks in a long text and ordinary Vietnamese
// (composed or not) are accepted.
func TestHiddenControlsRefused(t *testing.T) {
	refused := []struct {
		name  string
		actor string
		cmd   Command
		char  string
	}{
		{"an override in a participant's name", "sec", AddParticipant{Participant: Participant{ID: "x1", Name: "Nguyễn Văn \u202eAnh", Role: RoleDelegate, Room: "main"}}, "U+202E"},
		{"an isolate in a title", "sec", AddParticipant{Participant: Participant{ID: "x1", Name: "Lê Văn Bình", Title: "Phó \u2067Bí thư", Role: RoleDelegate, Room: "main"}}, "U+2067"},
		{"an escape in a document's title", "sec", AddDocument{Document: Document{ID: "doc9", Title: "Báo cáo\x1b[31m", Pages: 1, SHA256: sha2}}, "U+001B"},
		{"a C1 control in an agenda item", "sec", AddAgendaItem{Item: Item{ID: "i9", Title: "Mục \u0085 mới"}}, "U+0085"},
		{"an override in a comment", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Text: "Đồng ý \u202dvới dự thảo"}, "U+202D"},
		{"an override in a quote", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Rect: &[4]float64{0.1, 0.1, 0.2, 0.2}, Quote: "tăng \u202etrưởng", Text: "x"}, "U+202E"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			l := drafting(t, DraftPrivate)
			before := l.s.Version
			_, err := Decide(l.s, Actor{Participant: tc.actor}, tc.cmd, l.now.Add(time.Second))
			var me *Error
			if !errors.As(err, &me) || me.Code != Invalid || !strings.Contains(me.Message, tc.char) || !strings.Contains(me.MessageVI, tc.char) {
				t.Fatalf("got %v, want invalid naming %s in both languages", err, tc.char)
			}
			if l.s.Version != before {
				t.Fatal("a refusal changed the state")
			}
		})
	}
	l := drafting(t, DraftPrivate)
	l.run(t,
		step{"sec", AddParticipant{Participant: Participant{ID: "x2", Name: "Nguye\u0302\u0303n Văn Dũng", Role: RoleDelegate, Room: "main"}}},
		step{"d1", CommentDraft{ID: "y8", Document: "doc1", Page: 1, Text: "Dòng một\n\tDòng hai\r\nDòng ba"}},
	)
}
