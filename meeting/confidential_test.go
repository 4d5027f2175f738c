package meeting

import (
	"encoding/json"
	"strings"
	"testing"
)

// sha3 is the content hash of doc3, a confidential document only d1 reads
// (the fixture's doc1 and doc2 share one hash).
var sha3 = strings.Repeat("cd", 32)

// confidentialMeeting is the fixture meeting with, in the given listing
// mode, a confidential doc3 for d1 attached to i1 and shown by the chair.
func confidentialMeeting(tb testing.TB, listing string) *log {
	tb.Helper()
	l := newLog()
	steps := setupSteps()
	if listing != "" {
		steps = append(steps[:1:1], append([]step{{"sec", UpdateMeeting{ConfidentialListing: listing}}}, steps[1:]...)...)
	}
	l.run(tb, steps...)
	l.run(tb,
		step{"sec", AddDocument{Document: Document{ID: "doc3", Title: "Hồ sơ nhân sự mật", Pages: 4, SHA256: sha3, Confidential: true, Readers: []string{"d1"}}}},
		step{"sec", AttachDocument{Item: "i1", Document: "doc3"}},
		step{"sec", Publish{}},
		step{"chair", OpenSession{}},
		step{"chair", ShowDocument{Document: "doc3", Page: 1}},
		step{"chair", TurnPage{Page: 3}},
	)
	return l
}

// TestConfidentialDocumentNotShownToNonReaders is issue 11 finding 1's
// leak: a delegate who may not read a confidential document saw its
// sha256 (and pages and readers) in the snapshot and in the events, and a
// secretary of another meeting could attach that hash. A non-reader now
// gets the withheld form {id, title, confidential, withheld} or, when the
// meeting hides them, nothing; readers, the chair and the secretaries get
// it whole; following the events gives the same as the snapshot.
func TestConfidentialDocumentNotShownToNonReaders(t *testing.T) {
	withheld := `{"id":"doc3","title":"Hồ sơ nhân sự mật","confidential":true,"withheld":true}`
	for _, listing := range []string{"", ListWithheld, ListHidden} {
		l := confidentialMeeting(t, listing)
		for _, viewer := range []string{"sec", "chair", "d1", "d2", "d4", "obs"} {
			t.Run(listing+"/"+viewer, func(t *testing.T) {
				reader := viewer == "sec" || viewer == "chair" || viewer == "d1"
				view := l.s.ViewFor(viewer)
				doc := view.Documents["doc3"]
				switch {
				case reader:
					if doc == nil || doc.SHA256 != sha3 || doc.Pages != 4 || doc.Withheld {
						t.Fatalf("a reader sees %+v", doc)
					}
				case listing == ListHidden:
					if doc != nil {
						t.Fatalf("a hidden document is listed: %+v", doc)
					}
					if it := view.Item("i1"); len(it.Documents) != 0 {
						t.Fatalf("the agenda still names it: %v", it.Documents)
					}
				default:
					if got := string(mustJSON(t, doc)); got != withheld {
						t.Fatalf("the withheld form is %s, want %s", got, withheld)
					}
				}

				// What reaches the viewer, snapshot and events alike.
				// Start as a tablet does, from the snapshot once everybody is
				// in, before any document; then follow the events.
				start := 0
				for l.events[start].Type() != "DocumentAdded" {
					start++
				}
				full := replay(t, l.events[:start])
				mine := followView(full, viewer)
				seen := []Event{}
				for _, e := range l.events[start:] {
					if err := full.Apply(e); err != nil {
						t.Fatal(err)
					}
					if !Visible(full, e, viewer) {
						continue
					}
					e, _ := Redact(full, e, viewer)
					seen = append(seen, e)
					if err := mine.Follow(e); err != nil {
						t.Fatalf("following %d (%s): %v", e.Seq, e.Type(), err)
					}
				}
				if !reader {
					all := string(mustJSON(t, view)) + string(mustJSON(t, seen))
					if strings.Contains(all, sha3) {
						t.Fatal("a non-reader is shown the document's sha256")
					}
					var docs []Document
					for _, e := range seen {
						if d, ok := e.Data.(DocumentAdded); ok && d.Document.ID == "doc3" {
							docs = append(docs, d.Document)
						}
					}
					if listing == ListHidden && len(docs) != 0 || listing != ListHidden && (len(docs) != 1 || string(mustJSON(t, docs[0])) != withheld) {
						t.Fatalf("DocumentAdded of doc3 reached the viewer as %s", mustJSON(t, docs))
					}
				}
				want := followView(full, viewer)
				syncLean(mine, want)
				want.Version = mine.Version
				sameJSON(t, "followed state", mine, want)
			})
		}
	}
}

// TestConfidentialListingSetting checks the secretary's choice.
func TestConfidentialListingSetting(t *testing.T) {
	l := draft(t)
	if _, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ConfidentialListing: "public"}, t0); ErrorCode(err) != Invalid {
		t.Fatalf("an unknown listing: %v, want invalid", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "chair"}, UpdateMeeting{ConfidentialListing: ListHidden}, t0); ErrorCode(err) != Forbidden {
		t.Fatalf("the chair set the listing: %v, want forbidden", err)
	}
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ConfidentialListing: ListWithheld}, t0); err != nil || len(evs) != 0 {
		t.Fatalf("setting the default again: %v %v, want a no-op", evs, err)
	}
	l.run(t, step{"sec", UpdateMeeting{ConfidentialListing: ListHidden}})
	if l.s.ConfidentialListing != ListHidden {
		t.Fatalf("listing %q", l.s.ConfidentialListing)
	}
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, UpdateMeeting{ConfidentialListing: ListHidden}, t0); err != nil || len(evs) != 0 {
		t.Fatalf("setting hidden again: %v %v, want a no-op", evs, err)
	}
	l.run(t, step{"sec", UpdateMeeting{ConfidentialListing: ListWithheld}})
	if l.s.ConfidentialListing != ListWithheld {
		t.Fatalf("listing %q", l.s.ConfidentialListing)
	}
}

// TestAddDocumentNotFromTheWire: only an upload registers a document.
func TestAddDocumentNotFromTheWire(t *testing.T) {
	args, _ := json.Marshal(AddDocument{Document: Document{ID: "x", Title: "x", Pages: 1, SHA256: sha3}})
	if _, err := DecodeCommand("AddDocument", args); ErrorCode(err) != Forbidden {
		t.Fatalf("AddDocument from a client: %v, want forbidden", err)
	}
	l := draft(t)
	_, err := Decide(l.s, Actor{Participant: "sec"}, AddDocument{Document: Withhold(Document{ID: "x", Title: "x"})}, t0)
	if ErrorCode(err) != Invalid {
		t.Fatalf("adding a withheld form: %v, want invalid", err)
	}
}
