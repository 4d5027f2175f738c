package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/realtime/protocol"
)

// repeatLast, as a close of resumingServer, sends the last event again
// instead.
const repeatLast = -1

// resumingServer serves a meeting whose log is events 1..last: a hello
// gets a welcome and the events after its last_seq; then the connection is
// closed with closes[i] (the i-th connection; 0: kept open).
func resumingServer(t *testing.T, last uint64, closes []int) (url string, hellos func() []uint64) {
	t.Helper()
	var mu sync.Mutex
	var seen []uint64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var h protocol.Hello
		_ = json.Unmarshal(data, &h)
		mu.Lock()
		seen = append(seen, h.LastSeq)
		n := len(seen)
		mu.Unlock()
		_ = ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"type":"welcome","protocol":1,"meeting":"m","participant":"d1","role":"delegate","seq":%d}`, last)))
		// The first connection gets half the events, the next the rest.
		upTo := last
		if n == 1 {
			upTo = last / 2
		}
		for seq := h.LastSeq + 1; seq <= upTo; seq++ {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"type":"event","event":{"seq":%d,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":%d}}}`, seq, 2+seq%9)))
		}
		if n <= len(closes) && closes[n-1] == repeatLast {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"type":"event","event":{"seq":%d,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":3}}}`, upTo)))
		} else if n <= len(closes) && closes[n-1] != 0 {
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(closes[n-1], "closed by the test"))
		}
		_, _, _ = ws.ReadMessage() // until the client goes
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []uint64 {
		mu.Lock()
		defer mu.Unlock()
		return append([]uint64(nil), seen...)
	}
}

// TestTabletResumes: a tablet closed with 4008 (too slow) or 4011 resumes
// by itself with its last seq, as the web client does, and counts the
// kick and the resume; it gets every event once, in order. A final close
// (4001, unauthorized) is not retried: it is a failure of the run.
func TestTabletResumes(t *testing.T) {
	for _, code := range []int{protocol.CloseTooSlow, protocol.CloseInternal} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			const last = 20
			url, hellos := resumingServer(t, last, []int{code})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tb := &tablet{url: url, light: true, ctx: ctx}
			if err := tb.dial(ctx); err != nil {
				t.Fatal(err)
			}
			defer closeAll([]*tablet{tb})
			if err := waitSeq(ctx, []*tablet{tb}, last); err != nil {
				t.Fatal(err)
			}
			if got := hellos(); len(got) != 2 || got[0] != 0 || got[1] != last/2 {
				t.Fatalf("hellos with last seqs %v, want [0 %d]", got, last/2)
			}
			res := newResult("test")
			kicks, resumes := countResumes(res, []*tablet{tb})
			wantKicks := 0
			if code == protocol.CloseTooSlow {
				wantKicks = 1
			}
			if kicks != wantKicks || resumes != 1 || len(res.Failures) > 0 {
				t.Fatalf("kicks %d, resumes %d, failures %v; want %d, 1, none", kicks, resumes, res.Failures, wantKicks)
			}
			tb.mu.Lock()
			defer tb.mu.Unlock()
			if tb.dupes != 0 || len(tb.recs) != last {
				t.Fatalf("%d events, %d out of order; want %d, 0", len(tb.recs), tb.dupes, last)
			}
		})
	}
	t.Run("final", func(t *testing.T) {
		url, hellos := resumingServer(t, 10, []int{protocol.CloseUnauthorized})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		tb := &tablet{url: url, light: true, ctx: ctx}
		if err := tb.dial(ctx); err != nil {
			t.Fatal(err)
		}
		defer closeAll([]*tablet{tb})
		if err := waitSeq(ctx, []*tablet{tb}, 10); err == nil {
			t.Fatal("the tablet reached seq 10 after a final close")
		}
		res := newResult("test")
		if _, resumes := countResumes(res, []*tablet{tb}); resumes != 0 || len(res.Failures) != 1 || len(hellos()) != 1 {
			t.Fatalf("resumes %d, failures %v, hellos %v; want 0, one failure, one hello", resumes, res.Failures, hellos())
		}
	})
	// A duplicate ends the connection (daisclient) and is counted, not
	// hidden by a resume.
	t.Run("duplicate", func(t *testing.T) {
		url, hellos := resumingServer(t, 10, []int{repeatLast})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		tb := &tablet{url: url, light: true, ctx: ctx}
		if err := tb.dial(ctx); err != nil {
			t.Fatal(err)
		}
		defer closeAll([]*tablet{tb})
		if err := waitSeq(ctx, []*tablet{tb}, 10); err == nil {
			t.Fatal("the tablet reached seq 10 after a duplicate")
		}
		res := newResult("test")
		if _, resumes := countResumes(res, []*tablet{tb}); resumes != 0 || len(res.Failures) != 1 || tb.dupes != 1 || len(hellos()) != 1 {
			t.Fatalf("resumes %d, failures %v, dupes %d, hellos %v; want 0, one failure, 1, one hello", resumes, res.Failures, tb.dupes, hellos())
		}
	})
	// The bench's own drop is not resumed.
	t.Run("dropped by the bench", func(t *testing.T) {
		url, hellos := resumingServer(t, 10, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		tb := &tablet{url: url, light: true, ctx: ctx}
		if err := tb.dial(ctx); err != nil {
			t.Fatal(err)
		}
		if err := waitSeq(ctx, []*tablet{tb}, 5); err != nil {
			t.Fatal(err)
		}
		tb.drop()
		if err := tb.dial(ctx); err != nil { // as the reconnect scenario does
			t.Fatal(err)
		}
		if err := waitSeq(ctx, []*tablet{tb}, 10); err != nil {
			t.Fatal(err)
		}
		closeAll([]*tablet{tb})
		res := newResult("test")
		if _, resumes := countResumes(res, []*tablet{tb}); resumes != 0 || len(res.Failures) != 0 || len(hellos()) != 2 {
			t.Fatalf("resumes %d, failures %v, hellos %v; want 0, none, two", resumes, res.Failures, hellos())
		}
	})
}
