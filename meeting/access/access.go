// Package access decides who is signed in to which meeting: invitation
// codes, sessions and their tokens, and the making of meetings (whose first
// secretary gets a session in the new meeting). The HTTP and WebSocket edges
// depend on it for authentication, not on the command service.
//
// Session is the one type the edges and the use cases (documents, the
// command loop) pass around for "who is asking". A session's role is read
// from the meeting's log when it is authenticated, so a participant whose
// role changed, or who was removed, is seen as they are now.
//
// Concurrency: a Service is safe for concurrent use; it keeps no state of its
// own beyond what the store holds, so any node can authenticate any tablet.
package access

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Session is a signed-in participant of one meeting.
type Session struct {
	Token       string       `json:"token"`
	Meeting     string       `json:"meeting"`
	Participant string       `json:"participant"`
	Role        meeting.Role `json:"role"`
}

// Meetings is what access needs from the command service
// (*service.Service is one).
type Meetings interface {
	// Participant returns a participant as the meeting's log has them now;
	// ok is false when there is no such participant.
	Participant(ctx context.Context, meetingID, id string) (p meeting.Participant, ok bool, err error)
	// State returns a copy of the meeting's state, caught up with the log.
	State(ctx context.Context, meetingID string) (*meeting.State, error)
	// Execute runs a command on a meeting as actor.
	Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error)
}

// Options tunes a Service. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long a session token lives; 0 means 7 days.
	SessionTTL time.Duration
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
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 7 * 24 * time.Hour
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{store: store, meetings: meetings, opt: opt, log: opt.Logger}
}

// errSignIn is the answer to every token that does not open a session: it
// does not tell an unknown token from an expired one or a removed
// participant.
func errSignIn() error {
	return meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; xin đăng nhập lại", "the session is invalid or expired; sign in again")
}

// Authenticate returns the session of a token, with the participant's
// current role.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, errSignIn()
	}
	sess, err := s.store.GetSession(ctx, token)
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, errSignIn()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	p, ok, err := s.meetings.Participant(ctx, sess.Meeting, sess.Participant)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, errSignIn()
	}
	return Session{Token: token, Meeting: sess.Meeting, Participant: sess.Participant, Role: p.Role}, nil
}

// openSession stores a new session token for a participant and returns the
// session with the participant's current role.
func (s *Service) openSession(ctx context.Context, meetingID, participant string) (Session, error) {
	token, err := randomToken()
	if err != nil {
		return Session{}, internal(err)
	}
	if err := s.store.PutSession(ctx, token, storage.Session{Meeting: meetingID, Participant: participant, Expires: s.opt.Now().Add(s.opt.SessionTTL)}); err != nil {
		return Session{}, unavailable(err)
	}
	return s.Authenticate(ctx, token)
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
