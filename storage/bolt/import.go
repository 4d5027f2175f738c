package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

// ImportMeeting stores an archived meeting's log, with its chain links as
// given, and its boxes closed, in one transaction (storage.Importer).
func (s *Store) ImportMeeting(ctx context.Context, meeting string, log []storage.Record, boxes []storage.ArchivedBox) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: import: %w", err)
	}
	if err := checkID("meeting id", meeting); err != nil {
		return err
	}
	if err := storage.CheckImport(meeting, log, boxes); err != nil {
		return err
	}
	for _, b := range boxes {
		if err := validateSpec(meeting, b.Spec); err != nil {
			return err
		}
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if b := logBucket(tx, meeting); b != nil && lastSeq(b) > 0 {
			return fmt.Errorf("meeting %s has a log here: %w", meeting, storage.ErrExists)
		}
		if tx.Bucket(bucketBox).Bucket([]byte(meeting)) != nil {
			return fmt.Errorf("meeting %s has ballot boxes here: %w", meeting, storage.ErrExists)
		}
		lb, err := tx.Bucket(bucketLog).CreateBucketIfNotExists([]byte(meeting))
		if err != nil {
			return err
		}
		cb, err := tx.Bucket(bucketChain).CreateBucketIfNotExists([]byte(meeting))
		if err != nil {
			return err
		}
		s.heads.raise(bucketLog, meeting, log[len(log)-1].Seq) // before the commit (see heads); CheckImport: seqs 1..n
		for _, r := range log {
			if err := lb.Put(u64(r.Seq), r.Data); err != nil {
				return err
			}
			if r.Hash != nil {
				if err := cb.Put(u64(r.Seq), r.Hash); err != nil {
					return err
				}
			}
		}
		if len(boxes) == 0 {
			return ctx.Err()
		}
		mb, err := tx.Bucket(bucketBox).CreateBucket([]byte(meeting))
		if err != nil {
			return err
		}
		for _, b := range boxes {
			if err := importBox(mb, b); err != nil {
				return fmt.Errorf("box %s: %w", b.Spec.Poll, err)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: import %s: %w", meeting, err)
	}
	return nil
}

// importBox writes a closed box: its spec, its voters (ballot event seqs,
// no choice), its counts and a secret box's opened ballots; no keys.
func importBox(mb *bbolt.Bucket, b storage.ArchivedBox) error {
	specJSON, err := json.Marshal(boxSpec{Secret: b.Spec.Secret, Choices: b.Spec.Choices, MaxContent: b.Spec.MaxContent})
	if err != nil {
		return err
	}
	pb, err := mb.CreateBucket([]byte(b.Spec.Poll))
	if err != nil {
		return err
	}
	vb, err := pb.CreateBucket(keyVoters)
	if err != nil {
		return err
	}
	for voter, seq := range b.Voters {
		rec, err := json.Marshal(voterRecord{Seq: seq})
		if err != nil {
			return err
		}
		if err := vb.Put([]byte(voter), rec); err != nil {
			return err
		}
	}
	if b.Tally.Counts != nil {
		cb, err := pb.CreateBucket(keyCounts)
		if err != nil {
			return err
		}
		for c, n := range b.Tally.Counts {
			if err := cb.Put([]byte(c), u64(uint64(n))); err != nil {
				return err
			}
		}
	}
	if b.Tally.Ballots != nil {
		bb, err := pb.CreateBucket(keyBallots)
		if err != nil {
			return err
		}
		for i, o := range b.Tally.Ballots {
			if err := bb.Put(u64(uint64(i)), encodeOpened(seal.Ballot{Choice: o.Choice, Content: o.Content})); err != nil {
				return err
			}
		}
	}
	for _, kv := range [][2][]byte{{keySpec, specJSON}, {keyState, stateClosed}, {keyNVoters, u64(uint64(len(b.Voters)))}} {
		if err := pb.Put(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
