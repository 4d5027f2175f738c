package bridge

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
)

// countLog counts the lines that say each of its phrases.
type countLog struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *countLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.counts {
		if strings.Contains(string(p), s) {
			c.counts[s]++
		}
	}
	return len(p), nil
}

func (c *countLog) count(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[s]
}

// TestCentreSignalsAtSite: a signal published on the centre's bus (as its
// gateway relays the chair's pointer) reaches the rooms of a site that
// follows the meeting, through the leaf connection, signed by the centre.
// A rogue site — a leaf node with the credentials every site shares, so
// that NATS itself does not stop it — puts signals on the site's subject:
// unsigned, signed by a key of its own, a genuine signal of another
// meeting moved onto this one, and a genuine one signed two minutes ago (a
// replay). The edge drops each, saying so; the rooms get the centre's
// signals only, in order.
func TestCentreSignalsAtSite(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const user, password = "site", "shared"
	centre, err := natsbus.Open(ctx, natsbus.Config{Name: "centre", LeafListen: "127.0.0.1:0", LeafUser: user, LeafPassword: password, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer centre.Close()
	remote := strings.Replace(centre.LeafURL(), "://", "://"+user+":"+password+"@", 1)
	store, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hub, err := NewHub(HubConfig{Key: testKey, Logger: quiet}, centre, store, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()

	site, err := natsbus.Open(ctx, natsbus.Config{Name: "bavi", LeafRemotes: []string{remote}, InboxPrefix: natsbus.SiteInbox("bavi"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	replica, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	const stale, unsigned = "dropped a stale signal", "dropped a signal not signed by the centre"
	logs := &countLog{counts: map[string]int{stale: 0, unsigned: 0}}
	e := NewEdge(EdgeConfig{Site: "bavi", Meetings: []string{"m1", "m2"}, LinkCheck: 10 * time.Millisecond, PingEvery: 100 * time.Millisecond,
		CentreKey: testPublic, Logger: slog.New(slog.NewTextHandler(logs, nil))}, site, replica)
	defer e.Close()
	var mu sync.Mutex
	var got []string
	for _, id := range []string{"m1", "m2"} {
		unsub, err := e.Subscribe(id, func([]meeting.Event) {}, func(data []byte) {
			mu.Lock()
			got = append(got, id+" "+string(data))
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
	}
	received := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
	waitUntil(t, ctx, e.LinkUp, "the link to come up")

	// The centre's signal reaches the site once the hub knows the site
	// follows m1 (its report): sent until it arrives.
	for len(received()) == 0 {
		if err := centre.PublishSignal("m1", []byte(`{"type":"signal","name":"pointer","from":"chair","data":{"n":1}}`)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("the centre's signal never reached the site")
		case <-time.After(20 * time.Millisecond):
		}
	}

	rogue, err := natsbus.Open(ctx, natsbus.Config{Name: "rogue", LeafRemotes: []string{remote}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer rogue.Close()
	waitUntil(t, ctx, rogue.LeafConnected, "the rogue's leaf connection")
	forged := []byte(`{"type":"signal","name":"pointer","from":"chair","data":{"forged":true}}`)
	for _, tc := range []struct {
		name, want string
		msg        []byte
		subject    string
	}{
		{"unsigned", unsigned, forged, siteSignalSubject("bavi", "m1")},
		{"signed by the rogue's key", unsigned, seal(roguesKey, signalSubject("m1"), nil, forged, time.Now()), siteSignalSubject("bavi", "m1")},
		{"another meeting's signal", unsigned, seal(testKey, signalSubject("m1"), nil, forged, time.Now()), siteSignalSubject("bavi", "m2")},
		{"a record push as a signal", unsigned, seal(testKey, pushSubject("m1"), nil, forged, time.Now()), siteSignalSubject("bavi", "m1")},
		{"signed two minutes ago", stale, seal(testKey, signalSubject("m1"), nil, forged, time.Now().Add(-2*time.Minute)), siteSignalSubject("bavi", "m1")},
	} {
		before := logs.count(tc.want)
		// Sent until the edge drops it (the rogue's interest and route
		// settle on their own time).
		for logs.count(tc.want) == before {
			if err := rogue.Publish(tc.subject, tc.msg); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s: the edge never dropped it", tc.name)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	if err := centre.PublishSignal("m1", []byte(`{"type":"signal","name":"pointer","from":"chair","data":{"n":2}}`)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, ctx, func() bool { r := received(); return strings.Contains(r[len(r)-1], `"n":2`) }, "the centre's second signal")
	for i, s := range received() {
		if strings.Contains(s, "forged") || !strings.HasPrefix(s, "m1 ") {
			t.Fatalf("signal %d at the site: %s", i, s)
		}
	}
}
