package access

import (
	"context"
	"errors"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// sessionKey is the context key of WithSession.
type sessionKey struct{}

// WithSession returns ctx carrying the session a command runs for: an edge
// that forwards the command to the centre sends the session's token along,
// so that the centre checks who is asking (docs/bridge.md).
func WithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session WithSession put in ctx.
func SessionFrom(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(Session)
	return s, ok
}

// Export authenticates token like Authenticate and returns the session's
// stored record, for a bridge site's edge to keep (Adopt) so that its
// tablets stay signed in while its link to the centre is cut.
func (s *Service) Export(ctx context.Context, token string) (storage.Session, error) {
	if _, err := s.Authenticate(ctx, token); err != nil {
		return storage.Session{}, err
	}
	rec, err := s.store.GetSession(ctx, storeKey("token", token))
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Session{}, errSignIn()
	}
	if err != nil {
		return storage.Session{}, unavailable(err)
	}
	return rec, nil
}

// Adopt stores a session the centre exported (Export) under token, in this
// node's store: an edge's. The session is then checked against this node's
// copy of the meeting's log like any other.
func (s *Service) Adopt(ctx context.Context, token string, rec storage.Session) error {
	if token == "" || len(token) > maxTokenLen || !meeting.ValidMeetingID(rec.Meeting) || rec.Participant == "" {
		return errSignIn()
	}
	if err := s.store.PutSession(ctx, storeKey("token", token), rec); err != nil {
		return unavailable(err)
	}
	return nil
}
