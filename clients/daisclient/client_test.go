package daisclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// script serves one WebSocket: it reads the hello, sends a welcome without
// a snapshot, then the frames, answering the first command with ack.
func script(tb testing.TB, frames []string, ack string) string {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if _, _, err := ws.ReadMessage(); err != nil { // hello
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","protocol":1,"meeting":"m","participant":"d1","role":"delegate","seq":6}`))
		for _, f := range frames {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(f))
		}
		if ack != "" {
			_, cmd, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var c protocol.Command
			_ = json.Unmarshal(cmd, &c)
			_ = ws.WriteMessage(websocket.TextMessage, []byte(strings.ReplaceAll(ack, "ID", c.ID)))
		}
		_, _, _ = ws.ReadMessage() // until the client goes
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

func TestMessagesDecoded(t *testing.T) {
	frames := []string{
		`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":5}}}`,
		`{"type":"progress","poll":"v1","cast":3,"members":5,"present":4}`,
		`{"type":"move","retry_ms":1500}`, // before the signal: once the signal is seen, so is the move
		`{"type":"signal","name":"pointer","from":"chair","data":{"x":0.4,"y":0.7}}`,
		`{"type":"event","event":{"seq":8,"type":"PollClosed","at":"2026-12-03T08:16:00Z","actor":"chair","data":{"poll":"v1","result":{"counts":{"for":3},"cast":3,"members":5,"present":4,"base":3,"quorum_ok":true,"passed":true}}}}`,
	}
	ack := `{"type":"ack","id":"ID","ok":false,"error":{"code":"conflict","message":"no document is shown","message_vi":"Chưa trình chiếu tài liệu nào"}}`
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := daisclient.Dial(ctx, script(t, frames, ack), "tok", daisclient.Options{LastSeq: 6})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	r, err := c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pt, ok := r.Event.Data.(meeting.PageTurned)
	if r.Event.Seq != 7 || r.Event.Actor != "chair" || !ok || pt.Document != "doc1" || pt.Page != 5 ||
		!r.Event.At.Equal(time.Date(2026, 12, 3, 8, 15, 0, 0, time.UTC)) {
		t.Fatalf("first event %+v", r.Event)
	}
	r, err = c.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pc, ok := r.Event.Data.(meeting.PollClosed)
	if r.Event.Seq != 8 || !ok || pc.Result.Counts["for"] != 3 || !pc.Result.Passed || pc.Voters != nil {
		t.Fatalf("second event %+v", r.Event)
	}
	err = c.WaitFor(ctx, func(v daisclient.View) bool {
		return v.Progress != nil && len(v.Signals) == 1
	})
	if err != nil {
		t.Fatal(err)
	}
	c.WaitFor(ctx, func(v daisclient.View) bool {
		if p := v.Progress; p.Poll != "v1" || p.Cast != 3 || p.Members != 5 || p.Present != 4 {
			t.Errorf("progress %+v", p)
		}
		if s := v.Signals[0]; s.Name != "pointer" || s.From != "chair" || string(s.Data) != `{"x":0.4,"y":0.7}` {
			t.Errorf("signal %+v", s)
		}
		return true
	})
	if m := c.Moved(); m == nil || m.RetryMS != 1500 {
		t.Errorf("move %+v", m)
	}
	_, err = c.Do(ctx, meeting.TurnPage{Page: 2})
	if meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("Do: %v, want the ack's conflict", err)
	}
	var me *meeting.Error
	if !errorsAs(err, &me) || me.MessageVI != "Chưa trình chiếu tài liệu nào" {
		t.Fatalf("Do: %#v", err)
	}
}

func TestMalformedFramesEndTheConnection(t *testing.T) {
	tests := []struct{ name, frame string }{
		{"not JSON", `{"type":"event",`},
		{"an event without its event", `{"type":"event"}`},
		{"an unknown event type", `{"type":"event","event":{"seq":7,"type":"Teleported","at":"2026-12-03T08:15:00Z","data":{}}}`},
		{"event data of the wrong shape", `{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","data":{"page":"five"}}}`},
		{"an event seen already", `{"type":"event","event":{"seq":6,"type":"PageTurned","at":"2026-12-03T08:15:00Z","data":{"document":"d","page":5}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := daisclient.Dial(ctx, script(t, []string{tt.frame}, ""), "tok", daisclient.Options{LastSeq: 6})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			select {
			case <-c.Done():
			case <-ctx.Done():
				t.Fatal("the connection survived a malformed frame")
			}
			if c.Err() == nil || !strings.Contains(c.Err().Error(), "daisclient:") {
				t.Fatalf("Err() = %v", c.Err())
			}
		})
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestOnClose: when the server closes the connection (here 4008, too
// slow), OnClose is called once, after Done, with the close code, and may
// read the last seq to resume from.
func TestOnClose(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","protocol":1,"meeting":"m","participant":"d1","role":"delegate","seq":6}`))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":5}}}`))
		_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(protocol.CloseTooSlow, "too slow; resume from your last seq"))
		_, _, _ = ws.ReadMessage()
	}))
	defer srv.Close()
	type closed struct {
		err     error
		lastSeq uint64
		done    bool
	}
	got := make(chan closed, 2)
	var c *daisclient.Client
	ready := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := daisclient.Dial(ctx, srv.URL, "tok", daisclient.Options{LastSeq: 6, OnEvent: func(daisclient.Received) {}, OnClose: func(err error) {
		<-ready
		done := false
		select {
		case <-c.Done():
			done = true
		default:
		}
		got <- closed{err: err, lastSeq: c.LastSeq(), done: done}
	}})
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	var g closed
	select {
	case g = <-got:
	case <-ctx.Done():
		t.Fatal("OnClose was not called")
	}
	var ce *daisclient.CloseError
	if !errors.As(g.err, &ce) || ce.Code != protocol.CloseTooSlow || !g.done || g.lastSeq != 7 {
		t.Fatalf("OnClose got %v (done %v, last seq %d), want close 4008 after Done, last seq 7", g.err, g.done, g.lastSeq)
	}
	c.Drop()
	select {
	case g := <-got:
		t.Fatalf("OnClose called twice (%v)", g.err)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestDoTimed: an ack and an event carry when the reader took them and,
// with a WireClock, what that clock said at the time; without one, Wire is
// zero.
func TestDoTimed(t *testing.T) {
	frames := []string{`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":5}}}`}
	ack := `{"type":"ack","id":"ID","ok":true,"seq":8}`
	wireAt := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		clock func() time.Time
		want  time.Time
	}{
		{"with a wire clock", func() time.Time { return wireAt }, wireAt},
		{"without", nil, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := daisclient.Dial(ctx, script(t, frames, ack), "tok", daisclient.Options{LastSeq: 6, WireClock: tc.clock})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r, err := c.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.At.IsZero() || !r.Wire.Equal(tc.want) {
				t.Errorf("event at %v, wire %v; want a reading time and wire %v", r.At, r.Wire, tc.want)
			}
			before := time.Now()
			a, err := c.DoTimed(ctx, meeting.TurnPage{Page: 2})
			if err != nil {
				t.Fatal(err)
			}
			if a.Seq != 8 || !a.OK || a.At.Before(before) || !a.Wire.Equal(tc.want) {
				t.Errorf("acked %+v (sent at %v); want seq 8, read after the send, wire %v", a, before, tc.want)
			}
		})
	}
}
