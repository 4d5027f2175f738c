package bridge

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
)

// fakeRooms are meetings' room ids.
type fakeRooms map[string][]string

func (f fakeRooms) Read(_ context.Context, id string, fn func(*meeting.State)) error {
	s := &meeting.State{}
	for _, r := range f[id] {
		s.Rooms = append(s.Rooms, meeting.Room{ID: r})
	}
	fn(s)
	return nil
}

// TestSitesFileRooms: with a sites file the centre maps each site to its
// room (bavi serves the room phong-ba-vi, listed as such to the chair),
// and refuses a site the file does not list, saying so: its ping and its
// read are answered with the reason, its edge logs it once and keeps its
// link down, its report is not taken. A listed site follows only the
// meetings that have its room: bavi's read of m2 (rooms main and sontay)
// is refused with the reason, nothing of m2 is pushed to it, and the chair
// of m2 does not see it. Without a file, a site's room is its name.
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
	for _, m := range []string{"m1", "m2"} {
		if _, err := store.Append(ctx, m, 0, [][]byte{encodedEvent(t, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	rooms := fakeRooms{"m1": {"main", "phong-ba-vi"}, "m2": {"main", "sontay"}}
	sites, err := ParseSites(strings.NewReader("bavi - phong-ba-vi\nsontay -\n"))
	if err != nil {
		t.Fatal(err)
	}
	hub, err := NewHub(HubConfig{Key: testKey, Sites: sites, Meetings: rooms, Logger: quiet}, bus, store, refusingSessions{}, nil, nil)
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
		e := NewEdge(EdgeConfig{Site: site, Meetings: []string{"m1", "m2"}, TailCheck: 20 * time.Millisecond, LinkCheck: 10 * time.Millisecond,
			PingEvery: 50 * time.Millisecond, CentreKey: testPublic, Logger: slog.New(slog.NewTextHandler(logs, nil))}, linkedBus{bus}, replica)
		t.Cleanup(e.Close)
		return e, replica, logs
	}
	_, baviReplica, baviLogs := edge("bavi")
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

	// m2 has no room of bavi's: refused with the reason, nothing pushed.
	pushed := make(chan string, 64)
	stopWatch, err := bus.Serve("dais.site.bavi.>", "", func(subject string, _ []byte, _ func([]byte)) {
		if _, kind, _, _ := parseSubject(subject); kind == "rec" || kind == "sig" {
			pushed <- subject
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stopWatch()
	for !strings.Contains(baviLogs.String(), "which this meeting does not have") {
		sleepOrFail(ctx, t, "bavi's read of m2 was never refused")
	}
	if _, err := store.Append(ctx, "m2", 1, [][]byte{encodedEvent(t, 2)}); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish("dais.m.m2.ev", []byte(`[{"seq":2}]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, "m1", 1, [][]byte{encodedEvent(t, 2)}); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish("dais.m.m1.ev", []byte(`[{"seq":2}]`)); err != nil {
		t.Fatal(err)
	}
	waitReplica(ctx, t, baviReplica, 2)
	// The centre's signals: m2's is not passed to bavi, m1's is (after
	// it, in order).
	if err := bus.PublishSignal("m2", []byte(`{"name":"pointer"}`)); err != nil {
		t.Fatal(err)
	}
	if err := bus.PublishSignal("m1", []byte(`{"name":"pointer"}`)); err != nil {
		t.Fatal(err)
	}
	var m2Pushes int
	for subject := ""; subject != siteSignalSubject("bavi", "m1"); {
		select {
		case subject = <-pushed:
			if subject == sitePushSubject("bavi", "m2") || subject == siteSignalSubject("bavi", "m2") {
				m2Pushes++
			}
		case <-ctx.Done():
			t.Fatal("m1's signal never reached bavi")
		}
	}
	// Once the hub's pushes are all done (Close waits for them) and a
	// marker after them arrived, every push to bavi has: none is m2's.
	go func() {
		hub.Close()
		_ = bus.Publish("dais.site.bavi.rec.marker", nil)
	}()
	for subject := ""; subject != "dais.site.bavi.rec.marker"; {
		select {
		case subject = <-pushed:
			if subject == sitePushSubject("bavi", "m2") || subject == siteSignalSubject("bavi", "m2") {
				m2Pushes++
			}
		case <-ctx.Done():
			t.Fatal("the marker never came")
		}
	}
	if m2Pushes != 0 {
		t.Fatalf("%d pushes or signals of m2 went to bavi", m2Pushes)
	}
	if v, err := baviReplica.Version(ctx, "m2"); err != nil || v != 0 {
		t.Fatalf("bavi's replica holds m2 at %d (%v), want nothing", v, err)
	}
	if got := hub.Sites("m2"); len(got) != 0 {
		t.Fatalf("the chair of m2 sees %+v", got)
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
