package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
)

// Keys inside a box bucket.
var (
	keySpec    = []byte("spec")
	keyState   = []byte("state")
	keyNVoters = []byte("nvoters")
	keyVoters  = []byte("voters")
	keyCounts  = []byte("counts")

	stateOpen   = []byte("open")
	stateClosed = []byte("closed")
)

// boxSpec is a BoxSpec as stored (the poll id is the bucket's name).
type boxSpec struct {
	Secret  bool     `json:"secret"`
	Choices []string `json:"choices"`
}

func (b boxSpec) has(choice string) bool {
	for _, c := range b.Choices {
		if c == choice {
			return true
		}
	}
	return false
}

// voterRecord is what a box keeps of a voter. Choice is empty in a secret
// box: nothing there links a voter to a choice.
type voterRecord struct {
	Ballot string `json:"ballot"`
	Seq    uint64 `json:"seq"`
	Choice string `json:"choice,omitempty"`
}

func validateSpec(meeting string, spec storage.BoxSpec) error {
	if err := checkID("meeting id", meeting); err != nil {
		return err
	}
	if err := checkID("poll id", spec.Poll); err != nil {
		return err
	}
	if len(spec.Choices) == 0 {
		return fmt.Errorf("storage/bolt: box %s has no choices", spec.Poll)
	}
	seen := make(map[string]bool, len(spec.Choices))
	for _, c := range spec.Choices {
		if err := checkID("choice", c); err != nil {
			return err
		}
		if seen[c] {
			return fmt.Errorf("storage/bolt: box %s: choice %q twice", spec.Poll, c)
		}
		seen[c] = true
	}
	return nil
}

// OpenBox opens the box of a poll: nothing when it is open with the same
// spec (same secrecy, same choices in the same order), storage.ErrExists
// when it exists with another spec or is closed.
func (s *Store) OpenBox(ctx context.Context, meeting string, spec storage.BoxSpec) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("storage/bolt: open box: %w", err)
	}
	if err := validateSpec(meeting, spec); err != nil {
		return err
	}
	specJSON, err := json.Marshal(boxSpec{Secret: spec.Secret, Choices: spec.Choices})
	if err != nil {
		return fmt.Errorf("storage/bolt: open box: %w", err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		mb, err := tx.Bucket(bucketBox).CreateBucketIfNotExists([]byte(meeting))
		if err != nil {
			return err
		}
		if pb := mb.Bucket([]byte(spec.Poll)); pb != nil {
			if bytes.Equal(pb.Get(keyState), stateOpen) && bytes.Equal(pb.Get(keySpec), specJSON) {
				return nil
			}
			return fmt.Errorf("box %s of %s is closed or has another spec: %w", spec.Poll, meeting, storage.ErrExists)
		}
		pb, err := mb.CreateBucket([]byte(spec.Poll))
		if err != nil {
			return err
		}
		counts, err := pb.CreateBucket(keyCounts)
		if err != nil {
			return err
		}
		for _, c := range spec.Choices {
			if err := counts.Put([]byte(c), u64(0)); err != nil {
				return err
			}
		}
		if _, err := pb.CreateBucket(keyVoters); err != nil {
			return err
		}
		for _, kv := range [][2][]byte{{keySpec, specJSON}, {keyState, stateOpen}, {keyNVoters, u64(0)}} {
			if err := pb.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("storage/bolt: open box: %w", err)
	}
	return nil
}

// CloseBox closes the box and returns its final tally.
func (s *Store) CloseBox(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	if err := s.check(ctx); err != nil {
		return storage.Tally{}, fmt.Errorf("storage/bolt: close box: %w", err)
	}
	var t storage.Tally
	err := s.db.Update(func(tx *bbolt.Tx) error {
		pb := boxBucket(tx, meeting, poll)
		if pb == nil {
			return fmt.Errorf("box %s of %s: %w", poll, meeting, storage.ErrNotFound)
		}
		if !bytes.Equal(pb.Get(keyState), stateClosed) {
			if err := pb.Put(keyState, stateClosed); err != nil {
				return err
			}
		}
		t = readTally(pb)
		return ctx.Err()
	})
	if err != nil {
		return storage.Tally{}, fmt.Errorf("storage/bolt: close box: %w", err)
	}
	return t, nil
}

// Tally returns the box's current tally; every choice is in Counts.
func (s *Store) Tally(ctx context.Context, meeting, poll string) (storage.Tally, error) {
	if err := s.check(ctx); err != nil {
		return storage.Tally{}, fmt.Errorf("storage/bolt: tally: %w", err)
	}
	var t storage.Tally
	err := s.db.View(func(tx *bbolt.Tx) error {
		pb := boxBucket(tx, meeting, poll)
		if pb == nil {
			return fmt.Errorf("box %s of %s: %w", poll, meeting, storage.ErrNotFound)
		}
		t = readTally(pb)
		return nil
	})
	if err != nil {
		return storage.Tally{}, fmt.Errorf("storage/bolt: tally: %w", err)
	}
	return t, nil
}

func boxBucket(tx *bbolt.Tx, meeting, poll string) *bbolt.Bucket {
	if meeting == "" || poll == "" {
		return nil
	}
	mb := tx.Bucket(bucketBox).Bucket([]byte(meeting))
	if mb == nil {
		return nil
	}
	return mb.Bucket([]byte(poll))
}

func readTally(pb *bbolt.Bucket) storage.Tally {
	t := storage.Tally{
		Counts: map[string]int{},
		Voters: int(getU64(pb.Get(keyNVoters))),
		Closed: bytes.Equal(pb.Get(keyState), stateClosed),
	}
	_ = pb.Bucket(keyCounts).ForEach(func(k, v []byte) error {
		t.Counts[string(k)] = int(getU64(v))
		return nil
	})
	return t
}

// castRequest is one ballot on its way through the cast loop.
type castRequest struct {
	ctx     context.Context
	meeting string
	ballot  storage.Ballot
	event   []byte
	answer  chan castAnswer // buffered 1: the loop never blocks on it
}

type castAnswer struct {
	res storage.CastResult
	err error
}

// Cast records a ballot and appends its event to the meeting's log in one
// transaction, shared with the other ballots queued at the same moment.
//
// A ctx that ends before the ballot is taken into a transaction gives its
// error and nothing is recorded. A ctx that ends while the transaction runs
// gives an error that says the outcome is unknown; casting the same ballot
// id again then answers Repeat if it was recorded.
func (s *Store) Cast(ctx context.Context, meeting string, b storage.Ballot, event []byte) (storage.CastResult, error) {
	if err := s.check(ctx); err != nil {
		return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: %w", err)
	}
	for _, id := range [][2]string{{"meeting id", meeting}, {"poll id", b.Poll}, {"voter id", b.Voter}, {"ballot id", b.BallotID}} {
		if err := checkID(id[0], id[1]); err != nil {
			return storage.CastResult{}, err
		}
	}
	req := &castRequest{ctx: ctx, meeting: meeting, ballot: b, event: clone(event), answer: make(chan castAnswer, 1)}
	select {
	case s.casts <- req:
	case <-ctx.Done():
		return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: %w", ctx.Err())
	case <-s.quit:
		return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: %w", ErrClosed)
	}
	select {
	case a := <-req.answer:
		return a.res, a.err
	case <-ctx.Done():
		select {
		case a := <-req.answer:
			return a.res, a.err
		default:
			return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: outcome unknown: %w", ctx.Err())
		}
	}
}

// castLoop is the group-commit loop: it takes one request, drains whatever
// else is queued (up to MaxBatch), commits them in one transaction and
// answers each. It returns when Close is called; every request it took has
// been answered.
func (s *Store) castLoop() {
	batch := make([]*castRequest, 0, s.opt.MaxBatch)
	for {
		select {
		case <-s.quit:
			return
		case r := <-s.casts:
			batch = append(batch[:0], r)
		}
	drain:
		for len(batch) < s.opt.MaxBatch {
			select {
			case r := <-s.casts:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.commitCasts(batch)
		clear(batch)
	}
}

// commitCasts runs one write transaction for the batch and answers each
// request: refusals are answers, and only a failure of the transaction
// itself (nothing written) answers every request with an error.
func (s *Store) commitCasts(batch []*castRequest) {
	answers := make([]castAnswer, len(batch))
	err := s.db.Update(func(tx *bbolt.Tx) error {
		st := castTx{tx: tx, boxes: map[[2]string]*boxState{}, logs: map[string]*logState{}}
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				answers[i] = castAnswer{err: fmt.Errorf("storage/bolt: cast: %w", err)}
				continue
			}
			res, err := st.cast(r)
			if err != nil {
				return err
			}
			answers[i] = castAnswer{res: res}
		}
		return st.flush()
	})
	for i, r := range batch {
		if err != nil {
			r.answer <- castAnswer{err: fmt.Errorf("storage/bolt: cast: nothing recorded: %w", err)}
		} else {
			r.answer <- answers[i]
		}
	}
}

// castTx is the state of one batch's transaction.
type castTx struct {
	tx    *bbolt.Tx
	boxes map[[2]string]*boxState // by meeting, poll
	logs  map[string]*logState    // by meeting
}

type boxState struct {
	missing bool
	spec    boxSpec
	open    bool
	bucket  *bbolt.Bucket
	voters  *bbolt.Bucket
	added   map[string]int // choice -> ballots accepted in this batch
	nAdded  int
}

type logState struct {
	bucket *bbolt.Bucket
	last   uint64
}

func (c *castTx) box(meeting, poll string) (*boxState, error) {
	key := [2]string{meeting, poll}
	if b, ok := c.boxes[key]; ok {
		return b, nil
	}
	b := &boxState{added: map[string]int{}}
	c.boxes[key] = b
	pb := boxBucket(c.tx, meeting, poll)
	if pb == nil {
		b.missing = true
		return b, nil
	}
	if err := json.Unmarshal(pb.Get(keySpec), &b.spec); err != nil {
		return nil, fmt.Errorf("box %s of %s: decode spec: %w", poll, meeting, err)
	}
	b.open = bytes.Equal(pb.Get(keyState), stateOpen)
	b.bucket = pb
	b.voters = pb.Bucket(keyVoters)
	return b, nil
}

func (c *castTx) log(meeting string) (*logState, error) {
	if l, ok := c.logs[meeting]; ok {
		return l, nil
	}
	lb, err := c.tx.Bucket(bucketLog).CreateBucketIfNotExists([]byte(meeting))
	if err != nil {
		return nil, err
	}
	l := &logState{bucket: lb, last: lastSeq(lb)}
	c.logs[meeting] = l
	return l, nil
}

// cast decides one ballot and, when it is accepted, records the voter and
// appends the event. Counts are applied by flush. An error aborts the
// whole transaction.
func (c *castTx) cast(r *castRequest) (storage.CastResult, error) {
	b := r.ballot
	box, err := c.box(r.meeting, b.Poll)
	if err != nil {
		return storage.CastResult{}, err
	}
	if box.missing {
		return storage.CastResult{Outcome: storage.BoxClosed}, nil
	}
	// The voter first: a ballot resent after a lost answer learns that it
	// counted, even if the box closed meanwhile.
	if v := box.voters.Get([]byte(b.Voter)); v != nil {
		var rec voterRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return storage.CastResult{}, fmt.Errorf("box %s of %s: decode voter: %w", b.Poll, r.meeting, err)
		}
		if rec.Ballot == b.BallotID {
			return storage.CastResult{Outcome: storage.Repeat, Seq: rec.Seq}, nil
		}
		return storage.CastResult{Outcome: storage.AlreadyVoted}, nil
	}
	if !box.open {
		return storage.CastResult{Outcome: storage.BoxClosed}, nil
	}
	if !box.spec.has(b.Choice) {
		return storage.CastResult{Outcome: storage.BadChoice}, nil
	}
	l, err := c.log(r.meeting)
	if err != nil {
		return storage.CastResult{}, err
	}
	seq := l.last + 1
	if err := l.bucket.Put(u64(seq), r.event); err != nil {
		return storage.CastResult{}, err
	}
	l.last = seq
	rec := voterRecord{Ballot: b.BallotID, Seq: seq}
	if !box.spec.Secret {
		rec.Choice = b.Choice
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return storage.CastResult{}, err
	}
	if err := box.voters.Put([]byte(b.Voter), v); err != nil {
		return storage.CastResult{}, err
	}
	box.added[b.Choice]++
	box.nAdded++
	return storage.CastResult{Outcome: storage.Accepted, Seq: seq}, nil
}

// flush adds the batch's totals to the counts and voter numbers of the
// boxes: a secret box's counts move once per batch, not once per voter.
func (c *castTx) flush() error {
	for key, box := range c.boxes {
		if box.nAdded == 0 {
			continue
		}
		counts := box.bucket.Bucket(keyCounts)
		for choice, n := range box.added {
			k := []byte(choice)
			if err := counts.Put(k, u64(getU64(counts.Get(k))+uint64(n))); err != nil {
				return err
			}
		}
		nv := getU64(box.bucket.Get(keyNVoters)) + uint64(box.nAdded)
		if err := box.bucket.Put(keyNVoters, u64(nv)); err != nil {
			return fmt.Errorf("box %s of %s: %w", key[1], key[0], err)
		}
	}
	return nil
}
