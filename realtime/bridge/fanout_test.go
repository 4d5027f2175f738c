package bridge

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
)

// BenchmarkPushToSites: a page turn's push at the centre to 1, 20 and 141
// following sites (one signature, one publish per site on its own
// subject; an in-process bus, nobody subscribed).
func BenchmarkPushToSites(b *testing.B) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "fanout", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer bus.Close()
	store, err := bolt.Open(b.TempDir(), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Append(ctx, "m1", 0, [][]byte{encodedEvent(b, 1)}); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 20, 141} {
		b.Run(fmt.Sprintf("%d sites", n), func(b *testing.B) {
			h, err := NewHub(HubConfig{Key: testKey, Logger: quiet}, bus, store, refusingSessions{}, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			h.sitesMu.Lock()
			for i := range n {
				h.sites[fmt.Sprintf("site-%03d", i)] = siteEntry{report: siteReport{Meetings: []siteMeeting{{ID: "m1"}}}, heard: time.Now().Add(time.Hour)}
			}
			h.sitesMu.Unlock()
			ev := []byte(`[{"seq":1}]`)
			for b.Loop() {
				h.push(ctx, "dais.m.m1.ev", ev)
			}
		})
	}
}
