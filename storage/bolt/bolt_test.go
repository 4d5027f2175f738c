package bolt_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
	"github.com/dais-meeting/dais/storage/storagetest"
)

// testKey is the ballot key of the tests' stores.
var testKey = seal.NewKey()

// mustOpen opens a store in dir and closes it when the test ends.
func mustOpen(tb testing.TB, dir string, opt bolt.Options) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(dir, opt)
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return mustOpen(t, t.TempDir(), bolt.Options{BallotKey: &testKey})
	})
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := bolt.Open(dir, bolt.Options{BallotKey: &testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.Append(ctx, "m", 0, [][]byte{[]byte("e1"), []byte("e2")}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	sp := storage.BoxSpec{Poll: "p", Secret: true, Choices: []string{"yes", "no"}}
	if err := s.OpenBox(ctx, "m", sp); err != nil {
		t.Fatalf("OpenBox: %v", err)
	}
	b := storage.Ballot{Poll: "p", Voter: "v1", BallotID: "b1", Choice: "yes"}
	if r, err := s.Cast(ctx, "m", b, []byte("ballot")); err != nil || r.Outcome != storage.Accepted || r.Seq != 3 {
		t.Fatalf("Cast = %+v, %v; want accepted at 3", r, err)
	}
	if err := s.SaveSnapshot(ctx, "m", 2, []byte("snap")); err != nil {
		t.Fatalf("SaveSnapshot: %v", err)
	}
	blob, err := s.PutBlob(ctx, strings.NewReader("%PDF-1.7"))
	if err != nil {
		t.Fatalf("PutBlob: %v", err)
	}
	if err := s.PutInvitation(ctx, "code", storage.Invitation{Meeting: "m", Participant: "d1"}); err != nil {
		t.Fatalf("PutInvitation: %v", err)
	}
	expires := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := s.PutSession(ctx, "tok", storage.Session{Meeting: "m", Participant: "d1", Expires: expires}); err != nil {
		t.Fatalf("PutSession: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = mustOpen(t, dir, bolt.Options{BallotKey: &testKey})
	recs, err := s.Read(ctx, "m", 0, 0)
	if err != nil || len(recs) != 3 || string(recs[2].Data) != "ballot" || recs[2].Seq != 3 {
		t.Fatalf("Read after reopen = %v, %v; want 3 records, the ballot last", recs, err)
	}
	if r, err := s.Cast(ctx, "m", b, []byte("ballot")); err != nil || r.Outcome != storage.Repeat || r.Seq != 3 {
		t.Fatalf("Cast again after reopen = %+v, %v; want repeat at 3", r, err)
	}
	tl, err := s.Tally(ctx, "m", "p")
	if err != nil || tl.Voters != 1 || tl.Counts != nil || tl.Closed {
		t.Fatalf("Tally after reopen = %+v, %v; want 1 voter, no counts (a secret box is open)", tl, err)
	}
	if seq, data, err := s.LoadSnapshot(ctx, "m"); err != nil || seq != 2 || string(data) != "snap" {
		t.Fatalf("LoadSnapshot after reopen = %d, %q, %v", seq, data, err)
	}
	rc, info, err := s.OpenBlob(ctx, blob.SHA256)
	if err != nil || info != blob {
		t.Fatalf("OpenBlob after reopen = %+v, %v", info, err)
	}
	rc.Close()
	if inv, err := s.RedeemInvitation(ctx, "code"); err != nil || inv.Participant != "d1" {
		t.Fatalf("RedeemInvitation after reopen = %+v, %v", inv, err)
	}
	if sess, err := s.GetSession(ctx, "tok"); err != nil || !sess.Expires.Equal(expires) {
		t.Fatalf("GetSession after reopen = %+v, %v", sess, err)
	}
}

func TestCloseTwiceAndAfter(t *testing.T) {
	s, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: &testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	ctx := t.Context()
	if _, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "v", BallotID: "b", Choice: "yes"}, nil); !errors.Is(err, bolt.ErrClosed) {
		t.Fatalf("Cast after Close: err = %v, want ErrClosed", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, bolt.ErrClosed) {
		t.Fatalf("Ping after Close: err = %v, want ErrClosed", err)
	}
	if _, err := s.Version(ctx, "m"); !errors.Is(err, bolt.ErrClosed) {
		t.Fatalf("Version after Close: err = %v, want ErrClosed", err)
	}
}

// TestSecondOpenRefused checks that a second Store on the same folder
// is refused while the first holds the file.
func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir, bolt.Options{BallotKey: &testKey})
	s, err := bolt.Open(dir, bolt.Options{BallotKey: &testKey, LockTimeout: 50 * time.Millisecond})
	if err == nil {
		s.Close()
		t.Fatalf("second Open of %s succeeded while the first store holds it", dir)
	}
}

// TestCloseDuringStorm closes the store while ballots are in flight: every
// ballot answered Accepted is in the file afterwards, and every ballot
// answered ErrClosed is not.
func TestCloseDuringStorm(t *testing.T) {
	dir := t.TempDir()
	s, err := bolt.Open(dir, bolt.Options{BallotKey: &testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := t.Context()
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Choices: []string{"yes", "no"}}); err != nil {
		t.Fatalf("OpenBox: %v", err)
	}
	const n = 300
	res := make([]storage.CastResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res[i], errs[i] = s.Cast(ctx, "m", ballot(i), []byte(fmt.Sprintf("ballot %d", i)))
		})
	}
	close(start)
	// Close once some ballots are in, while others are still queued.
	deadline := time.Now().Add(10 * time.Second)
	for {
		tl, err := s.Tally(ctx, "m", "p")
		if err != nil {
			t.Fatalf("Tally: %v", err)
		}
		if tl.Voters > 0 || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()

	s = mustOpen(t, dir, bolt.Options{BallotKey: &testKey})
	accepted, closed := 0, 0
	for i := range n {
		r, err := s.Cast(ctx, "m", ballot(i), []byte(fmt.Sprintf("ballot %d", i)))
		if err != nil {
			t.Fatalf("Cast %d again after reopen: %v", i, err)
		}
		switch {
		case errs[i] == nil && res[i].Outcome == storage.Accepted:
			accepted++
			if r.Outcome != storage.Repeat || r.Seq != res[i].Seq {
				t.Fatalf("ballot %d was answered accepted at %d, after reopen it is %+v", i, res[i].Seq, r)
			}
		case errors.Is(errs[i], bolt.ErrClosed):
			closed++
			if r.Outcome != storage.Accepted {
				t.Fatalf("ballot %d was answered ErrClosed but was recorded: %+v", i, r)
			}
		default:
			t.Fatalf("ballot %d: %+v, %v; want accepted or ErrClosed", i, res[i], errs[i])
		}
	}
	if accepted == 0 {
		t.Fatalf("no ballot accepted before Close")
	}
	t.Logf("%d accepted before Close, %d refused with ErrClosed", accepted, closed)
}

// TestSecretBoxKeepsNoLink reads the file itself: in a secret box no value
// next to a voter names a choice, while a named box keeps the choice.
func TestSecretBoxKeepsNoLink(t *testing.T) {
	dir := t.TempDir()
	s, err := bolt.Open(dir, bolt.Options{BallotKey: &testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := t.Context()
	choices := []string{"tán-thành", "không-tán-thành", "không-biểu-quyết"}
	for _, sp := range []storage.BoxSpec{{Poll: "secret", Secret: true, Choices: choices}, {Poll: "named", Choices: choices}} {
		if err := s.OpenBox(ctx, "m", sp); err != nil {
			t.Fatalf("OpenBox: %v", err)
		}
		for i := range 30 {
			b := storage.Ballot{Poll: sp.Poll, Voter: fmt.Sprintf("voter-%d", i), BallotID: fmt.Sprintf("b-%d", i), Choice: choices[i%3]}
			if r, err := s.Cast(ctx, "m", b, []byte("ballot")); err != nil || r.Outcome != storage.Accepted {
				t.Fatalf("Cast: %+v, %v", r, err)
			}
		}
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open the file: %v", err)
	}
	defer db.Close()
	voterValues := func(poll string) [][]byte {
		var out [][]byte
		err := db.View(func(tx *bbolt.Tx) error {
			vb := tx.Bucket([]byte("box")).Bucket([]byte("m")).Bucket([]byte(poll)).Bucket([]byte("voters"))
			return vb.ForEach(func(k, v []byte) error {
				out = append(out, append(append([]byte{}, k...), v...))
				return nil
			})
		})
		if err != nil {
			t.Fatalf("read voters of %s: %v", poll, err)
		}
		return out
	}
	secret, named := voterValues("secret"), voterValues("named")
	if len(secret) != 30 || len(named) != 30 {
		t.Fatalf("voters: %d secret, %d named; want 30 each", len(secret), len(named))
	}
	for _, kv := range secret {
		for _, c := range choices {
			if bytes.Contains(kv, []byte(c)) {
				t.Fatalf("secret box voter entry %q names choice %q", kv, c)
			}
		}
	}
	for _, kv := range named {
		found := false
		for _, c := range choices {
			found = found || bytes.Contains(kv, []byte(c))
		}
		if !found {
			t.Fatalf("named box voter entry %q keeps no choice", kv)
		}
	}
}

func ballot(i int) storage.Ballot {
	return storage.Ballot{Poll: "p", Voter: fmt.Sprintf("v%d", i), BallotID: fmt.Sprintf("b%d", i), Choice: []string{"yes", "no"}[i%2]}
}

// TestPurgeExpiredSessions checks that expired sessions leave the file and
// live ones stay (internal_test.go checks the janitor that calls it).
func TestPurgeExpiredSessions(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	dir := t.TempDir()
	s, err := bolt.Open(dir, bolt.Options{BallotKey: &testKey, Now: clock, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]time.Duration{"live": time.Hour, "old": -time.Hour, "just-expired": 0, "later": 48 * time.Hour}
	for tok, d := range sessions {
		if err := s.PutSession(ctx, tok, storage.Session{Meeting: "m", Participant: "p", Expires: now.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeExpiredSessions(ctx)
	if err != nil || n != 2 {
		t.Fatalf("PurgeExpiredSessions = %d, %v; want 2 (old, just-expired)", n, err)
	}
	for _, tok := range []string{"live", "later"} {
		if _, err := s.GetSession(ctx, tok); err != nil {
			t.Errorf("GetSession(%s) after the purge: %v", tok, err)
		}
	}
	if n, _ := s.PurgeExpiredSessions(ctx); n != 0 {
		t.Errorf("a second purge deleted %d", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
