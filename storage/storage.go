// Package storage declares what the Dais server needs from a database, as
// small interfaces with their guarantees, and the errors every backend
// returns. Backends live in sub-packages (storage/bolt, the embedded default;
// storage/redis, shared by many nodes) and all pass the conformance suite in
// storage/storagetest.
//
// Storage knows nothing of meetings beyond ids: events, snapshots and
// ballots are opaque bytes here. Every method is safe for concurrent use.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors every backend returns (wrapped or not; test with errors.Is).
var (
	// ErrConflict: an append found the log at another version than expected.
	ErrConflict = errors.New("storage: version conflict")
	// ErrNotFound: no such meeting, snapshot, blob, box, invitation or session.
	ErrNotFound = errors.New("storage: not found")
	// ErrUnavailable: the backend cannot be reached; nothing was written.
	ErrUnavailable = errors.New("storage: unavailable")
	// ErrExists: a ballot box with that poll id exists with another spec.
	ErrExists = errors.New("storage: already exists")
)

// Record is one event of a meeting's log as stored: its sequence number and
// the bytes the caller appended.
type Record struct {
	Seq  uint64
	Data []byte
}

// Log is the per-meeting append-only event log, the truth of the system.
type Log interface {
	// Append appends events to the meeting's log if, and only if, the log's
	// version (the seq of its last record, 0 when empty) is still expected.
	// The records get seqs expected+1, expected+2, …; Append returns the
	// last. All events are appended or none. On return without error the
	// records are durable. A stale expected version gives ErrConflict and
	// changes nothing. Appending no events is an error.
	Append(ctx context.Context, meeting string, expected uint64, events [][]byte) (last uint64, err error)
	// Read returns the records with seq >= from, in seq order, at most max
	// of them (max <= 0: all). A meeting with no log gives no records and
	// no error.
	Read(ctx context.Context, meeting string, from uint64, max int) ([]Record, error)
	// Version returns the seq of the meeting's last record, 0 when empty.
	Version(ctx context.Context, meeting string) (uint64, error)
	// Meetings lists the ids of meetings whose log is not empty, sorted.
	Meetings(ctx context.Context) ([]string, error)
}

// Snapshots keeps the latest snapshot of each meeting, to keep replays short.
type Snapshots interface {
	// SaveSnapshot stores data as the meeting's state at seq, replacing an
	// older snapshot; a snapshot older than the stored one is ignored.
	SaveSnapshot(ctx context.Context, meeting string, seq uint64, data []byte) error
	// LoadSnapshot returns the latest snapshot, or ErrNotFound.
	LoadSnapshot(ctx context.Context, meeting string) (seq uint64, data []byte, err error)
}

// BoxSpec describes the ballot box of one poll.
type BoxSpec struct {
	Poll string
	// Secret boxes keep who voted apart from the counts: the voter set
	// holds voter -> ballot id, the counts hold choice -> number, and
	// nothing stored links a voter to a choice.
	Secret  bool
	Choices []string
}

// Ballot is one vote handed to a box.
type Ballot struct {
	Poll  string
	Voter string
	// BallotID is chosen by the client; casting the same ballot id again
	// is answered Repeat with the seq of the first cast.
	BallotID string
	Choice   string
}

// Outcome is what a box answered to a ballot. Refusals are outcomes, not
// errors: an error means the outcome is unknown and the same ballot may be
// cast again.
type Outcome int

// The outcomes.
const (
	// Accepted: the ballot counts, and its event was appended.
	Accepted Outcome = iota + 1
	// Repeat: this ballot id was accepted before; nothing changed.
	Repeat
	// AlreadyVoted: the voter voted before with another ballot id.
	AlreadyVoted
	// BoxClosed: the box is closed (or was never opened).
	BoxClosed
	// BadChoice: the choice is not one of the box's.
	BadChoice
)

func (o Outcome) String() string {
	switch o {
	case Accepted:
		return "accepted"
	case Repeat:
		return "repeat"
	case AlreadyVoted:
		return "already_voted"
	case BoxClosed:
		return "box_closed"
	case BadChoice:
		return "bad_choice"
	}
	return "unknown"
}

// CastResult is the answer to a ballot: the outcome and, for Accepted and
// Repeat, the seq of the ballot's event in the meeting's log.
type CastResult struct {
	Outcome Outcome
	Seq     uint64
}

// Tally is the content of a box: the count per choice, the number of voters,
// and whether the box is closed.
type Tally struct {
	Counts map[string]int
	Voters int
	Closed bool
}

// Ballots are the ballot boxes: the one hot spot of the system, where
// hundreds of delegates vote in the same second. Each cast is one atomic
// operation; no read-modify-write of the meeting.
type Ballots interface {
	// OpenBox opens the box of a poll. Opening an open box with the same
	// spec does nothing; with another spec gives ErrExists; a closed box
	// stays closed (ErrExists).
	OpenBox(ctx context.Context, meeting string, spec BoxSpec) error
	// Cast records a ballot in one atomic step: if the box is open, the
	// choice is one of its choices and the voter has not voted, it records
	// the ballot and appends event to the meeting's log at its next seq,
	// both or neither. Refusals are outcomes; an error (ErrUnavailable, a
	// context error) means the outcome is unknown.
	Cast(ctx context.Context, meeting string, b Ballot, event []byte) (CastResult, error)
	// CloseBox closes the box; after it returns no ballot is accepted. It
	// returns the final tally. Closing a closed box returns the same tally.
	// A box that was never opened gives ErrNotFound.
	CloseBox(ctx context.Context, meeting, poll string) (Tally, error)
	// Tally returns the box's current tally, or ErrNotFound.
	Tally(ctx context.Context, meeting, poll string) (Tally, error)
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	// SHA256 is the lowercase hex sha256 of the content: the blob's name.
	SHA256 string
	Size   int64
}

// Blobs is content-addressed storage for PDF files.
type Blobs interface {
	// PutBlob stores the content of r and returns its sha256 and size.
	// Storing content that is already there stores nothing new. A reader
	// error leaves nothing behind.
	PutBlob(ctx context.Context, r io.Reader) (BlobInfo, error)
	// OpenBlob opens a blob for reading (and seeking: ranges are served
	// from it), or gives ErrNotFound. The caller closes it.
	OpenBlob(ctx context.Context, sha256 string) (io.ReadSeekCloser, BlobInfo, error)
}

// Invitation admits one participant to one meeting.
type Invitation struct {
	Meeting     string
	Participant string
}

// Session is what a signed-in client holds a token for.
type Session struct {
	Meeting     string
	Participant string
	Expires     time.Time
}

// Sessions keeps invitation codes and session tokens, so that any node can
// serve any tablet.
type Sessions interface {
	// PutInvitation stores (or replaces) an invitation under code.
	PutInvitation(ctx context.Context, code string, inv Invitation) error
	// RedeemInvitation returns the invitation and deletes it, atomically:
	// of two concurrent redemptions of one code exactly one succeeds, the
	// other gets ErrNotFound.
	RedeemInvitation(ctx context.Context, code string) (Invitation, error)
	// PutSession stores a session under token.
	PutSession(ctx context.Context, token string, s Session) error
	// GetSession returns the session, or ErrNotFound (also once expired).
	GetSession(ctx context.Context, token string) (Session, error)
}

// Store is everything a node needs, from one backend.
type Store interface {
	Log
	Snapshots
	Ballots
	Blobs
	Sessions
	// Ping reports whether the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the backend; it may be called more than once.
	Close() error
}
