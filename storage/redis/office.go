package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
)

var (
	_ storage.Registry         = (*Store)(nil)
	_ storage.ConsultationLogs = (*Store)(nil)
)

// Registry keys (under the store's prefix; all share the hash tag {reg}, so
// that one transaction may touch an entry and its kind's id set in Redis
// Cluster too):
//
//	reg:{reg}:<kind>           set of the kind's ids
//	reg:{reg}:<kind>:<id>      the entry
//
// Consultation logs, like meeting logs under a namespace of their own:
//
//	consultations              set of consultation ids that may have a log
//	clog:{<id>}, clogtok:{<id>}, cchain:{<id>}

func (k keys) regIDs(kind string) string { return k.prefix + "reg:{reg}:" + esc(kind) }
func (k keys) regEntry(kind, id string) string {
	return k.prefix + "reg:{reg}:" + esc(kind) + ":" + esc(id)
}
func (k keys) consultations() string       { return k.prefix + "consultations" }
func (k keys) clog(id string) string       { return k.meeting("clog", id) }
func (k keys) clogTokens(id string) string { return k.meeting("clogtok", id) }
func (k keys) cchain(id string) string     { return k.meeting("cchain", id) }

func checkKind(kind string) error {
	if kind == "" || len(kind) > 32 {
		return fmt.Errorf("storage/redis: registry kind %q: 1–32 lower-case letters", kind)
	}
	for _, r := range kind {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("storage/redis: registry kind %q: 1–32 lower-case letters", kind)
		}
	}
	return nil
}

// GetEntry returns an entry, or storage.ErrNotFound.
func (s *Store) GetEntry(ctx context.Context, kind, id string) ([]byte, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	v, err := s.rdb.Get(ctx, s.k.regEntry(kind, id)).Bytes()
	if isNil(err) || id == "" {
		return nil, fmt.Errorf("storage/redis: %s %q: %w", kind, id, storage.ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("get entry", err)
	}
	return v, nil
}

// ListEntries reads the kind's id set and the entries with one MGET.
func (s *Store) ListEntries(ctx context.Context, kind string) ([]storage.Entry, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	ids, err := s.rdb.SMembers(ctx, s.k.regIDs(kind)).Result()
	if err != nil {
		return nil, s.fail("list entries", err)
	}
	out := []storage.Entry{}
	if len(ids) == 0 {
		return out, nil
	}
	slices.Sort(ids)
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.k.regEntry(kind, id)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, s.fail("list entries", err)
	}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out = append(out, storage.Entry{ID: ids[i], Data: []byte(str)})
		}
	}
	return out, nil
}

// UpdateEntry applies fn in an optimistic transaction (WATCH … MULTI),
// calling it again when another writer changed the entry in between.
func (s *Store) UpdateEntry(ctx context.Context, kind, id string, fn func(old []byte) ([]byte, error)) ([]byte, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("storage/redis: update %s: empty id", kind)
	}
	key, set := s.k.regEntry(kind, id), s.k.regIDs(kind)
	var (
		out   []byte
		fnErr error
	)
	for attempt := 0; attempt < 50; attempt++ {
		err := s.rdb.Watch(ctx, func(tx *goredis.Tx) error {
			old, err := tx.Get(ctx, key).Bytes()
			if isNil(err) {
				old, err = nil, nil
			}
			if err != nil {
				return err
			}
			next, err := fn(old)
			if err != nil {
				fnErr = err
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				if next == nil {
					p.Del(ctx, key)
					p.SRem(ctx, set, id)
				} else {
					p.Set(ctx, key, next, 0)
					p.SAdd(ctx, set, id)
				}
				return nil
			})
			if err == nil {
				out = next
			}
			return err
		}, key)
		switch {
		case fnErr != nil:
			return nil, fnErr
		case errors.Is(err, goredis.TxFailedErr):
			continue
		case err != nil:
			return nil, s.fail("update entry", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("storage/redis: update %s %q: too much contention: %w", kind, id, storage.ErrConflict)
}

// AppendConsultation appends to a consultation's log (scripts/append.lua,
// as Append).
func (s *Store) AppendConsultation(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendLog(ctx, s.k.consultations(), s.k.clog(id), s.k.clogTokens(id), s.k.cchain(id), id, expected, events)
}

// ReadConsultation reads a consultation's log (as Read).
func (s *Store) ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return s.readLog(ctx, s.k.clog(id), s.k.cchain(id), from, max)
}

// Consultations lists the consultations whose log is not empty, sorted.
func (s *Store) Consultations(ctx context.Context) ([]string, error) {
	return s.listLogs(ctx, s.k.consultations(), s.k.clog)
}
