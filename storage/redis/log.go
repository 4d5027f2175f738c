package redis

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/dais-meeting/dais/storage"
)

// Append appends events to the meeting's log if its version is still
// expected, in one script (scripts/append.lua). The log is a Redis list: the
// record with seq s is the list's element s-1, so the version is the list's
// length and seqs cannot have gaps.
//
// On the first append (expected 0) the meeting id is first added to the set
// of meetings (a separate key, possibly on another cluster node); Meetings
// lists only ids whose log is not empty, so a failed append leaves nothing
// visible.
func (s *Store) Append(ctx context.Context, meeting string, expected uint64, events [][]byte) (uint64, error) {
	return s.appendLog(ctx, s.k.meetings(), s.k.log(meeting), s.k.logTokens(meeting), s.k.chain(meeting), meeting, expected, events)
}

// appendLog appends to the log at logKey (its tokens and chain at tokKey
// and chainKey), adding id to the set at setKey first on a first append.
func (s *Store) appendLog(ctx context.Context, setKey, logKey, tokKey, chainKey, meeting string, expected uint64, events [][]byte) (uint64, error) {
	if len(events) == 0 {
		return 0, fmt.Errorf("storage/redis: append to %q: no events", meeting)
	}
	if expected == 0 {
		if err := s.rdb.SAdd(ctx, setKey, meeting).Err(); err != nil {
			return 0, s.fail("append", err)
		}
	}
	args := make([]any, 0, 2+2*len(events))
	args = append(args, expected, token())
	for _, e := range events {
		args = append(args, e)
	}
	for _, e := range events {
		d := sha256.Sum256(e)
		args = append(args, d[:])
	}
	res, err := s.runWrite(ctx, appendScript, []string{logKey, tokKey, chainKey}, args...).Int64Slice()
	if err != nil {
		return 0, s.fail("append", err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("storage/redis: append: unexpected reply %v", res)
	}
	if res[0] == 0 {
		return 0, fmt.Errorf("storage/redis: append to %q at version %d: log is at %d: %w",
			meeting, expected, res[1], storage.ErrConflict)
	}
	return uint64(res[1]), nil
}

// Read returns the records with seq >= from, at most max of them (max <= 0:
// all), with one LRANGE.
func (s *Store) Read(ctx context.Context, meeting string, from uint64, max int) ([]storage.Record, error) {
	return s.readLog(ctx, s.k.log(meeting), s.k.chain(meeting), from, max)
}

// readLog reads the log at logKey with its chain at chainKey.
func (s *Store) readLog(ctx context.Context, logKey, chainKey string, from uint64, max int) ([]storage.Record, error) {
	if from == 0 {
		from = 1
	}
	start := int64(from - 1)
	stop := int64(-1)
	if max > 0 {
		stop = start + int64(max) - 1
	}
	// The record before the first, for its Prev; both lists at one instant.
	pipe := s.rdb.TxPipeline()
	logCmd := pipe.LRange(ctx, logKey, start, stop)
	chainStart := start
	if start > 0 {
		chainStart = start - 1
	}
	chainCmd := pipe.LRange(ctx, chainKey, chainStart, stop)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.fail("read", err)
	}
	vals, links := logCmd.Val(), chainCmd.Val()
	var prev []byte
	if start > 0 && len(links) > 0 {
		prev, links = []byte(links[0]), links[1:]
	}
	recs := make([]storage.Record, len(vals))
	for i, v := range vals {
		r := storage.Record{Seq: from + uint64(i), Data: []byte(v)}
		if i < len(links) && len(links[i]) == storage.HashSize {
			r.Hash = []byte(links[i])
			r.Prev = prev
			if len(r.Prev) != storage.HashSize {
				r.Prev = storage.ZeroHash
			}
		}
		prev = r.Hash
		recs[i] = r
	}
	return recs, nil
}

// Version returns the seq of the meeting's last record (the log's length).
func (s *Store) Version(ctx context.Context, meeting string) (uint64, error) {
	n, err := s.rdb.LLen(ctx, s.k.log(meeting)).Result()
	if err != nil {
		return 0, s.fail("version", err)
	}
	return uint64(n), nil
}

// Meetings lists the ids of meetings whose log is not empty, sorted.
func (s *Store) Meetings(ctx context.Context) ([]string, error) {
	return s.listLogs(ctx, s.k.meetings(), s.k.log)
}

// listLogs lists the ids of the set at setKey whose log (logKey) is not
// empty, sorted.
func (s *Store) listLogs(ctx context.Context, setKey string, logKey func(string) string) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, setKey).Result()
	if err != nil {
		return nil, s.fail("meetings", err)
	}
	if len(ids) == 0 {
		return []string{}, nil
	}
	pipe := s.rdb.Pipeline()
	lens := make([]interface{ Result() (int64, error) }, len(ids))
	for i, id := range ids {
		lens[i] = pipe.LLen(ctx, logKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.fail("meetings", err)
	}
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		n, err := lens[i].Result()
		if err != nil {
			return nil, s.fail("meetings", err)
		}
		if n > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}
