package meeting

import (
	"errors"
	"testing"
	"time"
)

// drafting is a published meeting (setupSteps) with doc1 open for comments
// until t0+48h, privately to the drafting team (d2 on it), and doc3 (a
// second version, uploaded but not yet added).
func drafting(t *testing.T, vis DraftVisibility) *log {
	t.Helper()
	l := newLog()
	l.run(t, setupSteps()...)
	l.run(t,
		step{"sec", Publish{}},
		step{"sec", AddDocument{Document: Document{ID: "doc3", Title: "Báo cáo kinh tế - xã hội (dự thảo 2)", Pages: 9, SHA256: sha2}}},
		step{"sec", OpenDraft{Document: "doc1", Deadline: t0.Add(48 * time.Hour), Visibility: vis, Team: []string{"d2"}}},
	)
	return l
}

func TestDraftCommentsVisibility(t *testing.T) {
	for _, tc := range []struct {
		vis DraftVisibility
		// who sees d1's comment (besides d1, the chair, sec and d2)
		d3, observer bool
	}{
		{DraftPrivate, false, false},
		{DraftPublic, true, true},
	} {
		t.Run(string(tc.vis), func(t *testing.T) {
			l := drafting(t, tc.vis)
			evs := l.run(t, step{"d1", CommentDraft{ID: "y1", Document: "doc1", Page: 2, Rect: &[4]float64{0.1, 0.2, 0.6, 0.25},
				Quote: "tăng 7,8% so với cùng kỳ", Text: "Đề nghị nêu rõ nguồn số liệu"}})
			c := l.s.DraftComments[0]
			if c.Author != "d1" || c.Kind() != "text" || c.Shared != (tc.vis == DraftPublic) || !c.At.Equal(l.now) {
				t.Fatalf("comment %+v", c)
			}
			for viewer, want := range map[string]bool{"d1": true, "chair": true, "sec": true, "d2": true, "d3": tc.d3, "obs": tc.observer} {
				if got := Visible(l.s, evs[0], viewer); got != want {
					t.Errorf("%s sees the comment's event: %v, want %v", viewer, got, want)
				}
				if got := len(l.s.DraftCommentsFor(viewer, "doc1")) == 1; got != want {
					t.Errorf("%s is listed the comment: %v, want %v", viewer, got, want)
				}
			}
			// Views carry no comments (their own route serves them), and
			// the lean views stay the same for every lean viewer.
			if v := l.s.ViewFor("d1"); len(v.DraftComments) != 0 || v.Drafts["doc1"] == nil {
				t.Fatalf("view: %d comments, draft %v", len(v.DraftComments), v.Drafts["doc1"])
			}
			if v := l.s.LeanViewFor("d3"); len(v.DraftComments) != 0 || v.Drafts["doc1"] == nil {
				t.Fatal("a lean view carries comments or lacks the draft")
			}
		})
	}
}

func TestDraftCommentRefusals(t *testing.T) {
	rect := func(x0, y0, x1, y1 float64) *[4]float64 { return &[4]float64{x0, y0, x1, y1} }
	tests := []struct {
		name  string
		actor string
		cmd   CommentDraft
		code  Code
	}{
		{"no draft", "d1", CommentDraft{ID: "y9", Document: "doc2", Page: 1, Text: "x"}, NotFound},
		{"bad id", "d1", CommentDraft{ID: "ý", Document: "doc1", Page: 1, Text: "x"}, Invalid},
		{"no page", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 11, Text: "x"}, Invalid},
		{"empty text", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Text: "  "}, Invalid},
		{"region outside", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Rect: rect(0.5, 0.5, 1.5, 0.6), Text: "x"}, Invalid},
		{"empty region", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Rect: rect(0.5, 0.5, 0.5, 0.6), Text: "x"}, Invalid},
		{"quote without region", "d1", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Quote: "tăng", Text: "x"}, Invalid},
		{"id taken", "d3", CommentDraft{ID: "y1", Document: "doc1", Page: 1, Text: "x"}, Conflict},
		{"a display", "disp", CommentDraft{ID: "y9", Document: "doc1", Page: 1, Text: "x"}, Forbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := drafting(t, DraftPrivate)
			l.run(t, step{"sec", AddParticipant{Participant: Participant{ID: "disp", Name: "Màn hình", Role: RoleDisplay, Room: "main"}}},
				step{"d1", CommentDraft{ID: "y1", Document: "doc1", Page: 1, Text: "Ý kiến thứ nhất"}})
			before := len(l.s.DraftComments)
			_, err := Decide(l.s, Actor{Participant: tc.actor}, tc.cmd, l.now.Add(time.Second))
			var me *Error
			if !errors.As(err, &me) || me.Code != tc.code || me.MessageVI == "" || me.Message == "" {
				t.Fatalf("got %v, want %s with both languages", err, tc.code)
			}
			if len(l.s.DraftComments) != before {
				t.Fatal("a refusal changed the state")
			}
		})
	}
}

func TestDraftDeadlineAndClose(t *testing.T) {
	l := drafting(t, DraftPublic)
	cmd := CommentDraft{ID: "late", Document: "doc1", Page: 1, Text: "Muộn"}
	// One second before the deadline: accepted; at it: refused.
	if _, err := Decide(l.s, Actor{Participant: "d1"}, cmd, t0.Add(48*time.Hour-time.Second)); err != nil {
		t.Fatalf("before the deadline: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "d1"}, cmd, t0.Add(48*time.Hour)); !isCode(err, Conflict) {
		t.Fatalf("at the deadline: %v", err)
	}
	// Closed early, then reopened with a later deadline.
	l.run(t, step{"sec", CloseDraft{Draft: "doc1"}})
	if _, err := Decide(l.s, Actor{Participant: "d1"}, cmd, l.now.Add(time.Second)); !isCode(err, Conflict) {
		t.Fatalf("after the close: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "sec"}, CloseDraft{Draft: "doc1"}, l.now.Add(time.Second)); !isCode(err, Conflict) {
		t.Fatalf("closing twice: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "sec"}, OpenDraft{Document: "doc1", Deadline: l.now.Add(-time.Minute), Visibility: DraftPublic}, l.now.Add(time.Second)); !isCode(err, Invalid) {
		t.Fatalf("a deadline in the past: %v", err)
	}
	l.run(t, step{"sec", OpenDraft{Document: "doc1", Deadline: t0.Add(96 * time.Hour), Visibility: DraftPublic}}, step{"d1", cmd})
	if len(l.s.DraftComments) != 1 {
		t.Fatalf("comments %v", l.s.DraftComments)
	}
}

func TestDraftVersions(t *testing.T) {
	l := drafting(t, DraftPrivate)
	l.run(t, step{"d1", CommentDraft{ID: "y1", Document: "doc1", Page: 2, Text: "Trên bản 1"}},
		step{"sec", AddDraftVersion{Draft: "doc1", Document: "doc3"}})
	dr := l.s.Drafts["doc1"]
	if dr.Current() != "doc3" || dr.Version("doc1") != 1 || dr.Version("doc3") != 2 || l.s.DraftOf("doc3") != dr {
		t.Fatalf("draft %+v", dr)
	}
	// The old version stays a document; comments go to the new one only.
	if l.s.Documents["doc1"] == nil {
		t.Fatal("the old version is gone")
	}
	if _, err := Decide(l.s, Actor{Participant: "d1"}, CommentDraft{ID: "y2", Document: "doc1", Page: 1, Text: "x"}, l.now.Add(time.Second)); !isCode(err, Conflict) {
		t.Fatalf("a comment on the old version: %v", err)
	}
	l.run(t, step{"d1", CommentDraft{ID: "y2", Document: "doc3", Page: 9, Text: "Trên bản 2"}})
	if c := l.s.DraftComments; c[0].Document != "doc1" || c[1].Document != "doc3" || c[1].Draft != "doc1" {
		t.Fatalf("comments %+v", c)
	}
	for _, tc := range []struct {
		name string
		cmd  Command
		code Code
	}{
		{"a version again", AddDraftVersion{Draft: "doc1", Document: "doc3"}, Conflict},
		{"the draft itself", AddDraftVersion{Draft: "doc1", Document: "doc1"}, Conflict},
		{"no draft", AddDraftVersion{Draft: "doc3", Document: "doc1"}, NotFound},
		{"other secrecy", AddDraftVersion{Draft: "doc1", Document: "doc2"}, Invalid},
		{"open a version", OpenDraft{Document: "doc3", Deadline: t0.Add(time.Hour * 99), Visibility: DraftPublic}, Conflict},
		{"bad visibility", OpenDraft{Document: "doc1", Deadline: t0.Add(time.Hour * 99), Visibility: "everyone"}, Invalid},
		{"unknown on the team", OpenDraft{Document: "doc1", Deadline: t0.Add(time.Hour * 99), Visibility: DraftPublic, Team: []string{"x"}}, NotFound},
		{"a team who may not read", OpenDraft{Document: "doc2", Deadline: t0.Add(time.Hour * 99), Visibility: DraftPublic, Team: []string{"d3"}}, Invalid},
	} {
		if _, err := Decide(l.s, Actor{Participant: "sec"}, tc.cmd, l.now.Add(time.Second)); !isCode(err, tc.code) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	// The fold replays the same state from the log.
	r := NewState()
	for _, e := range l.events {
		if err := r.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	sameJSON(t, "replayed", r, l.s)
}

// isCode reports whether err is a *Error of code c.
func isCode(err error, c Code) bool {
	var me *Error
	return errors.As(err, &me) && me.Code == c
}

// TestEditDraftComment: its author changes a comment's text while the
// draft takes comments and the comment is on the current version; its
// place, quote and visibility stay; the edit reaches whoever sees the
// comment; everyone else, an old version, the deadline and the close are
// refused, and a refusal changes nothing; the log replays the same state.
func TestEditDraftComment(t *testing.T) {
	l := drafting(t, DraftPrivate)
	rect := &[4]float64{0.1, 0.2, 0.6, 0.25}
	l.run(t, step{"d1", CommentDraft{ID: "y1", Document: "doc1", Page: 2, Rect: rect, Quote: "tăng 7,8%", Text: "Đề nghị nêu nguồn"}},
		step{"d3", CommentDraft{ID: "y3", Document: "doc1", Page: 1, Text: "Ý kiến của d3"}})
	before := l.s.Clone()
	evs := l.run(t, step{"d1", EditDraftComment{Comment: "y1", Text: "  Đề nghị nêu rõ nguồn số liệu của Cục Thống kê  "}})
	c := l.s.DraftComments[0]
	if c.Text != "Đề nghị nêu rõ nguồn số liệu của Cục Thống kê" || c.Edited == nil || !c.Edited.Equal(l.now) ||
		c.Quote != "tăng 7,8%" || *c.Rect != *rect || c.Page != 2 || c.Shared || !c.At.Equal(before.DraftComments[0].At) {
		t.Fatalf("edited comment %+v", c)
	}
	// The state cloned before the edit keeps the old text (no change in place).
	if before.DraftComments[0].Text != "Đề nghị nêu nguồn" || before.DraftComments[0].Edited != nil {
		t.Fatalf("the edit changed a clone: %+v", before.DraftComments[0])
	}
	for viewer, want := range map[string]bool{"d1": true, "chair": true, "sec": true, "d2": true, "d3": false, "obs": false} {
		if got := Visible(l.s, evs[0], viewer); got != want {
			t.Errorf("%s sees the edit: %v, want %v", viewer, got, want)
		}
	}
	tests := []struct {
		name  string
		actor string
		cmd   EditDraftComment
		code  Code
	}{
		{"no comment", "d1", EditDraftComment{Comment: "y9", Text: "x"}, NotFound},
		{"another's comment, unseen", "d3", EditDraftComment{Comment: "y1", Text: "x"}, NotFound},
		{"another's comment, seen (the team)", "sec", EditDraftComment{Comment: "y1", Text: "x"}, Forbidden},
		{"the chair", "chair", EditDraftComment{Comment: "y3", Text: "x"}, Forbidden},
		{"empty text", "d1", EditDraftComment{Comment: "y1", Text: " \n "}, Invalid},
		{"too long", "d1", EditDraftComment{Comment: "y1", Text: string(make([]rune, MaxDraftComment+1))}, Invalid},
		{"unchanged", "d1", EditDraftComment{Comment: "y1", Text: "Đề nghị nêu rõ nguồn số liệu của Cục Thống kê"}, Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := len(l.events)
			if _, err := Decide(l.s, Actor{Participant: tc.actor}, tc.cmd, l.now.Add(time.Second)); !isCode(err, tc.code) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if len(l.events) != n || l.s.DraftComments[0].Text != c.Text {
				t.Fatal("a refusal changed the state")
			}
		})
	}
	// At the deadline (the meeting's clock), after a close, on an old version: refused.
	if _, err := Decide(l.s, Actor{Participant: "d3"}, EditDraftComment{Comment: "y3", Text: "Muộn"}, t0.Add(48*time.Hour)); !isCode(err, Conflict) {
		t.Fatalf("at the deadline: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "d3"}, EditDraftComment{Comment: "y3", Text: "Kịp"}, t0.Add(48*time.Hour-time.Second)); err != nil {
		t.Fatalf("a second before the deadline: %v", err)
	}
	l.run(t, step{"sec", AddDraftVersion{Draft: "doc1", Document: "doc3"}})
	if _, err := Decide(l.s, Actor{Participant: "d3"}, EditDraftComment{Comment: "y3", Text: "Trên bản cũ"}, l.now.Add(time.Second)); !isCode(err, Conflict) {
		t.Fatalf("a comment on the old version: %v", err)
	}
	l.run(t, step{"d3", CommentDraft{ID: "y4", Document: "doc3", Page: 1, Text: "Trên bản 2"}}, step{"sec", CloseDraft{Draft: "doc1"}})
	if _, err := Decide(l.s, Actor{Participant: "d3"}, EditDraftComment{Comment: "y4", Text: "Sau khi đóng"}, l.now.Add(time.Second)); !isCode(err, Conflict) {
		t.Fatalf("after the close: %v", err)
	}
	r := NewState()
	for _, e := range l.events {
		if err := r.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	sameJSON(t, "replayed", r, l.s)
}
