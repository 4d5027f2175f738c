package bolt

import (
	"context"
	"fmt"
	"io"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

// Append appends events to the meeting's log if its version is still
// expected, in one transaction.
func (s *Store) Append(ctx context.Context, meeting string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendTo(ctx, bucketLog, bucketChain, "meeting id", meeting, expected, events)
}

// appendTo appends to the log id under the top-level buckets logRoot and
// chainRoot (a meeting's, or a consultation's).
func (s *Store) appendTo(ctx context.Context, logRoot, chainRoot []byte, what, meeting string, expected uint64, events [][]byte) (uint64, error) {
	if err := s.check(ctx); err != nil {
		return 0, fmt.Errorf("storage/bolt: append: %w", err)
	}
	if err := checkID(what, meeting); err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, fmt.Errorf("storage/bolt: append to %s: no events", meeting)
	}
	var last uint64
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.Bucket(logRoot).CreateBucketIfNotExists([]byte(meeting))
		if err != nil {
			return err
		}
		v := lastSeq(b)
		if v != expected {
			return fmt.Errorf("append to %s at version %d, log is at %d: %w", meeting, expected, v, storage.ErrConflict)
		}
		cb, err := tx.Bucket(chainRoot).CreateBucketIfNotExists([]byte(meeting))
		if err != nil {
			return err
		}
		prev := lastHash(cb, v)
		for _, e := range events {
			v++
			if err := b.Put(u64(v), e); err != nil {
				return err
			}
			prev = storage.ChainHash(prev, v, e)
			if err := cb.Put(u64(v), prev); err != nil {
				return err
			}
		}
		last = v
		s.heads.raise(logRoot, meeting, last) // before the commit (see heads)
		// A context that ended before the commit writes nothing.
		return ctx.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("storage/bolt: %w", err)
	}
	return last, nil
}

// Read returns the records with seq >= from, at most max of them (max <= 0:
// all).
func (s *Store) Read(ctx context.Context, meeting string, from uint64, max int) ([]storage.Record, error) {
	return s.readFrom(ctx, bucketLog, bucketChain, meeting, from, max)
}

// readFrom reads the log id under logRoot and chainRoot.
func (s *Store) readFrom(ctx context.Context, logRoot, chainRoot []byte, meeting string, from uint64, max int) ([]storage.Record, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: read: %w", err)
	}
	if head, ok := s.heads.known(logRoot, meeting); ok && from > head {
		return nil, nil // nothing past the head (see heads)
	}
	var recs []storage.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		root := tx.Bucket(logRoot)
		if root == nil || meeting == "" {
			return nil // a read-only file written before this root existed
		}
		b := root.Bucket([]byte(meeting))
		if b == nil {
			s.heads.raise(logRoot, meeting, 0)
			return nil
		}
		s.heads.raise(logRoot, meeting, lastSeq(b))
		var cb *bbolt.Bucket // nil in a file stored before the chain
		if root := tx.Bucket(chainRoot); root != nil {
			cb = root.Bucket([]byte(meeting))
		}
		var prev []byte // the chain hash of the record before, nil: none
		c := b.Cursor()
		for k, v := c.Seek(u64(from)); k != nil; k, v = c.Next() {
			if max > 0 && len(recs) >= max {
				break
			}
			seq := getU64(k)
			r := storage.Record{Seq: seq, Data: clone(v)}
			if len(recs) == 0 && seq > 1 && cb != nil {
				if h := cb.Get(u64(seq - 1)); len(h) == storage.HashSize {
					prev = clone(h)
				}
			}
			if cb != nil {
				if h := cb.Get(k); len(h) == storage.HashSize {
					r.Hash = clone(h)
				}
			}
			if r.Hash != nil {
				r.Prev = prev
				if r.Prev == nil {
					r.Prev = storage.ZeroHash
				}
			}
			prev = r.Hash
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: read %s: %w", meeting, err)
	}
	return recs, nil
}

// Version returns the seq of the meeting's last record, 0 when empty.
func (s *Store) Version(ctx context.Context, meeting string) (uint64, error) {
	if err := s.check(ctx); err != nil {
		return 0, fmt.Errorf("storage/bolt: version: %w", err)
	}
	var v uint64
	err := s.db.View(func(tx *bbolt.Tx) error {
		if b := logBucket(tx, meeting); b != nil {
			v = lastSeq(b)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage/bolt: version of %s: %w", meeting, err)
	}
	return v, nil
}

// Meetings lists the ids of meetings whose log is not empty, sorted.
func (s *Store) Meetings(ctx context.Context) ([]string, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("storage/bolt: meetings: %w", err)
	}
	var ids []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketLog)
		return root.ForEachBucket(func(k []byte) error {
			if k0, _ := root.Bucket(k).Cursor().First(); k0 != nil {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: meetings: %w", err)
	}
	return ids, nil // bbolt keeps keys sorted
}

func logBucket(tx *bbolt.Tx, meeting string) *bbolt.Bucket {
	if meeting == "" {
		return nil
	}
	return tx.Bucket(bucketLog).Bucket([]byte(meeting))
}

// lastHash returns the chain hash of record seq in a meeting's chain bucket,
// or storage.ZeroHash when seq is 0 or was stored before the chain.
func lastHash(cb *bbolt.Bucket, seq uint64) []byte {
	if seq == 0 {
		return storage.ZeroHash
	}
	if h := cb.Get(u64(seq)); len(h) == storage.HashSize {
		return clone(h)
	}
	return storage.ZeroHash
}

// lastSeq returns the seq of the last record in a meeting's log bucket.
func lastSeq(b *bbolt.Bucket) uint64 {
	k, _ := b.Cursor().Last()
	return getU64(k)
}

// SaveSnapshot stores data as the meeting's state at seq unless a newer
// snapshot is stored.
func (s *Store) SaveSnapshot(ctx context.Context, meeting string, seq uint64, data []byte) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: save snapshot: %w", err)
	}
	if err := checkID("meeting id", meeting); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSnap)
		if old := b.Get([]byte(meeting)); len(old) >= 8 && getU64(old[:8]) > seq {
			return nil
		}
		if err := b.Put([]byte(meeting), append(u64(seq), data...)); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: save snapshot of %s: %w", meeting, err)
	}
	return nil
}

// LoadSnapshot returns the meeting's latest snapshot, or storage.ErrNotFound.
func (s *Store) LoadSnapshot(ctx context.Context, meeting string) (uint64, []byte, error) {
	if err := s.check(ctx); err != nil {
		return 0, nil, fmt.Errorf("storage/bolt: load snapshot: %w", err)
	}
	var (
		seq   uint64
		data  []byte
		found bool
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		if meeting == "" {
			return nil
		}
		v := tx.Bucket(bucketSnap).Get([]byte(meeting))
		if len(v) < 8 {
			return nil
		}
		seq, data, found = getU64(v[:8]), clone(v[8:]), true
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("storage/bolt: load snapshot of %s: %w", meeting, err)
	}
	if !found {
		return 0, nil, fmt.Errorf("storage/bolt: snapshot of %s: %w", meeting, storage.ErrNotFound)
	}
	return seq, data, nil
}

// PutBlob stores a blob in the store's blob folder.
func (s *Store) PutBlob(ctx context.Context, r io.Reader) (storage.BlobInfo, error) {
	if err := s.check(ctx); err != nil {
		return storage.BlobInfo{}, fmt.Errorf("storage/bolt: put blob: %w", err)
	}
	return s.blobs.PutBlob(ctx, r)
}

// OpenBlob opens a blob of the store's blob folder.
func (s *Store) OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, storage.BlobInfo, error) {
	if err := s.check(ctx); err != nil {
		return nil, storage.BlobInfo{}, fmt.Errorf("storage/bolt: open blob: %w", err)
	}
	return s.blobs.OpenBlob(ctx, sha256)
}
