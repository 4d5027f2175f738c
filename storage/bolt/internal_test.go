package bolt

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

// TestCastContextEndsInQueue holds bbolt's writer lock so that the cast
// loop's transaction waits with a ballot in it, then cancels that ballot's
// context: Cast returns an error at once, and the transaction, when it runs,
// does not record the ballot.
func TestCastContextEndsInQueue(t *testing.T) {
	s := openTemp(t)
	if err := s.OpenBox(t.Context(), "m", storage.BoxSpec{Poll: "p", Choices: []string{"yes", "no"}}); err != nil {
		t.Fatalf("OpenBox: %v", err)
	}

	held, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		_ = s.db.Update(func(*bbolt.Tx) error {
			close(held)
			<-release
			return nil
		})
	})
	<-held
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type answer struct {
		res storage.CastResult
		err error
	}
	answers := make(chan answer, 1)
	wg.Go(func() {
		r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "v1", BallotID: "b1", Choice: "yes"}, []byte("first"))
		answers <- answer{r, err}
	})
	waitFor(t, "the cast loop to wait for the writer lock", func() bool {
		buf := make([]byte, 1<<20)
		return strings.Contains(string(buf[:runtime.Stack(buf, true)]), ").commitCasts(")
	})
	cancel()
	a := <-answers
	if !errors.Is(a.err, context.Canceled) {
		t.Fatalf("Cast whose context ended in the queue = %+v, %v; want a context.Canceled error", a.res, a.err)
	}
	close(release)
	released = true

	// The loop's transaction has run (this ballot queues behind it): the
	// cancelled ballot is not there, so this one is first in the log.
	r, err := s.Cast(t.Context(), "m", storage.Ballot{Poll: "p", Voter: "v1", BallotID: "b2", Choice: "no"}, []byte("second"))
	if err != nil || r.Outcome != storage.Accepted || r.Seq != 1 {
		t.Fatalf("Cast after the cancelled one = %+v, %v; want accepted at seq 1", r, err)
	}
	tl, err := s.Tally(t.Context(), "m", "p")
	if err != nil || tl.Voters != 1 || tl.Counts["no"] != 1 || tl.Counts["yes"] != 0 {
		t.Fatalf("Tally = %+v, %v; want one vote for no", tl, err)
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestJanitorPurgesAtOpen checks that the store deletes expired sessions by
// itself once opened.
func TestJanitorPurgesAtOpen(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	s, err := Open(dir, Options{Now: func() time.Time { return now }, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		tok := fmt.Sprintf("t%d", i)
		if err := s.PutSession(t.Context(), tok, storage.Session{Meeting: "m", Participant: "p", Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	later := now.Add(72 * time.Hour)
	s, err = Open(dir, Options{Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := 0
		if err := s.db.View(func(tx *bbolt.Tx) error { left = tx.Bucket(bucketSess).Stats().KeyN; return nil }); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d expired sessions left 10 s after Open", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAccountIndexBuiltForOlderStore: a store written before sessions were
// indexed by account (no sess-by-acct bucket) gets the index at Open, from
// the sessions it holds, so disabling an account finds the sessions it
// opened before the upgrade.
func TestAccountIndexBuiltForOlderStore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	exp := time.Now().Add(time.Hour)
	for key, acct := range map[string]string{"k1": "binh", "k2": "", "k3": "binh"} {
		if err := s.PutSession(t.Context(), key, storage.Session{Meeting: "m", Participant: "chair", Expires: exp, Account: acct}); err != nil {
			t.Fatalf("PutSession: %v", err)
		}
	}
	// As an older version left it: no index.
	if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketSessByAcct) }); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionsOfAccount(t.Context(), "binh"); err != nil || len(got) != 0 {
		t.Fatalf("without the index: %v, %v", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	got, err := s.SessionsOfAccount(t.Context(), "binh")
	if _, ok := got["k3"]; err != nil || len(got) != 2 || !ok {
		t.Fatalf("after Open: %v, %v; want k1 and k3", got, err)
	}
}
