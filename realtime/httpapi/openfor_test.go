package httpapi

import (
	"context"
	"errors"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// meetsFake opens sessions and records the ones signed out.
type meetsFake struct {
	MeetingAccess
	opened, signedOut []string
	signOutErr        error
}

func (m *meetsFake) OpenFor(ctx context.Context, meetingID, participant, account string, roles ...meeting.Role) (access.Session, error) {
	tok := "tok-" + participant
	m.opened = append(m.opened, tok)
	return access.Session{Meeting: meetingID, Participant: participant, Token: tok, Account: account}, nil
}

func (m *meetsFake) SignOut(ctx context.Context, token string) error {
	m.signedOut = append(m.signedOut, token)
	return m.signOutErr
}

// stateFake answers Active as told.
type stateFake struct {
	active bool
	err    error
}

func (s stateFake) Active(context.Context, string) (bool, bool, error) { return s.active, false, s.err }

// TestOpenForAccountChecksAgain: a session opened for an account that was
// disabled while the session was being stored (its sessions listed before
// this one existed) is ended at once and not handed out; one whose check
// cannot be made is ended too; an enabled account's is kept.
func TestOpenForAccountChecksAgain(t *testing.T) {
	down := errors.New("store down")
	tests := []struct {
		name       string
		state      stateFake
		signOutErr error
		wantCode   meeting.Code // "" : the session is returned
		wantEnded  bool
	}{
		{"still enabled", stateFake{active: true}, nil, "", false},
		{"disabled meanwhile", stateFake{active: false}, nil, meeting.Unauthorized, true},
		{"cannot tell", stateFake{err: meeting.Errorf(meeting.Unavailable, "x", "x")}, nil, meeting.Unavailable, true},
		{"disabled, and the session cannot be ended", stateFake{active: false}, down, meeting.Unavailable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &meetsFake{signOutErr: tt.signOutErr}
			ms, err := openForAccount(t.Context(), m, tt.state, "m1", "chu", "bithu")
			if tt.wantCode == "" {
				if err != nil || ms.Token != "tok-chu" {
					t.Fatalf("session %+v, err %v; want the session", ms, err)
				}
			} else if meeting.ErrorCode(err) != tt.wantCode || ms.Token != "" {
				t.Fatalf("session %+v, err %v (code %q); want no session and %q", ms, err, meeting.ErrorCode(err), tt.wantCode)
			}
			if ended := len(m.signedOut) == 1 && m.signedOut[0] == "tok-chu"; ended != tt.wantEnded {
				t.Fatalf("signed out %v; want the new session ended: %v", m.signedOut, tt.wantEnded)
			}
		})
	}
}
