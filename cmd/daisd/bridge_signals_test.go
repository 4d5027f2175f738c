package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
)

// signalsOf are the signals a device received, as "name data".
func signalsOf(d *device) []string {
	var out []string
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = d.client().WaitFor(ctx, func(v daisclient.View) bool {
		for _, s := range v.Signals {
			out = append(out, s.Name+" "+string(s.Data))
		}
		return true
	})
	return out
}

// TestBridgeSignals: the chair's pointer and live ink at the main hall
// reach a bridge site's tablets over the WAN (through the edge, signed by
// the centre). A rogue leaf node with another site's credentials puts
// forged signals on the site's subjects and the centre's: none shows at
// the site. A site tablet's own signal stays in the site.
func TestBridgeSignals(t *testing.T) {
	centre := startCentre(t)
	edge, link := startSite(t, centre, "bavi")
	link.Latency(t, 15, 5)
	nodes := []*node{centre, edge}
	chair := signIn(t, centre, centre, bridgeMeeting, "chair", meeting.RoleChair)
	chair.dial(t, nodes, 0)
	site := siteDevices(t, centre, edge)
	chair.do(t, meeting.OpenSession{})
	seq := chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
	for _, d := range site {
		d.waitSeq(t, seq)
	}

	// The chair's pointer reaches every site tablet.
	has := func(d *device, s string) bool {
		for _, got := range signalsOf(d) {
			if strings.Contains(got, s) {
				return true
			}
		}
		return false
	}
	eventually(t, bridgeWaitTime, "the chair's pointer at the site", func() error {
		// Sent until it arrives: the centre pushes a meeting's signals to
		// the sites that reported it (within a ping of the edge's start).
		if err := chair.client().Signal("pointer", map[string]any{"x": 0.25, "y": 0.5, "n": 1}); err != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
		for _, d := range site {
			if !has(d, `"n":1`) {
				return fmt.Errorf("%s has no pointer yet", d.id)
			}
		}
		return nil
	})

	// A rogue: a leaf node with Sóc Sơn's credentials, straight to the
	// centre's leafnode listener.
	u, _ := url.Parse(centre.bus.LeafURL())
	rogue, err := natsbus.Open(timeoutCtx(t, 15*time.Second), natsbus.Config{Name: "rogue",
		LeafRemotes: []string{(&url.URL{Scheme: "nats-leaf", User: siteUser("socson"), Host: u.Host}).String()},
		InboxPrefix: natsbus.SiteInbox("socson"), Logger: testLogger("rogue")})
	if err != nil {
		t.Fatal(err)
	}
	defer rogue.Close()
	eventually(t, bridgeWaitTime, "the rogue's leaf connection", func() error {
		if !rogue.LeafConnected() {
			return fmt.Errorf("not connected")
		}
		return nil
	})
	forged := []byte(`{"type":"signal","name":"ink","from":"chair","data":{"forged":true}}`)
	for range 5 {
		for _, subj := range []string{"dais.site.bavi.sig." + bridgeMeeting, "dais.m." + bridgeMeeting + ".sig", "dais.site.socson.sig." + bridgeMeeting} {
			if err := rogue.Publish(subj, forged); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A site tablet's own pointer: the site's other tablets see it, the
	// main hall does not.
	if err := site[0].client().Signal("pointer", map[string]any{"x": 0.75, "y": 0.5, "site": "bavi"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, bridgeWaitTime, "the site's own pointer at the site", func() error {
		if !has(site[1], `"site":"bavi"`) {
			return fmt.Errorf("%s has not got it", site[1].id)
		}
		return nil
	})
	// Then the chair's live ink, after all that.
	if err := chair.client().Signal("ink", map[string]any{"document": "doc1", "page": 1, "n": 2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, bridgeWaitTime, "the chair's ink at the site", func() error {
		for _, d := range append([]*device{chair}, site...) {
			if !has(d, `"n":2`) {
				return fmt.Errorf("%s has no ink yet", d.id)
			}
		}
		return nil
	})
	for _, d := range site {
		if has(d, "forged") {
			t.Fatalf("%s was shown a forged signal: %v", d.id, signalsOf(d))
		}
	}
	if has(chair, "forged") || has(chair, `"site":"bavi"`) {
		t.Fatalf("the chair was shown a site's or a forged signal: %v", signalsOf(chair))
	}
}
