package gateway

import (
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// TestLeanWelcomeIsTheWelcome: the lean welcome, written in place from its
// parts, decodes to what encoding/json makes of the same protocol.Welcome
// with the viewer's lean view as its snapshot — for a delegate with a
// ballot and a private note and one without, with and without documents to
// delete, with strings that JSON escapes — and its frame reads back whole.
func TestLeanWelcomeIsTheWelcome(t *testing.T) {
	const id = "welcome"
	st, decide := openedMeeting(t, id)
	decide("d1", meeting.CheckIn{})
	decide("d3", meeting.CheckIn{})
	decide("d1", meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "n1", Document: "doc1", Page: 1, Kind: meeting.AnnotationNote, Color: "#FFCC00", Text: "Ghi chú <riêng> & \"kín\""}})
	decide(meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	decide("d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})

	g := New(Config{PingInterval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nil, nil, nil)
	t.Cleanup(func() { _ = g.Shutdown(t.Context()) })
	r := newRoom(g, id)
	r.state = st
	r.countAttendance()

	for _, tc := range []struct {
		viewer   string
		takeBack []string
	}{
		{"d1", []string{"doc1", `d"<2>&`}},
		{"d2", nil},
		{"d1", nil},
		{"d2", []string{"doc2"}},
	} {
		if !st.LeanShared(tc.viewer) {
			t.Fatalf("%s is not a viewer of the shared lean part: the test checks nothing", tc.viewer)
		}
		w := protocol.Welcome{Type: protocol.TypeWelcome, Protocol: protocol.Version, Meeting: id, Participant: tc.viewer, Role: "delegate <\"đại biểu\">", Seq: st.Version, TakeBack: tc.takeBack}
		m, err := r.leanWelcome(w, tc.viewer)
		if err != nil {
			t.Fatal(err)
		}
		w.Snapshot = st.LeanViewFor(tc.viewer)
		want, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var got, exp map[string]any
		if err := json.Unmarshal(m.payload(), &got); err != nil {
			t.Fatalf("%s: the welcome is not JSON: %v\n%s", tc.viewer, err, m.payload())
		}
		if err := json.Unmarshal(want, &exp); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, exp) {
			t.Fatalf("%s's welcome\n got  %s\n want %s", tc.viewer, m.payload(), want)
		}
		if !strings.Contains(string(m.payload()), `"n1"`) == (tc.viewer == "d1") {
			t.Fatalf("%s's welcome and the note n1: %s", tc.viewer, m.payload())
		}
		if l := len(m.payload()); int(m.wire[1]) != 126 || int(m.wire[2])<<8|int(m.wire[3]) != l {
			t.Fatalf("%s: frame header %v for %d bytes", tc.viewer, m.wire[:4], l)
		}
	}
}

// TestLeanWelcomeKnowsEveryField: leanWelcome writes protocol.Welcome's
// fields by hand; a field added to the welcome must be added there too (and
// to the case above).
func TestLeanWelcomeKnowsEveryField(t *testing.T) {
	written := map[string]bool{"type": true, "protocol": true, "meeting": true, "participant": true, "role": true, "seq": true, "snapshot": true, "take_back": true}
	typ := reflect.TypeFor[protocol.Welcome]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !written[name] {
			t.Errorf("protocol.Welcome has %s (json %q), which leanWelcome does not write", typ.Field(i).Name, name)
		}
		delete(written, name)
	}
	for name := range written {
		t.Errorf("leanWelcome writes %q, which protocol.Welcome no longer has", name)
	}
}

// TestFrameBufFrames: a message written in place has the frame newMessage
// makes of the same payload, at every length encoding.
func TestFrameBufFrames(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 65535, 65536, 70000} {
		data := []byte(strings.Repeat("x", n))
		b := newFrameBuf(n / 2) // grown by append past its first size
		b = append(b, data...)
		if got, want := b.message().wire, newMessage(data).wire; string(got) != string(want) {
			t.Fatalf("%d bytes: frame %v…, newMessage's %v…", n, got[:min(len(got), 10)], want[:min(len(want), 10)])
		}
	}
	for _, s := range []string{"", "d1", "Đại biểu", `a"b`, `a\b`, "<&>", "tab\there", "\u2028"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendJSONString(%q) = %s, want x%s", s, got, want)
		}
	}
}
