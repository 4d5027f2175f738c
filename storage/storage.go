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
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
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
	// ErrNoBallotKey: opening or counting a secret box needs the ballot
	// key, and the backend was given none.
	ErrNoBallotKey = errors.New("storage: no ballot key (secret polls need one)")
)

// Record is one event of a meeting's log as stored: its sequence number,
// the bytes the caller appended, and its place in the audit chain.
type Record struct {
	Seq  uint64
	Data []byte
	// Hash is the record's link of the audit chain, ChainHash(Prev, Seq,
	// Data), computed by the backend inside the atomic append that stored
	// the record (an Append, or the Cast of a ballot). Nil for a record
	// stored before the chain existed.
	Hash []byte
	// Prev is the chain hash of the record before (ZeroHash for the first
	// chained record, or when the record before was stored unchained). Nil
	// when Hash is.
	Prev []byte
}

// HashSize is the size of a chain hash.
const HashSize = sha256.Size

// ZeroHash is the Prev of the first record of a chain.
var ZeroHash = make([]byte, HashSize)

// ChainHash is the audit chain's link of the record seq holding data, after
// the record whose link is prev:
//
//	SHA-256(prev ‖ seq as 8 bytes big-endian ‖ SHA-256(data))
//
// Each link commits to every record before it, so changing, removing or
// inserting one record changes the link of every record after it, up to the
// last, which the minutes print.
func ChainHash(prev []byte, seq uint64, data []byte) []byte {
	d := sha256.Sum256(data)
	return ChainLink(prev, seq, d[:])
}

// ChainLink is ChainHash given SHA-256(data) instead of data.
func ChainLink(prev []byte, seq uint64, digest []byte) []byte {
	var buf [HashSize + 8 + HashSize]byte
	copy(buf[:], prev)
	binary.BigEndian.PutUint64(buf[HashSize:], seq)
	copy(buf[HashSize+8:], digest)
	h := sha256.Sum256(buf[:])
	return h[:]
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
	// Secret boxes keep who voted apart from what they chose, sealed until
	// the close. Whoever holds a copy of the stored data taken at any moment
	// (a data file, Redis's keys, its AOF, a replica, a backup), the
	// server's log lines and the bus traffic cannot link a voter to a
	// choice:
	//   - the voter set holds voter -> ballot id and seq, never a choice;
	//   - each ballot (choice and content) is sealed to the poll's public
	//     key (package storage/seal), randomized and padded to one length
	//     for the box, into an unordered set apart from the voters;
	//   - the poll's private key is stored sealed with the ballot key, which
	//     lives outside the store and is given to the backend's constructor;
	//   - while the box is open only the number of voters is known: no
	//     per-choice count is stored or returned;
	//   - CloseBox opens the ballots, writes the counts and the ballots as
	//     one shuffled batch, and deletes the sealed private key and the
	//     sealed ballots: the stored box then holds no link either, even for
	//     someone who also holds the ballot key.
	// Opening a secret box needs the ballot key; casting into one does not.
	Secret  bool
	Choices []string
	// MaxContent bounds Ballot.Content in bytes; 0: ballots carry no
	// content. Every sealed ballot of a secret box is as long as the
	// longest choice with MaxContent bytes of content.
	MaxContent int
}

// MaxBallotContent is the largest BoxSpec.MaxContent a backend accepts.
const MaxBallotContent = 64 << 10

// Ballot is one vote handed to a box.
type Ballot struct {
	Poll  string
	Voter string
	// BallotID is chosen by the client; casting the same ballot id again
	// is answered Repeat with the seq of the first cast.
	BallotID string
	// Choice is what the box counts: one of the box's choices.
	Choice string
	// Content is the ballot as the domain keeps it for a recount (e.g. an
	// election's whole ballot), opaque here, at most the box's MaxContent
	// bytes. A secret box seals it with the choice and returns it with the
	// close (Tally.Ballots); a named box does not keep it (the domain's
	// event names the voter's choice anyway).
	Content []byte
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
	// Counts maps each choice to its ballots. It is nil while a secret box
	// is open: nobody, the server included, knows a secret poll's counts
	// before the close.
	Counts map[string]int
	Voters int
	Closed bool
	// Ballots are a closed secret box's ballots, in a random order that
	// says nothing of who cast them or when (for a recount); nil for a
	// named box or an open one.
	Ballots []OpenedBallot
}

// OpenedBallot is one secret ballot as the close reveals it: what was
// chosen, never who chose it.
type OpenedBallot struct {
	Choice  string
	Content []byte
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
	// returns the final tally; for a secret box it opens the sealed
	// ballots with the ballot key (see BoxSpec.Secret). Closing a closed box
	// returns the same tally. A box that was never opened gives
	// ErrNotFound. When a secret box cannot be counted (no ballot key,
	// altered data) CloseBox returns the error and the box may already be
	// closed to ballots; CloseBox again finishes the count once the cause
	// is fixed.
	CloseBox(ctx context.Context, meeting, poll string) (Tally, error)
	// Tally returns the box's current tally, or ErrNotFound. It never
	// counts: an open secret box's tally has no Counts.
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

// Invitation admits one participant to one meeting, once.
type Invitation struct {
	Meeting     string
	Participant string
	// Seq is the meeting's log version when the code was made (the log
	// can void codes made before a removal or a revocation).
	Seq uint64 `json:",omitempty"`
	// Expires is when the code stops working; zero means never.
	Expires time.Time `json:",omitzero"`
}

// Session is what a signed-in client holds a token for.
type Session struct {
	Meeting     string
	Participant string
	// Seq is the meeting's log version when the session was opened.
	Seq uint64 `json:",omitempty"`
	// Created is when it was opened; Expires when it ends unless refreshed.
	Created time.Time `json:",omitzero"`
	Expires time.Time
	// Account is the office account that opened the session (an account's
	// "open" of a meeting it is linked to); empty for an invitation code.
	Account string `json:",omitempty"`
}

// Sessions keeps invitation codes and session tokens, so that any node can
// serve any tablet. Keys are what the caller chose (access stores hashes of
// codes and tokens, never the secrets themselves).
type Sessions interface {
	// PutInvitation stores an invitation under key and makes it its
	// participant's only code: every code stored before for the same
	// meeting and participant stops working.
	PutInvitation(ctx context.Context, key string, inv Invitation) error
	// RedeemInvitation returns the invitation and deletes it, atomically:
	// of two concurrent redemptions of one code exactly one succeeds, the
	// other gets ErrNotFound. ErrNotFound too when the key is unknown,
	// expired or no longer its participant's code. An unknown key costs a
	// read, never a write (nor a write lock).
	RedeemInvitation(ctx context.Context, key string) (Invitation, error)
	// RevokeInvitations voids the participant's code, if any.
	RevokeInvitations(ctx context.Context, meeting, participant string) error
	// PutSession stores (or replaces) a session under key.
	PutSession(ctx context.Context, key string, s Session) error
	// GetSession returns the session, or ErrNotFound (also once expired).
	GetSession(ctx context.Context, key string) (Session, error)
	// SessionsOf returns the unexpired sessions of a participant by key.
	SessionsOf(ctx context.Context, meeting, participant string) (map[string]Session, error)
	// SessionsOfAccount returns the unexpired sessions an office account
	// opened (Session.Account), in any meeting, by key: what disabling the
	// account ends.
	SessionsOfAccount(ctx context.Context, account string) (map[string]Session, error)
	// DeleteSession deletes a session; deleting one that is not there is
	// not an error.
	DeleteSession(ctx context.Context, key string) error
}

// Store is everything a node needs, from one backend.
type Store interface {
	Log
	Snapshots
	Ballots
	Blobs
	Sessions
	Accounts
	Registry
	ConsultationLogs
	ConclusionLogs
	// Ping reports whether the backend is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the backend; it may be called more than once.
	Close() error
}

// ArchivedBox is a ballot box as a meeting's archive keeps it, to be
// stored again closed (Importer).
type ArchivedBox struct {
	Spec BoxSpec
	// Tally is the box's last tally: Counts (nil for a secret box the
	// archive holds uncounted), a secret box's opened Ballots.
	Tally Tally
	// Voters maps each voter to the seq of their ballot's event (from the
	// log, which names voters but never a secret choice).
	Voters map[string]uint64
}

// Importer brings a meeting's archived record into a store (dais archive
// import). The store is a stopped node's, or a cluster's no node writes to
// for that meeting.
type Importer interface {
	// ImportMeeting stores the meeting's log exactly as given (seqs 1…n
	// without a gap, each record's data and chain link as stored where it
	// was archived: a record with a Hash keeps it, one without stays
	// unchained) and its ballot boxes, closed, all or nothing. A store
	// that holds a log or a box of that meeting gives ErrExists and
	// changes nothing; a record whose link does not follow from the ones
	// before is refused.
	ImportMeeting(ctx context.Context, meeting string, log []Record, boxes []ArchivedBox) error
}

// CheckImport checks a log and boxes given to ImportMeeting: seqs from 1
// without a gap, every chain link computed from the one before, every box
// with a poll id, its choices, and as many voters as its tally says.
func CheckImport(meeting string, log []Record, boxes []ArchivedBox) error {
	if len(log) == 0 {
		return fmt.Errorf("storage: importing meeting %q: no events", meeting)
	}
	prev, chained := ZeroHash, false
	for i, r := range log {
		if r.Seq != uint64(i+1) {
			return fmt.Errorf("storage: importing meeting %q: record %d has seq %d", meeting, i+1, r.Seq)
		}
		if r.Hash == nil {
			if chained {
				return fmt.Errorf("storage: importing meeting %q: record %d has no chain link, the ones before have", meeting, r.Seq)
			}
			continue
		}
		chained = true
		if !bytes.Equal(r.Prev, prev) || !bytes.Equal(r.Hash, ChainHash(prev, r.Seq, r.Data)) {
			return fmt.Errorf("storage: importing meeting %q: record %d does not follow its chain", meeting, r.Seq)
		}
		prev = r.Hash
	}
	seen := map[string]bool{}
	for _, b := range boxes {
		if b.Spec.Poll == "" || len(b.Spec.Choices) == 0 || seen[b.Spec.Poll] {
			return fmt.Errorf("storage: importing meeting %q: box %q without choices or given twice", meeting, b.Spec.Poll)
		}
		seen[b.Spec.Poll] = true
		if len(b.Voters) != b.Tally.Voters {
			return fmt.Errorf("storage: importing meeting %q: box %s has %d voters, its tally %d", meeting, b.Spec.Poll, len(b.Voters), b.Tally.Voters)
		}
	}
	return nil
}
