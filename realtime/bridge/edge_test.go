package bridge

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// linkedBus is a real in-process bus whose leaf connection counts as up:
// the edge and a stand-in for the centre share it.
type linkedBus struct{ *natsbus.Bus }

func (linkedBus) LeafConnected() bool { return true }

// encodedEvent is the stored form of a page turn at seq (without the seq,
// as the service stores it).
func encodedEvent(tb testing.TB, page int) []byte {
	tb.Helper()
	b, err := json.Marshal(meeting.Event{At: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC), Actor: "chair", Data: meeting.PageTurned{Document: "d1", Page: page}})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestEdgeRefusesRecordsThatDoNotFit: the edge appends only records that
// continue its replica's audit chain. A centre (here a stand-in answering
// the edge's reads) that sends a record whose data does not match its
// link, one that does not follow the replica's last link, or one out of
// seq is refused with the reason, and the replica keeps what it had.
func TestEdgeRefusesRecordsThatDoNotFit(t *testing.T) {
	good := [][]byte{encodedEvent(t, 2), encodedEvent(t, 3)}
	link1 := storage.ChainHash(storage.ZeroHash, 1, good[0])
	link2 := storage.ChainHash(link1, 2, good[1])
	forged := encodedEvent(t, 9)
	for _, tc := range []struct {
		name   string
		second record // served after a good record 1
	}{
		{"data that does not match its link", record{Seq: 2, Data: forged, Hash: link2, Prev: link1}},
		{"a record that does not follow the last link", record{Seq: 2, Data: good[1], Hash: storage.ChainHash(storage.ZeroHash, 2, good[1]), Prev: storage.ZeroHash}},
		{"a record out of seq", record{Seq: 3, Data: good[1], Hash: storage.ChainHash(link1, 3, good[1]), Prev: link1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			bus, err := natsbus.Open(ctx, natsbus.Config{Name: "edge-test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer bus.Close()
			store, err := bolt.Open(t.TempDir(), bolt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()

			// The stand-in centre: record 1, then (asked for what follows)
			// the bad one, for as long as the edge asks.
			var (
				mu    sync.Mutex
				after = map[uint64]int{} // requests by their after
			)
			stop, err := bus.Serve(readSubject("bavi", "m1"), queueGroup, func(_ string, data []byte, respond func([]byte)) {
				var req readRequest
				_ = json.Unmarshal(data, &req)
				mu.Lock()
				after[req.After]++
				mu.Unlock()
				reply := readReply{Version: 2}
				switch req.After {
				case 0:
					reply.Records = []record{{Seq: 1, Data: good[0], Hash: link1, Prev: storage.ZeroHash}}
				case 1:
					reply.Records = []record{tc.second}
				}
				b, _ := json.Marshal(reply)
				respond(seal(testKey, readSubject("bavi", "m1"), data, b, time.Now()))
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			stopPing, err := bus.Serve(siteSubject("bavi", kindPing, ""), queueGroup, func(_ string, data []byte, respond func([]byte)) {
				respond(seal(testKey, siteSubject("bavi", kindPing, ""), data, []byte("{}"), time.Now()))
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stopPing()

			var logs strings.Builder
			var logMu sync.Mutex
			e := NewEdge(EdgeConfig{Site: "bavi", Meetings: []string{"m1"}, TailCheck: 20 * time.Millisecond, CentreKey: testPublic,
				Logger: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))}, linkedBus{bus}, store)
			defer e.Close()
			// The edge asked again after its replica reached 1: it
			// refused the rest of what it got.
			for {
				mu.Lock()
				n := after[1]
				mu.Unlock()
				if n >= 2 {
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("the edge never asked again after record 1 (asks: %v)", after)
				case <-time.After(10 * time.Millisecond):
				}
			}
			e.Close()
			v, err := store.Version(ctx, "m1")
			if err != nil || v != 1 {
				t.Fatalf("the replica is at %d (%v), want 1: the bad record was appended", v, err)
			}
			recs, err := store.Read(ctx, "m1", 1, 0)
			if err != nil || len(recs) != 1 || string(recs[0].Data) != string(good[0]) || string(recs[0].Hash) != string(link1) {
				t.Fatalf("the replica holds %+v (%v)", recs, err)
			}
			logMu.Lock()
			defer logMu.Unlock()
			if !strings.Contains(logs.String(), "catching up with the centre failed") {
				t.Fatalf("the refusal was not logged: %s", logs.String())
			}
		})
	}
}

// lockedWriter serialises writes to a builder (the edge logs from its
// goroutines).
type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
