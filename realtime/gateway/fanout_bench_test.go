package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// BenchmarkFanout turns a page in a room of n delegates connected over
// loopback WebSockets (daisclient, in this process) and waits until every
// one has received it. One op is one page turn: the chair's command, its
// append to bbolt (fsync on), the bus, the room and n deliveries;
// ns/delivery divides by n. The clients' reading runs on the same cores,
// so this is an upper bound of the server's share.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("tablets=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

func benchFanout(b *testing.B, n int) {
	h := mustServe(b, gateway.Config{}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sec := meetingtest.Secretary
	tokens := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("b%04d", i)
		if _, err := h.svc.Execute(ctx, meetingID, sec, meeting.AddParticipant{Participant: meeting.Participant{ID: id, Name: "Đại biểu", Role: meeting.RoleDelegate, Room: "main"}}); err != nil {
			b.Fatal(err)
		}
		code, err := h.acc.Invite(ctx, meetingID, id)
		if err != nil {
			b.Fatal(err)
		}
		s, err := h.acc.Join(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = s.Token
	}
	chair := h.dial(b, meetingtest.Chair, daisclient.Options{})
	do(b, chair, meeting.OpenSession{})
	do(b, chair, meeting.ShowDocument{Document: "doc1", Page: 1})

	var (
		received atomic.Int64
		mu       sync.Mutex
		want     int64
		reached  = make(chan struct{}, 1)
	)
	onEvent := func(daisclient.Received) {
		got := received.Add(1)
		mu.Lock()
		w := want
		mu.Unlock()
		if got == w {
			select {
			case reached <- struct{}{}:
			default:
			}
		}
	}
	clients := make([]*daisclient.Client, n)
	for i, tok := range tokens {
		c, err := daisclient.Dial(ctx, h.srv.URL, tok, daisclient.Options{OnEvent: onEvent})
		if err != nil {
			b.Fatalf("dial %d: %v", i, err)
		}
		clients[i] = c
	}
	b.Cleanup(func() {
		for _, c := range clients {
			c.Drop()
		}
	})
	page := 1
	b.ResetTimer()
	for b.Loop() {
		page = 2 + page%9
		mu.Lock()
		want = received.Load() + int64(n)
		mu.Unlock()
		if _, err := chair.Do(ctx, meeting.TurnPage{Page: page}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-reached:
		case <-ctx.Done():
			b.Fatalf("%d of %d deliveries", received.Load(), want)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/delivery")
}

// BenchmarkEncodeEvent marshals the wire message of a page turn (the room
// does this once per event, not once per connection).
func BenchmarkEncodeEvent(b *testing.B) {
	msg := protocol.Event{Type: protocol.TypeEvent, Event: meeting.Event{Seq: 4242, At: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
		Actor: "chair", Data: meeting.PageTurned{Document: "doc1", Page: 5}}}
	for b.Loop() {
		if _, err := json.Marshal(msg); err != nil {
			b.Fatal(err)
		}
	}
}
