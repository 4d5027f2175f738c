package access

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Invitation is a one-time sign-in code made for a participant.
type Invitation struct {
	Participant string `json:"participant"`
	Code        string `json:"code"`
}

// MaxInvitationsPerCall bounds one Invitations call (a party congress has
// about 1,600 delegates).
const MaxInvitationsPerCall = 5000

// codeAlphabet has no letters that read alike (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Invite makes a one-time invitation code for a participant of a meeting,
// such as "K7Q2-M4XP", to be typed on a tablet or scanned as a QR code.
func (s *Service) Invite(ctx context.Context, meetingID, participant string) (string, error) {
	if !meeting.ValidMeetingID(meetingID) {
		return "", meeting.Errorf(meeting.Invalid, "Mã hội nghị không hợp lệ: %q", "invalid meeting id %q", meetingID)
	}
	_, ok, err := s.meetings.Participant(ctx, meetingID, participant)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", participant)
	}
	return s.issue(ctx, meetingID, participant)
}

// Invitations makes a new one-time code for each of participants (every
// participant of the meeting, in the meeting's order, when none are named),
// on behalf of a secretary of the session's meeting. Codes made before stay
// valid until used. An unknown participant refuses the whole call before any
// code is made.
func (s *Service) Invitations(ctx context.Context, sess Session, participants []string) ([]Invitation, error) {
	if err := requireSecretary(sess); err != nil {
		return nil, err
	}
	st, err := s.meetings.State(ctx, sess.Meeting)
	if err != nil {
		return nil, err
	}
	if len(participants) == 0 {
		participants = st.Order
	}
	if len(participants) > MaxInvitationsPerCall {
		return nil, meeting.Errorf(meeting.Invalid, "Tối đa %d mã mời mỗi lần", "at most %d invitations per call", MaxInvitationsPerCall)
	}
	seen := make(map[string]bool, len(participants))
	for _, p := range participants {
		if st.Participant(p) == nil {
			return nil, meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", p)
		}
		if seen[p] {
			return nil, meeting.Errorf(meeting.Invalid, "Đại biểu %q được nêu hai lần", "participant %q is named twice", p)
		}
		seen[p] = true
	}
	out := make([]Invitation, 0, len(participants))
	for _, p := range participants {
		code, err := s.issue(ctx, sess.Meeting, p)
		if err != nil {
			// Codes already made are unused and harmless: nobody has seen them.
			return nil, err
		}
		out = append(out, Invitation{Participant: p, Code: code})
	}
	return out, nil
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

// randomToken is 192 random bits, URL-safe.
func randomToken() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
