package gateway_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/gateway"
)

// recordCopy registers a copy of document for who on device, as the
// document routes do when they serve it.
func recordCopy(tb testing.TB, h *harness, who, device, document string) {
	tb.Helper()
	_, err := h.svc.Execute(context.Background(), meetingID, meeting.Actor{Participant: who}, meeting.RecordCopy{
		Device: device, Document: document, Kind: meeting.CopyOffline, Watermark: "w-" + who, WatermarkText: "TÀI LIỆU MẬT — " + who})
	if err != nil {
		tb.Fatalf("copy for %s: %v", who, err)
	}
}

// toDelete is what a tablet that just connected is told to delete: its
// welcome's take_back or, when the room had not folded the take-back yet
// as it answered the hello, the takeback message that follows it.
func toDelete(tb testing.TB, c *daisclient.Client) []string {
	tb.Helper()
	if w := c.Welcome().TakeBack; len(w) > 0 {
		return w
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	if err := c.WaitFor(ctx, func(v daisclient.View) bool {
		if len(v.TakeBacks) > 0 {
			got = v.TakeBacks[0]
			return true
		}
		return false
	}); err != nil {
		tb.Fatalf("no take-back: %v", err)
	}
	return got
}

// seen waits until c has received the event seq.
func seen(tb testing.TB, c *daisclient.Client, seq uint64) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.WaitFor(ctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
		tb.Fatal(err)
	}
}

// TestTakeBackReachesOfflineTabletOnReconnect (issue 12): d1's and d2's
// tablets hold copies of a Mật document; d2's is offline when the
// secretary takes it back. d1's tablet is told at once (a takeback
// message); d2's welcome carries the take-back when it reconnects, and
// after its ConfirmDeletion the next welcome carries none. The register
// events reach the secretary, never a delegate; a copy is refused to
// delegates after the take-back.
func TestTakeBackReachesOfflineTabletOnReconnect(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	sha := strings.Repeat("cd", 32)
	if _, err := h.svc.Execute(ctx, meetingID, meeting.Actor{Participant: "sec"}, meeting.AddDocument{
		Document: meeting.Document{ID: "mat1", Title: "Phương án sắp xếp tổ chức bộ máy", Pages: 3, SHA256: sha, Level: meeting.Mat}}); err != nil {
		t.Fatal(err)
	}
	recordCopy(t, h, "d2", "tab-d2", "mat1") // while d2 was online, before

	sec := h.dial(t, "sec", daisclient.Options{KeepState: true, Device: "console-sec"})
	d1 := h.dial(t, "d1", daisclient.Options{KeepState: true, Device: "tab-d1"})
	d3 := h.dial(t, "d3", daisclient.Options{KeepState: true, Device: "tab-d3"})
	if tb := d1.Welcome().TakeBack; len(tb) != 0 {
		t.Fatalf("d1's welcome before any take-back: %v", tb)
	}
	recordCopy(t, h, "d1", "tab-d1", "mat1")
	// The secretary sees the register event; d3 (connected) does not.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	copySeq, _ := h.svc.Version(ctx, meetingID)
	if err := sec.WaitFor(wctx, func(v daisclient.View) bool { return v.LastSeq >= copySeq }); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	seq := do(t, sec, meeting.TakeBackDocument{Document: "mat1"})
	if err := d1.WaitFor(wctx, func(v daisclient.View) bool { return len(v.TakeBacks) > 0 }); err != nil {
		t.Fatalf("d1 was not told to delete: %v", err)
	}
	t.Logf("the connected tablet was told to delete %v after the secretary sent the take-back", time.Since(start).Round(time.Millisecond))
	var got [][]string
	_ = d1.WaitFor(wctx, func(v daisclient.View) bool { got = slices.Clone(v.TakeBacks); return true })
	if len(got) != 1 || !slices.Equal(got[0], []string{"mat1"}) {
		t.Fatalf("d1's take-back messages %v", got)
	}
	if err := d3.WaitFor(wctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
		t.Fatal(err)
	}
	if err := d3.WaitFor(wctx, func(v daisclient.View) bool {
		return len(v.TakeBacks) == 0 && v.State.Documents["mat1"].TakenBack != nil
	}); err != nil {
		t.Fatalf("d3 (no copy) was told to delete, or did not see the take-back: %v", err)
	}
	for {
		r, err := d3.Next(wctx)
		if err != nil {
			t.Fatal(err)
		}
		switch r.Event.Data.(type) {
		case meeting.CopyServed, meeting.CopiesDeleted:
			t.Fatalf("a delegate received the register's %s", r.Event.Type())
		}
		if r.Event.Seq >= seq {
			break
		}
	}
	// d1 reports at once.
	seen(t, sec, do(t, d1, meeting.ConfirmDeletion{Device: "tab-d1", Documents: []string{"mat1"}}))

	// A delegate gets no further copy.
	_, err := h.svc.Execute(ctx, meetingID, meeting.Actor{Participant: "d3"}, meeting.RecordCopy{
		Device: "tab-d3", Document: "mat1", Kind: meeting.CopyView, Watermark: "w", WatermarkText: "x"})
	var me *meeting.Error
	if !errors.As(err, &me) || me.Code != meeting.Conflict || me.Reason != meeting.ReasonTakenBack {
		t.Fatalf("a copy after the take-back: %v", err)
	}

	// d2 was offline: its welcome says what to delete; from another
	// device of d2's, nothing.
	other := h.dial(t, "d2", daisclient.Options{Device: "tab-d2-spare"})
	if tb := other.Welcome().TakeBack; len(tb) != 0 {
		t.Fatalf("d2's other tablet told to delete %v", tb)
	}
	_ = other.Close()
	d2 := h.dial(t, "d2", daisclient.Options{KeepState: true, Device: "tab-d2"})
	if tb := toDelete(t, d2); !slices.Equal(tb, []string{"mat1"}) {
		t.Fatalf("d2's welcome take_back %v, want [mat1]", tb)
	}
	seen(t, sec, do(t, d2, meeting.ConfirmDeletion{Device: "tab-d2", Documents: []string{"mat1"}}))
	_ = d2.Close()
	again := h.dial(t, "d2", daisclient.Options{Device: "tab-d2"})
	if tb := again.Welcome().TakeBack; len(tb) != 0 {
		t.Fatalf("after the report, d2's welcome still says %v", tb)
	}
	st, err := h.svc.State(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	reg := st.CopyRegister()
	if len(reg.Outstanding) != 0 || len(reg.Confirmations) != 2 || len(reg.Copies) != 2 {
		t.Fatalf("register: %d out, %d confirmations, %d copies", len(reg.Outstanding), len(reg.Confirmations), len(reg.Copies))
	}
}

// TestTakeBackAtTheCloseOnResume: the close takes every secret document
// back; a tablet that was away resumes from its last seq (no snapshot)
// and its welcome carries the take-back.
func TestTakeBackAtTheCloseOnResume(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	if _, err := h.svc.Execute(ctx, meetingID, meeting.Actor{Participant: "sec"}, meeting.AddDocument{
		Document: meeting.Document{ID: "conf", Title: "Hồ sơ nhân sự", Pages: 2, SHA256: strings.Repeat("ef", 32), Confidential: true, Readers: []string{"d1"}}}); err != nil {
		t.Fatal(err)
	}
	d1 := h.dial(t, "d1", daisclient.Options{KeepState: true, Device: "tab-d1"})
	recordCopy(t, h, "d1", "tab-d1", "conf")
	last := d1.LastSeq()
	_ = d1.Close()
	chair := h.dial(t, "chair", daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	seen(t, chair, do(t, chair, meeting.CloseMeeting{}))
	back := h.dial(t, "d1", daisclient.Options{Device: "tab-d1", LastSeq: last})
	w := back.Welcome()
	if w.Snapshot != nil {
		t.Fatal("a snapshot instead of a resume")
	}
	if !slices.Equal(w.TakeBack, []string{"conf"}) {
		t.Fatalf("resumed welcome take_back %v, want [conf]", w.TakeBack)
	}
	// After the close, the report is still taken.
	do(t, back, meeting.ConfirmDeletion{Device: "tab-d1", Documents: []string{"conf"}})
}

// TestLeanWelcomeAfterCopies: copies served do not change what delegates
// see, so the room keeps the shared part of their snapshots across them;
// a delegate who connects after a burst of copies still gets exactly the
// lean view, at the current seq.
func TestLeanWelcomeAfterCopies(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	chair := h.dial(t, "chair", daisclient.Options{KeepState: true})
	if _, err := h.svc.Execute(ctx, meetingID, meeting.Actor{Participant: "sec"}, meeting.AddDocument{
		Document: meeting.Document{ID: "mat1", Title: "Báo cáo mật", Pages: 3, SHA256: strings.Repeat("cd", 32), Level: meeting.Mat}}); err != nil {
		t.Fatal(err)
	}
	v, _ := h.svc.Version(ctx, meetingID)
	seen(t, chair, v)
	first := h.dial(t, "d2", daisclient.Options{KeepState: true}) // the room builds the shared part
	_ = first.Close()
	for _, who := range []string{"d1", "d2"} {
		recordCopy(t, h, who, "tab-"+who, "mat1")
	}
	v, _ = h.svc.Version(ctx, meetingID)
	seen(t, chair, v)
	for _, who := range []string{"d3", "d1"} {
		c := h.dial(t, who, daisclient.Options{KeepState: true, Device: "tab-" + who})
		got, want := c.State(), serverView(t, h).LeanViewFor(who)
		if jsonOf(t, got) != jsonOf(t, want) || got.Version != v {
			t.Fatalf("%s's snapshot after the copies\n got  %s\n want %s", who, jsonOf(t, got), jsonOf(t, want))
		}
	}
}
