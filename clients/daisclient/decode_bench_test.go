package daisclient

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/protocol"
)

// BenchmarkHandleEvent measures what a simulated tablet spends on one
// page-turn frame: "once" is handle (one pass over the frame, one over the
// event's data); "envelope-then-event" is the earlier decoding (the
// envelope, then the whole message again, whose event decoded its data a
// third time), kept as the baseline.
func BenchmarkHandleEvent(b *testing.B) {
	frame := []byte(`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","actor":"chair","data":{"document":"doc1","page":5}}}`)
	b.Run("once", func(b *testing.B) {
		c := &Client{acks: map[string]chan protocol.Ack{}, opt: Options{OnEvent: func(Received) {}}}
		c.cond = sync.NewCond(&c.mu)
		now := time.Now()
		b.ReportAllocs()
		for b.Loop() {
			c.lastSeq = 0
			if err := c.handle(frame, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("envelope-then-event", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var env protocol.Envelope
			if err := json.Unmarshal(frame, &env); err != nil {
				b.Fatal(err)
			}
			var m protocol.Event
			if err := json.Unmarshal(frame, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
