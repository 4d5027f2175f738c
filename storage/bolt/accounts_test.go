package bolt_test

import (
	"testing"
	"time"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/storagetest"
)

func TestAccountsConformance(t *testing.T) {
	storagetest.RunAccounts(t, func(t *testing.T) storage.Accounts {
		return mustOpen(t, t.TempDir(), bolt.Options{})
	})
}

func TestPurgeExpiredAccountSessions(t *testing.T) {
	// No janitor: it would purge concurrently with the test.
	s := mustOpen(t, t.TempDir(), bolt.Options{PurgeEvery: -1})
	ctx := t.Context()
	for k, d := range map[string]time.Duration{"live": time.Hour, "dead1": -time.Second, "dead2": -time.Hour} {
		if err := s.PutAccountSession(ctx, k, storage.AccountSession{Account: "a", Expires: time.Now().Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.PurgeExpiredAccountSessions(ctx); err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	if _, err := s.GetAccountSession(ctx, "live"); err != nil {
		t.Fatalf("the live session went: %v", err)
	}
}
