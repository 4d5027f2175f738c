package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/dais-meeting/dais/meeting/access"
)

// Revoker is the use case behind the revocation routes; *access.Service is
// one.
type Revoker interface {
	Sessions(ctx context.Context, sess access.Session, participant string) ([]access.SessionInfo, error)
	Revoke(ctx context.Context, sess access.Session, participant, sessionID string) (int, error)
}

var _ Revoker = (*access.Service)(nil)

// RevokeAPI lets a secretary see and end a participant's sessions (a lost
// or handed-back tablet):
//
//	GET  /api/v1/meetings/{meeting}/participants/{participant}/sessions  → {"sessions":[{id, created, expires}]}
//	POST /api/v1/meetings/{meeting}/participants/{participant}/revoke    {"session":"<id>"} or {} for all → {"revoked": n}
//
// A revoked tablet's sockets are closed on every node within a second with
// protocol.CloseRevoked, on which it wipes what it kept offline; its next
// sign-in needs a new code.
type RevokeAPI struct {
	sessions Sessions
	revoker  Revoker
	log      *slog.Logger
}

// NewRevoke returns the revocation routes.
func NewRevoke(sessions Sessions, revoker Revoker, log *slog.Logger) *RevokeAPI {
	if log == nil {
		log = slog.Default()
	}
	return &RevokeAPI{sessions: sessions, revoker: revoker, log: log}
}

// Register mounts the routes on mux.
func (a *RevokeAPI) Register(mux Mux) {
	const p = "/api/v1/meetings/{meeting}/participants/{participant}"
	mux.HandleFunc("GET "+p+"/sessions", a.list)
	mux.HandleFunc("POST "+p+"/revoke", a.revoke)
}

func (a *RevokeAPI) list(w http.ResponseWriter, r *http.Request) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	out, err := a.revoker.Sessions(r.Context(), sess, r.PathValue("participant"))
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (a *RevokeAPI) revoke(w http.ResponseWriter, r *http.Request) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Session string `json:"session,omitempty"`
	}
	if r.ContentLength != 0 {
		if err := readJSON(r, &req); err != nil {
			WriteError(w, err)
			return
		}
	}
	n, err := a.revoker.Revoke(r.Context(), sess, r.PathValue("participant"), req.Session)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]int{"revoked": n})
}
