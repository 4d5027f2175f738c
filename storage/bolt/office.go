package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

var (
	_ storage.Registry         = (*Store)(nil)
	_ storage.ConsultationLogs = (*Store)(nil)
)

// checkKind refuses a registry kind that is not lower-case letters.
func checkKind(kind string) error {
	if kind == "" || len(kind) > 32 {
		return fmt.Errorf("storage/bolt: registry kind %q: 1–32 lower-case letters", kind)
	}
	for _, r := range kind {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("storage/bolt: registry kind %q: 1–32 lower-case letters", kind)
		}
	}
	return nil
}

// GetEntry returns reg/<kind>/<id>, or storage.ErrNotFound.
func (s *Store) GetEntry(ctx context.Context, kind, id string) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: get entry: %w", err)
	}
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	var out []byte
	err := s.db.View(func(tx *bbolt.Tx) error {
		if root := tx.Bucket(bucketReg); root != nil && id != "" {
			if b := root.Bucket([]byte(kind)); b != nil {
				if v := b.Get([]byte(id)); v != nil {
					out = clone(v)
				}
			}
		}
		if out == nil {
			return storage.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: %s %q: %w", kind, id, err)
	}
	return out, nil
}

// ListEntries returns every entry of a kind in bbolt's key order.
func (s *Store) ListEntries(ctx context.Context, kind string) ([]storage.Entry, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: list entries: %w", err)
	}
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	out := []storage.Entry{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketReg)
		if root == nil {
			return nil
		}
		b := root.Bucket([]byte(kind))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out = append(out, storage.Entry{ID: string(k), Data: clone(v)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: list %s: %w", kind, err)
	}
	return out, nil
}

// UpdateEntry runs fn inside one write transaction.
func (s *Store) UpdateEntry(ctx context.Context, kind, id string, fn func(old []byte) ([]byte, error)) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: update entry: %w", err)
	}
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	if err := checkID(kind+" id", id); err != nil {
		return nil, err
	}
	var (
		out   []byte
		fnErr error
	)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.Bucket(bucketReg).CreateBucketIfNotExists([]byte(kind))
		if err != nil {
			return err
		}
		var old []byte
		if v := b.Get([]byte(id)); v != nil {
			old = clone(v)
		}
		out, fnErr = fn(old)
		if fnErr != nil {
			return fnErr
		}
		if out == nil {
			err = b.Delete([]byte(id))
		} else {
			err = b.Put([]byte(id), out)
		}
		if err != nil {
			return err
		}
		return ctx.Err()
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: update %s %q: %w", kind, id, err)
	}
	if out == nil {
		return nil, nil
	}
	return clone(out), nil
}

// AppendConsultation appends to clog/<id>, with its chain in cchain/<id>,
// in one transaction (as Append).
func (s *Store) AppendConsultation(ctx context.Context, id string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendTo(ctx, bucketCLog, bucketCChain, "consultation id", id, expected, events)
}

// ReadConsultation reads clog/<id> (as Read).
func (s *Store) ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error) {
	return s.readFrom(ctx, bucketCLog, bucketCChain, id, from, max)
}

// Consultations lists the consultations whose log is not empty, sorted.
func (s *Store) Consultations(ctx context.Context) ([]string, error) {
	return s.logsIn(ctx, "consultations", bucketCLog)
}

// logsIn lists the ids of the non-empty logs under the root bucket (the
// consultations' or the conclusions'), sorted (bbolt's key order).
func (s *Store) logsIn(ctx context.Context, what string, bucket []byte) ([]string, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: %s: %w", what, err)
	}
	ids := []string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucket)
		if root == nil {
			return nil
		}
		return root.ForEachBucket(func(k []byte) error {
			if k0, _ := root.Bucket(k).Cursor().First(); k0 != nil {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: %s: %w", what, err)
	}
	return ids, nil
}
