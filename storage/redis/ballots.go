package redis

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

// A box of poll p in meeting m is these keys:
//
//	box:{m}:p      a hash: state (open/closed), spec, secret; a secret box's
//	               pub (the poll's public key) and pollkey (its private key
//	               sealed with the ballot key, deleted by the count)
//	voters:{m}:p   voter -> "seq:ballot id"; never a choice
//	counts:{m}:p   choice -> number of ballots; a secret box's are written
//	               by its count, at the close
//	sealed:{m}:p   a secret box's sealed ballots (a set), deleted by the count
//	ballots:{m}:p  a counted secret box's opened ballots, in a shuffled order
//
// A secret ballot is sealed by the node before it is sent (see package
// storage/seal): its choice reaches Redis neither in a script's arguments
// (MONITOR) nor in its writes (the AOF, replicas).

// boxSpec is a box's spec in its canonical (stored) form.
type boxSpec struct {
	Secret     bool     `json:"secret"`
	Choices    []string `json:"choices"`
	MaxContent int      `json:"max_content,omitempty"`
}

func (b boxSpec) fits(ballot storage.Ballot) bool {
	if len(ballot.Content) > b.MaxContent {
		return false
	}
	for _, c := range b.Choices {
		if c == ballot.Choice {
			return true
		}
	}
	return false
}

func (b boxSpec) plainSize() int {
	longest := 0
	for _, c := range b.Choices {
		longest = max(longest, len(c))
	}
	return seal.PlainSize(longest, b.MaxContent)
}

// boxInfo is what Cast needs to know of a box before its script runs. A
// box's spec and public key never change once it exists, so the Store
// caches them (boxCache).
type boxInfo struct {
	spec boxSpec
	pub  []byte // nil: a named box, or a secret box stored before sealing
	// sealer seals this node's ballots into a secret box (nil when pub is).
	sealer *seal.Sealer
}

// maxCachedBoxes bounds a Store's cache of box infos.
const maxCachedBoxes = 4096

type boxCache struct {
	mu    sync.Mutex
	boxes map[[2]string]*boxInfo
}

// boxInfo returns the info of a box, or nil when it was never opened.
func (s *Store) boxInfo(ctx context.Context, meeting, poll string) (*boxInfo, error) {
	key := [2]string{meeting, poll}
	s.cache.mu.Lock()
	info := s.cache.boxes[key]
	s.cache.mu.Unlock()
	if info != nil {
		return info, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.k.box(meeting, poll), "spec", "pub").Result()
	if err != nil {
		return nil, s.fail("cast", err)
	}
	specJSON, ok := vals[0].(string)
	if !ok {
		return nil, nil
	}
	info = &boxInfo{}
	if err := json.Unmarshal([]byte(specJSON), &info.spec); err != nil {
		return nil, fmt.Errorf("storage/redis: box %q of meeting %q: decode spec: %w", poll, meeting, err)
	}
	if pub, ok := vals[1].(string); ok {
		info.pub = []byte(pub)
		if info.sealer, err = seal.NewSealer(info.pub, meeting, poll, info.spec.plainSize()); err != nil {
			return nil, fmt.Errorf("storage/redis: box %q of meeting %q: %w", poll, meeting, err)
		}
	}
	s.cache.mu.Lock()
	if s.cache.boxes == nil || len(s.cache.boxes) >= maxCachedBoxes {
		s.cache.boxes = map[[2]string]*boxInfo{}
	}
	s.cache.boxes[key] = info
	s.cache.mu.Unlock()
	return info, nil
}

// OpenBox opens the box of a poll (scripts/open_box.lua). A named box's
// counts start at zero for every choice, which is also how its ballots'
// choices are checked; a secret box gets its poll key pair and no counts.
func (s *Store) OpenBox(ctx context.Context, meeting string, spec storage.BoxSpec) error {
	seen := make(map[string]bool, len(spec.Choices))
	for _, c := range spec.Choices {
		if seen[c] {
			return fmt.Errorf("storage/redis: open box %q: choice %q given twice", spec.Poll, c)
		}
		seen[c] = true
	}
	if len(spec.Choices) == 0 {
		return fmt.Errorf("storage/redis: open box %q: no choices", spec.Poll)
	}
	if spec.MaxContent < 0 || spec.MaxContent > storage.MaxBallotContent {
		return fmt.Errorf("storage/redis: open box %q: content limit %d out of 0..%d", spec.Poll, spec.MaxContent, storage.MaxBallotContent)
	}
	canon, err := json.Marshal(boxSpec{Secret: spec.Secret, Choices: spec.Choices, MaxContent: spec.MaxContent})
	if err != nil {
		return fmt.Errorf("storage/redis: open box %q: %w", spec.Poll, err)
	}
	var pub, sealedPriv []byte
	secret := "0"
	if spec.Secret {
		if s.opt.BallotKey == nil {
			return fmt.Errorf("storage/redis: open box %q: %w", spec.Poll, storage.ErrNoBallotKey)
		}
		if pub, sealedPriv, err = seal.NewPollKey(*s.opt.BallotKey, meeting, spec.Poll); err != nil {
			return fmt.Errorf("storage/redis: open box %q: %w", spec.Poll, err)
		}
		secret = "1"
	}
	// The meeting's log will not be empty once a ballot is cast: list it.
	if err := s.rdb.SAdd(ctx, s.k.meetings(), meeting).Err(); err != nil {
		return s.fail("open box", err)
	}
	args := make([]any, 0, 4+len(spec.Choices))
	args = append(args, canon, secret, pub, sealedPriv)
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
// script (scripts/cast.lua). The ballot is checked against the box's spec
// here and, for a secret box, sealed to the poll's public key before it is
// sent.
func (s *Store) Cast(ctx context.Context, meeting string, b storage.Ballot, event []byte) (storage.CastResult, error) {
	info, err := s.boxInfo(ctx, meeting, b.Poll)
	if err != nil {
		return storage.CastResult{}, err
	}
	if info == nil {
		// Never opened: no voter to find either.
		return storage.CastResult{Outcome: storage.BoxClosed}, nil
	}
	mode, arg := "count", []byte(b.Choice)
	switch {
	case !info.spec.fits(b):
		mode, arg = "bad", nil
	case info.pub != nil:
		mode = "seal"
		arg, err = info.sealer.Seal(seal.Ballot{Choice: b.Choice, Content: b.Content})
		if err != nil {
			return storage.CastResult{}, fmt.Errorf("storage/redis: cast: %w", err)
		}
	}
	digest := sha256.Sum256(event)
	res, err := s.runWrite(ctx, castScript, []string{
		s.k.box(meeting, b.Poll), s.k.voters(meeting, b.Poll), s.k.counts(meeting, b.Poll), s.k.log(meeting),
		s.k.sealed(meeting, b.Poll), s.k.chain(meeting),
	}, b.Voter, b.BallotID, arg, event, mode, digest[:]).Int64Slice()
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
// A secret box is then counted here: its sealed poll key and ballots are
// read (nothing can be added once it is closed), opened with the ballot key,
// and scripts/count.lua stores the counts and the shuffled ballots and
// deletes what was sealed, unless another node counted first. A failure
// between the close and the count leaves the box closed and uncounted; the
// next CloseBox counts it.
func (s *Store) CloseBox(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	t, uncounted, err := s.tally(ctx, "close box", meeting, poll, true)
	if err != nil || !uncounted {
		return t, err
	}
	if err := s.count(ctx, meeting, poll); err != nil {
		return storage.Tally{}, err
	}
	t, _, err = s.tally(ctx, "close box", meeting, poll, false)
	return t, err
}

// count counts a closed secret box (see CloseBox).
func (s *Store) count(ctx context.Context, meeting, poll string) error {
	if s.opt.BallotKey == nil {
		return fmt.Errorf("storage/redis: count box %q of meeting %q: %w", poll, meeting, storage.ErrNoBallotKey)
	}
	pipe := s.rdb.Pipeline()
	box := pipe.HMGet(ctx, s.k.box(meeting, poll), "spec", "pollkey")
	members := pipe.SMembers(ctx, s.k.sealed(meeting, poll))
	if _, err := pipe.Exec(ctx); err != nil {
		return s.fail("count", err)
	}
	vals := box.Val()
	specJSON, ok1 := vals[0].(string)
	pollKey, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil // counted meanwhile by another node
	}
	var spec boxSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return fmt.Errorf("storage/redis: box %q of meeting %q: decode spec: %w", poll, meeting, err)
	}
	sealed := make([][]byte, len(members.Val()))
	for i, m := range members.Val() {
		sealed[i] = []byte(m)
	}
	counts, ballots, err := seal.Count(*s.opt.BallotKey, meeting, poll, []byte(pollKey), sealed, spec.Choices)
	if err != nil {
		return fmt.Errorf("storage/redis: %w", err)
	}
	args := make([]any, 0, 2+2*len(spec.Choices)+len(ballots))
	args = append(args, pollKey, len(spec.Choices))
	for _, c := range spec.Choices {
		args = append(args, c, counts[c])
	}
	for _, b := range ballots {
		enc, err := seal.Encode(b, seal.PlainSize(len(b.Choice), len(b.Content)))
		if err != nil {
			return fmt.Errorf("storage/redis: count: %w", err)
		}
		args = append(args, enc)
	}
	err = s.runWrite(ctx, countScript, []string{
		s.k.box(meeting, poll), s.k.counts(meeting, poll), s.k.sealed(meeting, poll), s.k.ballots(meeting, poll),
	}, args...).Err()
	return s.fail("count", err)
}

// Tally returns the box's current tally, read at one instant.
func (s *Store) Tally(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	t, _, err := s.tally(ctx, "tally", meeting, poll, false)
	return t, err
}

// tally runs scripts/tally.lua; uncounted reports a secret box that still
// holds its sealed ballots (its Counts are nil).
func (s *Store) tally(ctx context.Context, op, meeting, poll string, closeBox bool) (t storage.Tally, uncounted bool, err error) {
	flag := "0"
	if closeBox {
		flag = "1"
	}
	keys := []string{s.k.box(meeting, poll), s.k.voters(meeting, poll), s.k.counts(meeting, poll), s.k.ballots(meeting, poll)}
	run := tallyScript.Run
	if closeBox {
		run = func(ctx context.Context, _ goredis.Scripter, keys []string, args ...any) *goredis.Cmd {
			return s.runWrite(ctx, tallyScript, keys, args...) // the close must reach the replicas
		}
	}
	res, err := run(ctx, s.rdb, keys, flag).Slice()
	if isNil(err) {
		return t, false, fmt.Errorf("storage/redis: %s %q of meeting %q: %w", op, poll, meeting, storage.ErrNotFound)
	}
	if err != nil {
		return t, false, s.fail(op, err)
	}
	bad := fmt.Errorf("storage/redis: %s: unexpected reply %v", op, res)
	if len(res) != 5 {
		return t, false, bad
	}
	closed, ok1 := res[0].(int64)
	voters, ok2 := res[1].(int64)
	flat, ok3 := res[2].([]any)
	opened, ok4 := res[3].([]any)
	pending, ok5 := res[4].(int64)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || len(flat)%2 != 0 {
		return t, false, bad
	}
	t = storage.Tally{Voters: int(voters), Closed: closed == 1}
	if pending == 1 {
		return t, true, nil
	}
	t.Counts = make(map[string]int, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		c, ok1 := flat[i].(string)
		n, ok2 := flat[i+1].(string)
		if !ok1 || !ok2 {
			return storage.Tally{}, false, bad
		}
		v, err := strconv.Atoi(n)
		if err != nil {
			return storage.Tally{}, false, bad
		}
		t.Counts[c] = v
	}
	if len(opened) > 0 {
		t.Ballots = make([]storage.OpenedBallot, len(opened))
		for i, o := range opened {
			str, ok := o.(string)
			if !ok {
				return storage.Tally{}, false, bad
			}
			b, err := seal.Decode([]byte(str))
			if err != nil {
				return storage.Tally{}, false, fmt.Errorf("storage/redis: %s: opened ballot: %w", op, err)
			}
			t.Ballots[i] = storage.OpenedBallot{Choice: b.Choice, Content: b.Content}
		}
	}
	return t, false, nil
}
