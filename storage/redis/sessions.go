package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dais-meeting/dais/storage"
)

// PutInvitation stores (or replaces) an invitation under code, as JSON.
func (s *Store) PutInvitation(ctx context.Context, code string, inv storage.Invitation) error {
	b, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("storage/redis: put invitation: %w", err)
	}
	return s.fail("put invitation", s.rdb.Set(ctx, s.k.invitation(code), b, 0).Err())
}

// RedeemInvitation returns the invitation and deletes it in one script
// (scripts/redeem.lua): of two redemptions exactly one gets it, and a
// redemption resent by go-redis after a lost reply still gets it.
func (s *Store) RedeemInvitation(ctx context.Context, code string) (storage.Invitation, error) {
	v, err := redeemScript.Run(ctx, s.rdb, []string{s.k.invitation(code), s.k.redeemed(code)},
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
	return inv, nil
}

// PutSession stores a session under token. A session with an expiry gets
// it as the key's expiry (PXAT), so Redis drops it; one already expired is
// deleted instead.
func (s *Store) PutSession(ctx context.Context, token string, sess storage.Session) error {
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("storage/redis: put session: %w", err)
	}
	key := s.k.session(token)
	switch {
	case sess.Expires.IsZero():
		err = s.rdb.Set(ctx, key, b, 0).Err()
	case !time.Now().Before(sess.Expires):
		err = s.rdb.Del(ctx, key).Err()
	default:
		// Round up to the next millisecond: never expire early.
		ms := (sess.Expires.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
		err = s.rdb.Do(ctx, "SET", key, b, "PXAT", ms).Err()
	}
	return s.fail("put session", err)
}

// GetSession returns the session, or ErrNotFound (also once expired: the
// expiry is checked here too, not left to Redis's clock alone).
func (s *Store) GetSession(ctx context.Context, token string) (storage.Session, error) {
	v, err := s.rdb.Get(ctx, s.k.session(token)).Bytes()
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
