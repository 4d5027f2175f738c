package meeting

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// secretSession is the meeting in session with doc1 made Tối mật and a
// Mật doc3 (every participant reads it): d1 and d2 each hold a copy of
// doc3 on their tablets, d1 one of doc2 (reserved to d1, an old-style
// confidential document: Mật).
func secretSession(tb testing.TB) *log {
	tb.Helper()
	l := inSession(tb)
	l.run(tb,
		step{"sec", AddDocument{Document: Document{ID: "doc3", Title: "Đề án sắp xếp tổ chức", Pages: 5, SHA256: sha3, Level: Mat}}},
		step{"sec", SetDocumentLevel{Document: "doc1", Level: ToiMat}},
		step{"d1", RecordCopy{Device: "tab-d1", Document: "doc3", Kind: CopyOffline, Watermark: "w-d1", WatermarkText: "TÀI LIỆU MẬT — Đại biểu Nguyễn Thị Hương"}},
		step{"d2", RecordCopy{Device: "tab-d2", Document: "doc3", Kind: CopyView, Watermark: "w-d2", WatermarkText: "TÀI LIỆU MẬT — Đại biểu Trần Văn Đức"}},
		step{"d1", RecordCopy{Device: "tab-d1", Document: "doc2", Kind: CopyView, Watermark: "w-d1", WatermarkText: "TÀI LIỆU MẬT — Đại biểu Nguyễn Thị Hương"}},
	)
	return l
}

func TestSecrecyLevelOfOldConfidentialDocument(t *testing.T) {
	// An old log's {"confidential":true} reads as Mật.
	var d Document
	if err := json.Unmarshal([]byte(`{"id":"x","title":"Cũ","pages":1,"sha256":"`+sha+`","confidential":true,"readers":["d1"]}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Secrecy() != Mat || (Document{}).Secrecy() != NotSecret || (Document{Level: TuyetMat, Confidential: true}).Secrecy() != TuyetMat {
		t.Fatalf("levels: %q", d.Secrecy())
	}
	if w := Withhold(Document{ID: "x", Title: "t", SHA256: sha, Pages: 3, Level: ToiMat, Readers: []string{"d1"}}); string(mustJSON(t, w)) != `{"id":"x","title":"t","confidential":true,"withheld":true,"level":"toi_mat"}` {
		t.Fatalf("withheld form %s", mustJSON(t, w))
	}
	s := NewState()
	for _, l := range SecretLevels {
		if s.Rules(l) != DefaultRules(l) || l.Stamp() == "" || l.Label("vi") == l.Label("en") {
			t.Fatalf("level %s: rules %+v stamp %q", l, s.Rules(l), l.Stamp())
		}
	}
	if r := DefaultRules(Mat); !r.Watermark || !r.Offline || !r.Download || r.PresentedOnly || !r.LinkedDisplays {
		t.Fatalf("Mật defaults %+v", r)
	}
	if r := DefaultRules(ToiMat); !r.Watermark || r.Offline || r.Download || r.PresentedOnly {
		t.Fatalf("Tối mật defaults %+v", r)
	}
	if r := DefaultRules(TuyetMat); !r.Watermark || r.Offline || r.Download || !r.PresentedOnly || r.LinkedDisplays {
		t.Fatalf("Tuyệt mật defaults %+v", r)
	}
}

// TestSecrecyCommandsRefused: who may not, and what is refused; a refusal
// changes nothing.
func TestSecrecyCommandsRefused(t *testing.T) {
	rows := []struct {
		name   string
		at     func(testing.TB) *log
		actor  string
		cmd    Command
		code   Code
		reason string
	}{
		{"rules by the chair", secretSession, "chair", SetSecrecyRules{Level: Mat}, Forbidden, ""},
		{"rules of no level", secretSession, "sec", SetSecrecyRules{Level: NotSecret}, Invalid, ""},
		{"rules of an unknown level", secretSession, "sec", SetSecrecyRules{Level: "secret"}, Invalid, ""},
		{"level by a delegate", secretSession, "d1", SetDocumentLevel{Document: "doc1", Level: Mat}, Forbidden, ""},
		{"unknown level", secretSession, "sec", SetDocumentLevel{Document: "doc1", Level: "mật"}, Invalid, ""},
		{"level of no document", secretSession, "sec", SetDocumentLevel{Document: "nope", Level: Mat}, NotFound, ""},
		{"no level for a reserved document", secretSession, "sec", SetDocumentLevel{Document: "doc2", Level: NotSecret}, Invalid, ""},
		{"level after the take-back", then(secretSession, step{"sec", TakeBackDocument{Document: "doc3"}}), "sec", SetDocumentLevel{Document: "doc3", Level: ToiMat}, Conflict, ""},
		{"take-back by a delegate", secretSession, "d1", TakeBackDocument{Document: "doc3"}, Forbidden, ""},
		{"take-back of a public document", inSession, "sec", TakeBackDocument{Document: "doc1"}, Invalid, ""},
		{"take-back of no document", secretSession, "sec", TakeBackDocument{Document: "nope"}, NotFound, ""},
		{"display allowed by the secretary", secretSession, "sec", AllowRoomDisplay{Document: "doc3", Allow: true}, Forbidden, ""},
		{"display allowed for a public document", inSession, "chair", AllowRoomDisplay{Document: "doc1", Allow: true}, Invalid, ""},
		{"deletion of an unknown document", secretSession, "d1", ConfirmDeletion{Device: "tab-d1", Documents: []string{"nope"}}, NotFound, ""},
		{"deletion of nothing", secretSession, "d1", ConfirmDeletion{Device: "tab-d1"}, Invalid, ""},
		{"deletion from a bad device id", secretSession, "d1", ConfirmDeletion{Device: "tab d1/..", Documents: []string{"doc3"}}, Invalid, ""},
		{"deletion by an outsider", secretSession, "nobody", ConfirmDeletion{Device: "tab-d1", Documents: []string{"doc3"}}, Forbidden, ""},
		{"copy of a taken-back document", then(secretSession, step{"sec", TakeBackDocument{Document: "doc3"}}), "d3",
			RecordCopy{Device: "t", Document: "doc3", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, Conflict, ReasonTakenBack},
		{"copy after the close", then(secretSession, step{"chair", CloseMeeting{}}), "d1",
			RecordCopy{Device: "tab-d1", Document: "doc3", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, Conflict, ReasonTakenBack},
		{"Tối mật kept offline", secretSession, "d1", RecordCopy{Device: "t", Document: "doc1", Kind: CopyOffline, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNoOffline},
		{"Tối mật downloaded", secretSession, "d1", RecordCopy{Device: "t", Document: "doc1", Kind: CopyDownload, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNoDownload},
		{"Tối mật in a packet", secretSession, "d1", RecordCopy{Device: "t", Document: "doc1", Kind: CopyPacket, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNoDownload},
		{"Tối mật annotated", secretSession, "d1", RecordCopy{Device: "t", Document: "doc1", Kind: CopyAnnotated, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNoDownload},
		{"a non-reader's copy", secretSession, "d2", RecordCopy{Device: "t", Document: "doc2", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNotReader},
		{"Tuyệt mật not presented", then(secretSession, step{"sec", SetDocumentLevel{Document: "doc3", Level: TuyetMat}}), "d2",
			RecordCopy{Device: "t", Document: "doc3", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonNotPresented},
		{"Tuyệt mật on a linked room's display", then(secretSession, step{"sec", AddParticipant{Participant: Participant{ID: "disp2", Name: "Màn hình Đông Anh", Role: RoleDisplay, Room: "r2"}}},
			step{"sec", SetDocumentLevel{Document: "doc3", Level: TuyetMat}}, step{"chair", ShowDocument{Document: "doc3", Page: 1}}), "disp2",
			RecordCopy{Device: "t", Document: "doc3", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, Forbidden, ReasonDisplayNotAllowed},
		{"copy of a public document", secretSession, "d1", RecordCopy{Device: "t", Document: "doc9", Kind: CopyView, Watermark: "w", WatermarkText: "x"}, NotFound, ""},
		{"copy of an unknown kind", secretSession, "d1", RecordCopy{Device: "t", Document: "doc3", Kind: "print", Watermark: "w", WatermarkText: "x"}, Invalid, ""},
		{"copy without a watermark", secretSession, "d1", RecordCopy{Device: "t", Document: "doc3", Kind: CopyView, Watermark: "w"}, Invalid, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			l := r.at(t)
			before := string(mustJSON(t, l.s))
			evs, err := Decide(l.s, Actor{Participant: r.actor}, r.cmd, l.now)
			if err == nil {
				t.Fatalf("allowed (%d events), want %s", len(evs), r.code)
			}
			e := asError(t, err)
			if e.Code != r.code || e.Reason != r.reason {
				t.Fatalf("refused %s (reason %q), want %s (%q): %v", e.Code, e.Reason, r.code, r.reason, err)
			}
			if string(mustJSON(t, l.s)) != before {
				t.Fatal("a refusal changed the state")
			}
		})
	}
}

// TestSecrecyRulesPerMeeting: the secretary's rules replace the default
// and decide what MayCopy lets through.
func TestSecrecyRulesPerMeeting(t *testing.T) {
	l := secretSession(t)
	if err := l.s.MayCopy("d1", "doc1", CopyOffline); ErrorCode(err) != Forbidden {
		t.Fatalf("Tối mật offline by default: %v", err)
	}
	rules := LevelRules{Watermark: true, Offline: true, Download: true, LinkedDisplays: true}
	l.run(t, step{"sec", SetSecrecyRules{Level: ToiMat, Rules: rules}})
	if l.s.Rules(ToiMat) != rules || l.s.Rules(Mat) != DefaultRules(Mat) {
		t.Fatalf("rules %+v", l.s.AllRules())
	}
	for _, kind := range copyKinds {
		if err := l.s.MayCopy("d1", "doc1", kind); err != nil {
			t.Fatalf("%s after the secretary allowed it: %v", kind, err)
		}
	}
	if evs, err := Decide(l.s, Actor{Participant: "sec"}, SetSecrecyRules{Level: ToiMat, Rules: rules}, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("the same rules again: %v %v, want a no-op", evs, err)
	}
	// Tuyệt mật: its named reader always; others while presented; the
	// chair lets linked rooms' displays show it.
	l.run(t, step{"sec", SetDocumentLevel{Document: "doc2", Level: TuyetMat}},
		step{"sec", AddParticipant{Participant: Participant{ID: "disp2", Name: "Màn hình Đông Anh", Role: RoleDisplay, Room: "r2"}}})
	if l.s.MayCopy("d1", "doc2", CopyView) != nil || l.s.MayCopy("d2", "doc2", CopyView) == nil {
		t.Fatal("Tuyệt mật not presented: the reader should, the other not")
	}
	l.run(t, step{"chair", ShowDocument{Document: "doc2", Page: 2}})
	if err := l.s.MayCopy("d2", "doc2", CopyView); err != nil {
		t.Fatalf("presented: %v", err)
	}
	if err := l.s.MayCopy("d2", "doc2", CopyOffline); ErrorCode(err) != Forbidden {
		t.Fatalf("presented, kept offline: %v", err)
	}
	if err := l.s.MayCopy("disp2", "doc2", CopyView); ErrorCode(err) != Forbidden {
		t.Fatalf("linked display: %v", err)
	}
	l.run(t, step{"chair", AllowRoomDisplay{Document: "doc2", Allow: true}})
	if err := l.s.MayCopy("disp2", "doc2", CopyView); err != nil {
		t.Fatalf("linked display allowed by the chair: %v", err)
	}
	l.run(t, step{"chair", ShowDocument{Document: "doc1", Page: 1}})
	if l.s.MayCopy("d2", "doc2", CopyView) == nil {
		t.Fatal("no longer presented, still served")
	}
}

// TestTakeBackAndRegister: a take-back, the tablets' reports and the
// register; the close takes back the rest; what a viewer receives.
func TestTakeBackAndRegister(t *testing.T) {
	l := secretSession(t)
	if got := l.s.PendingTakeBack("d1", "tab-d1"); len(got) != 0 {
		t.Fatalf("pending before any take-back: %v", got)
	}
	// The same copy again (a range request, a reload) adds nothing.
	if evs, err := Decide(l.s, Actor{Participant: "d1"}, RecordCopy{Device: "tab-d1", Document: "doc3", Kind: CopyView, Watermark: "w-d1", WatermarkText: "TÀI LIỆU MẬT — Đại biểu Nguyễn Thị Hương"}, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("the same copy again: %v %v", evs, err)
	}
	l.run(t, step{"sec", TakeBackDocument{Document: "doc3"}})
	doc := l.s.Documents["doc3"]
	if doc.TakenBack == nil || doc.TakenBack.Reason != TakeBackBySecretary || doc.TakenBack.Seq != l.s.Version {
		t.Fatalf("taken back %+v", doc.TakenBack)
	}
	if evs, err := Decide(l.s, Actor{Participant: "chair"}, TakeBackDocument{Document: "doc3"}, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("again: %v %v, want a no-op", evs, err)
	}
	if got := l.s.PendingTakeBack("d1", "tab-d1"); !slices.Equal(got, []string{"doc3"}) {
		t.Fatalf("d1's pending %v", got)
	}
	if got := l.s.PendingTakeBack("d1", "other-tablet"); len(got) != 0 {
		t.Fatalf("d1's other tablet holds nothing: %v", got)
	}
	out := l.s.OutByDevice([]string{"doc3"})
	if !slices.Equal(out["d1"]["tab-d1"], []string{"doc3"}) || !slices.Equal(out["d2"]["tab-d2"], []string{"doc3"}) || len(out) != 2 {
		t.Fatalf("out by device %v", out)
	}
	// d1 reports; a report of what was not out (again) is a no-op.
	evs := l.run(t, step{"d1", ConfirmDeletion{Device: "tab-d1", Documents: []string{"doc3"}}})
	if d, ok := evs[0].Data.(CopiesDeleted); !ok || d.Copies != 1 || d.Participant != "d1" || d.Device != "tab-d1" {
		t.Fatalf("deletion %+v", evs[0].Data)
	}
	if evs, err := Decide(l.s, Actor{Participant: "d1"}, ConfirmDeletion{Device: "tab-d1", Documents: []string{"doc3"}}, l.now); err != nil || len(evs) != 0 {
		t.Fatalf("reported twice: %v %v", evs, err)
	}
	if got := l.s.PendingTakeBack("d1", "tab-d1"); len(got) != 0 {
		t.Fatalf("pending after the report: %v", got)
	}
	// The close takes doc2 back (and not the public documents); d1's
	// copy of doc2 is now pending; d1 reports after the close.
	l.run(t, step{"chair", CloseMeeting{}})
	if tb := l.s.Documents["doc2"].TakenBack; tb == nil || tb.Reason != TakeBackClosed {
		t.Fatalf("doc2 after the close: %+v", tb)
	}
	if l.s.Documents["doc1"].TakenBack == nil || l.s.Documents["doc3"].TakenBack.Reason != TakeBackBySecretary {
		t.Fatal("the close took back a public document, or rewrote an earlier take-back")
	}
	if got := l.s.PendingTakeBack("d1", "tab-d1"); !slices.Equal(got, []string{"doc2"}) {
		t.Fatalf("d1's pending after the close %v", got)
	}
	l.run(t, step{"d1", ConfirmDeletion{Device: "tab-d1", Documents: []string{"doc2", "doc3"}}},
		step{"chair", RecordCopy{Device: "console", Document: "doc3", Kind: CopyDownload, Watermark: "w-c", WatermarkText: "TÀI LIỆU MẬT — Chủ tọa"}})
	if len(l.s.Copies) != 4 || len(l.s.Confirmations) != 2 {
		t.Fatalf("register: %d copies, %d confirmations", len(l.s.Copies), len(l.s.Confirmations))
	}
	var stillOut []string
	for _, r := range l.s.Copies {
		if r.Out() {
			stillOut = append(stillOut, r.Participant+"/"+r.Device+"/"+r.Document)
		}
	}
	if !slices.Equal(stillOut, []string{"d2/tab-d2/doc3", "chair/console/doc3"}) {
		t.Fatalf("still out %v", stillOut)
	}

	// The register is the server's: replaying the log gives it back; no
	// view carries it; only the chair and the secretaries receive its
	// events.
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
	for _, viewer := range []string{"sec", "chair", "d1", "obs"} {
		for _, v := range []*State{l.s.ViewFor(viewer), l.s.LeanViewFor(viewer)} {
			if b := string(mustJSON(t, v)); strings.Contains(b, "tab-d1") || strings.Contains(b, `"copies"`) {
				t.Fatalf("%s's view holds the register", viewer)
			}
		}
	}
	for _, e := range l.events {
		switch e.Data.(type) {
		case CopyServed, CopiesDeleted:
			if !ForStaff(e) {
				t.Fatalf("%s is not for staff only", e.Type())
			}
			for _, viewer := range []string{"d1", "d2", "obs"} {
				if Visible(l.s, e, viewer) {
					t.Fatalf("%s reaches %s", e.Type(), viewer)
				}
			}
			if !Visible(l.s, e, "sec") || !Visible(l.s, e, "chair") {
				t.Fatalf("%s does not reach the staff", e.Type())
			}
		}
	}
}

// TestTakeBackFollowed: a client following the events folds the take-back
// as the server does, the close's too.
func TestTakeBackFollowed(t *testing.T) {
	l := secretSession(t)
	start := len(l.events)
	mine := followView(replay(t, l.events), "d2")
	l.run(t, step{"sec", TakeBackDocument{Document: "doc3"}}, step{"chair", CloseMeeting{}})
	for _, e := range l.events[start:] {
		if !Visible(l.s, e, "d2") {
			continue
		}
		e, _ = Redact(l.s, e, "d2")
		if err := mine.Follow(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"doc2", "doc3"} {
		if mine.Documents[id].TakenBack == nil {
			t.Fatalf("%s not taken back in the followed view", id)
		}
	}
	if mine.Documents["doc2"].TakenBack.Reason != TakeBackClosed || mine.Documents["doc2"].Withheld != true {
		t.Fatalf("doc2 followed: %+v", mine.Documents["doc2"])
	}
}

// TestRegisterSharedByClones: a clone shares the register, yet folding a
// deletion or a copy into one leaves the other as it was.
func TestRegisterSharedByClones(t *testing.T) {
	l := secretSession(t)
	before := string(mustJSON(t, l.s.Copies))
	c := l.s.Clone()
	l.run(t, step{"sec", TakeBackDocument{Document: "doc3"}}, step{"d1", ConfirmDeletion{Device: "tab-d1", Documents: []string{"doc3", "doc2"}}},
		step{"d3", RecordCopy{Device: "tab-d3", Document: "doc1", Kind: CopyView, Watermark: "w-d3", WatermarkText: "TÀI LIỆU TỐI MẬT — d3"}})
	if got := string(mustJSON(t, c.Copies)); got != before || len(c.Confirmations) != 0 {
		t.Fatalf("the clone's register changed:\n%s\nwas\n%s", got, before)
	}
	if len(l.s.Copies) != 4 || l.s.Copies[0].Out() || l.s.Copies[2].Out() || !l.s.Copies[1].Out() {
		t.Fatalf("the state's register %s", mustJSON(t, l.s.Copies))
	}
	// And the other way: folding into the clone leaves the state alone.
	now := string(mustJSON(t, l.s.Copies))
	c2 := l.s.Clone()
	evs, err := Decide(c2, Actor{Participant: "d2"}, ConfirmDeletion{Device: "tab-d2", Documents: []string{"doc3"}}, l.now)
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	if err := c2.Apply(evs[0]); err != nil {
		t.Fatal(err)
	}
	if string(mustJSON(t, l.s.Copies)) != now || c2.Copies[1].Out() {
		t.Fatal("a fold into the clone reached the state, or did not fold")
	}
}

// TestCopiesBoundedPerDevice: a delegate may hold copies of a document on
// MaxCopyDevices devices; a script naming a new device per request is
// refused then, and a deletion makes room again. The chair is not bound.
func TestCopiesBoundedPerDevice(t *testing.T) {
	l := secretSession(t) // d1 holds doc3 on tab-d1
	copyOn := func(who, device string) (int, error) {
		evs, err := Decide(l.s, Actor{Participant: who}, RecordCopy{Device: device, Document: "doc3", Kind: CopyView, Watermark: "w-" + who, WatermarkText: "TÀI LIỆU MẬT — " + who}, l.now)
		for _, e := range evs {
			if err := l.s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return len(evs), err
	}
	for i := 2; i <= MaxCopyDevices; i++ {
		if n, err := copyOn("d1", fmt.Sprintf("tab-%d", i)); err != nil || n != 1 {
			t.Fatalf("device %d: %d events, %v", i, n, err)
		}
	}
	before := string(mustJSON(t, l.s))
	_, err := copyOn("d1", "one-too-many")
	if e := asError(t, err); e.Code != Conflict || e.Reason != ReasonTooManyDevices {
		t.Fatalf("device %d: %v", MaxCopyDevices+1, err)
	}
	if string(mustJSON(t, l.s)) != before {
		t.Fatal("the refusal changed the state")
	}
	if n, err := copyOn("d1", "tab-3"); err != nil || n != 0 {
		t.Fatalf("a device that holds it already: %d events, %v", n, err)
	}
	l.run(t, step{"d1", ConfirmDeletion{Device: "tab-3", Documents: []string{"doc3"}}})
	if n, err := copyOn("d1", "one-too-many"); err != nil || n != 1 {
		t.Fatalf("after a deletion: %d events, %v", n, err)
	}
	for i := 0; i <= MaxCopyDevices; i++ {
		if _, err := copyOn("chair", fmt.Sprintf("console-%d", i)); err != nil {
			t.Fatalf("the chair's device %d: %v", i, err)
		}
	}
}
