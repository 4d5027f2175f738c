package bridge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/bolt"
)

// TestEdgeAcrossKeyRotation: the bridge key is rotated as docs/bridge.md
// says. An edge given the old and the new public halves replicates
// throughout: while the centre signs with the old key, while its nodes
// are switched one by one (both keys answer, in one queue group), and
// once every node signs with the new one. An edge left with the old half
// only refuses the new key's answers (and logs it): it stays where it was.
func TestEdgeAcrossKeyRotation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	newKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	newPublic := newKey.Public().(ed25519.PublicKey)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := natsbus.Open(ctx, natsbus.Config{Name: "rotation", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	store, err := bolt.Open(t.TempDir(), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	version := uint64(0)
	appendPage := func(n int) {
		t.Helper()
		for range n {
			if _, err := store.Append(ctx, "m1", version, [][]byte{encodedEvent(t, int(version)+1)}); err != nil {
				t.Fatal(err)
			}
			version++
		}
	}
	hub := func(key ed25519.PrivateKey) *Hub {
		t.Helper()
		h, err := NewHub(HubConfig{Key: key, Logger: quiet}, bus, store, refusingSessions{}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	edge := func(site string, keys ...ed25519.PublicKey) (*Edge, *bolt.Store, *watchLog) {
		t.Helper()
		replica, err := bolt.Open(t.TempDir(), bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { replica.Close() })
		logs := &watchLog{wants: map[string]chan struct{}{}}
		e := NewEdge(EdgeConfig{Site: site, Meetings: []string{"m1"}, TailCheck: 20 * time.Millisecond, LinkCheck: 10 * time.Millisecond,
			PingEvery: 50 * time.Millisecond, CentreKey: keys[0], CentreKeys: keys[1:], Logger: slog.New(slog.NewTextHandler(logs, nil))}, linkedBus{bus}, replica)
		t.Cleanup(e.Close)
		return e, replica, logs
	}

	appendPage(2)
	oldHub := hub(testKey)
	_, both, bothLogs := edge("bavi", testPublic, newPublic)
	_, oldOnly, oldLogs := edge("sontay", testPublic)
	waitReplica(ctx, t, both, 2)
	waitReplica(ctx, t, oldOnly, 2)

	// The nodes are switched one by one: for a while some sign with the
	// old key, some with the new.
	newHub := hub(newKey)
	appendPage(10)
	waitReplica(ctx, t, both, 12)

	// Every node signs with the new key.
	oldHub.Close()
	appendPage(3)
	waitReplica(ctx, t, both, 15)
	for !strings.Contains(oldLogs.String(), "refused an answer not signed by the centre") {
		sleepOrFail(ctx, t, "the edge with the old key only never refused the new key's answers")
	}
	if v, err := oldOnly.Version(ctx, "m1"); err != nil || v >= 15 {
		t.Fatalf("the edge with the old key only is at %d (%v): it took the new key's answers", v, err)
	}
	if s := bothLogs.String(); strings.Contains(s, "not signed by the centre") {
		t.Fatalf("the edge with both keys refused an answer:\n%s", s)
	}
	newHub.Close()
}
