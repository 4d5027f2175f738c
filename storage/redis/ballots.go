package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/dais-meeting/dais/storage"
)

// A box of poll p in meeting m is three hashes:
//
//	box:{m}:p     state (open/closed), spec, secret
//	voters:{m}:p  voter -> "seq:ballot id"
//	counts:{m}:p  choice -> number of ballots
//
// Open and secret boxes look the same: no key holds a voter next to a
// choice. (Redis's AOF and replication stream still carry each script's
// writes together; see docs/storage-redis.md.)

// OpenBox opens the box of a poll (scripts/open_box.lua). The counts start
// at zero for every choice, which is also how Cast checks a choice.
func (s *Store) OpenBox(ctx context.Context, meeting string, spec storage.BoxSpec) error {
	seen := make(map[string]bool, len(spec.Choices))
	for _, c := range spec.Choices {
		if seen[c] {
			return fmt.Errorf("storage/redis: open box %q: choice %q given twice", spec.Poll, c)
		}
		seen[c] = true
	}
	canon, err := json.Marshal(struct {
		Secret  bool     `json:"secret"`
		Choices []string `json:"choices"`
	}{spec.Secret, spec.Choices})
	if err != nil {
		return fmt.Errorf("storage/redis: open box %q: %w", spec.Poll, err)
	}
	// The meeting's log will not be empty once a ballot is cast: list it.
	if err := s.rdb.SAdd(ctx, s.k.meetings(), meeting).Err(); err != nil {
		return s.fail("open box", err)
	}
	args := make([]any, 0, 2+len(spec.Choices))
	secret := "0"
	if spec.Secret {
		secret = "1"
	}
	args = append(args, canon, secret)
	for _, c := range spec.Choices {
		args = append(args, c)
	}
	res, err := openBoxScript.Run(ctx, s.rdb,
		[]string{s.k.box(meeting, spec.Poll), s.k.counts(meeting, spec.Poll)}, args...).Int64()
	if err != nil {
		return s.fail("open box", err)
	}
	if res < 0 {
		return fmt.Errorf("storage/redis: open box %q of meeting %q: closed or opened with another spec: %w",
			spec.Poll, meeting, storage.ErrExists)
	}
	return nil
}

// Cast records a ballot and appends its event to the meeting's log, in one
// script (scripts/cast.lua).
func (s *Store) Cast(ctx context.Context, meeting string, b storage.Ballot, event []byte) (storage.CastResult, error) {
	res, err := castScript.Run(ctx, s.rdb, []string{
		s.k.box(meeting, b.Poll), s.k.voters(meeting, b.Poll), s.k.counts(meeting, b.Poll), s.k.log(meeting),
	}, b.Voter, b.BallotID, b.Choice, event).Int64Slice()
	if err != nil {
		return storage.CastResult{}, s.fail("cast", err)
	}
	if len(res) != 2 {
		return storage.CastResult{}, fmt.Errorf("storage/redis: cast: unexpected reply %v", res)
	}
	var o storage.Outcome
	switch res[0] { // the codes of scripts/cast.lua
	case 1:
		o = storage.Accepted
	case 2:
		o = storage.Repeat
	case 3:
		o = storage.AlreadyVoted
	case 4:
		o = storage.BoxClosed
	case 5:
		o = storage.BadChoice
	default:
		return storage.CastResult{}, fmt.Errorf("storage/redis: cast: unexpected outcome %d", res[0])
	}
	return storage.CastResult{Outcome: o, Seq: uint64(res[1])}, nil
}

// CloseBox closes the box and returns its final tally (scripts/tally.lua).
func (s *Store) CloseBox(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	return s.tally(ctx, "close box", meeting, poll, true)
}

// Tally returns the box's current tally, read at one instant.
func (s *Store) Tally(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	return s.tally(ctx, "tally", meeting, poll, false)
}

func (s *Store) tally(ctx context.Context, op, meeting, poll string, closeBox bool) (storage.Tally, error) {
	flag := "0"
	if closeBox {
		flag = "1"
	}
	res, err := tallyScript.Run(ctx, s.rdb, []string{
		s.k.box(meeting, poll), s.k.voters(meeting, poll), s.k.counts(meeting, poll),
	}, flag).Slice()
	if isNil(err) {
		return storage.Tally{}, fmt.Errorf("storage/redis: %s %q of meeting %q: %w", op, poll, meeting, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Tally{}, s.fail(op, err)
	}
	bad := fmt.Errorf("storage/redis: %s: unexpected reply %v", op, res)
	if len(res) != 3 {
		return storage.Tally{}, bad
	}
	closed, ok1 := res[0].(int64)
	voters, ok2 := res[1].(int64)
	flat, ok3 := res[2].([]any)
	if !ok1 || !ok2 || !ok3 || len(flat)%2 != 0 {
		return storage.Tally{}, bad
	}
	t := storage.Tally{Counts: make(map[string]int, len(flat)/2), Voters: int(voters), Closed: closed == 1}
	for i := 0; i < len(flat); i += 2 {
		c, ok1 := flat[i].(string)
		n, ok2 := flat[i+1].(string)
		if !ok1 || !ok2 {
			return storage.Tally{}, bad
		}
		v, err := strconv.Atoi(n)
		if err != nil {
			return storage.Tally{}, bad
		}
		t.Counts[c] = v
	}
	return t, nil
}
