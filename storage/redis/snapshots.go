package redis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dais-meeting/dais/storage"
)

// SaveSnapshot stores data as the meeting's state at seq unless a snapshot
// of a later seq is stored (scripts/snapshot.lua); at an equal seq the new
// data replaces the old.
func (s *Store) SaveSnapshot(ctx context.Context, meeting string, seq uint64, data []byte) error {
	err := snapshotScript.Run(ctx, s.rdb, []string{s.k.snapshot(meeting)}, seq, data).Err()
	return s.fail("save snapshot", err)
}

// LoadSnapshot returns the meeting's latest snapshot, or ErrNotFound.
func (s *Store) LoadSnapshot(ctx context.Context, meeting string) (uint64, []byte, error) {
	vals, err := s.rdb.HMGet(ctx, s.k.snapshot(meeting), "seq", "data").Result()
	if err != nil {
		return 0, nil, s.fail("load snapshot", err)
	}
	seqStr, ok1 := vals[0].(string)
	data, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return 0, nil, fmt.Errorf("storage/redis: snapshot of meeting %q: %w", meeting, storage.ErrNotFound)
	}
	seq, err := strconv.ParseUint(seqStr, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("storage/redis: snapshot of meeting %q: bad seq %q", meeting, seqStr)
	}
	return seq, []byte(data), nil
}
