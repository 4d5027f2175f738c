package redis

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
)

// invitationOf is the key of a participant's one valid code; sessionsOf the
// set of their session keys.
func (k keys) invitationOf(meeting, participant string) string {
	return k.prefix + "invof:" + esc(meeting) + ":" + esc(participant)
}
func (k keys) sessionsOf(meeting, participant string) string {
	return k.prefix + "sessof:" + esc(meeting) + ":" + esc(participant)
}

// sessionsOfAccount is the set of the keys of the sessions an account
// opened.
func (k keys) sessionsOfAccount(account string) string {
	return k.prefix + "sessacct:" + esc(account)
}

// delIfScript deletes KEYS[1] if it holds ARGV[1].
var delIfScript = goredis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// setArgs is SET's expiry for a deadline: PXAT rounded up to the next
// millisecond (never expire early), none for the zero time.
func setArgs(key string, value []byte, deadline time.Time) []any {
	args := []any{"SET", key, value}
	if !deadline.IsZero() {
		ms := (deadline.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
		args = append(args, "PXAT", ms)
	}
	return args
}

// PutInvitation stores an invitation under key, as JSON, and makes it the
// participant's only code: the old code's key is deleted and the pointer
// (invof) names the new one. Between the two writes neither code works,
// which errs on the safe side.
func (s *Store) PutInvitation(ctx context.Context, key string, inv storage.Invitation) error {
	b, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("storage/redis: put invitation: %w", err)
	}
	if !inv.Expires.IsZero() && !time.Now().Before(inv.Expires) {
		return nil // already expired: nothing to keep
	}
	of := s.k.invitationOf(inv.Meeting, inv.Participant)
	old, err := s.rdb.Get(ctx, of).Result()
	if err != nil && !isNil(err) {
		return s.fail("put invitation", err)
	}
	if err := s.rdb.Do(ctx, setArgs(s.k.invitation(key), b, inv.Expires)...).Err(); err != nil {
		return s.fail("put invitation", err)
	}
	if err := s.rdb.Do(ctx, setArgs(of, []byte(key), inv.Expires)...).Err(); err != nil {
		return s.fail("put invitation", err)
	}
	if old != "" && old != key {
		return s.fail("put invitation", s.rdb.Del(ctx, s.k.invitation(old)).Err())
	}
	return nil
}

// RedeemInvitation takes the invitation in one script (scripts/redeem.lua):
// of two redemptions exactly one gets it, and a redemption resent by
// go-redis after a lost reply still gets it. It admits only if the code is
// unexpired and still its participant's code. An unknown key is a GET in
// the script and nothing more.
func (s *Store) RedeemInvitation(ctx context.Context, key string) (storage.Invitation, error) {
	v, err := redeemScript.Run(ctx, s.rdb, []string{s.k.invitation(key), s.k.redeemed(key)},
		token(), redeemMarkerTTL.Milliseconds()).Text()
	if isNil(err) {
		return storage.Invitation{}, fmt.Errorf("storage/redis: invitation: %w", storage.ErrNotFound)
	}
	if err != nil {
		return storage.Invitation{}, s.fail("redeem invitation", err)
	}
	var inv storage.Invitation
	if err := json.Unmarshal([]byte(v), &inv); err != nil {
		return storage.Invitation{}, fmt.Errorf("storage/redis: redeem invitation: %w", err)
	}
	of := s.k.invitationOf(inv.Meeting, inv.Participant)
	cur, err := s.rdb.Get(ctx, of).Result()
	if err != nil && !isNil(err) {
		return storage.Invitation{}, s.fail("redeem invitation", err)
	}
	if cur == key {
		if err := delIfScript.Run(ctx, s.rdb, []string{of}, key).Err(); err != nil {
			return storage.Invitation{}, s.fail("redeem invitation", err)
		}
	}
	if cur != key || !inv.Expires.IsZero() && !time.Now().Before(inv.Expires) {
		return storage.Invitation{}, fmt.Errorf("storage/redis: invitation expired or replaced: %w", storage.ErrNotFound)
	}
	return inv, nil
}

// RevokeInvitations deletes the participant's code and its pointer.
func (s *Store) RevokeInvitations(ctx context.Context, meeting, participant string) error {
	of := s.k.invitationOf(meeting, participant)
	old, err := s.rdb.GetDel(ctx, of).Result()
	if isNil(err) {
		return nil
	}
	if err != nil {
		return s.fail("revoke invitations", err)
	}
	return s.fail("revoke invitations", s.rdb.Del(ctx, s.k.invitation(old)).Err())
}

// PutSession stores a session under key with its expiry as the key's
// (PXAT), so Redis drops it; one already expired is deleted instead. The
// participant's set of session keys, and the set of the account that opened
// it, live as long as their longest session.
func (s *Store) PutSession(ctx context.Context, key string, sess storage.Session) error {
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("storage/redis: put session: %w", err)
	}
	k := s.k.session(key)
	if !sess.Expires.IsZero() && !time.Now().Before(sess.Expires) {
		return s.DeleteSession(ctx, key)
	}
	sets := []string{s.k.sessionsOf(sess.Meeting, sess.Participant)}
	if sess.Account != "" {
		sets = append(sets, s.k.sessionsOfAccount(sess.Account))
	}
	_, err = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.Do(ctx, setArgs(k, b, sess.Expires)...)
		for _, of := range sets {
			p.SAdd(ctx, of, key)
			if !sess.Expires.IsZero() {
				p.Do(ctx, "PEXPIREAT", of, sess.Expires.UnixMilli()+1, "GT")
				p.Do(ctx, "PEXPIREAT", of, sess.Expires.UnixMilli()+1, "NX")
			}
		}
		return nil
	})
	return s.fail("put session", err)
}

// GetSession returns the session, or ErrNotFound (also once expired: the
// expiry is checked here too, not left to Redis's clock alone).
func (s *Store) GetSession(ctx context.Context, key string) (storage.Session, error) {
	v, err := s.rdb.Get(ctx, s.k.session(key)).Bytes()
	if isNil(err) {
		return storage.Session{}, fmt.Errorf("storage/redis: session: %w", storage.ErrNotFound)
	}
	if err != nil {
		return storage.Session{}, s.fail("get session", err)
	}
	var sess storage.Session
	if err := json.Unmarshal(v, &sess); err != nil {
		return storage.Session{}, fmt.Errorf("storage/redis: get session: %w", err)
	}
	if !sess.Expires.IsZero() && !time.Now().Before(sess.Expires) {
		return storage.Session{}, fmt.Errorf("storage/redis: session: expired: %w", storage.ErrNotFound)
	}
	return sess, nil
}

// SessionsOf returns the participant's unexpired sessions by key, and
// forgets the keys of those Redis has dropped.
func (s *Store) SessionsOf(ctx context.Context, meeting, participant string) (map[string]storage.Session, error) {
	return s.sessionsIn(ctx, "sessions of", s.k.sessionsOf(meeting, participant))
}

// SessionsOfAccount returns the unexpired sessions the account opened, by
// key, and forgets the keys of those Redis has dropped. The first call on a
// deployment adds the sessions stored before the account sets existed
// (indexOlderSessions).
func (s *Store) SessionsOfAccount(ctx context.Context, account string) (map[string]storage.Session, error) {
	if account == "" {
		return map[string]storage.Session{}, nil
	}
	if err := s.indexOlderSessions(ctx); err != nil {
		return nil, err
	}
	return s.sessionsIn(ctx, "sessions of account", s.k.sessionsOfAccount(account))
}

// indexOlderSessions adds to the account sets the sessions a version
// without them stored, once per deployment (the key sessacct-indexed says
// it was done): a SCAN of the prefix's sessions, at most a week's. It only
// adds keys to sets (a session is never written again: a sign-out between
// the SCAN and the write is not undone). Several nodes doing it at once
// add the same keys.
func (s *Store) indexOlderSessions(ctx context.Context) error {
	done := s.k.prefix + "sessacct-indexed"
	if n, err := s.rdb.Exists(ctx, done).Result(); err != nil {
		return s.fail("indexing older sessions", err)
	} else if n == 1 {
		return nil
	}
	prefix := s.k.session("")
	iter := s.rdb.Scan(ctx, 0, globEscaper.Replace(prefix)+"*", 1000).Iterator()
	for iter.Next(ctx) {
		v, err := s.rdb.Get(ctx, iter.Val()).Bytes()
		if isNil(err) {
			continue
		}
		if err != nil {
			return s.fail("indexing older sessions", err)
		}
		var sess storage.Session
		if json.Unmarshal(v, &sess) != nil || sess.Account == "" {
			continue
		}
		of := s.k.sessionsOfAccount(sess.Account)
		_, err = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			p.SAdd(ctx, of, strings.TrimPrefix(iter.Val(), prefix))
			if !sess.Expires.IsZero() {
				p.Do(ctx, "PEXPIREAT", of, sess.Expires.UnixMilli()+1, "GT")
				p.Do(ctx, "PEXPIREAT", of, sess.Expires.UnixMilli()+1, "NX")
			}
			return nil
		})
		if err != nil {
			return s.fail("indexing older sessions", err)
		}
	}
	if err := iter.Err(); err != nil {
		return s.fail("indexing older sessions", err)
	}
	return s.fail("indexing older sessions", s.rdb.Set(ctx, done, "1", 0).Err())
}

// sessionsIn returns the unexpired sessions whose keys the set of holds.
func (s *Store) sessionsIn(ctx context.Context, what, of string) (map[string]storage.Session, error) {
	keys, err := s.rdb.SMembers(ctx, of).Result()
	if err != nil {
		return nil, s.fail(what, err)
	}
	out := make(map[string]storage.Session, len(keys))
	var gone []any
	for _, key := range keys {
		sess, err := s.GetSession(ctx, key)
		switch {
		case err == nil:
			out[key] = sess
		case errors.Is(err, storage.ErrNotFound):
			gone = append(gone, key)
		default:
			return nil, err
		}
	}
	if len(gone) > 0 {
		if err := s.rdb.SRem(ctx, of, gone...).Err(); err != nil {
			return nil, s.fail(what, err)
		}
	}
	return out, nil
}

// DeleteSession deletes a session and forgets its key in its
// participant's and its account's sets.
func (s *Store) DeleteSession(ctx context.Context, key string) error {
	v, err := s.rdb.GetDel(ctx, s.k.session(key)).Bytes()
	if isNil(err) {
		return nil
	}
	if err != nil {
		return s.fail("delete session", err)
	}
	var sess storage.Session
	if json.Unmarshal(v, &sess) == nil {
		if err := s.rdb.SRem(ctx, s.k.sessionsOf(sess.Meeting, sess.Participant), key).Err(); err != nil {
			return s.fail("delete session", err)
		}
		if sess.Account != "" {
			return s.fail("delete session", s.rdb.SRem(ctx, s.k.sessionsOfAccount(sess.Account), key).Err())
		}
	}
	return nil
}

// SharedKey returns the random 32-byte key stored under name, making it
// the first time (SET NX): how the nodes of a cluster agree on a key (the
// one that signs links) without configuration. Whoever can read Redis can
// read it; configure the key instead where that matters.
func (s *Store) SharedKey(ctx context.Context, name string) ([]byte, error) {
	k := s.k.prefix + "key:" + esc(name)
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if err := s.rdb.SetNX(ctx, k, fresh, 0).Err(); err != nil {
		return nil, s.fail("shared key", err)
	}
	v, err := s.rdb.Get(ctx, k).Bytes()
	if err != nil {
		return nil, s.fail("shared key", err)
	}
	return v, nil
}
