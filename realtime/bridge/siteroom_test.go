package bridge

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
)

// TestSitesFileRooms: with a sites file the centre maps each site to its
// room (bavi serves the room phong-ba-vi, listed as such to the chair),
// and refuses a site the file does not list, saying so: its ping and its
// read are answered with the reason, its edge logs it once and keeps its
// link down, its report is not taken. Without a file, a site's room is
// its name.
func TestSitesFileRooms(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "rooms", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	store, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Append(ctx, "m1", 0, [][]byte{encodedEvent(t, 1)}); err != nil {
		t.Fatal(err)
	}
	sites, err := ParseSites(strings.NewReader("bavi - phong-ba-vi\nsontay -\n"))
	if err != nil {
		t.Fatal(err)
	}
	hub, err := NewHub(HubConfig{Key: testKey, Sites: sites, Logger: quiet}, bus, store, refusingSessions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	edge := func(site string) (*Edge, *bolt.Store, *watchLog) {
		replica, err := bolt.Open(t.TempDir(), bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { replica.Close() })
		logs := &watchLog{wants: map[string]chan struct{}{}}
		e := NewEdge(EdgeConfig{Site: site, Meetings: []string{"m1"}, TailCheck: 20 * time.Millisecond, LinkCheck: 10 * time.Millisecond,
			PingEvery: 50 * time.Millisecond, CentreKey: testPublic, Logger: slog.New(slog.NewTextHandler(logs, nil))}, linkedBus{bus}, replica)
		t.Cleanup(e.Close)
		return e, replica, logs
	}
	_, baviReplica, _ := edge("bavi")
	stranger, _, strangerLogs := edge("nowhere")
	waitReplica(ctx, t, baviReplica, 1)
	for len(hub.Sites("m1")) == 0 {
		sleepOrFail(ctx, t, "the centre never listed bavi")
	}
	if got := hub.Sites("m1"); len(got) != 1 || got[0].Site != "bavi" || got[0].Room != "phong-ba-vi" {
		t.Fatalf("the sites of m1: %+v, want bavi in room phong-ba-vi", got)
	}
	for !strings.Contains(strangerLogs.String(), "the centre refuses this site") {
		sleepOrFail(ctx, t, "the unlisted site never logged the centre's refusal")
	}
	if s := strangerLogs.String(); !strings.Contains(s, `is not in the centre's sites file`) || strings.Count(s, "the centre refuses this site") != 1 {
		t.Fatalf("the unlisted site's log:\n%s", s)
	}
	if stranger.LinkUp() {
		t.Fatal("the unlisted site's link counts as up")
	}
	// Its read, sent anyway, is refused with the reason.
	var reply readReply
	stranger.linkUp.Store(true)
	err = stranger.request(ctx, readSubject("nowhere", "m1"), readRequest{}, &reply)
	stranger.linkUp.Store(false)
	if err != nil || reply.Error == nil || !strings.Contains(reply.Error.Error(), "sites file") || len(reply.Records) != 0 {
		t.Fatalf("the unlisted site's read: %+v, %v", reply, err)
	}
	for _, s := range hub.Sites("m1") {
		if s.Site == "nowhere" {
			t.Fatalf("the unlisted site's report was taken: %+v", s)
		}
	}

	// Without a sites file: any site, its room its name.
	open, err := NewHub(HubConfig{Key: testKey, Logger: quiet}, bus, store, refusingSessions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	for {
		var found bool
		for _, s := range open.Sites("m1") {
			if s.Site == "nowhere" && s.Room == "nowhere" {
				found = true
			}
		}
		if found {
			break
		}
		sleepOrFail(ctx, t, "a hub without a sites file never listed the site under its own name")
	}
}
