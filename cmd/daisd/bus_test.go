package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// TestForgedBusEventNeverReachesTablets is issue 11 finding 6's attack on
// a real node: whoever can publish on the node's NATS puts a forged
// PageTurned (and a forged ink signal) at the next seq. No tablet sees
// them; the real page turn made next, at that same seq, arrives.
func TestForgedBusEventNeverReachesTablets(t *testing.T) {
	n := startEdgeNode(t, config{NATSPort: -1})
	codes := seedTestMeeting(t, n)
	chair := join(t, n, "chair", codes["chair"])
	d1 := join(t, n, "d1", codes["d1"])
	chair.do(t, meeting.OpenSession{})
	shown := chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	for _, tl := range []*tablet{chair, d1} {
		for tl.next(t).Seq < shown {
		}
	}
	next := shown + 1

	nc, err := nats.Connect(n.bus.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	forged, _ := json.Marshal([]meeting.Event{{Seq: next, At: time.Now(), Actor: "chair", Data: meeting.PageTurned{Document: "doc1", Page: 9}}})
	if err := nc.Publish("dais.m."+testMeeting+".ev", forged); err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish("dais.m."+testMeeting+".sig", []byte(`{"type":"signal","name":"ink","from":"chair","data":{"forged":true}}`)); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	seq := chair.do(t, meeting.TurnPage{Page: 4})
	if seq != next {
		t.Fatalf("the real page turn has seq %d, want %d", seq, next)
	}
	for _, tl := range []*tablet{chair, d1} {
		got := tl.expect(t, meeting.PageTurned{Document: "doc1", Page: 4})
		if got[0].Seq != next {
			t.Fatalf("%s: the page turn came at seq %d, want %d", tl.id, got[0].Seq, next)
		}
	}
	// The log agrees, and nothing forged was received as a signal.
	st, err := n.svc.State(context.Background(), testMeeting)
	if err != nil {
		t.Fatal(err)
	}
	if st.Presentation.Page != 4 {
		t.Fatalf("the meeting shows page %d", st.Presentation.Page)
	}
	// A real signal sent after the forged one arrives; the forged one
	// never did.
	if err := chair.c.Signal("pointer", map[string]float64{"x": 0.5, "y": 0.5}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var forgedSeen bool
	err = d1.c.WaitFor(ctx, func(v daisclient.View) bool {
		for _, sig := range v.Signals {
			forgedSeen = forgedSeen || strings.Contains(string(sig.Data), "forged")
		}
		return len(v.Signals) > 0 && v.Signals[len(v.Signals)-1].Name == "pointer"
	})
	if err != nil {
		t.Fatalf("the real signal: %v", err)
	}
	if forgedSeen {
		t.Fatal("d1 received the forged signal")
	}
}
