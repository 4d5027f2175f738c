// Package redis is the storage backend shared by the nodes of a Dais
// cluster: the meeting logs, ballot boxes, snapshots, sessions and (unless
// another storage.Blobs is given) the PDF blobs, all in one Redis, every key
// under one prefix. The key layout and the durability it gives are described
// in docs/storage-redis.md.
//
// Every operation that must be atomic (an append with its version check, a
// ballot with its log event, opening and closing a box, a snapshot that must
// not replace a newer one, the redemption of an invitation, the commit of a
// blob) is one Lua script, embedded from scripts/*.lua and run with EVALSHA.
// All keys one script touches share a Redis Cluster hash tag.
//
// Concurrency: a Store is safe for concurrent use; its state is the
// go-redis client (a connection pool) and read-only options. It starts no
// goroutines. A blob reader returned by OpenBlob is for one goroutine.
package redis

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/seal"
)

var _ storage.Store = (*Store)(nil)

// Options configures a Store. The zero value is usable.
type Options struct {
	// Prefix starts every key the store reads or writes. Zero: "dais:".
	// It may not contain '{' or '}' (they would change the Redis Cluster
	// hash slots of the keys).
	Prefix string
	// ChunkSize is the size of the pieces a blob is stored in, in bytes.
	// Zero: 1 MiB. Each blob remembers its own chunk size, so changing it
	// affects new blobs only.
	ChunkSize int
	// UploadTTL is how long the chunks of an upload in progress live before
	// Redis drops them if the upload never completes (the uploading node
	// died). Zero: 1 hour.
	UploadTTL time.Duration
	// Blobs, when not nil, stores the blobs instead of Redis (e.g. a
	// shared file system or an object store); PutBlob and OpenBlob go to it.
	Blobs storage.Blobs
	// BallotKey opens the poll keys of secret boxes (storage.BoxSpec.Secret):
	// opening and counting a secret box need it, casting does not. Every
	// node of a cluster holds the same key, from outside Redis (see package
	// storage/seal). Nil: secret boxes cannot be opened or counted
	// (storage.ErrNoBallotKey).
	BallotKey *seal.Key
	// WaitReplicas, when positive, makes every write that is
	// acknowledged to a user — an append (a command), a ballot, a box's
	// count — wait until that many replicas have it (Redis WAIT, on the
	// write's own connection, at most WaitTimeout): a write that reaches
	// fewer is answered as unavailable, its outcome unknown, and the user
	// sends it again (appends and ballots are idempotent by their ids).
	// With Sentinel this is what keeps an acknowledged ballot through a
	// failover: an asynchronous replica may be promoted without the last
	// writes the old primary acknowledged (docs/storage-redis.md).
	WaitReplicas int
	// WaitTimeout bounds the wait for the replicas; zero: 1 s.
	WaitTimeout time.Duration
}

const (
	defaultPrefix    = "dais:"
	defaultChunkSize = 1 << 20
	defaultUploadTTL = time.Hour
	// redeemMarkerTTL is how long a redeemed invitation stays answerable to
	// the call that redeemed it (see scripts/redeem.lua).
	redeemMarkerTTL = time.Minute
)

// withDefaults returns opt with the zero values replaced by the defaults.
func (opt Options) withDefaults() Options {
	if opt.Prefix == "" {
		opt.Prefix = defaultPrefix
	}
	if opt.ChunkSize == 0 {
		opt.ChunkSize = defaultChunkSize
	}
	if opt.UploadTTL == 0 {
		opt.UploadTTL = defaultUploadTTL
	}
	if opt.WaitTimeout == 0 {
		opt.WaitTimeout = time.Second
	}
	return opt
}

func (opt Options) validate() error {
	if strings.ContainsAny(opt.Prefix, "{}") {
		return fmt.Errorf("storage/redis: prefix %q contains '{' or '}'", opt.Prefix)
	}
	if opt.ChunkSize < 0 {
		return fmt.Errorf("storage/redis: negative chunk size %d", opt.ChunkSize)
	}
	if opt.UploadTTL < 0 {
		return fmt.Errorf("storage/redis: negative upload TTL %v", opt.UploadTTL)
	}
	if opt.WaitReplicas < 0 || opt.WaitTimeout < 0 {
		return fmt.Errorf("storage/redis: negative replica wait (%d, %v)", opt.WaitReplicas, opt.WaitTimeout)
	}
	return nil
}

// The scripts. Each file's header says what it does, its keys and arguments.
var (
	//go:embed scripts/chain.lua
	chainSrc string

	//go:embed scripts/append.lua
	appendSrc    string
	appendScript = goredis.NewScript(chainSrc + appendSrc)

	//go:embed scripts/cast.lua
	castSrc    string
	castScript = goredis.NewScript(chainSrc + castSrc)

	//go:embed scripts/open_box.lua
	openBoxSrc    string
	openBoxScript = goredis.NewScript(openBoxSrc)

	//go:embed scripts/tally.lua
	tallySrc    string
	tallyScript = goredis.NewScript(tallySrc)

	//go:embed scripts/count.lua
	countSrc    string
	countScript = goredis.NewScript(countSrc)

	//go:embed scripts/snapshot.lua
	snapshotSrc    string
	snapshotScript = goredis.NewScript(snapshotSrc)

	//go:embed scripts/redeem.lua
	redeemSrc    string
	redeemScript = goredis.NewScript(redeemSrc)

	//go:embed scripts/finalize_blob.lua
	finalizeBlobSrc    string
	finalizeBlobScript = goredis.NewScript(finalizeBlobSrc)
)

// Store is the Redis backend of storage.Store.
type Store struct {
	rdb goredis.UniversalClient
	opt Options
	k   keys

	cache boxCache

	closeOnce sync.Once
	closeErr  error
}

// New returns a Store that keeps its data in the Redis that client reaches.
// The Store takes the client over: Close closes it. New does not contact
// Redis; call Ping to know whether it is reachable.
//
// go-redis resends a command whose reply was lost (MaxRetries): the store is
// written so that a resent append, ballot or redemption answers what the
// first one did, so any retry setting is safe.
func New(client goredis.UniversalClient, opt Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("storage/redis: nil client")
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	return &Store{rdb: client, opt: opt, k: keys{prefix: opt.Prefix}}, nil
}

// Failover names a Redis deployment watched by Sentinel: the master's name
// in the sentinels' configuration and the sentinels' addresses.
type Failover struct {
	Master    string
	Sentinels []string
	// Password and DB are the data nodes'; SentinelPassword the
	// sentinels' own, if they have one.
	Password, SentinelPassword string
	DB                         int
}

// OpenFailover opens the store on the primary that the sentinels name, and
// follows them when they promote another (go-redis's failover client).
// While a failover runs, writes fail as unavailable (refused, never half
// done); pair it with Options.WaitReplicas so that no acknowledged write is
// lost with the old primary.
func OpenFailover(ctx context.Context, f Failover, opt Options) (*Store, error) {
	if f.Master == "" || len(f.Sentinels) == 0 {
		return nil, errors.New("storage/redis: a failover deployment needs the master's name and at least one sentinel")
	}
	s, err := New(goredis.NewFailoverClient(&goredis.FailoverOptions{
		MasterName: f.Master, SentinelAddrs: f.Sentinels, Password: f.Password, SentinelPassword: f.SentinelPassword,
		DB: f.DB, MinIdleConns: 10,
	}), opt)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Open parses a Redis URL (redis://[user:password@]host:port/db?options, or
// rediss:// for TLS; options as in go-redis ParseURL, e.g.
// pool_size=100&min_idle_conns=20), dials and pings. A warm pool matters in
// a vote storm (dialling during it costs more than the ballots): unless the
// URL says otherwise, 10 idle connections are kept open.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	o, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("storage/redis: parse url: %w", err)
	}
	if o.MinIdleConns == 0 {
		o.MinIdleConns = 10
	}
	s, err := New(goredis.NewClient(o), opt)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("storage/redis: open %s: %w", o.Addr, err)
	}
	return s, nil
}

// Ping reports whether Redis answers; an error wraps storage.ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	return s.fail("ping", s.rdb.Ping(ctx).Err())
}

// Close closes the Redis client. It may be called more than once; calls on a
// closed Store fail with storage.ErrUnavailable.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if err := s.rdb.Close(); err != nil {
			s.closeErr = fmt.Errorf("storage/redis: close: %w", err)
		}
	})
	return s.closeErr
}

// fail turns a go-redis error into a storage error: a connection failure, a
// timeout, a closed client or a Redis that is loading, read-only or out of
// memory wraps storage.ErrUnavailable (and the context error, if any).
// Other error replies are bugs or misconfiguration and are wrapped as they
// are.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if unavailable(err) {
		return fmt.Errorf("storage/redis: %s: %w: %w", op, storage.ErrUnavailable, err)
	}
	return fmt.Errorf("storage/redis: %s: %w", op, err)
}

// unavailableReplies are the error replies of a Redis that is there but
// cannot serve now.
var unavailableReplies = []string{
	"LOADING", "BUSY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "READONLY",
	"NOREPLICAS", "MISCONF", "OOM",
}

func unavailable(err error) bool {
	var rerr goredis.Error
	if !errors.As(err, &rerr) {
		// Not a reply from Redis: the network, a timeout, the pool, a
		// closed client or a context.
		return true
	}
	for _, p := range unavailableReplies {
		if goredis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}

// isNil reports whether err is go-redis's "no such key" answer.
func isNil(err error) bool { return errors.Is(err, goredis.Nil) }

// token returns a random token that tells one call apart from any other.
func token() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// keys builds the store's key names. Ids are escaped so that no two
// (kind, meeting, poll) triples give the same key, and the meeting id is the
// hash tag of every key of that meeting, so one script may touch them all
// in Redis Cluster too.
type keys struct{ prefix string }

var escaper = strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D", ":", "%3A")

func esc(id string) string { return escaper.Replace(id) }

// meetings is the set of meeting ids that may have a log.
func (k keys) meetings() string { return k.prefix + "meetings" }

func (k keys) meeting(kind, meeting string) string {
	return k.prefix + kind + ":{" + esc(meeting) + "}"
}

func (k keys) log(meeting string) string       { return k.meeting("log", meeting) }
func (k keys) logTokens(meeting string) string { return k.meeting("logtok", meeting) }
func (k keys) chain(meeting string) string     { return k.meeting("chain", meeting) }
func (k keys) snapshot(meeting string) string  { return k.meeting("snap", meeting) }
func (k keys) box(meeting, poll string) string { return k.meeting("box", meeting) + ":" + esc(poll) }
func (k keys) voters(meeting, poll string) string {
	return k.meeting("voters", meeting) + ":" + esc(poll)
}
func (k keys) counts(meeting, poll string) string {
	return k.meeting("counts", meeting) + ":" + esc(poll)
}
func (k keys) sealed(meeting, poll string) string {
	return k.meeting("sealed", meeting) + ":" + esc(poll)
}
func (k keys) ballots(meeting, poll string) string {
	return k.meeting("ballots", meeting) + ":" + esc(poll)
}

func (k keys) invitation(code string) string { return k.prefix + "inv:{" + esc(code) + "}" }
func (k keys) redeemed(code string) string   { return k.prefix + "invdone:{" + esc(code) + "}" }
func (k keys) session(token string) string   { return k.prefix + "sess:" + token }

// All blob keys share the hash tag {b}, so that an upload's temporary chunks
// can be renamed into place by one script in Redis Cluster too.
func (k keys) blob(sha string) string { return k.prefix + "blob:{b}:" + sha }
func (k keys) blobChunk(sha string, i int) string {
	return fmt.Sprintf("%sblob:{b}:%s:%d", k.prefix, sha, i)
}
func (k keys) uploadChunk(upload string, i int) string {
	return fmt.Sprintf("%sblob:{b}:tmp:%s:%d", k.prefix, upload, i)
}
