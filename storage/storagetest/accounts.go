package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/storage"
)

// RunAccounts checks the guarantees of storage.Accounts: unique ids, the
// first account created exactly once under concurrency, atomic updates
// (no lost increment), sessions by hash with expiry and deletion, links.
// open returns a fresh, empty store as for Run.
func RunAccounts(t *testing.T, open func(t *testing.T) storage.Accounts) {
	t.Run("CreateGetList", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if ok, err := s.HasAccounts(ctx); err != nil || ok {
			t.Fatalf("HasAccounts(empty) = %v, %v; want false", ok, err)
		}
		if _, err := s.GetAccount(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetAccount(unknown) err = %v, want ErrNotFound", err)
		}
		a := storage.Account{ID: "huong", Name: "Nguyễn Thị Hương", Email: "huong@vp.example", Admin: true,
			PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", TOTPSecret: []byte{1, 2, 3},
			Created: time.Now().Truncate(time.Second)}
		if err := s.CreateAccount(ctx, a, true); err != nil {
			t.Fatalf("CreateAccount(first): %v", err)
		}
		if err := s.CreateAccount(ctx, storage.Account{ID: "other", Name: "X"}, true); !errors.Is(err, storage.ErrExists) {
			t.Fatalf("CreateAccount(first, second time) err = %v, want ErrExists", err)
		}
		if err := s.CreateAccount(ctx, storage.Account{ID: "huong", Name: "Y"}, false); !errors.Is(err, storage.ErrExists) {
			t.Fatalf("CreateAccount(taken id) err = %v, want ErrExists", err)
		}
		if err := s.CreateAccount(ctx, storage.Account{ID: "an.le", Name: "Lê Văn An"}, false); err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		got, err := s.GetAccount(ctx, "huong")
		if err != nil || got.Name != a.Name || got.Email != a.Email || !got.Admin || got.PasswordHash != a.PasswordHash ||
			string(got.TOTPSecret) != string(a.TOTPSecret) || !got.Created.Equal(a.Created) {
			t.Fatalf("GetAccount = %+v, %v; want %+v", got, err, a)
		}
		list, err := s.ListAccounts(ctx)
		if err != nil || len(list) != 2 || list[0].ID != "an.le" || list[1].ID != "huong" {
			t.Fatalf("ListAccounts = %+v, %v; want an.le, huong", list, err)
		}
		if ok, err := s.HasAccounts(ctx); err != nil || !ok {
			t.Fatalf("HasAccounts = %v, %v; want true", ok, err)
		}
	})

	t.Run("FirstOnceConcurrently", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		const n = 12
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = s.CreateAccount(ctx, storage.Account{ID: fmt.Sprintf("admin%d", i), Name: "A"}, true)
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, storage.ErrExists):
				t.Fatalf("CreateAccount %d: %v, want nil or ErrExists", i, err)
			}
		}
		list, _ := s.ListAccounts(ctx)
		if ok != 1 || len(list) != 1 {
			t.Fatalf("%d first accounts created, %d stored; want exactly 1", ok, len(list))
		}
	})

	t.Run("UpdateAtomic", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.UpdateAccount(ctx, "nope", func(*storage.Account) error { return nil }); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("UpdateAccount(unknown) err = %v, want ErrNotFound", err)
		}
		if err := s.CreateAccount(ctx, storage.Account{ID: "a", Name: "A"}, false); err != nil {
			t.Fatal(err)
		}
		refuse := errors.New("refused")
		if _, err := s.UpdateAccount(ctx, "a", func(a *storage.Account) error { a.Name = "changed"; return refuse }); err != refuse {
			t.Fatalf("UpdateAccount(fn error) err = %v, want fn's error", err)
		}
		if got, _ := s.GetAccount(ctx, "a"); got.Name != "A" {
			t.Fatalf("an update whose fn failed stored %q", got.Name)
		}
		const n = 20
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := s.UpdateAccount(ctx, "a", func(a *storage.Account) error { a.FailedLogins++; return nil }); err != nil {
					t.Errorf("UpdateAccount: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := s.GetAccount(ctx, "a")
		if err != nil || got.FailedLogins != n {
			t.Fatalf("after %d concurrent increments FailedLogins = %d, %v", n, got.FailedLogins, err)
		}
	})

	t.Run("Sessions", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if _, err := s.GetAccountSession(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetAccountSession(unknown) err = %v, want ErrNotFound", err)
		}
		live := storage.AccountSession{Account: "a", Created: time.Now().Truncate(time.Second), Expires: time.Now().Add(time.Hour).Truncate(time.Second), Pending: true}
		if err := s.PutAccountSession(ctx, "h1", live); err != nil {
			t.Fatalf("PutAccountSession: %v", err)
		}
		got, err := s.GetAccountSession(ctx, "h1")
		if err != nil || got.Account != "a" || !got.Pending || !got.Expires.Equal(live.Expires) || !got.Created.Equal(live.Created) {
			t.Fatalf("GetAccountSession = %+v, %v; want %+v", got, err, live)
		}
		if err := s.PutAccountSession(ctx, "h2", storage.AccountSession{Account: "a", Expires: time.Now().Add(-time.Second)}); err != nil {
			t.Fatalf("PutAccountSession(expired): %v", err)
		}
		if _, err := s.GetAccountSession(ctx, "h2"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetAccountSession(expired) err = %v, want ErrNotFound", err)
		}
		if err := s.DeleteAccountSession(ctx, "h1"); err != nil {
			t.Fatalf("DeleteAccountSession: %v", err)
		}
		if err := s.DeleteAccountSession(ctx, "h1"); err != nil {
			t.Fatalf("DeleteAccountSession(again): %v", err)
		}
		if _, err := s.GetAccountSession(ctx, "h1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetAccountSession(deleted) err = %v, want ErrNotFound", err)
		}
	})

	t.Run("Links", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		if ls, err := s.AccountLinks(ctx, "a"); err != nil || len(ls) != 0 {
			t.Fatalf("AccountLinks(none) = %v, %v", ls, err)
		}
		for _, l := range []storage.AccountLink{{Meeting: "m2", Participant: "p1"}, {Meeting: "m1", Participant: "p9"}, {Meeting: "m2", Participant: "p2"}} {
			if err := s.LinkAccount(ctx, "a", l); err != nil {
				t.Fatalf("LinkAccount(%+v): %v", l, err)
			}
		}
		ls, err := s.AccountLinks(ctx, "a")
		want := []storage.AccountLink{{Meeting: "m1", Participant: "p9"}, {Meeting: "m2", Participant: "p2"}}
		if err != nil || len(ls) != 2 || ls[0] != want[0] || ls[1] != want[1] {
			t.Fatalf("AccountLinks = %+v, %v; want %+v", ls, err, want)
		}
		if ls, _ := s.AccountLinks(ctx, "b"); len(ls) != 0 {
			t.Fatalf("another account sees links %+v", ls)
		}
	})
}
