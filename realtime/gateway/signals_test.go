package gateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// lastSignal waits until c's last received signal has name and data
// containing mark, and returns every signal it got.
func waitSignal(tb testing.TB, c *daisclient.Client, mark string) []protocol.Signal {
	tb.Helper()
	var got []protocol.Signal
	err := c.WaitFor(ctxTimeout(tb, 10*time.Second), func(v daisclient.View) bool {
		got = append(got[:0], v.Signals...)
		return len(v.Signals) > 0 && strings.Contains(string(v.Signals[len(v.Signals)-1].Data), mark)
	})
	if err != nil {
		tb.Fatalf("waiting for the signal %q: %v", mark, err)
	}
	return got
}

// TestConfidentialInkOnlyToReaders is issue 11 finding 8's live-ink leak:
// the chair draws on a confidential document (for d1 only) and points at
// it while it is shown; d2 and d3, who may not read it, received the ink.
// Now only its readers (and the chair and secretaries) do; ink on a public
// document, sent after, still reaches everyone; a signal naming a document
// the meeting does not have reaches nobody; an oversized signal is dropped.
func TestConfidentialInkOnlyToReaders(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	if _, err := h.svc.Execute(ctx, meetingID, meetingtest.Secretary, meeting.AddDocument{Document: meeting.Document{
		ID: "secret", Title: "Phương án nhân sự", Pages: 3, SHA256: strings.Repeat("cd", 32), Confidential: true, Readers: []string{"d1"}}}); err != nil {
		t.Fatal(err)
	}
	chair := h.dial(t, "chair", daisclient.Options{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	d2 := h.dial(t, "d2", daisclient.Options{})
	sec := h.dial(t, "sec", daisclient.Options{})
	do(t, chair, meeting.OpenSession{})

	ink := func(doc, mark string) map[string]any {
		return map[string]any{"id": "k1", "document": doc, "page": 1, "color": "#c00000", "i": 0, "points": [][2]float64{{0.1, 0.2}}, "mark": mark}
	}
	send := func(name string, data any) {
		t.Helper()
		if err := chair.Signal(name, data); err != nil {
			t.Fatal(err)
		}
	}
	send("ink", ink("secret", "confidential-ink"))
	send("ink", ink("nosuchdoc", "unknown-doc"))
	send("ink", map[string]any{"document": "doc1", "pad": strings.Repeat("x", gateway.MaxSignalSize)})
	// The presentation shows the confidential document: a pointer without
	// a document is about it.
	shown := do(t, chair, meeting.ShowDocument{Document: "secret", Page: 1})
	// A signal naming no document is judged by what the room shows when
	// the signal reaches it: wait until the rooms have the new page.
	for _, c := range []*daisclient.Client{d1, d2, sec} {
		if err := c.WaitFor(ctxTimeout(t, 10*time.Second), func(v daisclient.View) bool { return v.LastSeq >= shown }); err != nil {
			t.Fatal(err)
		}
	}
	send("pointer", map[string]any{"x": 0.5, "y": 0.5, "mark": "confidential-pointer"})
	// The signal and the next command travel on different subjects of the
	// bus, in no order between them: the room must have judged the
	// pointer (d1, a reader, has it) before the presentation moves on, or
	// it is judged against the public document shown next.
	waitSignal(t, d1, "confidential-pointer")
	do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	send("ink", ink("doc1", "public-ink"))

	for _, c := range []struct {
		name   string
		client *daisclient.Client
		reader bool
	}{{"d1", d1, true}, {"sec", sec, true}, {"d2", d2, false}} {
		got := waitSignal(t, c.client, "public-ink")
		var all string
		for _, s := range got {
			all += string(s.Data) + "\n"
		}
		for _, mark := range []string{"confidential-ink", "confidential-pointer"} {
			if strings.Contains(all, mark) != c.reader {
				t.Errorf("%s (reader %v) got %s: %v", c.name, c.reader, mark, strings.Contains(all, mark))
			}
		}
		if strings.Contains(all, "unknown-doc") || strings.Contains(all, "xxxx") {
			t.Errorf("%s got a signal it should not have:\n%s", c.name, all)
		}
	}
}

// TestNoticeReachesEveryone (issue 13): the server's notice that a
// conclusion was published, put on the meeting's bus subject, reaches
// every client of the meeting as a notice — a delegate who may not read
// the confidential document the room is shown too (a notice names no
// document; what it asks to fetch is checked by its route) — and a
// client's signal stays a signal.
func TestNoticeReachesEveryone(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	if _, err := h.svc.Execute(ctx, meetingID, meetingtest.Secretary, meeting.AddDocument{Document: meeting.Document{
		ID: "secret", Title: "Phương án nhân sự", Pages: 3, SHA256: strings.Repeat("cd", 32), Confidential: true, Readers: []string{"d1"}}}); err != nil {
		t.Fatal(err)
	}
	chair := h.dial(t, "chair", daisclient.Options{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	d2 := h.dial(t, "d2", daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	shown := do(t, chair, meeting.ShowDocument{Document: "secret", Page: 1})
	for _, c := range []*daisclient.Client{d1, d2} {
		if err := c.WaitFor(ctxTimeout(t, 10*time.Second), func(v daisclient.View) bool { return v.LastSeq >= shown }); err != nil {
			t.Fatal(err)
		}
	}
	if err := chair.Signal("notice", map[string]any{"id": "forged"}); err != nil {
		t.Fatal(err)
	}
	// d1 reads the shown document: the chair's signal reaches it, as a signal.
	if err := d1.WaitFor(ctxTimeout(t, 10*time.Second), func(v daisclient.View) bool { return len(v.Signals) > 0 }); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(protocol.Notice{Type: protocol.TypeNotice, Name: protocol.NoticeConclusions, ID: "kl-1"})
	if err := h.bus.PublishSignal(meetingID, data); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*daisclient.Client{"chair": chair, "d1": d1, "d2": d2} {
		var got []protocol.Notice
		if err := c.WaitFor(ctxTimeout(t, 10*time.Second), func(v daisclient.View) bool {
			got = append(got[:0], v.Notices...)
			return len(v.Notices) > 0
		}); err != nil {
			t.Fatalf("%s: no notice: %v", name, err)
		}
		if len(got) != 1 || got[0].Name != protocol.NoticeConclusions || got[0].ID != "kl-1" {
			t.Fatalf("%s's notices: %+v (a client's signal is never one)", name, got)
		}
	}
}
