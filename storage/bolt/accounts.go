package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

var _ storage.Accounts = (*Store)(nil)

// CreateAccount stores a new account in one transaction; with first set,
// only into an empty account bucket.
func (s *Store) CreateAccount(ctx context.Context, a storage.Account, first bool) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: create account: %w", err)
	}
	if err := checkID("account id", a.ID); err != nil {
		return err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("storage/bolt: create account: %w", err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAcct)
		if first {
			if k, _ := b.Cursor().First(); k != nil {
				return storage.ErrExists
			}
		}
		if b.Get([]byte(a.ID)) != nil {
			return storage.ErrExists
		}
		if err := b.Put([]byte(a.ID), data); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: create account %q: %w", a.ID, err)
	}
	return nil
}

// GetAccount returns an account, or storage.ErrNotFound.
func (s *Store) GetAccount(ctx context.Context, id string) (storage.Account, error) {
	if err := s.check(ctx); err != nil {
		return storage.Account{}, fmt.Errorf("storage/bolt: get account: %w", err)
	}
	var a storage.Account
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketAcct).Get([]byte(id))
		if id == "" || v == nil {
			return storage.ErrNotFound
		}
		return json.Unmarshal(v, &a)
	})
	if err != nil {
		return storage.Account{}, fmt.Errorf("storage/bolt: get account %q: %w", id, err)
	}
	return a, nil
}

// UpdateAccount applies fn inside one write transaction.
func (s *Store) UpdateAccount(ctx context.Context, id string, fn func(*storage.Account) error) (storage.Account, error) {
	if err := s.check(ctx); err != nil {
		return storage.Account{}, fmt.Errorf("storage/bolt: update account: %w", err)
	}
	var (
		a     storage.Account
		fnErr error
	)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAcct)
		v := b.Get([]byte(id))
		if id == "" || v == nil {
			return storage.ErrNotFound
		}
		a = storage.Account{}
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		if fnErr = fn(&a); fnErr != nil {
			return fnErr
		}
		a.ID = id
		data, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(id), data); err != nil {
			return err
		}
		return ctx.Err()
	})
	if fnErr != nil {
		return storage.Account{}, fnErr
	}
	if err != nil {
		return storage.Account{}, fmt.Errorf("storage/bolt: update account %q: %w", id, err)
	}
	return a, nil
}

// ListAccounts returns every account, sorted by id (bbolt's key order).
func (s *Store) ListAccounts(ctx context.Context) ([]storage.Account, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: list accounts: %w", err)
	}
	var out []storage.Account
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketAcct).ForEach(func(_, v []byte) error {
			var a storage.Account
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: list accounts: %w", err)
	}
	return out, nil
}

// HasAccounts reports whether the account bucket holds any account.
func (s *Store) HasAccounts(ctx context.Context) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, fmt.Errorf("storage/bolt: has accounts: %w", err)
	}
	var found bool
	_ = s.db.View(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket(bucketAcct).Cursor().First()
		found = k != nil
		return nil
	})
	return found, nil
}

// PutAccountSession stores a session under the hash of its token.
func (s *Store) PutAccountSession(ctx context.Context, tokenHash string, sess storage.AccountSession) error {
	return s.put(ctx, "account session", bucketAcctSess, tokenHash, sess)
}

// GetAccountSession returns a session, or storage.ErrNotFound (also once it
// has expired).
func (s *Store) GetAccountSession(ctx context.Context, tokenHash string) (storage.AccountSession, error) {
	if err := s.check(ctx); err != nil {
		return storage.AccountSession{}, fmt.Errorf("storage/bolt: get account session: %w", err)
	}
	var sess storage.AccountSession
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketAcctSess).Get([]byte(tokenHash))
		if tokenHash == "" || v == nil {
			return storage.ErrNotFound
		}
		return json.Unmarshal(v, &sess)
	})
	if err == nil && !sess.Expires.After(s.opt.Now()) {
		err = storage.ErrNotFound
	}
	if err != nil {
		return storage.AccountSession{}, fmt.Errorf("storage/bolt: account session: %w", err)
	}
	return sess, nil
}

// DeleteAccountSession deletes a session.
func (s *Store) DeleteAccountSession(ctx context.Context, tokenHash string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: delete account session: %w", err)
	}
	if tokenHash == "" || len(tokenHash) > maxIDLen {
		return nil
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketAcctSess).Delete([]byte(tokenHash))
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: delete account session: %w", err)
	}
	return nil
}

// LinkAccount stores acctlink/<account>/<meeting> -> participant.
func (s *Store) LinkAccount(ctx context.Context, account string, l storage.AccountLink) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: link account: %w", err)
	}
	for what, id := range map[string]string{"account id": account, "meeting id": l.Meeting, "participant id": l.Participant} {
		if err := checkID(what, id); err != nil {
			return err
		}
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.Bucket(bucketAcctLink).CreateBucketIfNotExists([]byte(account))
		if err != nil {
			return err
		}
		return b.Put([]byte(l.Meeting), []byte(l.Participant))
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: link account: %w", err)
	}
	return nil
}

// AccountLinks returns an account's links, sorted by meeting.
func (s *Store) AccountLinks(ctx context.Context, account string) ([]storage.AccountLink, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: account links: %w", err)
	}
	var out []storage.AccountLink
	err := s.db.View(func(tx *bbolt.Tx) error {
		if account == "" || len(account) > maxIDLen {
			return nil
		}
		b := tx.Bucket(bucketAcctLink).Bucket([]byte(account))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out = append(out, storage.AccountLink{Meeting: string(k), Participant: string(v)})
			return nil
		})
	})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("storage/bolt: account links: %w", err)
	}
	return out, nil
}

// PurgeExpiredAccountSessions deletes the account sessions that have
// expired (and any that cannot be read) and returns how many it deleted.
func (s *Store) PurgeExpiredAccountSessions(ctx context.Context) (int, error) {
	if err := s.check(ctx); err != nil {
		return 0, fmt.Errorf("storage/bolt: purge account sessions: %w", err)
	}
	now := s.opt.Now()
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAcctSess)
		var dead [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			var sess storage.AccountSession
			if json.Unmarshal(v, &sess) != nil || !sess.Expires.After(now) {
				dead = append(dead, clone(k))
			}
			return nil
		})
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage/bolt: purge account sessions: %w", err)
	}
	return n, nil
}
