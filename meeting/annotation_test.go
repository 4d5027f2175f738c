package meeting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// note is a note annotation of doc at page.
func note(id, doc string, page int, text string) Annotation {
	return Annotation{ID: id, Document: doc, Page: page, Kind: AnnotationNote, Color: "#FFCC00", Rect: [4]float64{0.1, 0.1, 0, 0}, Text: text}
}

// mark is a highlight of doc at page.
func mark(id, doc string, page int) Annotation {
	return Annotation{ID: id, Document: doc, Page: page, Kind: AnnotationHighlight, Color: "#FFFF00", Rect: [4]float64{0.1, 0.2, 0.5, 0.3}}
}

func TestDecideSaveAnnotation(t *testing.T) {
	handToD2 := []step{{"chair", HandPresentation{To: "d2"}}}
	mine := []step{{"d1", SaveAnnotation{Annotation: note("a1", "doc1", 1, "Cần làm rõ số liệu")}}}
	bad := func(mut func(*Annotation)) SaveAnnotation {
		a := mark("a1", "doc1", 2)
		mut(&a)
		return SaveAnnotation{Annotation: a}
	}
	runDecideCases(t, []decideCase{
		{name: "private note", base: inSession, actor: "d1", cmd: SaveAnnotation{Annotation: note("a1", "doc1", 3, "Đề nghị bổ sung")},
			want: []string{"AnnotationSaved"},
			check: func(t *testing.T, s *State) {
				if a := s.Annotations["d1"]["a1"]; a == nil || a.Page != 3 || a.Text != "Đề nghị bổ sung" || len(s.Shared) != 0 {
					t.Fatalf("annotations %v, shared %v", s.Annotations, s.Shared)
				}
			}},
		{name: "observer annotates", base: inSession, actor: "obs", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 10)}, want: []string{"AnnotationSaved"}},
		{name: "before the session", base: draft, actor: "sec", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 1)}, want: []string{"AnnotationSaved"}},
		{name: "reader of a confidential document", base: inSession, actor: "d1", cmd: SaveAnnotation{Annotation: mark("a1", "doc2", 3)}, want: []string{"AnnotationSaved"}},
		{name: "chair on a confidential document", base: inSession, actor: "chair", cmd: SaveAnnotation{Annotation: mark("a1", "doc2", 1)}, want: []string{"AnnotationSaved"}},
		{name: "not a reader", base: inSession, actor: "d2", cmd: SaveAnnotation{Annotation: mark("a1", "doc2", 1)}, code: Forbidden},
		{name: "unknown document", base: inSession, actor: "d1", cmd: SaveAnnotation{Annotation: mark("a1", "zz", 1)}, code: NotFound},
		{name: "page beyond", base: inSession, actor: "d1", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 11)}, code: Invalid},
		{name: "bad colour", base: inSession, actor: "d1", cmd: bad(func(a *Annotation) { a.Color = "red" }), code: Invalid},
		{name: "empty highlight", base: inSession, actor: "d1", cmd: bad(func(a *Annotation) { a.Rect = [4]float64{} }), code: Invalid},
		{name: "bad id", base: inSession, actor: "d1", cmd: bad(func(a *Annotation) { a.ID = "a b" }), code: Invalid},
		{name: "no id", base: inSession, actor: "d1", cmd: bad(func(a *Annotation) { a.ID = "" }), code: Invalid},
		{name: "unknown kind", base: inSession, actor: "d1", cmd: bad(func(a *Annotation) { a.Kind = "stamp" }), code: Invalid},
		{name: "keeps what the kind draws", base: inSession, actor: "d1",
			cmd:  bad(func(a *Annotation) { a.Points, a.Text = [][2]float64{{0.1, 0.1}}, "x" }),
			want: []string{"AnnotationSaved"},
			check: func(t *testing.T, s *State) {
				if a := s.Annotations["d1"]["a1"]; a.Points != nil || a.Text != "" {
					t.Fatalf("highlight kept %v and %q", a.Points, a.Text)
				}
			}},
		{name: "edit", base: inSession, prep: mine, actor: "d1", cmd: SaveAnnotation{Annotation: note("a1", "doc1", 2, "Đã sửa")},
			want: []string{"AnnotationSaved"},
			check: func(t *testing.T, s *State) {
				if n, a := len(s.Annotations["d1"]), s.Annotations["d1"]["a1"]; n != 1 || a.Page != 2 || a.Text != "Đã sửa" {
					t.Fatalf("%d annotations, a1 %+v", n, a)
				}
			}},
		{name: "same id, other owner", base: inSession, prep: mine, actor: "d2", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 1)},
			want: []string{"AnnotationSaved"},
			check: func(t *testing.T, s *State) {
				if s.Annotations["d1"]["a1"].Kind != AnnotationNote || s.Annotations["d2"]["a1"].Kind != AnnotationHighlight {
					t.Fatalf("annotations %v", s.Annotations)
				}
			}},
		{name: "id used on another document", base: inSession, prep: mine, actor: "d1", cmd: SaveAnnotation{Annotation: mark("a1", "doc2", 1)}, code: Conflict},
		{name: "shared by the chair", base: inSession, actor: "chair", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true},
			want: []string{"AnnotationSaved"},
			check: func(t *testing.T, s *State) {
				if sh := s.Shared["s1"]; sh == nil || sh.Owner != "chair" || len(s.Annotations) != 0 {
					t.Fatalf("shared %v, private %v", s.Shared, s.Annotations)
				}
			}},
		{name: "shared by the presenter", base: inSession, prep: handToD2, actor: "d2", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true},
			want: []string{"AnnotationSaved"}},
		{name: "shared by a delegate", base: inSession, prep: handToD2, actor: "d1", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true}, code: Forbidden},
		{name: "shared by a secretary", base: inSession, actor: "sec", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true}, code: Forbidden},
		{name: "shared id of another", base: inSession,
			prep:  append([]step{{"chair", SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true}}}, handToD2...),
			actor: "d2", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 2), Shared: true}, code: Conflict},
		{name: "private and shared ids apart", base: inSession, prep: []step{{"chair", SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true}}},
			actor: "chair", cmd: SaveAnnotation{Annotation: mark("s1", "doc1", 2)}, want: []string{"AnnotationSaved"}},
		{name: "closed", base: inSession, prep: []step{{"chair", CloseMeeting{}}}, actor: "d1", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 1)}, code: Conflict},
		{name: "stranger", base: inSession, actor: "ghost", cmd: SaveAnnotation{Annotation: mark("a1", "doc1", 1)}, code: Forbidden},
	})
}

func TestAnnotationLimit(t *testing.T) {
	l := inSession(t)
	for i := range MaxAnnotationsPerDocument {
		l.run(t, step{"d1", SaveAnnotation{Annotation: mark(fmt.Sprintf("a%d", i), "doc1", 1+i%10)}})
	}
	runOn := func(cmd Command) error {
		_, err := Decide(l.s, Actor{Participant: "d1"}, cmd, l.now)
		return err
	}
	if err := runOn(SaveAnnotation{Annotation: mark("one-more", "doc1", 1)}); ErrorCode(err) != Conflict {
		t.Fatalf("annotation %d: %v, want conflict", MaxAnnotationsPerDocument+1, err)
	}
	asError(t, runOn(SaveAnnotation{Annotation: mark("one-more", "doc1", 1)}))
	if err := runOn(SaveAnnotation{Annotation: note("a7", "doc1", 2, "sửa")}); err != nil {
		t.Fatalf("an edit at the limit: %v", err)
	}
	if err := runOn(SaveAnnotation{Annotation: mark("one-more", "doc2", 1)}); err != nil {
		t.Fatalf("another document at the limit: %v", err)
	}
	if _, err := Decide(l.s, Actor{Participant: "d2"}, SaveAnnotation{Annotation: mark("one-more", "doc1", 1)}, l.now); err != nil {
		t.Fatalf("another owner at the limit: %v", err)
	}
}

func TestDecideDeleteAnnotation(t *testing.T) {
	prep := []step{
		{"d1", SaveAnnotation{Annotation: note("a1", "doc1", 1, "Ghi chú riêng")}},
		{"chair", SaveAnnotation{Annotation: mark("s1", "doc1", 1), Shared: true}},
	}
	withD2 := append(prep, step{"chair", HandPresentation{To: "d2"}})
	runDecideCases(t, []decideCase{
		{name: "own", base: inSession, prep: prep, actor: "d1", cmd: DeleteAnnotation{ID: "a1"}, want: []string{"AnnotationDeleted"},
			check: func(t *testing.T, s *State) {
				if _, ok := s.Annotations["d1"]; ok || len(s.Shared) != 1 {
					t.Fatalf("private %v, shared %v", s.Annotations, s.Shared)
				}
			}},
		{name: "another's", base: inSession, prep: prep, actor: "d2", cmd: DeleteAnnotation{ID: "a1"}, code: NotFound},
		{name: "not even the chair", base: inSession, prep: prep, actor: "chair", cmd: DeleteAnnotation{ID: "a1"}, code: NotFound},
		{name: "unknown", base: inSession, prep: prep, actor: "d1", cmd: DeleteAnnotation{ID: "zz"}, code: NotFound},
		{name: "shared by the chair", base: inSession, prep: prep, actor: "chair", cmd: DeleteAnnotation{ID: "s1", Shared: true}, want: []string{"AnnotationDeleted"},
			check: func(t *testing.T, s *State) {
				if len(s.Shared) != 0 || s.Annotations["d1"]["a1"] == nil {
					t.Fatalf("private %v, shared %v", s.Annotations, s.Shared)
				}
			}},
		{name: "shared by the presenter", base: inSession, prep: withD2, actor: "d2", cmd: DeleteAnnotation{ID: "s1", Shared: true}, want: []string{"AnnotationDeleted"}},
		{name: "shared by a delegate", base: inSession, prep: withD2, actor: "d1", cmd: DeleteAnnotation{ID: "s1", Shared: true}, code: Forbidden},
		{name: "shared unknown", base: inSession, prep: prep, actor: "chair", cmd: DeleteAnnotation{ID: "a1", Shared: true}, code: NotFound},
	})
}

// annotated plays a session in which private and shared annotations come
// and go; mid is the log length when it starts.
func annotated(tb testing.TB) (l *log, mid int) {
	tb.Helper()
	l = inSession(tb)
	mid = len(l.events)
	l.run(tb,
		step{"d1", SaveAnnotation{Annotation: note("a1", "doc1", 1, "Số liệu quý III chưa khớp")}},
		step{"d1", SaveAnnotation{Annotation: mark("a2", "doc2", 2)}},
		step{"d2", SaveAnnotation{Annotation: note("a1", "doc1", 4, "Ý kiến của tổ Đông Anh")}},
		step{"chair", SaveAnnotation{Annotation: mark("s1", "doc2", 1), Shared: true}},
		step{"chair", SaveAnnotation{Annotation: note("c1", "doc1", 1, "Nhắc thời gian")}},
		step{"chair", HandPresentation{To: "d2"}},
		step{"d2", SaveAnnotation{Annotation: note("s2", "doc1", 5, "Trọng tâm thảo luận"), Shared: true}},
		step{"d2", SaveAnnotation{Annotation: note("s3", "doc1", 6, "Phần hai"), Shared: true}},
		step{"d1", SaveAnnotation{Annotation: note("a1", "doc1", 2, "Số liệu quý III đã khớp")}},
		step{"d1", DeleteAnnotation{ID: "a2"}},
		step{"chair", DeleteAnnotation{ID: "s2", Shared: true}},
		step{"d3", SaveAnnotation{Annotation: mark("x", "doc1", 1)}},
		step{"sec", RemoveParticipant{Participant: "d3"}},
		step{"obs", SaveAnnotation{Annotation: mark("o1", "doc1", 9)}},
	)
	return l, mid
}

func TestAnnotationVisibility(t *testing.T) {
	l, mid := annotated(t)
	for _, e := range l.events[mid:] {
		var owner, doc string
		var shared bool
		switch d := e.Data.(type) {
		case AnnotationSaved:
			owner, shared, doc = d.Owner, d.Shared, d.Annotation.Document
		case AnnotationDeleted:
			owner, shared, doc = d.Owner, d.Shared, d.Document
		default:
			continue
		}
		for _, viewer := range []string{"sec", "chair", "d1", "d2", "d3", "d4", "obs", "ghost"} {
			want := viewer == owner && l.s.Participants[viewer] != nil
			if shared {
				want = l.s.CanRead(viewer, doc)
			}
			if got := Visible(l.s, e, viewer); got != want {
				t.Errorf("event %d (%s by %s, shared %v, %s) visible to %s: %v, want %v", e.Seq, e.Type(), owner, shared, doc, viewer, got, want)
			}
		}
	}
	// The shared annotation on the confidential doc2 reaches its reader,
	// the chair and the secretary only.
	e := Event{Seq: 99, Data: AnnotationSaved{Owner: "chair", Shared: true, Annotation: mark("s9", "doc2", 1)}}
	for viewer, want := range map[string]bool{"d1": true, "chair": true, "sec": true, "d2": false, "obs": false, "d4": false} {
		if got := Visible(l.s, e, viewer); got != want {
			t.Errorf("shared annotation on doc2 visible to %s: %v, want %v", viewer, got, want)
		}
	}
}

func TestAnnotationViewFor(t *testing.T) {
	l, _ := annotated(t)
	before := mustJSON(t, l.s)
	keys := func(m map[string]*SharedAnnotation) []string {
		var out []string
		for _, id := range []string{"s1", "s2", "s3"} {
			if m[id] != nil {
				out = append(out, id)
			}
		}
		return out
	}
	tests := []struct {
		viewer  string
		private []string // ids of the viewer's own annotations
		shared  []string
	}{
		{"d1", []string{"a1"}, []string{"s1", "s3"}},
		{"d2", []string{"a1"}, []string{"s3"}},
		{"chair", []string{"c1"}, []string{"s1", "s3"}},
		{"sec", nil, []string{"s1", "s3"}},
		{"obs", []string{"o1"}, []string{"s3"}},
		{"d4", nil, []string{"s3"}},
		{"d3", nil, nil}, // removed
		{"ghost", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.viewer, func(t *testing.T) {
			v := l.s.ViewFor(tt.viewer)
			for owner := range v.Annotations {
				if owner != tt.viewer {
					t.Errorf("%s sees the private annotations of %s", tt.viewer, owner)
				}
			}
			var got []string
			for _, id := range []string{"a1", "c1", "o1", "x"} {
				if v.Annotations[tt.viewer][id] != nil {
					got = append(got, id)
				}
			}
			if !reflect.DeepEqual(got, tt.private) {
				t.Errorf("own annotations %v, want %v", got, tt.private)
			}
			if got := keys(v.Shared); !reflect.DeepEqual(got, tt.shared) {
				t.Errorf("shared %v, want %v", got, tt.shared)
			}
		})
	}
	if a := l.s.ViewFor("d1").Annotations["d1"]["a1"]; a.Page != 2 || a.Text != "Số liệu quý III đã khớp" {
		t.Errorf("d1's edited note %+v", a)
	}
	if !bytes.Equal(before, mustJSON(t, l.s)) {
		t.Fatal("ViewFor changed the state")
	}
}

// TestAnnotationFollowMatchesViewFor checks that each device of a
// participant, starting from their view and following the events Visible
// to them, keeps their annotations as ViewFor shows them.
func TestAnnotationFollowMatchesViewFor(t *testing.T) {
	l, mid := annotated(t)
	for _, viewer := range []string{"sec", "chair", "d1", "d2", "d4", "obs"} {
		t.Run(viewer, func(t *testing.T) {
			full := replay(t, l.events[:mid])
			mine := followView(full, viewer)
			for _, e := range l.events[mid:] {
				if err := full.Apply(e); err != nil {
					t.Fatal(err)
				}
				if !Visible(full, e, viewer) {
					continue
				}
				if err := mine.Follow(e); err != nil {
					t.Fatalf("following %d (%s): %v", e.Seq, e.Type(), err)
				}
			}
			want := followView(full, viewer)
			syncLean(mine, want)
			want.Version = mine.Version
			sameJSON(t, "followed state", mine, want)
		})
	}
}

func TestAnnotationStateJSONAndClone(t *testing.T) {
	l, _ := annotated(t)
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
	b := mustJSON(t, l.s)
	var got State
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "decoded state", &got, l.s)
	if got.Shared["s3"].Owner != "d2" || got.Annotations["d1"]["a1"].Page != 2 {
		t.Fatalf("decoded shared %v, private %v", got.Shared, got.Annotations)
	}
	c := l.s.Clone()
	c.Annotations["d1"]["a1"].Text = "x"
	c.Annotations["d2"]["a1"] = nil
	c.Shared["s3"].Text = "x"
	c.Shared["s3"].Owner = "x"
	delete(c.Shared, "s1")
	if !bytes.Equal(b, mustJSON(t, l.s)) {
		t.Fatal("changing the clone changed the original")
	}
	// Points are copied too.
	l.run(t, step{"d1", SaveAnnotation{Annotation: Annotation{ID: "ink", Document: "doc1", Page: 1, Kind: AnnotationInk, Color: "#000000",
		Points: [][2]float64{{0.1, 0.1}, {0.2, 0.2}}}}})
	c = l.s.Clone()
	c.Annotations["d1"]["ink"].Points[0][0] = 0.9
	if l.s.Annotations["d1"]["ink"].Points[0][0] != 0.1 {
		t.Fatal("the clone shares the points of an ink stroke")
	}
}

func TestApplyRefusesAnnotationMisfits(t *testing.T) {
	l, _ := annotated(t)
	next := l.s.Version + 1
	ev := func(d EventData) Event { return Event{Seq: next, At: l.now, Actor: "chair", Data: d} }
	tests := []struct {
		name string
		e    Event
	}{
		{"unknown owner", ev(AnnotationSaved{Owner: "ghost", Annotation: mark("z", "doc1", 1)})},
		{"removed owner", ev(AnnotationSaved{Owner: "d3", Annotation: mark("z", "doc1", 1)})},
		{"invalid annotation", ev(AnnotationSaved{Owner: "d1", Annotation: mark("", "doc1", 1)})},
		{"unknown document", ev(AnnotationSaved{Owner: "d1", Annotation: mark("z", "zz", 1)})},
		{"page beyond", ev(AnnotationSaved{Owner: "d1", Annotation: mark("z", "doc1", 11)})},
		{"moved to another document", ev(AnnotationSaved{Owner: "d1", Annotation: mark("a1", "doc2", 1)})},
		{"shared id of another", ev(AnnotationSaved{Owner: "chair", Shared: true, Annotation: mark("s3", "doc1", 1)})},
		{"delete unknown", ev(AnnotationDeleted{Owner: "d1", Document: "doc1", ID: "zz"})},
		{"delete another's", ev(AnnotationDeleted{Owner: "d2", Document: "doc1", ID: "c1"})},
		{"delete on the wrong document", ev(AnnotationDeleted{Owner: "d1", Document: "doc2", ID: "a1"})},
		{"delete shared with the wrong owner", ev(AnnotationDeleted{Owner: "chair", Shared: true, Document: "doc1", ID: "s3"})},
		{"delete private as shared", ev(AnnotationDeleted{Owner: "d1", Shared: true, Document: "doc1", ID: "a1"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := l.s.Clone()
			before := mustJSON(t, s)
			if err := s.Apply(tt.e); err == nil {
				t.Fatal("applied")
			}
			if !bytes.Equal(before, mustJSON(t, s)) {
				t.Fatal("a refused event changed the state")
			}
		})
	}
}

func TestDecodeNewCommands(t *testing.T) {
	tests := []struct {
		name, args string
		want       Command
	}{
		{"SaveAnnotation", `{"annotation":{"id":"a1","document":"doc1","page":2,"kind":"note","color":"#FFCC00","rect":[0.1,0.1,0,0],"text":"Ghi chú"},"shared":true}`,
			SaveAnnotation{Annotation: Annotation{ID: "a1", Document: "doc1", Page: 2, Kind: AnnotationNote, Color: "#FFCC00", Rect: [4]float64{0.1, 0.1}, Text: "Ghi chú"}, Shared: true}},
		{"DeleteAnnotation", `{"id":"a1"}`, DeleteAnnotation{ID: "a1"}},
		{"SetFollowing", `{"room":"r2","follow":true}`, SetFollowing{Room: "r2", Follow: true}},
		{"ShowInRoom", `{"room":"r2","document":"doc1","page":3}`, ShowInRoom{Room: "r2", Document: "doc1", Page: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeCommand(tt.name, []byte(tt.args))
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
			}
			if _, err := DecodeCommand(tt.name, []byte(`{"owner":"d2"}`)); ErrorCode(err) != Invalid {
				t.Fatalf("an unknown field: %v", err)
			}
		})
	}
}

// TestAnnotationEditsCoalesced is issue 11 finding 5's attack on one
// annotation, in the core: a delegate saves edits of one note every 10 ms
// for 3 s. At most one edit per AnnotationEditInterval is accepted
// (≤ ceil(3 s / 1 s) + 1 events with the first save); every other is
// refused rate_limited, changes nothing, and says to wait and send again.
// The client that then sends its latest content after the wait has it
// saved: the final content is the last edit, and no accepted edit was
// lost. A new annotation, or an edit of another, is not held back.
func TestAnnotationEditsCoalesced(t *testing.T) {
	l := inSession(t)
	const (
		step     = 10 * time.Millisecond
		duration = 3 * time.Second
	)
	start := l.now.Add(time.Second)
	events, refused := 0, 0
	last := ""
	for i := 0; time.Duration(i)*step < duration; i++ {
		now := start.Add(time.Duration(i) * step)
		last = fmt.Sprintf("Nội dung lần %d", i)
		n := note("n1", "doc1", 1, last)
		evs, err := Decide(l.s, Actor{Participant: "d1"}, SaveAnnotation{Annotation: n}, now)
		if err != nil {
			e := asError(t, err)
			if e.Code != RateLimited || !strings.Contains(e.Message, "wait") {
				t.Fatalf("edit %d: %v, want rate_limited saying to wait", i, err)
			}
			refused++
			continue
		}
		for _, ev := range evs {
			if err := l.s.Apply(ev); err != nil {
				t.Fatal(err)
			}
		}
		events += len(evs)
		// A new annotation is not held back by n1's edits.
		if _, err := Decide(l.s, Actor{Participant: "d1"}, SaveAnnotation{Annotation: note(fmt.Sprintf("other%d", i), "doc1", 1, "x")}, now); err != nil {
			t.Fatalf("a new annotation beside the edits: %v", err)
		}
	}
	if limit := int(math.Ceil(float64(duration)/float64(AnnotationEditInterval))) + 1; events > limit || events < 2 {
		t.Fatalf("%d events for %s of edits, want 2 to %d", events, duration, limit)
	}
	if refused == 0 {
		t.Fatal("no edit was refused")
	}
	// The client sends its latest content again once the interval is over.
	end := start.Add(duration)
	evs, err := Decide(l.s, Actor{Participant: "d1"}, SaveAnnotation{Annotation: note("n1", "doc1", 1, last)}, end.Add(AnnotationEditInterval))
	if err != nil {
		t.Fatalf("the latest content after the wait: %v", err)
	}
	for _, ev := range evs {
		if err := l.s.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.s.Annotations["d1"]["n1"].Text; got != last {
		t.Fatalf("final content %q, want the last edit %q", got, last)
	}
	// The server's record of save times never reaches a client, and a
	// deleted annotation is forgotten.
	if v := l.s.ViewFor("d1"); v.AnnotationSaves != nil {
		t.Fatal("ViewFor shows the save times")
	}
	evs, err = Decide(l.s, Actor{Participant: "d1"}, DeleteAnnotation{ID: "n1"}, end.Add(AnnotationEditInterval))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.s.Apply(evs[0]); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.s.AnnotationSaves[annotationKey(false, "d1", "n1")]; ok {
		t.Fatal("a deleted annotation's save time is kept")
	}
}
