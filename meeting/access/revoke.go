package access

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// SessionInfo describes one of a participant's sessions to a secretary,
// without its token.
type SessionInfo struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// Sessions lists a participant's live sessions, oldest first, for a
// secretary of the session's meeting.
func (s *Service) Sessions(ctx context.Context, sess Session, participant string) ([]SessionInfo, error) {
	if err := requireSecretary(sess); err != nil {
		return nil, err
	}
	return s.live(ctx, sess.Meeting, participant)
}

// live returns a participant's sessions that neither expired nor were
// voided by the log, oldest first.
func (s *Service) live(ctx context.Context, meetingID, participant string) ([]SessionInfo, error) {
	all, err := s.store.SessionsOf(ctx, meetingID, participant)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]SessionInfo, 0, len(all))
	err = s.meetings.Read(ctx, meetingID, func(st *meeting.State) {
		if st.Participant(participant) == nil {
			return
		}
		for key, rec := range all {
			if id := sessionID(key); st.SignInValid(participant, id, rec.Seq) {
				out = append(out, SessionInfo{ID: id, Created: rec.Created, Expires: rec.Expires})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// Revoke signs a participant out, on behalf of a secretary of the session's
// meeting: with sessionID "" every session and the unused code of the
// participant, else that one session. The revocation is an event in the
// meeting's log (meeting.RevokeSessions): every node closes the sockets it
// names (protocol.CloseRevoked, on which a tablet wipes what it kept) and
// every later use of a voided session or code is refused, even by a node
// that missed the bus message. It returns how many live sessions it ended.
func (s *Service) Revoke(ctx context.Context, sess Session, participant, sessionID string) (int, error) {
	if err := requireSecretary(sess); err != nil {
		return 0, err
	}
	live, err := s.live(ctx, sess.Meeting, participant)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, si := range live {
		if sessionID == "" || si.ID == sessionID {
			n++
		}
	}
	if sessionID != "" && n == 0 {
		return 0, meeting.Errorf(meeting.NotFound, "Không có phiên đăng nhập %q của đại biểu %q", "no session %q of participant %q", sessionID, participant)
	}
	if _, err := s.meetings.Execute(ctx, sess.Meeting, meeting.Actor{Participant: sess.Participant},
		meeting.RevokeSessions{Participant: participant, Session: sessionID}); err != nil {
		return 0, err
	}
	if sessionID == "" {
		// The log already voids the code; this only clears it away.
		if err := s.store.RevokeInvitations(ctx, sess.Meeting, participant); err != nil {
			s.log.Warn("clearing a revoked participant's code failed (the log voids it)", "meeting", sess.Meeting, "participant", participant, "err", err)
		}
	}
	s.log.Info("sessions revoked", "meeting", sess.Meeting, "participant", participant, "session", sessionID, "count", n, "by", sess.Participant)
	return n, nil
}

// EndAccountSessions ends every live session the office account opened
// (OpenFor, or a meeting made from such a session), because an
// administrator, by, disabled the account. Each meeting's log records it
// (meeting.EndAccountSessions: one SessionsRevoked per session, naming the
// account and by), so every node closes their sockets with
// protocol.CloseRevoked and refuses their tokens and links, and enabling
// the account again revives none. In a meeting brought back from an archive,
// whose log takes nothing, the sessions are deleted instead. It returns how
// many sessions it ended; a meeting it could not write to is an error once
// the others are done (running it again ends what is left).
func (s *Service) EndAccountSessions(ctx context.Context, account, by string) (int, error) {
	if account == "" {
		return 0, nil
	}
	all, err := s.store.SessionsOfAccount(ctx, account)
	if err != nil {
		return 0, unavailable(err)
	}
	type opened struct {
		key string
		rec storage.Session
	}
	byMeeting := map[string][]opened{}
	for key, rec := range all {
		byMeeting[rec.Meeting] = append(byMeeting[rec.Meeting], opened{key, rec})
	}
	ids := slices.Sorted(maps.Keys(byMeeting))
	n := 0
	var errs []error
	for _, m := range ids {
		var live []meeting.ParticipantSession
		var keys []string
		err := s.meetings.Read(ctx, m, func(st *meeting.State) {
			for _, o := range byMeeting[m] {
				id := sessionID(o.key)
				if st.Participant(o.rec.Participant) != nil && st.SignInValid(o.rec.Participant, id, o.rec.Seq) {
					live = append(live, meeting.ParticipantSession{Participant: o.rec.Participant, Session: id})
					keys = append(keys, o.key)
				}
			}
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("meeting %s: %w", m, err))
			continue
		}
		if len(live) == 0 {
			continue
		}
		evs, err := s.meetings.Execute(ctx, m, meeting.Actor{Office: by}, meeting.EndAccountSessions{Account: account, Sessions: live})
		if meeting.ErrorCode(err) == meeting.Archived {
			for _, key := range keys {
				if err := s.store.DeleteSession(ctx, key); err != nil {
					errs = append(errs, fmt.Errorf("meeting %s: %w", m, unavailable(err)))
				}
			}
			s.log.Info("sessions of a disabled account deleted (archived meeting)", "meeting", m, "account", account, "count", len(keys), "by", by)
			n += len(keys)
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("meeting %s: %w", m, err))
			continue
		}
		s.log.Info("sessions revoked", "meeting", m, "account", account, "count", len(evs), "by", by)
		n += len(evs)
	}
	if len(errs) > 0 {
		s.log.Warn("ending a disabled account's sessions", "account", account, "ended", n, "err", errors.Join(errs...))
		return n, errs[0]
	}
	return n, nil
}
