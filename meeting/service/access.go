package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"

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

// codeAlphabet has no letters that read alike (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Invite makes a one-time invitation code for a participant of a meeting,
// such as "K7Q2-M4XP", to be typed on a tablet or scanned as a QR code.
func (s *Service) Invite(ctx context.Context, meetingID, participant string) (string, error) {
	st, err := s.State(ctx, meetingID)
	if err != nil {
		return "", err
	}
	if st.Participant(participant) == nil {
		return "", meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", participant)
	}
	return s.issue(ctx, meetingID, participant)
}

// issue stores a new one-time code for a participant known to exist.
func (s *Service) issue(ctx context.Context, meetingID, participant string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", internal(err)
	}
	code := make([]byte, 0, 9)
	for i, x := range b {
		if i == 4 {
			code = append(code, '-')
		}
		code = append(code, codeAlphabet[int(x)%len(codeAlphabet)])
	}
	if err := s.store.PutInvitation(ctx, string(code), storage.Invitation{Meeting: meetingID, Participant: participant}); err != nil {
		return "", unavailable(err)
	}
	return string(code), nil
}

// Join redeems an invitation code (once) and opens a session.
func (s *Service) Join(ctx context.Context, code string) (Session, error) {
	inv, err := s.store.RedeemInvitation(ctx, normaliseCode(code))
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, meeting.Errorf(meeting.Unauthorized, "Mã mời không đúng hoặc đã được sử dụng", "the invitation code is wrong or was already used")
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	return s.openSession(ctx, inv.Meeting, inv.Participant)
}

// openSession stores a new session token for a participant and returns the
// session with the participant's current role.
func (s *Service) openSession(ctx context.Context, meetingID, participant string) (Session, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Session{}, internal(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	if err := s.store.PutSession(ctx, token, storage.Session{Meeting: meetingID, Participant: participant, Expires: s.opt.Now().Add(s.opt.SessionTTL)}); err != nil {
		return Session{}, unavailable(err)
	}
	return s.Authenticate(ctx, token)
}

// Authenticate returns the session of a token, with the participant's
// current role.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	refused := meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; xin đăng nhập lại", "the session is invalid or expired; sign in again")
	if token == "" {
		return Session{}, refused
	}
	sess, err := s.store.GetSession(ctx, token)
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, refused
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	e := s.entry(sess.Meeting)
	e.mu.Lock()
	err = s.catchUp(ctx, sess.Meeting, e)
	var p *meeting.Participant
	if err == nil {
		p = e.state.Participant(sess.Participant)
	}
	var role meeting.Role
	if p != nil {
		role = p.Role
	}
	e.mu.Unlock()
	if err != nil {
		return Session{}, err
	}
	if p == nil {
		return Session{}, refused
	}
	return Session{Token: token, Meeting: sess.Meeting, Participant: sess.Participant, Role: role}, nil
}

// normaliseCode accepts codes typed in lower case, with spaces, or without
// the dash.
func normaliseCode(code string) string {
	out := make([]byte, 0, 9)
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c == '-' || c == ' ':
			continue
		}
		out = append(out, c)
		if len(out) == 4 {
			out = append(out, '-')
		}
	}
	return string(out)
}
