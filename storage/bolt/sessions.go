package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

// PutInvitation stores (or replaces) an invitation under code.
func (s *Store) PutInvitation(ctx context.Context, code string, inv storage.Invitation) error {
	return s.put(ctx, "invitation", bucketInv, code, inv)
}

// RedeemInvitation returns the invitation stored under code and deletes it,
// in one transaction, or gives storage.ErrNotFound.
func (s *Store) RedeemInvitation(ctx context.Context, code string) (storage.Invitation, error) {
	if err := s.check(ctx); err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: redeem invitation: %w", err)
	}
	var inv storage.Invitation
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketInv)
		if code == "" || len(code) > maxIDLen {
			return storage.ErrNotFound
		}
		v := b.Get([]byte(code))
		if v == nil {
			return storage.ErrNotFound
		}
		if err := json.Unmarshal(v, &inv); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if err := b.Delete([]byte(code)); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: redeem invitation: %w", err)
	}
	return inv, nil
}

// PutSession stores a session under token.
func (s *Store) PutSession(ctx context.Context, token string, sess storage.Session) error {
	return s.put(ctx, "session", bucketSess, token, sess)
}

// GetSession returns the session stored under token, or storage.ErrNotFound
// (also once it has expired).
func (s *Store) GetSession(ctx context.Context, token string) (storage.Session, error) {
	if err := s.check(ctx); err != nil {
		return storage.Session{}, fmt.Errorf("storage/bolt: get session: %w", err)
	}
	var (
		sess  storage.Session
		found bool
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		if token == "" || len(token) > maxIDLen {
			return nil
		}
		v := tx.Bucket(bucketSess).Get([]byte(token))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &sess)
	})
	if err != nil {
		return storage.Session{}, fmt.Errorf("storage/bolt: get session: %w", err)
	}
	if !found || !sess.Expires.After(s.opt.Now()) {
		return storage.Session{}, fmt.Errorf("storage/bolt: session: %w", storage.ErrNotFound)
	}
	return sess, nil
}

// put stores v as JSON under key in the top-level bucket.
func (s *Store) put(ctx context.Context, what string, bucket []byte, key string, v any) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: put %s: %w", what, err)
	}
	if err := checkID(what+" key", key); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storage/bolt: put %s: %w", what, err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucket).Put([]byte(key), data); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: put %s: %w", what, err)
	}
	return nil
}

// PurgeExpiredSessions deletes the sessions that have expired (and any that
// cannot be read) and returns how many it deleted.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int, error) {
	if err := s.check(ctx); err != nil {
		return 0, fmt.Errorf("storage/bolt: purge sessions: %w", err)
	}
	now := s.opt.Now()
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSess)
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var sess storage.Session
			if json.Unmarshal(v, &sess) != nil || !sess.Expires.After(now) {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage/bolt: purge sessions: %w", err)
	}
	return n, nil
}
