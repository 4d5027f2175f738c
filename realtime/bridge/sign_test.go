package bridge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// testKey is the bridge key of the tests' centres; roguesKey is a key a
// rogue site made for itself.
var (
	testKey    = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	testPublic = testKey.Public().(ed25519.PublicKey)
	roguesKey  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
)

// TestSignedMessages: an answer verifies only for the subject and the
// request it was signed for, unchanged, with the centre's key.
func TestSignedMessages(t *testing.T) {
	req := withNonce([]byte(`{"after":0}`))
	body := []byte(`{"version":2}`)
	msg := seal(testKey, "dais.bridge.m1.read", req, body, time.Now())
	tampered := bytes.Clone(msg)
	tampered[len(tampered)-2] ^= 1
	for _, tc := range []struct {
		name    string
		pub     ed25519.PublicKey
		subject string
		req     []byte
		msg     []byte
		ok      bool
	}{
		{"the answer as signed", testPublic, "dais.bridge.m1.read", req, msg, true},
		{"another meeting's subject", testPublic, "dais.bridge.m2.read", req, msg, false},
		{"another request (a replay)", testPublic, "dais.bridge.m1.read", withNonce([]byte(`{"after":0}`)), msg, false},
		{"a push (no request)", testPublic, "dais.bridge.m1.read", nil, msg, false},
		{"a changed body", testPublic, "dais.bridge.m1.read", req, tampered, false},
		{"unsigned", testPublic, "dais.bridge.m1.read", req, body, false},
		{"signed by another key", testPublic, "dais.bridge.m1.read", req, seal(roguesKey, "dais.bridge.m1.read", req, body, time.Now()), false},
		{"an edge without the centre's key", nil, "dais.bridge.m1.read", req, msg, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := open(tc.pub, tc.subject, tc.req, tc.msg)
			switch {
			case tc.ok && (err != nil || !bytes.Equal(got, body)):
				t.Fatalf("open: %q, %v", got, err)
			case !tc.ok && !errors.Is(err, ErrUnsigned):
				t.Fatalf("open took it: %q, %v", got, err)
			}
		})
	}
	// The nonce makes two requests differ and keeps them JSON the
	// centre reads.
	for _, in := range []string{`{}`, `{"after":3}`} {
		a, b := withNonce([]byte(in)), withNonce([]byte(in))
		var v map[string]any
		if bytes.Equal(a, b) || json.Unmarshal(a, &v) != nil || v["nonce"] == nil {
			t.Fatalf("withNonce(%s) = %s, %s", in, a, b)
		}
	}
}

// TestBridgeKeyFile: a lone centre makes its key once (mode 0600) and
// reads the same key again; a key others may read, or not a key, is
// refused.
func TestBridgeKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bridge.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("the key read again differs (%v)", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v)", fi.Mode().Perm(), err)
	}
	pub, err := ParsePublicKey(PublicKeyString(k1))
	if err != nil || !pub.Equal(k1.Public()) {
		t.Fatalf("the public key round trip: %v", err)
	}
	for _, tc := range []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"readable by others", strings.Repeat("ab", 32), 0o644, "chmod 600"},
		{"not hex", "not a key", 0o600, "64 hex digits"},
		{"too short", "abcd", 0o600, "64 hex digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(p, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tc.mode); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadKey(p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// gatedLog is the centre's store, whose answers to reads wait (while
// gating) until the edge has refused the rogue's answer: so the rogue's
// answer is the one the edge gets.
type gatedLog struct {
	storage.Log
	gating  atomic.Bool
	refused <-chan struct{}
}

func (g *gatedLog) Version(ctx context.Context, id string) (uint64, error) {
	if g.gating.Load() {
		select {
		case <-g.refused:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return g.Log.Version(ctx, id)
}

// watchLog is a log that closes a channel once a line saying want was
// written.
type watchLog struct {
	mu    sync.Mutex
	b     strings.Builder
	wants map[string]chan struct{}
}

func (w *watchLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	for s, ch := range w.wants {
		if strings.Contains(string(p), s) {
			close(ch)
			delete(w.wants, s)
		}
	}
	return len(p), nil
}

// TestEdgeRefusesForgeries: a rogue site — a leaf node connected with the
// leaf credentials every site shares — answers the edge's read of a
// meeting with a forged page (unsigned, signed by a key of its own, or a
// genuine signed answer of the centre to another request, replayed), and
// pushes a forged record that would fit the replica's chain. The edge
// refuses each and logs it, its replica holds nothing forged, and the
// genuine records — read, and pushed — still arrive: a read that got the
// rogue's answer first waits on for the centre's.
func TestEdgeRefusesForgeries(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	genuine := [][]byte{encodedEvent(t, 1), encodedEvent(t, 2), encodedEvent(t, 3)}
	forgedPage := func(v uint64, prev []byte) []byte {
		recs := []record{}
		for i := uint64(1); i <= 2; i++ {
			d := encodedEvent(t, 90+int(v+i))
			h := storage.ChainHash(prev, v+i, d)
			recs = append(recs, record{Seq: v + i, Data: d, Hash: h, Prev: prev})
			prev = h
		}
		b, _ := json.Marshal(readReply{Records: recs, Version: v + 2})
		return b
	}
	for _, tc := range []struct {
		name string
		// answer is the rogue's answer to the edge's read; replay is a
		// genuine signed answer of the centre to the rogue's own read.
		answer func(subject string, req, replay []byte) []byte
	}{
		{"unsigned", func(_ string, _, _ []byte) []byte { return forgedPage(0, storage.ZeroHash) }},
		{"signed by the rogue's own key", func(subject string, req, _ []byte) []byte {
			return seal(roguesKey, subject, req, forgedPage(0, storage.ZeroHash), time.Now())
		}},
		{"a genuine answer to another request", func(_ string, _, replay []byte) []byte { return replay }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			const user, password = "site", "the password every site shares"
			centre, err := natsbus.Open(ctx, natsbus.Config{Name: "centre", LeafListen: "127.0.0.1:0", LeafUser: user, LeafPassword: password, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer centre.Close()
			remote := strings.Replace(centre.LeafURL(), "://", "://"+user+":"+strings.ReplaceAll(password, " ", "%20")+"@", 1)
			store, err := bolt.Open(t.TempDir(), bolt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			if _, err := store.Append(ctx, "m1", 0, genuine[:2]); err != nil {
				t.Fatal(err)
			}
			logs := &watchLog{wants: map[string]chan struct{}{
				"refused an answer not signed by the centre": make(chan struct{}),
				"dropped a push not signed by the centre":    make(chan struct{}),
			}}
			refused, dropped := logs.wants["refused an answer not signed by the centre"], logs.wants["dropped a push not signed by the centre"]
			central := &gatedLog{Log: store, refused: refused}
			hub, err := NewHub(HubConfig{Key: testKey, Logger: quiet}, centre, central, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer hub.Close()

			// The rogue: a leaf node with the shared credentials.
			rogue, err := natsbus.Open(ctx, natsbus.Config{Name: "rogue", LeafRemotes: []string{remote}, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer rogue.Close()
			for !rogue.LeafConnected() {
				select {
				case <-ctx.Done():
					t.Fatal("the rogue never connected")
				case <-time.After(10 * time.Millisecond):
				}
			}
			// It reads the meeting itself: a genuine answer, to replay.
			var replay []byte
			for replay == nil {
				out, err := rogue.Request(ctx, readSubject("bavi", "m1"), withNonce([]byte(`{"after":0}`)))
				if err == nil {
					replay = out
				} else if ctx.Err() != nil {
					t.Fatal(err)
				}
			}
			stop, err := rogue.Serve(readSubject("bavi", "m1"), "rogue", func(subject string, data []byte, respond func([]byte)) {
				respond(tc.answer(subject, data, replay))
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			// Its interest has reached the centre once a later one did.
			stopProbe, err := rogue.Serve("rogue.probe", "rogue", func(_ string, _ []byte, respond func([]byte)) { respond([]byte("{}")) })
			if err != nil {
				t.Fatal(err)
			}
			defer stopProbe()
			for {
				if _, err := centre.Request(ctx, "rogue.probe", []byte("{}")); err == nil {
					break
				} else if ctx.Err() != nil {
					t.Fatal(err)
				}
			}
			central.gating.Store(true)

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
			e := NewEdge(EdgeConfig{Site: "bavi", Meetings: []string{"m1"}, TailCheck: 20 * time.Millisecond, LinkCheck: 10 * time.Millisecond,
				PingEvery: 100 * time.Millisecond, CentreKey: testPublic, Logger: slog.New(slog.NewTextHandler(logs, nil))}, site, replica)
			defer e.Close()

			// The edge's first read got the rogue's answer and refused it.
			select {
			case <-refused:
			case <-ctx.Done():
				t.Fatalf("the edge never refused the rogue's answer: %s", logs.b.String())
			}
			central.gating.Store(false)
			// The genuine records arrive: the same read takes the
			// centre's answer after the rogue's.
			waitReplica(ctx, t, replica, 2)

			// A forged push of record 3, linked to the replica's last
			// link: it would fit the chain. Sent until the edge drops it.
			recs, err := replica.Read(ctx, "m1", 2, 1)
			if err != nil || len(recs) != 1 {
				t.Fatalf("the replica's record 2: %v", err)
			}
			forged := encodedEvent(t, 99)
			push, _ := json.Marshal(readReply{Version: 3, Records: []record{{Seq: 3, Data: forged, Hash: storage.ChainHash(recs[0].Hash, 3, forged), Prev: recs[0].Hash}}})
			for sent := false; !sent; {
				if err := rogue.Publish(sitePushSubject("bavi", "m1"), push); err != nil {
					t.Fatal(err)
				}
				select {
				case <-dropped:
					sent = true
				case <-ctx.Done():
					t.Fatalf("the edge never dropped the forged push: %s", logs.b.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			if v, err := replica.Version(ctx, "m1"); err != nil || v != 2 {
				t.Fatalf("the replica is at %d (%v) after the forged push, want 2", v, err)
			}
			// The centre's record 3, pushed (and read by the tail check).
			if _, err := store.Append(ctx, "m1", 2, genuine[2:]); err != nil {
				t.Fatal(err)
			}
			if err := centre.Publish("dais.m.m1.ev", []byte(`[{"seq":3}]`)); err != nil {
				t.Fatal(err)
			}
			waitReplica(ctx, t, replica, 3)
			got, err := replica.Read(ctx, "m1", 1, 0)
			if err != nil || len(got) != 3 {
				t.Fatalf("the replica: %d records (%v)", len(got), err)
			}
			for i, r := range got {
				if !bytes.Equal(r.Data, genuine[i]) {
					t.Fatalf("the replica's record %d is %s, want the centre's %s", r.Seq, r.Data, genuine[i])
				}
			}
			// No read failed on the rogue's answer: each refused it and
			// waited on for the centre's (RequestFirst).
			logs.mu.Lock()
			defer logs.mu.Unlock()
			for _, line := range strings.Split(logs.b.String(), "\n") {
				if strings.Contains(line, "catching up with the centre failed") && strings.Contains(line, "not signed") {
					t.Fatalf("a read failed on the rogue's answer: %s", line)
				}
			}
		})
	}
}

func waitReplica(ctx context.Context, t *testing.T, replica storage.Log, want uint64) {
	t.Helper()
	for {
		v, err := replica.Version(ctx, "m1")
		if err == nil && v >= want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the replica is at %d (%v), want %d", v, err, want)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// BenchmarkSeal and BenchmarkOpen: the cost of signing a push at the
// centre and checking it at an edge (a page turn's record, ~200 bytes).
func BenchmarkSeal(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 200)
	for b.Loop() {
		seal(testKey, "dais.bridge.m1.rec", nil, body, time.Now())
	}
}

func BenchmarkOpen(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 200)
	msg := seal(testKey, "dais.bridge.m1.rec", nil, body, time.Now())
	for b.Loop() {
		if _, err := open(testPublic, "dais.bridge.m1.rec", nil, msg); err != nil {
			b.Fatal(err)
		}
	}
}
