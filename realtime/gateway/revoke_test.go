package gateway_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// waitClosed waits until c was closed by the server and returns its close
// code and how long it took.
func waitClosed(tb testing.TB, c *daisclient.Client, since time.Time) (int, time.Duration) {
	tb.Helper()
	select {
	case <-c.Done():
		return c.CloseCode(), time.Since(since)
	case <-time.After(10 * time.Second):
		tb.Fatal("the socket was not closed")
		return 0, 0
	}
}

// TestRevokedSocketClosedFromTheLog: a secretary revokes a delegate's
// sessions while the bus loses every event; the room still reads the
// revocation from the log (tail check) and closes the delegate's socket
// with CloseRevoked. Another delegate stays connected; the revoked token
// is answered CloseRevoked on its next hello.
func TestRevokedSocketClosedFromTheLog(t *testing.T) {
	h := mustServe(t, gateway.Config{TailCheck: 100 * time.Millisecond}, 1)
	d1 := h.dial(t, "d1", daisclient.Options{})
	d2 := h.dial(t, "d2", daisclient.Options{})
	ctx := context.Background()
	sec, err := h.acc.Authenticate(ctx, h.token["sec"])
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := h.acc.Revoke(ctx, sec, "d1", ""); err != nil {
		t.Fatal(err)
	}
	code, took := waitClosed(t, d1, start)
	if code != protocol.CloseRevoked {
		t.Fatalf("closed with %d, want CloseRevoked (%d)", code, protocol.CloseRevoked)
	}
	t.Logf("the revoked socket was closed %v after the revocation, with every bus message lost", took.Round(time.Millisecond))
	if h.bus.dropped.Load() == 0 {
		t.Fatal("the bus dropped nothing: the test did not test the log path")
	}
	select {
	case <-d2.Done():
		t.Fatalf("another delegate was disconnected: %v", d2.Err())
	default:
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = daisclient.Dial(dctx, h.srv.URL, h.token["d1"], daisclient.Options{})
	var ce *daisclient.CloseError
	if !errors.As(err, &ce) || ce.Code != protocol.CloseRevoked {
		t.Fatalf("hello with the revoked token: %v, want CloseRevoked", err)
	}
}

// TestRevokeOneSessionClosesOnlyIt: two tablets of one delegate; revoking
// one closes that one alone.
func TestRevokeOneSessionClosesOnlyIt(t *testing.T) {
	h := mustServe(t, gateway.Config{}, 0)
	ctx := context.Background()
	code, err := h.acc.Invite(ctx, meetingID, "d1")
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.acc.Join(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	first := h.dial(t, "d1", daisclient.Options{})
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	other, err := daisclient.Dial(dctx, h.srv.URL, second.Token, daisclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	sec, _ := h.acc.Authenticate(ctx, h.token["sec"])
	if _, err := h.acc.Revoke(ctx, sec, "d1", second.ID); err != nil {
		t.Fatal(err)
	}
	if code, _ := waitClosed(t, other, time.Now()); code != protocol.CloseRevoked {
		t.Fatalf("closed with %d", code)
	}
	// The first tablet is still served: it sees the next page turn.
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	seq := do(t, chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	wctx, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	if err := first.WaitFor(wctx, func(v daisclient.View) bool { return v.LastSeq >= seq }); err != nil {
		t.Fatalf("the other tablet was cut off too: %v", err)
	}
}

// TestRemovedParticipantGetsNothingMore: finding 8, a removed participant's
// open socket kept receiving signals and ballot progress. It is closed with
// CloseRevoked at the removal, and what follows reaches the others only.
func TestRemovedParticipantGetsNothingMore(t *testing.T) {
	h := mustServe(t, gateway.Config{ProgressInterval: 20 * time.Millisecond}, 0)
	chair := h.dial(t, meetingtest.Chair, daisclient.Options{})
	d1 := h.dial(t, "d1", daisclient.Options{})
	d3 := h.dial(t, "d3", daisclient.Options{})
	do(t, chair, meeting.OpenSession{})
	ctx := context.Background()
	start := time.Now()
	if _, err := h.svc.Execute(ctx, meetingID, meetingtest.Secretary, meeting.RemoveParticipant{Participant: "d3"}); err != nil {
		t.Fatal(err)
	}
	if code, _ := waitClosed(t, d3, start); code != protocol.CloseRevoked {
		t.Fatalf("the removed participant's socket closed with %d, want CloseRevoked", code)
	}
	signalsBefore := len(viewOf(t, d3).Signals)
	// A signal and ballot progress after the removal reach d1, not d3.
	if err := chair.Signal("pointer", map[string]float64{"x": 0.5, "y": 0.5}); err != nil {
		t.Fatal(err)
	}
	do(t, chair, meeting.CheckIn{})
	do(t, d1, meeting.CheckIn{})
	do(t, chair, meeting.OpenPoll{Poll: "v1"})
	do(t, d1, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"})
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d1.WaitFor(wctx, func(v daisclient.View) bool {
		return len(v.Signals) > 0 && v.Progress != nil && v.Progress.Cast == 1
	}); err != nil {
		t.Fatalf("d1 did not get the signal and the progress: %v", err)
	}
	v := viewOf(t, d3)
	if len(v.Signals) != signalsBefore || v.Progress != nil {
		t.Fatalf("the removed participant received %d signals and progress %+v after the removal", len(v.Signals)-signalsBefore, v.Progress)
	}
	// And the removed participant's token opens nothing.
	dctx, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	_, err := daisclient.Dial(dctx, h.srv.URL, h.token["d3"], daisclient.Options{})
	var ce *daisclient.CloseError
	if !errors.As(err, &ce) || ce.Code != protocol.CloseRevoked {
		t.Fatalf("hello of the removed participant: %v, want CloseRevoked", err)
	}
}

// viewOf returns what a (possibly closed) client holds.
func viewOf(tb testing.TB, c *daisclient.Client) daisclient.View {
	tb.Helper()
	var out daisclient.View
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = c.WaitFor(ctx, func(v daisclient.View) bool { out = v; return true })
	return out
}
