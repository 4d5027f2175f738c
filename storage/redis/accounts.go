package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
)

var _ storage.Accounts = (*Store)(nil)

// Account keys (all under the store's prefix; every key of an account and
// the id set share the hash tag {acct}, so one transaction may touch them
// in Redis Cluster too):
//
//	acct:{acct}:ids            set of account ids
//	acct:{acct}:<id>           the account as JSON
//	acct:{acct}:links:<id>     hash meeting -> participant
//	acctsess:<sha256 of token> the session as JSON, expiring with it

func (k keys) accountIDs() string            { return k.prefix + "acct:{acct}:ids" }
func (k keys) account(id string) string      { return k.prefix + "acct:{acct}:" + esc(id) }
func (k keys) accountLinks(id string) string { return k.prefix + "acct:{acct}:links:" + esc(id) }
func (k keys) accountSession(hash string) string {
	return k.prefix + "acctsess:" + esc(hash)
}

// createAccountScript stores an account if its id is free (and, when
// ARGV[2] is "1", only if there is no account at all).
var createAccountScript = goredis.NewScript(`
if ARGV[2] == "1" and redis.call("SCARD", KEYS[1]) > 0 then return 0 end
if redis.call("EXISTS", KEYS[2]) == 1 then return 0 end
redis.call("SET", KEYS[2], ARGV[1])
redis.call("SADD", KEYS[1], ARGV[3])
return 1
`)

// CreateAccount stores a new account in one script.
func (s *Store) CreateAccount(ctx context.Context, a storage.Account, first bool) error {
	if a.ID == "" {
		return errors.New("storage/redis: create account: empty id")
	}
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("storage/redis: create account: %w", err)
	}
	f := "0"
	if first {
		f = "1"
	}
	n, err := createAccountScript.Run(ctx, s.rdb, []string{s.k.accountIDs(), s.k.account(a.ID)}, data, f, a.ID).Int()
	if err != nil {
		return s.fail("create account", err)
	}
	if n == 0 {
		return fmt.Errorf("storage/redis: create account %q: %w", a.ID, storage.ErrExists)
	}
	return nil
}

// GetAccount returns an account, or storage.ErrNotFound.
func (s *Store) GetAccount(ctx context.Context, id string) (storage.Account, error) {
	v, err := s.rdb.Get(ctx, s.k.account(id)).Bytes()
	if isNil(err) || id == "" {
		return storage.Account{}, fmt.Errorf("storage/redis: account %q: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Account{}, s.fail("get account", err)
	}
	var a storage.Account
	if err := json.Unmarshal(v, &a); err != nil {
		return storage.Account{}, fmt.Errorf("storage/redis: get account: %w", err)
	}
	return a, nil
}

// UpdateAccount applies fn in an optimistic transaction (WATCH … MULTI):
// when another writer changed the account in between, it reads again and
// calls fn again.
func (s *Store) UpdateAccount(ctx context.Context, id string, fn func(*storage.Account) error) (storage.Account, error) {
	key := s.k.account(id)
	var out storage.Account
	var fnErr error
	for attempt := 0; attempt < 50; attempt++ {
		err := s.rdb.Watch(ctx, func(tx *goredis.Tx) error {
			v, err := tx.Get(ctx, key).Bytes()
			if isNil(err) || id == "" {
				return storage.ErrNotFound
			}
			if err != nil {
				return err
			}
			var a storage.Account
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
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.Set(ctx, key, data, 0)
				return nil
			})
			if err == nil {
				out = a
			}
			return err
		}, key)
		switch {
		case fnErr != nil:
			return storage.Account{}, fnErr
		case errors.Is(err, goredis.TxFailedErr):
			continue
		case errors.Is(err, storage.ErrNotFound):
			return storage.Account{}, fmt.Errorf("storage/redis: account %q: %w", id, storage.ErrNotFound)
		case err != nil:
			return storage.Account{}, s.fail("update account", err)
		}
		return out, nil
	}
	return storage.Account{}, fmt.Errorf("storage/redis: update account %q: too much contention: %w", id, storage.ErrConflict)
}

// ListAccounts returns every account, sorted by id.
func (s *Store) ListAccounts(ctx context.Context) ([]storage.Account, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.accountIDs()).Result()
	if err != nil {
		return nil, s.fail("list accounts", err)
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.k.account(id)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, s.fail("list accounts", err)
	}
	out := make([]storage.Account, 0, len(vals))
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var a storage.Account
		if err := json.Unmarshal([]byte(str), &a); err != nil {
			return nil, fmt.Errorf("storage/redis: list accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// HasAccounts reports whether the id set is not empty.
func (s *Store) HasAccounts(ctx context.Context) (bool, error) {
	n, err := s.rdb.SCard(ctx, s.k.accountIDs()).Result()
	if err != nil {
		return false, s.fail("has accounts", err)
	}
	return n > 0, nil
}

// PutAccountSession stores a session with its expiry as the key's (PXAT).
func (s *Store) PutAccountSession(ctx context.Context, tokenHash string, sess storage.AccountSession) error {
	if tokenHash == "" {
		return errors.New("storage/redis: put account session: empty key")
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("storage/redis: put account session: %w", err)
	}
	key := s.k.accountSession(tokenHash)
	if !time.Now().Before(sess.Expires) {
		return s.fail("put account session", s.rdb.Del(ctx, key).Err())
	}
	ms := (sess.Expires.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
	return s.fail("put account session", s.rdb.Do(ctx, "SET", key, b, "PXAT", ms).Err())
}

// GetAccountSession returns a session, or storage.ErrNotFound (the expiry
// is checked here too).
func (s *Store) GetAccountSession(ctx context.Context, tokenHash string) (storage.AccountSession, error) {
	v, err := s.rdb.Get(ctx, s.k.accountSession(tokenHash)).Bytes()
	if isNil(err) || tokenHash == "" {
		return storage.AccountSession{}, fmt.Errorf("storage/redis: account session: %w", storage.ErrNotFound)
	}
	if err != nil {
		return storage.AccountSession{}, s.fail("get account session", err)
	}
	var sess storage.AccountSession
	if err := json.Unmarshal(v, &sess); err != nil {
		return storage.AccountSession{}, fmt.Errorf("storage/redis: get account session: %w", err)
	}
	if !time.Now().Before(sess.Expires) {
		return storage.AccountSession{}, fmt.Errorf("storage/redis: account session: expired: %w", storage.ErrNotFound)
	}
	return sess, nil
}

// DeleteAccountSession deletes a session.
func (s *Store) DeleteAccountSession(ctx context.Context, tokenHash string) error {
	return s.fail("delete account session", s.rdb.Del(ctx, s.k.accountSession(tokenHash)).Err())
}

// LinkAccount sets meeting -> participant in the account's link hash.
func (s *Store) LinkAccount(ctx context.Context, account string, l storage.AccountLink) error {
	if account == "" || l.Meeting == "" || l.Participant == "" {
		return errors.New("storage/redis: link account: empty id")
	}
	return s.fail("link account", s.rdb.HSet(ctx, s.k.accountLinks(account), l.Meeting, l.Participant).Err())
}

// AccountLinks returns an account's links, sorted by meeting.
func (s *Store) AccountLinks(ctx context.Context, account string) ([]storage.AccountLink, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.accountLinks(account)).Result()
	if err != nil {
		return nil, s.fail("account links", err)
	}
	out := make([]storage.AccountLink, 0, len(m))
	for meeting, p := range m {
		out = append(out, storage.AccountLink{Meeting: meeting, Participant: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Meeting < out[j].Meeting })
	return out, nil
}
