package meeting

import (
	"slices"
	"testing"
)

// TestActiveContentSetting checks the secretary's choice of what an upload
// holding JavaScript, embedded files or XFA gets.
func TestActiveContentSetting(t *testing.T) {
	l := draft(t)
	if _, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ActiveContent: "keep"}, t0); ErrorCode(err) != Invalid {
		t.Fatalf("an unknown choice: %v, want invalid", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "chair"}, UpdateMeeting{ActiveContent: ActiveContentRefuse}, t0); ErrorCode(err) != Forbidden {
		t.Fatalf("the chair set it: %v, want forbidden", err)
	}
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ActiveContent: ActiveContentRemove}, t0); err != nil || len(evs) != 0 {
		t.Fatalf("setting the default again: %v %v, want a no-op", evs, err)
	}
	l.run(t, step{"sec", UpdateMeeting{ActiveContent: ActiveContentRefuse}})
	if l.s.ActiveContent != ActiveContentRefuse {
		t.Fatalf("active content %q", l.s.ActiveContent)
	}
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ActiveContent: ActiveContentRefuse}, t0); err != nil || len(evs) != 0 {
		t.Fatalf("setting refuse again: %v %v, want a no-op", evs, err)
	}
	l.run(t, step{"sec", UpdateMeeting{ActiveContent: ActiveContentRemove}})
	if l.s.ActiveContent != ActiveContentRemove {
		t.Fatalf("active content %q", l.s.ActiveContent)
	}
}

// TestDocumentRemoved checks that a document's list of removed content
// holds known kinds, once each, and is kept in the state.
func TestDocumentRemoved(t *testing.T) {
	l := draft(t)
	for _, bad := range [][]string{{"macros"}, {RemovedXFA, RemovedXFA}, {""}} {
		doc := Document{ID: "x", Title: "x", Pages: 1, SHA256: sha3, Removed: bad}
		if _, err := Decide(l.s, Actor{Participant: "sec"}, AddDocument{Document: doc}, t0); ErrorCode(err) != Invalid {
			t.Errorf("removed %q: %v, want invalid", bad, err)
		}
	}
	want := []string{RemovedJavaScript, RemovedEmbeddedFiles, RemovedXFA}
	l.run(t, step{"sec", AddDocument{Document: Document{ID: "x", Title: "x", Pages: 1, SHA256: sha3, Removed: want}}})
	if got := l.s.Documents["x"].Removed; !slices.Equal(got, want) {
		t.Fatalf("removed %q, want %q", got, want)
	}
	c := l.s.Clone()
	c.Documents["x"].Removed[0] = "changed"
	if l.s.Documents["x"].Removed[0] != RemovedJavaScript {
		t.Fatal("Clone shares Removed with the original")
	}
}
