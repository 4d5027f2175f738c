package bolt

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

// Keys inside a box bucket.
var (
	keySpec    = []byte("spec")
	keyState   = []byte("state")
	keyNVoters = []byte("nvoters")
	keyVoters  = []byte("voters")
	keyCounts  = []byte("counts")
	// A secret box's sealing (see storage.BoxSpec.Secret): the poll's
	// public key, its private key sealed with the ballot key (deleted at
	// the close), the sealed ballots under random keys (deleted at the
	// close), and the opened ballots in a shuffled order (written at the
	// close).
	keyPub     = []byte("pub")
	keyPollKey = []byte("pollkey")
	keySealed  = []byte("sealed")
	keyBallots = []byte("ballots")

	stateOpen   = []byte("open")
	stateClosed = []byte("closed")
)

// boxSpec is a BoxSpec as stored (the poll id is the bucket's name).
type boxSpec struct {
	Secret     bool     `json:"secret"`
	Choices    []string `json:"choices"`
	MaxContent int      `json:"max_content,omitempty"`
}

// plainSize is the padded size of a ballot of this box before sealing.
func (b boxSpec) plainSize() int {
	longest := 0
	for _, c := range b.Choices {
		longest = max(longest, len(c))
	}
	return seal.PlainSize(longest, b.MaxContent)
}

// fits reports whether a ballot may go into this box.
func (b boxSpec) fits(ballot storage.Ballot) bool {
	return b.has(ballot.Choice) && len(ballot.Content) <= b.MaxContent
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
	if spec.MaxContent < 0 || spec.MaxContent > storage.MaxBallotContent {
		return fmt.Errorf("storage/bolt: box %s: content limit %d out of 0..%d", spec.Poll, spec.MaxContent, storage.MaxBallotContent)
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
	specJSON, err := json.Marshal(boxSpec{Secret: spec.Secret, Choices: spec.Choices, MaxContent: spec.MaxContent})
	if err != nil {
		return fmt.Errorf("storage/bolt: open box: %w", err)
	}
	var pub, sealedPriv []byte
	if spec.Secret {
		if s.opt.BallotKey == nil {
			return fmt.Errorf("storage/bolt: open box %s: %w", spec.Poll, storage.ErrNoBallotKey)
		}
		info, err := s.boxInfo(meeting, spec.Poll)
		if err != nil {
			return fmt.Errorf("storage/bolt: open box: %w", err)
		}
		if info == nil { // a new box: its key pair (an existing one is checked below)
			var secret []byte
			if s.opt.PollSecrets != nil {
				if secret, err = s.opt.PollSecrets.Make(meeting, spec.Poll); err != nil {
					return fmt.Errorf("storage/bolt: open box: %w", err)
				}
			}
			if pub, sealedPriv, err = seal.NewPollKeyWith(*s.opt.BallotKey, secret, meeting, spec.Poll); err != nil {
				return fmt.Errorf("storage/bolt: open box: %w", err)
			}
		}
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
		if spec.Secret && pub == nil {
			return fmt.Errorf("box %s of %s vanished while it was opened", spec.Poll, meeting)
		}
		pb, err := mb.CreateBucket([]byte(spec.Poll))
		if err != nil {
			return err
		}
		if _, err := pb.CreateBucket(keyVoters); err != nil {
			return err
		}
		if spec.Secret {
			// No counts while the box is open: the close writes them.
			if _, err := pb.CreateBucket(keySealed); err != nil {
				return err
			}
			if err := pb.Put(keyPub, pub); err != nil {
				return err
			}
			if err := pb.Put(keyPollKey, sealedPriv); err != nil {
				return err
			}
		} else {
			counts, err := pb.CreateBucket(keyCounts)
			if err != nil {
				return err
			}
			for _, c := range spec.Choices {
				if err := counts.Put([]byte(c), u64(0)); err != nil {
					return err
				}
			}
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
	var (
		t       storage.Tally
		counted bool
	)
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
		if pb.Get(keyPollKey) != nil {
			if err := s.count(meeting, poll, pb); err != nil {
				return err
			}
			counted = true
		}
		t = readTally(pb)
		return ctx.Err()
	})
	if err != nil {
		return storage.Tally{}, fmt.Errorf("storage/bolt: close box: %w", err)
	}
	if counted && s.opt.PollSecrets != nil {
		// The count is committed: destroy the poll's secret. (If this
		// fails, Open's sweep destroys it.)
		_ = s.opt.PollSecrets.Delete(meeting, poll)
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

// count opens a secret box's sealed ballots (inside the closing
// transaction), writes the counts and the ballots in a shuffled order, and
// deletes the sealed private key and the sealed ballots.
func (s *Store) count(meeting, poll string, pb *bbolt.Bucket) error {
	if s.opt.BallotKey == nil {
		return fmt.Errorf("count box %s of %s: %w", poll, meeting, storage.ErrNoBallotKey)
	}
	var spec boxSpec
	if err := json.Unmarshal(pb.Get(keySpec), &spec); err != nil {
		return fmt.Errorf("box %s of %s: decode spec: %w", poll, meeting, err)
	}
	var sealed [][]byte
	size := seal.SealedSize(spec.plainSize())
	if sb := pb.Bucket(keySealed); sb != nil {
		err := sb.ForEach(func(_, v []byte) error {
			if len(v)%size != 0 {
				return fmt.Errorf("box %s of %s: a batch of sealed ballots of %d bytes, not a multiple of %d: %w", poll, meeting, len(v), size, seal.ErrOpen)
			}
			for ; len(v) > 0; v = v[size:] {
				sealed = append(sealed, v[:size])
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var secret []byte
	if s.opt.PollSecrets != nil {
		var err error
		if secret, err = s.opt.PollSecrets.Get(meeting, poll); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	counts, ballots, err := seal.CountWith(*s.opt.BallotKey, secret, meeting, poll, pb.Get(keyPollKey), sealed, spec.Choices)
	if err != nil && secret == nil && s.opt.PollSecrets != nil {
		err = fmt.Errorf("%w; its poll secret is missing from the poll secrets folder", err)
	}
	if err != nil {
		return err
	}
	cb, err := pb.CreateBucket(keyCounts)
	if err != nil {
		return err
	}
	for c, n := range counts {
		if err := cb.Put([]byte(c), u64(uint64(n))); err != nil {
			return err
		}
	}
	bb, err := pb.CreateBucket(keyBallots)
	if err != nil {
		return err
	}
	for i, b := range ballots {
		if err := bb.Put(u64(uint64(i)), encodeOpened(b)); err != nil {
			return err
		}
	}
	if pb.Bucket(keySealed) != nil {
		if err := pb.DeleteBucket(keySealed); err != nil {
			return err
		}
	}
	return pb.Delete(keyPollKey)
}

// sweepPollSecrets destroys the poll secrets whose box is counted or was
// never stored (a crash between a count and the secret's deletion, or
// during an OpenBox). It runs at Open, before any OpenBox.
func (s *Store) sweepPollSecrets() error {
	polls, err := s.opt.PollSecrets.List()
	if err != nil {
		return err
	}
	for _, mp := range polls {
		var live bool
		_ = s.db.View(func(tx *bbolt.Tx) error {
			pb := boxBucket(tx, mp[0], mp[1])
			live = pb != nil && pb.Get(keyPollKey) != nil
			return nil
		})
		if !live {
			if err := s.opt.PollSecrets.Delete(mp[0], mp[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// encodeOpened is an opened ballot as stored after the close: the sealing's
// encoding without its padding.
func encodeOpened(b seal.Ballot) []byte {
	out, _ := seal.Encode(b, seal.PlainSize(len(b.Choice), len(b.Content)))
	return out
}

func readTally(pb *bbolt.Bucket) storage.Tally {
	t := storage.Tally{
		Voters: int(getU64(pb.Get(keyNVoters))),
		Closed: bytes.Equal(pb.Get(keyState), stateClosed),
	}
	if cb := pb.Bucket(keyCounts); cb != nil {
		t.Counts = map[string]int{}
		_ = cb.ForEach(func(k, v []byte) error {
			t.Counts[string(k)] = int(getU64(v))
			return nil
		})
	}
	if bb := pb.Bucket(keyBallots); bb != nil {
		t.Ballots = []storage.OpenedBallot{}
		_ = bb.ForEach(func(_, v []byte) error {
			if b, err := seal.Decode(v); err == nil {
				t.Ballots = append(t.Ballots, storage.OpenedBallot{Choice: b.Choice, Content: b.Content})
			}
			return nil
		})
	}
	return t
}

// castRequest is one ballot on its way through the cast loop.
type castRequest struct {
	ctx     context.Context
	meeting string
	ballot  storage.Ballot
	event   []byte
	// prepared: the box was known when the ballot was queued, fits says
	// whether the ballot fits it, and sealed is the ballot sealed to a
	// secret box's public key (sealed in the caller's goroutine, so that
	// the commit loop does no public-key work). Unprepared ballots (the
	// box was opened meanwhile) are prepared inside the transaction.
	prepared bool
	fits     bool
	sealed   []byte
	answer   chan castAnswer // buffered 1: the loop never blocks on it
	info     *boxInfo        // the box's cached info, nil if it did not exist at Cast
}

// boxInfo is what Cast needs to know of a box before the transaction; it
// never changes once the box exists, so the Store caches it.
type boxInfo struct {
	spec boxSpec
	pub  []byte // nil: a named box, or a secret box stored before sealing
	// sealer seals this node's ballots into a secret box (nil when pub is).
	sealer *seal.Sealer
}

// maxCachedBoxes bounds the Store's cache of box infos.
const maxCachedBoxes = 4096

// boxInfo returns the info of a box, or nil when it does not exist.
func (s *Store) boxInfo(meeting, poll string) (*boxInfo, error) {
	key := [2]string{meeting, poll}
	s.boxMu.Lock()
	info := s.boxes[key]
	s.boxMu.Unlock()
	if info != nil {
		return info, nil
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		pb := boxBucket(tx, meeting, poll)
		if pb == nil {
			return nil
		}
		i, err := readBoxInfo(pb, meeting, poll)
		info = i
		return err
	})
	if err != nil || info == nil {
		return nil, err
	}
	s.boxMu.Lock()
	if len(s.boxes) >= maxCachedBoxes {
		clear(s.boxes)
	}
	s.boxes[key] = info
	s.boxMu.Unlock()
	return info, nil
}

func readBoxInfo(pb *bbolt.Bucket, meeting, poll string) (*boxInfo, error) {
	info := &boxInfo{}
	if err := json.Unmarshal(pb.Get(keySpec), &info.spec); err != nil {
		return nil, fmt.Errorf("decode box spec: %w", err)
	}
	if p := pb.Get(keyPub); p != nil {
		info.pub = clone(p)
		var err error
		if info.sealer, err = seal.NewSealer(info.pub, meeting, poll, info.spec.plainSize()); err != nil {
			return nil, err
		}
	}
	return info, nil
}

// prepare checks the ballot against the box and seals it for a secret box.
func (r *castRequest) prepare(info *boxInfo) error {
	r.prepared = true
	r.fits = info.spec.fits(r.ballot)
	if !r.fits || info.pub == nil {
		return nil
	}
	var err error
	r.sealed, err = info.sealer.Seal(seal.Ballot{Choice: r.ballot.Choice, Content: r.ballot.Content})
	return err
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
	info, err := s.boxInfo(meeting, b.Poll)
	if err != nil {
		return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: %w", err)
	}
	if info != nil {
		req.info = info
		if err := req.prepare(info); err != nil {
			return storage.CastResult{}, fmt.Errorf("storage/bolt: cast: %w", err)
		}
	}
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
		for meeting, l := range st.logs {
			s.heads.raise(bucketLog, meeting, l.last) // before the commit (see heads)
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
	info    *boxInfo
	open    bool
	bucket  *bbolt.Bucket
	voters  *bbolt.Bucket
	sealed  *bbolt.Bucket  // a secret box's sealed ballots
	pending [][]byte       // secret box: the batch's sealed ballots
	added   map[string]int // named box: choice -> ballots accepted in this batch
	nAdded  int
}

type logState struct {
	bucket *bbolt.Bucket
	chain  *bbolt.Bucket
	last   uint64
	prev   []byte // the chain hash of record last
}

func (c *castTx) box(meeting, poll string, cached *boxInfo) (*boxState, error) {
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
	// A box's info never changes once it exists: the one Cast read (and
	// the Store caches) serves, instead of decoding the spec and making a
	// sealer again in every batch's transaction.
	info := cached
	if info == nil {
		var err error
		if info, err = readBoxInfo(pb, meeting, poll); err != nil {
			return nil, fmt.Errorf("box %s of %s: %w", poll, meeting, err)
		}
	}
	b.info = info
	b.open = bytes.Equal(pb.Get(keyState), stateOpen)
	b.bucket = pb
	b.voters = pb.Bucket(keyVoters)
	b.sealed = pb.Bucket(keySealed)
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
	cb, err := c.tx.Bucket(bucketChain).CreateBucketIfNotExists([]byte(meeting))
	if err != nil {
		return nil, err
	}
	l := &logState{bucket: lb, chain: cb, last: lastSeq(lb)}
	l.prev = lastHash(cb, l.last)
	c.logs[meeting] = l
	return l, nil
}

// cast decides one ballot and, when it is accepted, records the voter and
// appends the event. Counts are applied by flush. An error aborts the
// whole transaction.
func (c *castTx) cast(r *castRequest) (storage.CastResult, error) {
	b := r.ballot
	box, err := c.box(r.meeting, b.Poll, r.info)
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
	if !r.prepared {
		if err := r.prepare(box.info); err != nil {
			return storage.CastResult{}, err
		}
	}
	if !r.fits {
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
	l.prev = storage.ChainHash(l.prev, seq, r.event)
	if err := l.chain.Put(u64(seq), l.prev); err != nil {
		return storage.CastResult{}, err
	}
	l.last = seq
	rec := voterRecord{Ballot: b.BallotID, Seq: seq}
	if !box.info.spec.Secret {
		rec.Choice = b.Choice
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return storage.CastResult{}, err
	}
	if err := box.voters.Put([]byte(b.Voter), v); err != nil {
		return storage.CastResult{}, err
	}
	if box.info.pub != nil {
		box.pending = append(box.pending, r.sealed) // stored by flush
	} else {
		box.added[b.Choice]++
	}
	box.nAdded++
	return storage.CastResult{Outcome: storage.Accepted, Seq: seq}, nil
}

// flush adds the batch's totals to the voter numbers of the boxes and the
// counts of named boxes (and of secret boxes stored before sealing), and
// stores each secret box's sealed ballots of the batch as one value, in a
// shuffled order, under a random key: the set's order says nothing of when
// a ballot came, and a storm of ballots writes one new entry per batch, not
// one per ballot in a random place of the bucket.
func (c *castTx) flush() error {
	for key, box := range c.boxes {
		if box.nAdded == 0 {
			continue
		}
		if len(box.pending) > 0 {
			seal.Shuffle(len(box.pending), func(i, j int) { box.pending[i], box.pending[j] = box.pending[j], box.pending[i] })
			var k [16]byte
			rand.Read(k[:])
			if err := box.sealed.Put(k[:], bytes.Join(box.pending, nil)); err != nil {
				return err
			}
		}
		counts := box.bucket.Bucket(keyCounts)
		for choice, n := range box.added {
			if counts == nil {
				return fmt.Errorf("box %s of %s has no counts", key[1], key[0])
			}
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
