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
	b.Run("once", func(b *testing.B) { benchHandle(b, frame, Options{OnEvent: func(Received) {}}) })
	b.Run("light", func(b *testing.B) { benchHandle(b, frame, Options{Light: true, OnEvent: func(Received) {}}) })
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

// benchHandle times handle on frame, again and again, with options opt.
func benchHandle(b *testing.B, frame []byte, opt Options) {
	c := &Client{acks: map[string]chan Acked{}, opt: opt}
	c.cond = sync.NewCond(&c.mu)
	now := arrival{at: time.Now()}
	b.ReportAllocs()
	for b.Loop() {
		c.lastSeq = 0
		if err := c.handle(frame, now); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLightSeq(t *testing.T) {
	tests := []struct {
		frame string
		seq   uint64
		ok    bool
	}{
		{`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","data":{"page":5}}}`, 7, true},
		{`{"type":"event","event":{"seq":123456789012,"type":"X"}}`, 123456789012, true},
		{`{"type":"event","event":{"seq":,"type":"X"}}`, 0, false},
		{`{"type":"event","event":{"seq":7}`, 0, false}, // no comma after the number
		{`{"type":"event","event":{"seq":7`, 0, false},  // cut short
		{`{"type":"event","event":{"seq":-7,"type":"X"}}`, 0, false},
		{`{"type":"event","event":{"seq":1234567890123456789,"type":"X"}}`, 0, false}, // too long to trust
		{`{"event":{"seq":7,"type":"X"},"type":"event"}`, 0, false},                   // another order: decoded fully instead
		{`{"type":"ack","id":"c1","ok":true,"seq":7}`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		seq, ok := lightSeq([]byte(tt.frame))
		if seq != tt.seq || ok != tt.ok {
			t.Errorf("lightSeq(%q) = %d, %v; want %d, %v", tt.frame, seq, ok, tt.seq, tt.ok)
		}
	}
}

func TestLightHandle(t *testing.T) {
	var got []Received
	c := &Client{acks: map[string]chan Acked{}, opt: Options{Light: true, OnEvent: func(r Received) { got = append(got, r) }}}
	c.cond = sync.NewCond(&c.mu)
	now := arrival{at: time.Now()}
	frames := []string{
		`{"type":"event","event":{"seq":7,"type":"PageTurned","at":"2026-12-03T08:15:00Z","data":{"page":5}}}`,
		`{"type":"progress","poll":"v1","cast":3,"members":5,"present":4}`,
		`{"event":{"seq":8,"type":"PageTurned","at":"2026-12-03T08:15:00Z","data":{"document":"d","page":6}},"type":"event"}`,
	}
	for _, f := range frames {
		if err := c.handle([]byte(f), now); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if len(got) != 2 || got[0].Event.Seq != 7 || got[0].Event.Data != nil || got[1].Event.Seq != 8 || got[1].Event.Data == nil {
		t.Fatalf("events %+v", got)
	}
	if c.progress == nil || c.progress.Cast != 3 {
		t.Fatalf("progress %+v: other messages are decoded as always", c.progress)
	}
	if err := c.handle([]byte(frames[0]), now); err == nil {
		t.Fatal("a repeated seq passed in light mode")
	}
}
