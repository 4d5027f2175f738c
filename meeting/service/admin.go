package service

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// Invitation is a one-time sign-in code made for a participant.
type Invitation struct {
	Participant string `json:"participant"`
	Code        string `json:"code"`
}

// MaxInvitationsPerCall bounds one Invitations call (a party congress has
// about 1,600 delegates).
const MaxInvitationsPerCall = 5000

// Invitations makes a new one-time code for each of participants (every
// participant of the meeting, in the meeting's order, when none are named),
// on behalf of a secretary of the session's meeting. Codes made before stay
// valid until used. An unknown participant refuses the whole call before any
// code is made.
func (s *Service) Invitations(ctx context.Context, sess Session, participants []string) ([]Invitation, error) {
	if err := requireSecretary(sess); err != nil {
		return nil, err
	}
	st, err := s.State(ctx, sess.Meeting)
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

// NewMeeting is what a secretary fills in to create a meeting.
type NewMeeting struct {
	// ID is optional: one is made from the date when it is empty.
	ID       string         `json:"id,omitempty"`
	Title    string         `json:"title"`
	StartsAt time.Time      `json:"starts_at"`
	Place    string         `json:"place"`
	Rooms    []meeting.Room `json:"rooms,omitempty"`
}

// CreateMeetingAs creates a meeting whose first secretary is the signed-in
// secretary of another meeting (the same person: same id, name and office),
// and returns their session in the new meeting.
func (s *Service) CreateMeetingAs(ctx context.Context, sess Session, m NewMeeting) (Session, error) {
	if err := requireSecretary(sess); err != nil {
		return Session{}, err
	}
	st, err := s.State(ctx, sess.Meeting)
	if err != nil {
		return Session{}, err
	}
	me := st.Participant(sess.Participant)
	if me == nil {
		return Session{}, meeting.Errorf(meeting.Unauthorized, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; xin đăng nhập lại", "the session is invalid or expired; sign in again")
	}
	id, err := s.CreateMeeting(ctx, m, meeting.Participant{ID: me.ID, Name: me.Name, Title: me.Title})
	if err != nil {
		return Session{}, err
	}
	return s.openSession(ctx, id, me.ID)
}

// CreateMeeting creates a meeting with secretary as its first secretary
// (seated in the main hall) and returns the meeting's id. Rooms default to
// one main hall.
func (s *Service) CreateMeeting(ctx context.Context, m NewMeeting, secretary meeting.Participant) (string, error) {
	if m.StartsAt.IsZero() {
		return "", meeting.Errorf(meeting.Invalid, "Cần thời gian bắt đầu của hội nghị", "the meeting needs a start time")
	}
	rooms := m.Rooms
	if len(rooms) == 0 {
		rooms = []meeting.Room{{ID: "main", Name: "Hội trường", Main: true}}
	}
	id := m.ID
	if id == "" {
		id = newMeetingID(m.StartsAt)
	}
	secretary.Role, secretary.Room, secretary.Seat, secretary.Present = meeting.RoleSecretary, "", "", false
	_, err := s.Execute(ctx, id, meeting.Actor{Participant: secretary.ID}, meeting.CreateMeeting{
		ID: id, Title: strings.TrimSpace(m.Title), StartsAt: m.StartsAt, Place: strings.TrimSpace(m.Place),
		Rooms: rooms, Secretary: secretary,
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// newMeetingID is the meeting's date and six random letters, such as
// "2026-12-03-k7q2mx": readable in logs and URLs, and unique enough.
func newMeetingID(at time.Time) string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i, x := range b {
		b[i] = alphabet[int(x)%len(alphabet)]
	}
	return at.Format("2006-01-02") + "-" + string(b[:])
}

func requireSecretary(sess Session) error {
	if sess.Role != meeting.RoleSecretary {
		return meeting.Errorf(meeting.Forbidden, "Chỉ thư ký mới làm được việc này", "only a secretary may do this")
	}
	return nil
}
