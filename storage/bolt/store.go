// Package bolt is the embedded storage backend of Dais, the default when a
// node runs alone: the meeting logs, ballot boxes, snapshots, invitations
// and sessions in one bbolt file, <dir>/dais.db, and the PDF blobs in
// <dir>/blobs (package fsblob).
//
// Layout of the file (all top-level buckets are created by Open):
//
//	log/<meeting>/<seq as 8 bytes big-endian>   -> event
//	chain/<meeting>/<seq as 8 bytes>            -> the record's audit chain hash
//	                                               (storage.ChainHash; absent for
//	                                               records stored before the chain)
//	snap/<meeting>                              -> seq (8 bytes) + snapshot
//	box/<meeting>/<poll>/spec                   -> the BoxSpec as JSON
//	box/<meeting>/<poll>/state                  -> "open" | "closed"
//	box/<meeting>/<poll>/nvoters                -> number of voters (8 bytes)
//	box/<meeting>/<poll>/voters/<voter>         -> voterRecord as JSON: ballot id, seq
//	                                               and, for a named box only, the choice
//	box/<meeting>/<poll>/counts/<choice>        -> count (8 bytes); a secret box's
//	                                               only from its close on
//	box/<meeting>/<poll>/pub                    -> secret box: the poll's public key
//	box/<meeting>/<poll>/pollkey                -> secret box: its private key sealed
//	                                               with the ballot key; deleted at the close
//	box/<meeting>/<poll>/sealed/<random 16>     -> secret box: the sealed ballots of one
//	                                               commit, shuffled, end to end (all of a
//	                                               box's have one length); deleted at the close
//	box/<meeting>/<poll>/ballots/<i, 8 bytes>   -> secret box, closed: the opened
//	                                               ballots in a shuffled order
//	inv/<code>                                  -> Invitation as JSON
//	sess/<token>                                -> Session as JSON
//	sess-of/<meeting>\x00<participant>\x00<token> -> (index: a participant's sessions)
//	sess-by-acct/<account>\x00<token>            -> (index: the sessions an account opened)
//	acct/<account>                              -> storage.Account as JSON
//	acctsess/<sha256 of token>                  -> storage.AccountSession as JSON
//	acctlink/<account>/<meeting>                -> participant id
//	reg/<kind>/<id>                             -> a registry entry (storage.Registry):
//	                                               people, committees, calendar feeds
//	clog/<consultation>/<seq as 8 bytes>        -> a consultation's event
//	cchain/<consultation>/<seq as 8 bytes>      -> its audit chain hash
//
// Ballots go through a group-commit loop: one goroutine, owned by the
// Store, takes a request, drains whatever else is queued (up to
// Options.MaxBatch), runs one write transaction for all of them (each
// accepted ballot appends its event to the meeting's log in it) and answers
// each. One fsync then serves a whole batch, which is what makes a vote
// storm cheap: commits are serial, and one commit per ballot would make a
// storm wait for hundreds of fsyncs in a row. Refusals are per-ballot answers, never the transaction's error.
// A named box's counts are applied as per-batch totals; a secret box's
// ballots are sealed in the caller's goroutine before they are queued, so
// the loop does no public-key work.
//
// Concurrency: a Store is safe for concurrent use. bbolt allows one write
// transaction at a time and any number of readers; every write here is one
// transaction, so appends, closes and ballot batches are serialised by bbolt
// itself, and a version check inside a transaction is never stale. Only one
// process may open the file (bbolt holds a file lock; Open waits
// Options.LockTimeout for it). Close stops the loop, waits for it and
// closes the file.
package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/fsblob"
	"github.com/dais-meeting/dais/storage/seal"
)

var _ storage.Store = (*Store)(nil)

// ErrClosed is returned by every call on a closed Store.
var ErrClosed = errors.New("storage/bolt: store closed")

// Top-level buckets.
var (
	bucketLog   = []byte("log")
	bucketChain = []byte("chain")
	bucketSnap  = []byte("snap")
	bucketBox   = []byte("box")
	bucketInv   = []byte("inv")
	bucketSess  = []byte("sess")
	// accounts.go
	bucketAcct     = []byte("acct")
	bucketAcctSess = []byte("acctsess")
	bucketAcctLink = []byte("acctlink")
	// office.go
	bucketReg    = []byte("reg")
	bucketCLog   = []byte("clog")
	bucketCChain = []byte("cchain")
	// conclusions.go
	bucketKLog   = []byte("klog")
	bucketKChain = []byte("kchain")
)

// maxIDLen bounds meeting, poll, voter and ballot ids, codes and tokens, so
// that no key can make a bbolt Put fail inside a shared transaction.
const maxIDLen = 1024

// Options configures a Store. The zero value is what a server wants.
type Options struct {
	// MaxBatch caps the ballots committed in one transaction. Zero: 512.
	MaxBatch int
	// LockTimeout is how long Open waits for the file lock held by another
	// process. Zero: 1 s.
	LockTimeout time.Duration
	// NoSync turns off fsync on commit: faster, and a crash may lose or
	// corrupt recent writes. For tests and benchmarks only. Zero: fsync on.
	NoSync bool
	// ReadOnly opens the file for reading only, beside other readers (not
	// beside a running node, which holds it exclusively): for audits and
	// backups of a stopped node. Every write fails.
	ReadOnly bool
	// MaxBlobSize limits a blob, in bytes. Zero: no limit.
	MaxBlobSize int64
	// Now tells the time (sessions expire). Zero: time.Now.
	Now func() time.Time
	// BallotKey opens the poll keys of secret boxes (storage.BoxSpec.Secret):
	// opening and closing a secret box need it, casting does not. It lives
	// outside the store (see package storage/seal). Nil: secret boxes
	// cannot be opened or counted (storage.ErrNoBallotKey).
	BallotKey *seal.Key
	// PollSecrets keeps a secret per open secret poll outside the store,
	// destroyed at the close (see seal.PollSecrets): with it, a copy of the
	// file taken during a poll stays closed even to whoever later obtains
	// the ballot key. Nil: poll keys are sealed under the ballot key alone.
	PollSecrets seal.PollSecrets
	// PurgeEvery is how often expired sessions are deleted from the file
	// (once at Open, then at this interval). Zero: every hour; negative:
	// never (tests).
	PurgeEvery time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxBatch <= 0 {
		o.MaxBatch = 512
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PurgeEvery == 0 {
		o.PurgeEvery = time.Hour
	}
	return o
}

// Store is the embedded backend: a bbolt file and a blob folder.
type Store struct {
	opt   Options
	db    *bbolt.DB
	blobs *fsblob.Store

	boxMu sync.Mutex
	boxes map[[2]string]*boxInfo // guarded by boxMu; see boxInfo

	heads heads // where each log ends, as far as this Store knows

	casts chan *castRequest // unbuffered: a send succeeds only when the loop takes it
	quit  chan struct{}     // closed by Close
	wg    sync.WaitGroup    // the cast loop and the session janitor

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the store in folder dir: the file
// dir/dais.db and the blob folder dir/blobs. It starts the store's ballot
// loop; Close stops it.
func Open(dir string, opt Options) (*Store, error) {
	opt = opt.withDefaults()
	if dir == "" {
		return nil, errors.New("storage/bolt: empty folder name")
	}
	path := filepath.Join(dir, "dais.db")
	if opt.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("storage/bolt: open %s: %w", path, err)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storage/bolt: create folder: %w", err)
	}
	blobs, err := fsblob.New(filepath.Join(dir, "blobs"), fsblob.MaxSize(opt.MaxBlobSize))
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opt.LockTimeout, NoSync: opt.NoSync, ReadOnly: opt.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("storage/bolt: open %s: %w", path, err)
	}
	if !opt.ReadOnly {
		err = createBuckets(db)
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("storage/bolt: create buckets in %s: %w", path, err)
	}

	if opt.PollSecrets != nil && !opt.ReadOnly {
		s0 := &Store{opt: opt, db: db}
		if err := s0.sweepPollSecrets(); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("storage/bolt: %w", err)
		}
	}
	s := &Store{
		opt:   opt,
		db:    db,
		blobs: blobs,
		boxes: map[[2]string]*boxInfo{},
		casts: make(chan *castRequest),
		quit:  make(chan struct{}),
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.castLoop()
	}()
	if opt.PurgeEvery > 0 && !opt.ReadOnly {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.janitor(opt.PurgeEvery)
		}()
	}
	return s, nil
}

// createBuckets creates the top-level buckets a store needs.
func createBuckets(db *bbolt.DB) error {
	return db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketLog, bucketChain, bucketSnap, bucketBox, bucketInv, bucketSess, bucketAcct, bucketAcctSess, bucketAcctLink, bucketReg, bucketCLog, bucketCChain, bucketKLog, bucketKChain} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return indexSessionsByAccount(tx)
	})
}

// janitor deletes expired sessions at Open and then every interval, until
// Close. A session is checked for expiry when it is read anyway; this keeps
// the file from growing with every tablet that ever signed in.
func (s *Store) janitor(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, _ = s.PurgeExpiredSessions(context.Background())
		_, _ = s.PurgeExpiredAccountSessions(context.Background())
		select {
		case <-s.quit:
			return
		case <-t.C:
		}
	}
}

// Path returns the path of the store's bbolt file.
func (s *Store) Path() string { return s.db.Path() }

// Close stops the ballot loop (queued ballots are answered ErrClosed), waits
// for it and closes the file. It may be called more than once; every call
// returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		s.wg.Wait()
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("storage/bolt: close: %w", err)
		}
	})
	return s.closeErr
}

// Ping reports whether the store is open and its file readable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := s.db.View(func(*bbolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("storage/bolt: ping: %w", err)
	}
	return nil
}

// check returns an error when ctx has ended or the store is closed.
func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-s.quit:
		return ErrClosed
	default:
		return nil
	}
}

func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("storage/bolt: empty %s", what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("storage/bolt: %s longer than %d bytes", what, maxIDLen)
	}
	return nil
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func clone(b []byte) []byte {
	return append([]byte{}, b...)
}
