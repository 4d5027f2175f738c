package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

// Index buckets of sessions.go, made on first write (a store written by an
// older version has none until then).
var (
	// bucketInvOf maps meeting \x00 participant to the key of the
	// participant's one valid code.
	bucketInvOf = []byte("inv-of")
	// bucketSessOf holds meeting \x00 participant \x00 key for each
	// session, so that a participant's sessions can be listed.
	bucketSessOf = []byte("sess-of")
	// bucketSessByAcct holds account \x00 key for each session an
	// account opened, so that disabling the account finds them. Open
	// builds it from the sessions of a store written before it existed.
	bucketSessByAcct = []byte("sess-by-acct")
)

func acctKey(account, key string) []byte {
	return []byte(account + "\x00" + key)
}

// indexSessionsByAccount makes the account index of a store written
// before it existed, from the stored sessions (at most a week's).
func indexSessionsByAccount(tx *bbolt.Tx) error {
	if tx.Bucket(bucketSessByAcct) != nil {
		return nil
	}
	idx, err := tx.CreateBucket(bucketSessByAcct)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSess).ForEach(func(k, v []byte) error {
		var sess storage.Session
		if json.Unmarshal(v, &sess) != nil || sess.Account == "" {
			return nil
		}
		return idx.Put(acctKey(sess.Account, string(k)), nil)
	})
}

// unindex removes a session's index entries.
func unindex(tx *bbolt.Tx, key []byte, sess storage.Session) error {
	if of := tx.Bucket(bucketSessOf); of != nil {
		if err := of.Delete(append(ofKey(sess.Meeting, sess.Participant), key...)); err != nil {
			return err
		}
	}
	if sess.Account != "" {
		if idx := tx.Bucket(bucketSessByAcct); idx != nil {
			return idx.Delete(acctKey(sess.Account, string(key)))
		}
	}
	return nil
}

func ofKey(meeting, participant string) []byte {
	return []byte(meeting + "\x00" + participant + "\x00")
}

// PutInvitation stores inv under key and makes it the participant's only
// code, in one transaction.
func (s *Store) PutInvitation(ctx context.Context, key string, inv storage.Invitation) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: put invitation: %w", err)
	}
	if err := checkID("invitation key", key); err != nil {
		return err
	}
	data, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("storage/bolt: put invitation: %w", err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		of, err := tx.CreateBucketIfNotExists(bucketInvOf)
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketInv)
		pk := ofKey(inv.Meeting, inv.Participant)
		if old := of.Get(pk); old != nil && !bytes.Equal(old, []byte(key)) {
			if err := b.Delete(old); err != nil {
				return err
			}
		}
		if err := b.Put([]byte(key), data); err != nil {
			return err
		}
		if err := of.Put(pk, []byte(key)); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: put invitation: %w", err)
	}
	return nil
}

// RedeemInvitation returns the invitation stored under key and deletes it,
// in one transaction, or gives storage.ErrNotFound. A key that is not there
// is answered from a read transaction: a guessing loop never takes the
// write lock that every command and ballot needs.
func (s *Store) RedeemInvitation(ctx context.Context, key string) (storage.Invitation, error) {
	if err := s.check(ctx); err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: redeem invitation: %w", err)
	}
	if key == "" || len(key) > maxIDLen {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: invitation: %w", storage.ErrNotFound)
	}
	var there bool
	if err := s.db.View(func(tx *bbolt.Tx) error {
		there = tx.Bucket(bucketInv).Get([]byte(key)) != nil
		return nil
	}); err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: redeem invitation: %w", err)
	}
	if !there {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: invitation: %w", storage.ErrNotFound)
	}
	var inv storage.Invitation
	now := s.opt.Now()
	// Batch, not Update: a morning's thousands of sign-ins at once share
	// their commits (and fsyncs) instead of queueing one each. The
	// function may run twice (bbolt reruns it alone if its batch fails):
	// it sets inv afresh every time.
	err := s.db.Batch(func(tx *bbolt.Tx) error {
		inv = storage.Invitation{}
		b := tx.Bucket(bucketInv)
		v := b.Get([]byte(key))
		if v == nil {
			return storage.ErrNotFound
		}
		if err := json.Unmarshal(v, &inv); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		// Only the participant's current code admits them.
		valid := inv.Expires.IsZero() || now.Before(inv.Expires)
		if of := tx.Bucket(bucketInvOf); of != nil {
			pk := ofKey(inv.Meeting, inv.Participant)
			cur := of.Get(pk)
			valid = valid && bytes.Equal(cur, []byte(key))
			if bytes.Equal(cur, []byte(key)) {
				if err := of.Delete(pk); err != nil {
					return err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !valid {
			inv = storage.Invitation{}
		}
		return nil
	})
	if err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: redeem invitation: %w", err)
	}
	if inv.Meeting == "" {
		return storage.Invitation{}, fmt.Errorf("storage/bolt: invitation expired or replaced: %w", storage.ErrNotFound)
	}
	return inv, nil
}

// RevokeInvitations deletes the participant's code, if any.
func (s *Store) RevokeInvitations(ctx context.Context, meeting, participant string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: revoke invitations: %w", err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		of := tx.Bucket(bucketInvOf)
		if of == nil {
			return nil
		}
		pk := ofKey(meeting, participant)
		if old := of.Get(pk); old != nil {
			if err := tx.Bucket(bucketInv).Delete(old); err != nil {
				return err
			}
		}
		return of.Delete(pk)
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: revoke invitations: %w", err)
	}
	return nil
}

// PutSession stores (or replaces) a session under key, and indexes it by
// its participant and by the account that opened it.
func (s *Store) PutSession(ctx context.Context, key string, sess storage.Session) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: put session: %w", err)
	}
	if err := checkID("session key", key); err != nil {
		return err
	}
	data, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("storage/bolt: put session: %w", err)
	}
	// Batch: sign-ins at once share their commits (see RedeemInvitation).
	err = s.db.Batch(func(tx *bbolt.Tx) error {
		of, err := tx.CreateBucketIfNotExists(bucketSessOf)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketSess).Put([]byte(key), data); err != nil {
			return err
		}
		if err := of.Put(append(ofKey(sess.Meeting, sess.Participant), key...), nil); err != nil {
			return err
		}
		if sess.Account != "" {
			idx, err := tx.CreateBucketIfNotExists(bucketSessByAcct)
			if err != nil {
				return err
			}
			if err := idx.Put(acctKey(sess.Account, key), nil); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: put session: %w", err)
	}
	return nil
}

// GetSession returns the session stored under key, or storage.ErrNotFound
// (also once it has expired).
func (s *Store) GetSession(ctx context.Context, key string) (storage.Session, error) {
	if err := s.check(ctx); err != nil {
		return storage.Session{}, fmt.Errorf("storage/bolt: get session: %w", err)
	}
	var (
		sess  storage.Session
		found bool
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		if key == "" || len(key) > maxIDLen {
			return nil
		}
		v := tx.Bucket(bucketSess).Get([]byte(key))
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

// SessionsOf returns the participant's unexpired sessions by key.
func (s *Store) SessionsOf(ctx context.Context, meeting, participant string) (map[string]storage.Session, error) {
	out, err := s.indexed(ctx, bucketSessOf, ofKey(meeting, participant), nil)
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: sessions of: %w", err)
	}
	return out, nil
}

// SessionsOfAccount returns the unexpired sessions the account opened, by
// key.
func (s *Store) SessionsOfAccount(ctx context.Context, account string) (map[string]storage.Session, error) {
	keep := func(sess storage.Session) bool { return account != "" && sess.Account == account }
	out, err := s.indexed(ctx, bucketSessByAcct, acctKey(account, ""), keep)
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: sessions of account: %w", err)
	}
	return out, nil
}

// indexed returns the unexpired sessions (that keep accepts, if given)
// whose keys the index bucket lists under prefix.
func (s *Store) indexed(ctx context.Context, index, prefix []byte, keep func(storage.Session) bool) (map[string]storage.Session, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	out := map[string]storage.Session{}
	now := s.opt.Now()
	err := s.db.View(func(tx *bbolt.Tx) error {
		idx := tx.Bucket(index)
		if idx == nil {
			return nil
		}
		b := tx.Bucket(bucketSess)
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			key := k[len(prefix):]
			v := b.Get(key)
			if v == nil {
				continue
			}
			var sess storage.Session
			if json.Unmarshal(v, &sess) != nil || !sess.Expires.After(now) || (keep != nil && !keep(sess)) {
				continue
			}
			out[string(key)] = sess
		}
		return nil
	})
	return out, err
}

// DeleteSession deletes a session and its index entries.
func (s *Store) DeleteSession(ctx context.Context, key string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: delete session: %w", err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSess)
		v := b.Get([]byte(key))
		if v == nil {
			return nil
		}
		var sess storage.Session
		if json.Unmarshal(v, &sess) == nil {
			if err := unindex(tx, []byte(key), sess); err != nil {
				return err
			}
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: delete session: %w", err)
	}
	return nil
}

// PurgeExpiredSessions deletes the sessions and invitations that have
// expired (and any that cannot be read) and returns how many sessions it
// deleted.
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
				if err := unindex(tx, k, sess); err != nil {
					return err
				}
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
		inv := tx.Bucket(bucketInv)
		var deadInv [][]byte
		err = inv.ForEach(func(k, v []byte) error {
			var i storage.Invitation
			if json.Unmarshal(v, &i) != nil || !i.Expires.IsZero() && !i.Expires.After(now) {
				deadInv = append(deadInv, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range deadInv {
			if err := inv.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage/bolt: purge sessions: %w", err)
	}
	return n, nil
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
