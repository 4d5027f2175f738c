package access

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

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
// and returns their session in the new meeting. A session an account
// opened makes a session of that account (Session.Account): disabling the
// account ends both.
func (s *Service) CreateMeetingAs(ctx context.Context, sess Session, m NewMeeting) (Session, error) {
	if err := requireSecretary(sess); err != nil {
		return Session{}, err
	}
	me, ok, _, err := s.member(ctx, sess.Meeting, sess.Participant)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, errSignIn()
	}
	id, err := s.CreateMeeting(ctx, m, meeting.Participant{ID: me.ID, Name: me.Name, Title: me.Title})
	if err != nil {
		return Session{}, err
	}
	_, _, version, err := s.member(ctx, id, me.ID)
	if err != nil {
		return Session{}, err
	}
	return s.openSessionOf(ctx, id, me.ID, sess.Account, version)
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
	_, err := s.meetings.Execute(ctx, id, meeting.Actor{Participant: secretary.ID}, meeting.CreateMeeting{
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
