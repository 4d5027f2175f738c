package redis

import (
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/storagetest"
)

func TestAccountsConformance(t *testing.T) {
	storagetest.RunAccounts(t, func(t *testing.T) storage.Accounts {
		return mustOpen(t, Options{})
	})
}

// TestAccountKeysUnderPrefix: every key an account writes is under the
// store's prefix (the shared Redis may hold other deployments).
func TestAccountKeysUnderPrefix(t *testing.T) {
	s, ctx := mustOpen(t, Options{}), testCtx(t)
	id := "acct-" + strings.TrimSuffix(strings.ReplaceAll(s.opt.Prefix, ":", ""), "-")
	if err := s.CreateAccount(ctx, storage.Account{ID: id, Name: "A"}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccountSession(ctx, "hash-"+id, storage.AccountSession{Account: id, Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkAccount(ctx, id, storage.AccountLink{Meeting: "m", Participant: "p"}); err != nil {
		t.Fatal(err)
	}
	keys, err := s.rdb.Keys(ctx, "*"+id+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("keys naming the account: %q, want 3 (account, session, links)", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, s.opt.Prefix) {
			t.Errorf("key %q outside the prefix %q", k, s.opt.Prefix)
		}
	}
	under, err := s.rdb.Keys(ctx, s.opt.Prefix+"*").Result()
	if err != nil || len(under) != 4 {
		t.Fatalf("keys under the prefix: %q, %v; want 4 (with the id set)", under, err)
	}
}
