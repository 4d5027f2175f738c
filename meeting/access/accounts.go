package access

import (
	"context"
	"slices"

	"github.com/dais-meeting/dais/meeting"
)

// OpenFor opens a session for a participant of a meeting on behalf of an
// office account linked to them (package account keeps the links): no
// invitation code is used. The participant must hold one of roles now.
// The session records account (Session.Account): the office trusts it as
// that account's person, which a session of a code never is.
func (s *Service) OpenFor(ctx context.Context, meetingID, participant, account string, roles ...meeting.Role) (Session, error) {
	p, ok, version, err := s.member(ctx, meetingID, participant)
	if err != nil {
		return Session{}, err
	}
	if !ok || !slices.Contains(roles, p.Role) {
		return Session{}, meeting.Errorf(meeting.Forbidden,
			"Tài khoản của bạn không còn là thư ký hay chủ trì của hội nghị %q",
			"your account is no longer a secretary or chair of the meeting %q", meetingID)
	}
	s.log.Info("session opened for an account", "meeting", meetingID, "participant", participant, "account", account)
	return s.openSessionOf(ctx, meetingID, participant, account, version)
}
