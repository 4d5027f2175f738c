// Package httpapi is the HTTP edge of a Dais node besides the WebSocket:
// signing in with an invitation code, and the one table that maps the
// domain's error codes to HTTP statuses.
//
// Every error answer has the same JSON shape:
//
//	{"error":{"code":"unauthorized","message":"…","message_vi":"…"}}
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Sessions is what the API needs to sign people in.
type Sessions interface {
	Join(ctx context.Context, code string) (access.Session, error)
	Authenticate(ctx context.Context, token string) (access.Session, error)
}

// API serves /api/v1/join and /api/v1/session.
type API struct {
	sessions Sessions
	log      *slog.Logger
}

// New returns the API over sessions.
func New(sessions Sessions, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	return &API{sessions: sessions, log: log}
}

// Register mounts the API's routes on mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/join", a.join)
	mux.HandleFunc("GET /api/v1/session", a.session)
}

// maxBody bounds the JSON bodies this API reads.
const maxBody = 16 << 10

// join redeems an invitation code: {"code":"K7Q2-M4XP"} → the session.
func (a *API) join(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Code string `json:"code"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody || json.Unmarshal(body, &req) != nil || strings.TrimSpace(req.Code) == "" {
		WriteError(w, meeting.Errorf(meeting.Invalid, "Yêu cầu không hợp lệ: cần mã mời", "bad request: an invitation code is needed"))
		return
	}
	sess, err := a.sessions.Join(r.Context(), req.Code)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, sess)
}

// session returns the session of the bearer token.
func (a *API) session(w http.ResponseWriter, r *http.Request) {
	sess, err := a.sessions.Authenticate(r.Context(), Token(r))
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, sess)
}

// meetingSession authenticates the request and checks that its session
// belongs to the meeting of the path ({meeting}).
func meetingSession(sessions Sessions, r *http.Request) (access.Session, error) {
	sess, err := sessions.Authenticate(r.Context(), Token(r))
	if err != nil {
		return access.Session{}, err
	}
	if m := r.PathValue("meeting"); sess.Meeting != m {
		return access.Session{}, meeting.Errorf(meeting.Forbidden,
			"Phiên đăng nhập của bạn thuộc hội nghị khác, không phải %q.",
			"your session belongs to another meeting, not %q", m)
	}
	return sess, nil
}

// Token returns the session token of a request: the Authorization bearer
// token, or the token query parameter (for links opened by a browser).
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return r.URL.Query().Get("token")
}

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[meeting.Code]int{
	meeting.Invalid:      http.StatusBadRequest,
	meeting.NotFound:     http.StatusNotFound,
	meeting.Forbidden:    http.StatusForbidden,
	meeting.Conflict:     http.StatusConflict,
	meeting.Unauthorized: http.StatusUnauthorized,
	meeting.Unavailable:  http.StatusServiceUnavailable,
	meeting.Internal:     http.StatusInternalServerError,
	meeting.RateLimited:  http.StatusTooManyRequests,
}

// Status returns the HTTP status for an error's code.
func Status(err error) int {
	if s, ok := statusOf[meeting.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// WriteError answers with err as JSON and its status. Errors that are not
// *meeting.Error are shown as internal errors without their text.
func WriteError(w http.ResponseWriter, err error) {
	var me *meeting.Error
	if !errors.As(err, &me) {
		me = meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error")
	}
	WriteJSON(w, Status(me), map[string]any{"error": me})
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
