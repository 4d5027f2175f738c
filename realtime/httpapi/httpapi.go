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
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
)

// Sessions is what the API needs to sign people in and to authenticate
// requests; *access.Service is one.
type Sessions interface {
	// Join redeems an invitation code.
	Join(ctx context.Context, code string) (access.Session, error)
	// Authenticate returns the session of a bearer token.
	Authenticate(ctx context.Context, token string) (access.Session, error)
	// AuthenticateLink returns the session that signed a link.
	AuthenticateLink(ctx context.Context, method, path string, q url.Values) (access.Session, error)
	// SignOut ends the session of a token.
	SignOut(ctx context.Context, token string) error
	// Link signs a link to path for method on behalf of a session.
	Link(sess access.Session, method, path string) (string, time.Time, error)
}

var _ Sessions = (*access.Service)(nil)

// API serves signing in and out:
//
//	POST /api/v1/join      {"code":"K7Q2-M4XP-A9RTW"} → the session (rate-limited: JoinLimits)
//	GET  /api/v1/session   the bearer's session
//	POST /api/v1/sign-out  ends the bearer's session → 204
//	POST /api/v1/links     {"path":"/api/v1/meetings/…"} → {"url","expires"}: a signed link
type API struct {
	sessions Sessions
	limits   *joinLimiter
	log      *slog.Logger
}

// New returns the API over sessions with the join limits of JoinLimits{}.
func New(sessions Sessions, log *slog.Logger) *API {
	return NewWithLimits(sessions, JoinLimits{}, log)
}

// NewWithLimits returns the API over sessions with the given join limits.
func NewWithLimits(sessions Sessions, limits JoinLimits, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	return &API{sessions: sessions, limits: newJoinLimiter(limits), log: log}
}

// Register mounts the API's routes on mux.
func (a *API) Register(mux Mux) {
	mux.HandleFunc("POST /api/v1/join", a.join)
	mux.HandleFunc("GET /api/v1/session", a.session)
	mux.HandleFunc("POST /api/v1/sign-out", a.signOut)
	mux.HandleFunc("POST /api/v1/links", a.link)
}

// maxBody bounds the JSON bodies this API reads.
const maxBody = 16 << 10

// join redeems an invitation code: {"code":"K7Q2-M4XP"} → the session.
func (a *API) join(w http.ResponseWriter, r *http.Request) {
	addr := a.limits.addr(r)
	if wait := a.limits.check(addr); wait > 0 {
		a.limits.refused(a.log, addr, wait)
		secs := int(wait.Seconds() + 0.999)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		WriteJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{
			"code":       "rate_limited",
			"message":    fmt.Sprintf("too many wrong invitation codes; try again in %d s", secs),
			"message_vi": fmt.Sprintf("Nhập sai mã mời quá nhiều lần; xin thử lại sau %d giây", secs),
		}})
		return
	}
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
		if meeting.ErrorCode(err) == meeting.Unauthorized {
			a.limits.failed(addr)
			a.log.Debug("wrong invitation code", "addr", addr)
		}
		WriteError(w, err)
		return
	}
	a.log.Info("joined", "meeting", sess.Meeting, "participant", sess.Participant, "session", sess.ID, "addr", addr)
	WriteJSON(w, http.StatusOK, sess)
}

// session returns the session of the bearer token.
func (a *API) session(w http.ResponseWriter, r *http.Request) {
	sess, err := authenticate(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, sess)
}

// signOut ends the bearer's session.
func (a *API) signOut(w http.ResponseWriter, r *http.Request) {
	if err := refuseTokenInURL(r); err != nil {
		WriteError(w, err)
		return
	}
	if err := a.sessions.SignOut(r.Context(), Token(r)); err != nil {
		WriteError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// link signs a link to a path of the bearer's meeting, for a browser to
// open (a download) where it cannot send the Authorization header.
func (a *API) link(w http.ResponseWriter, r *http.Request) {
	if err := refuseTokenInURL(r); err != nil {
		WriteError(w, err)
		return
	}
	sess, err := a.sessions.Authenticate(r.Context(), Token(r))
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Path   string `json:"path"`
		Method string `json:"method,omitempty"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	u, exp, err := a.sessions.Link(sess, req.Method, req.Path)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"url": u, "expires": exp})
}

// authenticate returns the session of a request: its bearer token, else
// the signed link it carries. A token in the URL is refused: URLs end up
// in logs, histories and Referer headers.
func authenticate(sessions Sessions, r *http.Request) (access.Session, error) {
	if err := refuseTokenInURL(r); err != nil {
		return access.Session{}, err
	}
	if tok := Token(r); tok != "" {
		return sessions.Authenticate(r.Context(), tok)
	}
	if q := r.URL.Query(); access.IsLink(q) {
		return sessions.AuthenticateLink(r.Context(), r.Method, r.URL.Path, q)
	}
	return sessions.Authenticate(r.Context(), "")
}

// refuseTokenInURL refuses a request that puts a secret in its query.
func refuseTokenInURL(r *http.Request) error {
	if r.URL.Query().Has("token") {
		return meeting.Errorf(meeting.Unauthorized,
			"Không nhận mã phiên trong địa chỉ URL; dùng tiêu đề Authorization hoặc liên kết đã ký",
			"a token in the URL is not accepted; use the Authorization header or a signed link")
	}
	return nil
}

// meetingSession authenticates the request and checks that its session
// belongs to the meeting of the path ({meeting}).
func meetingSession(sessions Sessions, r *http.Request) (access.Session, error) {
	sess, err := authenticate(sessions, r)
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

// Token returns the bearer token of a request's Authorization header; a
// token anywhere else (the query) is never read.
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return ""
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
	meeting.Archived:     http.StatusConflict,
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
