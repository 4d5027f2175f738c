// Package access decides who is signed in to which meeting: invitation
// codes, sessions and their tokens, signed links, revocation, and the making
// of meetings (whose first secretary gets a session in the new meeting).
// The HTTP and WebSocket edges depend on it for authentication, not on the
// command service.
//
// Secrets are never stored: a code is kept as the SHA-256 of its canonical
// form, a token as the SHA-256 of the token (storeKey); a session's public id
// is the first 16 hex digits of that hash. Which codes and sessions are
// still valid is decided by the store (unknown, expired, replaced) and by
// the meeting's log (meeting.State.SignInValid: a removal or a revocation
// voids every session and code made before it, on every node).
//
// Session is the one type the edges and the use cases (documents, the
// command loop) pass around for "who is asking". A session's role is read
// from the meeting's log when it is authenticated, so a participant whose
// role changed, or who was removed, is seen as they are now.
//
// Concurrency: a Service is safe for concurrent use; it keeps no state of its
// own beyond what the store and the log hold, so any node can authenticate
// any tablet.
package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Session is a signed-in participant of one meeting.
type Session struct {
	// Token is the bearer secret; empty for a session authenticated by a
	// signed link.
	Token string `json:"token,omitempty"`
	// ID names the session without revealing its token (for sign-out
	// lists and revocation).
	ID          string       `json:"id"`
	Meeting     string       `json:"meeting"`
	Participant string       `json:"participant"`
	Role        meeting.Role `json:"role"`
	// Expires is when the session ends unless it is used before.
	Expires time.Time `json:"expires,omitzero"`
	// Account is the office account that opened the session (OpenFor);
	// empty for a session of an invitation code or a signed link. Whoever
	// holds a participant's code becomes that participant; only a session
	// an account opened says which person it is (docs/security.md,
	// "Office identity of a meeting session").
	Account string `json:"-"`
}

// ErrRevoked is the cause of the Unauthorized error of a session that was
// revoked, or whose participant was removed: the tablet is to wipe what it
// kept offline, not only sign in again.
var ErrRevoked = errors.New("access: session revoked")

// Meetings is what access needs from the command service
// (*service.Service is one).
type Meetings interface {
	// Read calls f with the meeting's state caught up with the log; f
	// only reads it and does not keep it.
	Read(ctx context.Context, meetingID string, f func(*meeting.State)) error
	// Execute runs a command on a meeting as actor.
	Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
}

// Options tunes a Service. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long a session lives after its last use; 0 means
	// 24 hours (a tablet left overnight between two meeting days stays
	// signed in). Use refreshes it at most every SessionTTL/12.
	SessionTTL time.Duration
	// SessionMaxAge is how long a session lives however often it is
	// used; 0 means 7 days.
	SessionMaxAge time.Duration
	// CodeTTL is how long an invitation code works; 0 means 7 days.
	CodeTTL time.Duration
	// LinkTTL is how long a signed link works; 0 means 5 minutes.
	LinkTTL time.Duration
	// LinkKey signs links (HMAC-SHA256). Every node of a cluster needs the
	// same key; nil means a random key made by New (one node only).
	LinkKey []byte
	// Logger receives sign-in notes; nil means slog.Default().
	Logger *slog.Logger
}

// Service signs participants in and out of meetings.
type Service struct {
	store    storage.Sessions
	meetings Meetings
	opt      Options
	log      *slog.Logger
}

// New returns a Service keeping codes and sessions in store and reading
// participants through meetings.
func New(store storage.Sessions, meetings Meetings, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 24 * time.Hour
	}
	if opt.SessionMaxAge <= 0 {
		opt.SessionMaxAge = 7 * 24 * time.Hour
	}
	if opt.CodeTTL <= 0 {
		opt.CodeTTL = 7 * 24 * time.Hour
	}
	if opt.LinkTTL <= 0 {
		opt.LinkTTL = 5 * time.Minute
	}
	if len(opt.LinkKey) == 0 {
		opt.LinkKey = make([]byte, 32)
		_, _ = rand.Read(opt.LinkKey)
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{store: store, meetings: meetings, opt: opt, log: opt.Logger}
}

// errSignIn is the answer to every token that does not open a session: it
// does not tell an unknown token from an expired one.
func errSignIn() *meeting.Error {
	return meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; xin đăng nhập lại", "the session is invalid or expired; sign in again")
}

func errRevoked() error {
	return meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập đã bị thu hồi; xin nhận mã mời mới", "the session was revoked; ask for a new invitation code").WithCause(ErrRevoked)
}

// maxTokenLen bounds what is hashed and looked up as a token.
const maxTokenLen = 256

// storeKey is what a secret (a token, a code's canonical form) is stored
// under: its SHA-256, in hex, after a label that keeps the two apart.
func storeKey(label, secret string) string {
	sum := sha256.Sum256([]byte("dais/" + label + "/v1\x00" + secret))
	return hex.EncodeToString(sum[:])
}

// sessionID is the public name of the session stored under key.
func sessionID(key string) string { return key[:16] }

// Authenticate returns the session of a token, with the participant's
// current role, and refreshes its expiry when it is due. A token that is
// unknown or expired is Unauthorized; one that was revoked (or whose
// participant was removed) is Unauthorized with cause ErrRevoked.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > maxTokenLen {
		return Session{}, errSignIn()
	}
	key := storeKey("token", token)
	sess, err := s.session(ctx, key)
	if err != nil {
		return Session{}, err
	}
	sess.Token = token
	return sess, nil
}

// session returns the session stored under key, checked against the log,
// refreshing it when due.
func (s *Service) session(ctx context.Context, key string) (Session, error) {
	st, err := s.store.GetSession(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, errSignIn()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	id := sessionID(key)
	var (
		p     meeting.Participant
		found bool
		valid bool
	)
	err = s.meetings.Read(ctx, st.Meeting, func(ms *meeting.State) {
		if pp := ms.Participant(st.Participant); pp != nil {
			p, found = *pp, true
			valid = ms.SignInValid(st.Participant, id, st.Seq)
		}
	})
	if err != nil {
		return Session{}, err
	}
	if !found || !valid {
		return Session{}, errRevoked()
	}
	now := s.opt.Now()
	if st.Expires.Sub(now) < s.opt.SessionTTL-s.opt.SessionTTL/12 {
		exp := now.Add(s.opt.SessionTTL)
		if limit := st.Created.Add(s.opt.SessionMaxAge); !st.Created.IsZero() && exp.After(limit) {
			exp = limit
		}
		if exp.After(st.Expires) {
			st.Expires = exp
			if err := s.store.PutSession(ctx, key, st); err != nil {
				// The session stays valid until its old expiry.
				s.log.Warn("refreshing a session failed", "meeting", st.Meeting, "participant", st.Participant, "err", err)
			}
		}
	}
	return Session{ID: id, Meeting: st.Meeting, Participant: st.Participant, Role: p.Role, Expires: st.Expires, Account: st.Account}, nil
}

// openSession stores a new session for a participant whose sign-in the log
// version seq allowed, and returns it with its token.
func (s *Service) openSession(ctx context.Context, meetingID, participant string, seq uint64) (Session, error) {
	return s.openSessionOf(ctx, meetingID, participant, "", seq)
}

// openSessionOf is openSession recording the account that opened it.
func (s *Service) openSessionOf(ctx context.Context, meetingID, participant, account string, seq uint64) (Session, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Session{}, internal(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.opt.Now()
	rec := storage.Session{Meeting: meetingID, Participant: participant, Seq: seq, Created: now, Expires: now.Add(s.opt.SessionTTL), Account: account}
	if err := s.store.PutSession(ctx, storeKey("token", token), rec); err != nil {
		return Session{}, unavailable(err)
	}
	return s.Authenticate(ctx, token)
}

// SignOut ends the session of token (the tablet's own sign-out). Signing
// out of a session that has already ended is not an error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" || len(token) > maxTokenLen {
		return errSignIn()
	}
	if err := s.store.DeleteSession(ctx, storeKey("token", token)); err != nil {
		return unavailable(err)
	}
	return nil
}

// member reads what access needs of a participant: whether they exist,
// their record, and the log's version.
func (s *Service) member(ctx context.Context, meetingID, participant string) (p meeting.Participant, found bool, version uint64, err error) {
	err = s.meetings.Read(ctx, meetingID, func(ms *meeting.State) {
		version = ms.Version
		if pp := ms.Participant(participant); pp != nil {
			p, found = *pp, true
		}
	})
	return p, found, version, err
}

func requireSecretary(sess Session) error {
	if sess.Role != meeting.RoleSecretary {
		return meeting.Errorf(meeting.Forbidden, "Chỉ thư ký mới làm được việc này", "only a secretary may do this")
	}
	return nil
}

func unavailable(err error) error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return meeting.Errorf(meeting.Unavailable, "Hết thời gian chờ; xin thử lại", "timed out; try again").WithCause(err)
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; xin thử lại", "storage unavailable; try again").WithCause(err)
}

func internal(err error) error {
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err)
}
