package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/storage"
)

// MeetingAccess is what the account routes need of package access: a
// meeting session for an account's participant, meetings to create, and
// the end of the sessions of an account disabled.
type MeetingAccess interface {
	Authenticate(ctx context.Context, token string) (access.Session, error)
	OpenFor(ctx context.Context, meetingID, participant, account string, roles ...meeting.Role) (access.Session, error)
	CreateMeeting(ctx context.Context, m access.NewMeeting, secretary meeting.Participant) (string, error)
	EndAccountSessions(ctx context.Context, account, by string) (int, error)
	SignOut(ctx context.Context, token string) error
}

var _ MeetingAccess = (*access.Service)(nil)

// accountState says whether an account is still enabled (*account.Service).
type accountState interface {
	Active(ctx context.Context, id string) (active, admin bool, err error)
}

// openForAccount opens a meeting session for an account's participant and,
// once it is stored, asks again whether the account is enabled: a disable
// that listed the account's sessions between the request's sign-in check
// and this store would otherwise miss the new session. Disabling marks the
// account first and lists its sessions after, so either that list has this
// session or this check sees the account disabled, and ends it.
func openForAccount(ctx context.Context, meets MeetingAccess, acc accountState, meetingID, participant, accountID string) (access.Session, error) {
	ms, err := meets.OpenFor(ctx, meetingID, participant, accountID, meetingRoles...)
	if err != nil {
		return access.Session{}, err
	}
	active, _, err := acc.Active(ctx, accountID)
	if err == nil && active {
		return ms, nil
	}
	if serr := meets.SignOut(ctx, ms.Token); serr != nil {
		return access.Session{}, meeting.Errorf(meeting.Unavailable, "Không mở được phiên họp lúc này; hãy thử lại",
			"cannot open the meeting session now; try again: %v", serr)
	}
	if err != nil {
		return access.Session{}, err
	}
	return access.Session{}, meeting.Errorf(meeting.Unauthorized, "Tài khoản đã bị khóa", "the account is disabled")
}

// MeetingReader reads meetings (*service.Service is one): the titles and
// roles of an account's meetings.
type MeetingReader interface {
	Participant(ctx context.Context, meetingID, id string) (meeting.Participant, bool, error)
	State(ctx context.Context, meetingID string) (*meeting.State, error)
}

// AccountsAPI serves the office accounts (docs/protocol.md, "Accounts"):
//
//	GET  /api/v1/account/options                 {setup, sso, session?}: what the sign-in page offers
//	POST /api/v1/setup/enrolment                 a TOTP key for the first administrator (first run only)
//	POST /api/v1/setup                           creates the first administrator (first run only)
//	POST /api/v1/account/login                   {id, password, code} → the account session
//	POST /api/v1/account/logout
//	GET  /api/v1/account                         the session's account
//	POST /api/v1/account/enrolment               a TOTP key to enrol
//	POST /api/v1/account/totp                    {secret, code}: enrols it
//	POST /api/v1/account/password                {current, password}
//	GET  /api/v1/account/meetings                the account's meetings (can_open: as secretary or chair)
//	POST /api/v1/account/meetings                creates a meeting; the account is its secretary
//	POST /api/v1/account/meetings/{meeting}/open a meeting session, no invitation code
//	GET  /api/v1/account/sso/login               → the office's OpenID Connect provider
//	GET  /api/v1/account/sso/callback            ← back from it
//	GET  /api/v1/accounts                        administrators: every account
//	POST /api/v1/accounts                        administrators: add one
//	POST /api/v1/accounts/{id}/{action}          disable, enable, reset-password, reset-totp
//	POST /api/v1/meetings/{meeting}/participants/{participant}/account  {account}: link (secretary)
//
// The account session travels in the Authorization header (Bearer) or in
// the HttpOnly cookie dais_account (SameSite=Strict), never in a URL. A
// state-changing request authenticated by the cookie must come from this
// origin (Origin header), so another site cannot make a signed-in browser
// act. The node's admin token, when set, is accepted by the /accounts routes
// only: the recovery path when no administrator can sign in.
type AccountsAPI struct {
	acc    *account.Service
	sso    *account.SSO
	meets  MeetingAccess
	read   MeetingReader
	admin  []byte
	log    *slog.Logger
	limits *addrLimiter
}

// AccountCookie is the name of the account session's cookie.
const AccountCookie = "dais_account"

const ssoCookie = "dais_sso"

// NewAccounts returns the account routes. sso may be nil (no single
// sign-on); an empty adminToken turns the recovery path off.
func NewAccounts(acc *account.Service, sso *account.SSO, meets MeetingAccess, read MeetingReader, adminToken string, log *slog.Logger) *AccountsAPI {
	if log == nil {
		log = slog.Default()
	}
	// Twenty sign-in attempts per address at once (an office behind one
	// NAT address), then one every three seconds: a guessing loop gets
	// twenty a minute from one address, and each account locks after five.
	return &AccountsAPI{acc: acc, sso: sso, meets: meets, read: read, admin: []byte(adminToken), log: log,
		limits: newAddrLimiter(rate.Every(3*time.Second), 20, 10000)}
}

// Register mounts the routes on mux.
func (a *AccountsAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/account/options", a.options)
	mux.HandleFunc("POST /api/v1/setup/enrolment", a.setupEnrolment)
	mux.HandleFunc("POST /api/v1/setup", a.setup)
	mux.HandleFunc("POST /api/v1/account/login", a.login)
	mux.HandleFunc("POST /api/v1/account/logout", a.logout)
	mux.HandleFunc("GET /api/v1/account", a.me)
	mux.HandleFunc("POST /api/v1/account/enrolment", a.enrolment)
	mux.HandleFunc("POST /api/v1/account/totp", a.confirmTOTP)
	mux.HandleFunc("POST /api/v1/account/password", a.password)
	mux.HandleFunc("GET /api/v1/account/meetings", a.meetings)
	mux.HandleFunc("POST /api/v1/account/meetings", a.createMeeting)
	mux.HandleFunc("POST /api/v1/account/meetings/{meeting}/open", a.open)
	mux.HandleFunc("GET /api/v1/account/sso/login", a.ssoLogin)
	mux.HandleFunc("GET /api/v1/account/sso/callback", a.ssoCallback)
	mux.HandleFunc("GET /api/v1/accounts", a.list)
	mux.HandleFunc("POST /api/v1/accounts", a.add)
	mux.HandleFunc("POST /api/v1/accounts/{id}/{action}", a.manage)
	mux.HandleFunc("POST /api/v1/meetings/{meeting}/participants/{participant}/account", a.link)
}

// ---------------------------------------------------------------------------
// Tokens and cookies

// accountToken returns the account token of a request and whether it came
// from the cookie.
func accountToken(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), false
	}
	if c, err := r.Cookie(AccountCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

// sameOrigin refuses a cookie-authenticated change sent by another site.
func sameOrigin(r *http.Request) error {
	o := r.Header.Get("Origin")
	if o == "" || r.Method == http.MethodGet {
		return nil
	}
	if u, err := url.Parse(o); err == nil && u.Host == r.Host {
		return nil
	}
	return meeting.Errorf(meeting.Forbidden, "Yêu cầu từ trang khác bị từ chối", "a request from another site is refused")
}

// session authenticates the account of a request (full sessions only,
// unless pending is allowed).
func (a *AccountsAPI) session(r *http.Request, pendingOK bool) (account.Session, string, error) {
	return accountSession(a.acc, r, pendingOK)
}

// accountSession authenticates the account of a request: the bearer token
// or the cookie (a change by cookie only from this origin); a pending
// session (no second factor yet) only when pendingOK.
func accountSession(acc *account.Service, r *http.Request, pendingOK bool) (account.Session, string, error) {
	tok, fromCookie := accountToken(r)
	if fromCookie {
		if err := sameOrigin(r); err != nil {
			return account.Session{}, "", err
		}
	}
	var (
		s   account.Session
		err error
	)
	if pendingOK {
		s, err = acc.Lookup(r.Context(), tok)
	} else {
		s, err = acc.Authenticate(r.Context(), tok)
	}
	return s, tok, err
}

func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func setAccountCookie(w http.ResponseWriter, r *http.Request, s account.Session) {
	http.SetCookie(w, &http.Cookie{Name: AccountCookie, Value: s.Token, Path: "/api/v1/", Expires: s.Expires,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

// signedIn answers a new account session: the cookie for browsers, the
// token in the body for other clients (the CLI).
func signedIn(w http.ResponseWriter, r *http.Request, status int, s account.Session) {
	setAccountCookie(w, r, s)
	WriteJSON(w, status, s)
}

// ---------------------------------------------------------------------------
// Rate limits

// addrLimiter is a token bucket per client address, bounded in size.
type addrLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	max   int
	m     map[string]*rate.Limiter
}

func newAddrLimiter(every rate.Limit, burst, max int) *addrLimiter {
	return &addrLimiter{every: every, burst: burst, max: max, m: map[string]*rate.Limiter{}}
}

// allow takes a token of addr's bucket, or says how long to wait.
func (l *addrLimiter) allow(addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[addr]
	if !ok {
		if len(l.m) >= l.max {
			// Forget the full buckets first; a flood of addresses resets
			// the table rather than growing it.
			for k, v := range l.m {
				if v.Tokens() >= float64(l.burst) {
					delete(l.m, k)
				}
			}
			if len(l.m) >= l.max {
				clear(l.m)
			}
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[addr] = lim
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// clientAddr is the address a request came from (the connection's peer).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited answers 429 when the request's address has sent too many sign-in
// attempts.
func (a *AccountsAPI) limited(w http.ResponseWriter, r *http.Request, what string) bool {
	ok, wait := a.limits.allow(clientAddr(r))
	if ok {
		return false
	}
	a.log.Warn("sign-in attempts rate-limited", "what", what, "from", clientAddr(r))
	tooMany(w, wait, meeting.Errorf(meeting.Forbidden,
		"Quá nhiều lần đăng nhập từ địa chỉ này; xin chờ %d giây", "too many sign-in attempts from this address; wait %d seconds",
		int(wait.Seconds())+1))
	return true
}

func tooMany(w http.ResponseWriter, wait time.Duration, me *meeting.Error) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	WriteJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]string{
		"code": "too_many_requests", "message": me.Message, "message_vi": me.MessageVI}})
}

// writeAccountError answers an error, a lockout as 429 with Retry-After.
func writeAccountError(w http.ResponseWriter, err error) {
	var th *account.ThrottledError
	if errors.As(err, &th) {
		tooMany(w, th.RetryAfter, th.Refusal)
		return
	}
	WriteError(w, err)
}

// ---------------------------------------------------------------------------
// First run and sign-in

func (a *AccountsAPI) options(w http.ResponseWriter, r *http.Request) {
	need, err := a.acc.SetupNeeded(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	out := map[string]any{"setup": need, "sso": a.sso != nil}
	// The account session, when the request carries a valid one: the page
	// asks once, and a tablet's sign-in page gets no 401 for the asking.
	if tok, _ := accountToken(r); tok != "" {
		if s, err := a.acc.Lookup(r.Context(), tok); err == nil {
			out["session"] = s
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

func (a *AccountsAPI) setupGone(w http.ResponseWriter, r *http.Request) bool {
	need, err := a.acc.SetupNeeded(r.Context())
	if err != nil {
		WriteError(w, err)
		return true
	}
	if !need {
		WriteError(w, meeting.Errorf(meeting.NotFound, "Máy chủ đã được thiết lập; xin đăng nhập", "this server is set up already; sign in"))
		return true
	}
	return false
}

func (a *AccountsAPI) setupEnrolment(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID string `json:"id"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if a.setupGone(w, r) {
		return
	}
	WriteJSON(w, http.StatusOK, a.acc.NewEnrolment(strings.ToLower(strings.TrimSpace(req.ID))))
}

func (a *AccountsAPI) setup(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, "setup") {
		return
	}
	var req struct {
		SetupSecret string `json:"setup_secret"`
		account.NewAccount
		TOTPSecret string `json:"totp_secret"`
		TOTPCode   string `json:"totp_code"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if a.setupGone(w, r) {
		return
	}
	s, err := a.acc.Setup(r.Context(), req.SetupSecret, req.NewAccount, req.TOTPSecret, req.TOTPCode)
	if err != nil {
		if meeting.ErrorCode(err) == meeting.Unauthorized {
			a.log.Warn("first-run set-up refused", "from", clientAddr(r))
		}
		WriteError(w, err)
		return
	}
	a.log.Info("first administrator created through the first-run page", "account", s.Account.ID, "from", clientAddr(r))
	signedIn(w, r, http.StatusCreated, s)
}

func (a *AccountsAPI) login(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, "password") {
		return
	}
	var req struct {
		ID       string `json:"id"`
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	s, err := a.acc.Login(r.Context(), req.ID, req.Password, req.Code, clientAddr(r))
	if err != nil {
		writeAccountError(w, err)
		return
	}
	signedIn(w, r, http.StatusOK, s)
}

func (a *AccountsAPI) logout(w http.ResponseWriter, r *http.Request) {
	tok, fromCookie := accountToken(r)
	if fromCookie {
		if err := sameOrigin(r); err != nil {
			WriteError(w, err)
			return
		}
	}
	if err := a.acc.Logout(r.Context(), tok); err != nil {
		WriteError(w, err)
		return
	}
	clearCookie(w, r, AccountCookie, "/api/v1/")
	w.WriteHeader(http.StatusNoContent)
}

func (a *AccountsAPI) me(w http.ResponseWriter, r *http.Request) {
	s, _, err := a.session(r, true)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}

func (a *AccountsAPI) enrolment(w http.ResponseWriter, r *http.Request) {
	s, _, err := a.session(r, true)
	if err != nil {
		WriteError(w, err)
		return
	}
	if s.Account.TOTP {
		WriteError(w, meeting.Errorf(meeting.Conflict, "Tài khoản đã có xác thực hai lớp", "the account has a second factor already"))
		return
	}
	WriteJSON(w, http.StatusOK, a.acc.NewEnrolment(s.Account.ID))
}

func (a *AccountsAPI) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, "totp enrolment") {
		return
	}
	_, tok, err := a.session(r, true)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Secret string `json:"secret"`
		Code   string `json:"code"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	s, err := a.acc.ConfirmTOTP(r.Context(), tok, req.Secret, req.Code)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}

func (a *AccountsAPI) password(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, "password change") {
		return
	}
	s, _, err := a.session(r, false)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req struct {
		Current  string `json:"current"`
		Password string `json:"password"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if err := a.acc.ChangePassword(r.Context(), s, req.Current, req.Password); err != nil {
		WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---------------------------------------------------------------------------
// Meetings of an account

// AccountMeeting is a meeting an account is linked to.
type AccountMeeting struct {
	Meeting     string         `json:"meeting"`
	Title       string         `json:"title"`
	StartsAt    time.Time      `json:"starts_at,omitzero"`
	Place       string         `json:"place,omitempty"`
	Status      meeting.Status `json:"status"`
	Participant string         `json:"participant"`
	Role        meeting.Role   `json:"role"`
	// CanOpen: the account opens it here, without an invitation code (a
	// secretary or the chair). A delegate or an observer joins from a
	// tablet with their invitation code.
	CanOpen bool `json:"can_open"`
}

// meetingRoles are the roles an account may open a meeting as.
var meetingRoles = []meeting.Role{meeting.RoleSecretary, meeting.RoleChair}

func (a *AccountsAPI) meetings(w http.ResponseWriter, r *http.Request) {
	s, _, err := a.session(r, false)
	if err != nil {
		WriteError(w, err)
		return
	}
	links, err := a.acc.Links(r.Context(), s)
	if err != nil {
		WriteError(w, err)
		return
	}
	out := make([]AccountMeeting, 0, len(links))
	for _, l := range links {
		st, err := a.read.State(r.Context(), l.Meeting)
		if err != nil {
			if meeting.ErrorCode(err) == meeting.NotFound {
				continue
			}
			WriteError(w, err)
			return
		}
		p := st.Participant(l.Participant)
		if p == nil {
			continue // removed since
		}
		canOpen := p.Role == meeting.RoleSecretary || p.Role == meeting.RoleChair
		if !canOpen && st.Status == meeting.StatusDraft {
			continue // not published yet: only its chair and secretaries see it (as on the calendar)
		}
		out = append(out, AccountMeeting{Meeting: st.ID, Title: st.Title, StartsAt: st.StartsAt, Place: st.Place, Status: st.Status,
			Participant: p.ID, Role: p.Role, CanOpen: canOpen})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"meetings": out})
}

// createMeeting makes a meeting whose first secretary is the account
// (seated under the account's id and name), links them, and answers the
// meeting session.
func (a *AccountsAPI) createMeeting(w http.ResponseWriter, r *http.Request) {
	s, _, err := a.session(r, false)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req access.NewMeeting
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	id, err := a.meets.CreateMeeting(r.Context(), req, meeting.Participant{ID: s.Account.ID, Name: s.Account.Name})
	if err != nil {
		WriteError(w, err)
		return
	}
	if err := a.acc.Link(r.Context(), s.Account.ID, storage.AccountLink{Meeting: id, Participant: s.Account.ID}); err != nil {
		WriteError(w, err)
		return
	}
	ms, err := openForAccount(r.Context(), a.meets, a.acc, id, s.Account.ID, s.Account.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("meeting created", "meeting", id, "by account", s.Account.ID)
	WriteJSON(w, http.StatusCreated, ms)
}

func (a *AccountsAPI) open(w http.ResponseWriter, r *http.Request) {
	s, _, err := a.session(r, false)
	if err != nil {
		WriteError(w, err)
		return
	}
	m := r.PathValue("meeting")
	p, err := a.acc.LinkOf(r.Context(), s, m)
	if err != nil {
		WriteError(w, err)
		return
	}
	ms, err := openForAccount(r.Context(), a.meets, a.acc, m, p, s.Account.ID)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, ms)
}

// link ties a participant of a meeting to an account, so that the account
// opens the meeting as them: a secretary of that meeting does it (with the
// meeting session), or an administrator (with an account session).
func (a *AccountsAPI) link(w http.ResponseWriter, r *http.Request) {
	m, pid := r.PathValue("meeting"), r.PathValue("participant")
	var by string
	if ms, err := a.meets.Authenticate(r.Context(), Token(r)); err == nil && ms.Meeting == m && ms.Role == meeting.RoleSecretary {
		by = ms.Participant
	} else if s, _, err := a.session(r, false); err == nil && s.Account.Admin {
		by = "account " + s.Account.ID
	} else {
		WriteError(w, meeting.Errorf(meeting.Forbidden, "Chỉ thư ký của hội nghị hoặc quản trị viên mới gắn được tài khoản", "only a secretary of the meeting or an administrator may link an account"))
		return
	}
	var req struct {
		Account string `json:"account"`
	}
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	if _, ok, err := a.read.Participant(r.Context(), m, pid); err != nil {
		WriteError(w, err)
		return
	} else if !ok {
		WriteError(w, meeting.Errorf(meeting.NotFound, "Không có đại biểu %q trong hội nghị", "no participant %q in this meeting", pid))
		return
	}
	if err := a.acc.Link(r.Context(), strings.ToLower(strings.TrimSpace(req.Account)), storage.AccountLink{Meeting: m, Participant: pid}); err != nil {
		WriteError(w, err)
		return
	}
	a.log.Info("account linked", "meeting", m, "participant", pid, "account", req.Account, "by", by)
	w.WriteHeader(http.StatusNoContent)
}

// ---------------------------------------------------------------------------
// Single sign-on

func (a *AccountsAPI) ssoLogin(w http.ResponseWriter, r *http.Request) {
	if a.sso == nil {
		WriteError(w, meeting.Errorf(meeting.NotFound, "Máy chủ chưa cấu hình đăng nhập một lần (SSO)", "single sign-on is not configured"))
		return
	}
	if a.limited(w, r, "sso") {
		return
	}
	u, pend, err := a.sso.Begin(r.Context())
	if err != nil {
		WriteError(w, err)
		return
	}
	b, _ := json.Marshal(pend)
	// Lax: the provider sends the browser back with a top-level GET from
	// its own site.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/api/v1/account/sso/",
		Expires: pend.Expires, HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, u, http.StatusFound)
}

func (a *AccountsAPI) ssoCallback(w http.ResponseWriter, r *http.Request) {
	if a.sso == nil {
		WriteError(w, meeting.Errorf(meeting.NotFound, "Máy chủ chưa cấu hình đăng nhập một lần (SSO)", "single sign-on is not configured"))
		return
	}
	if a.limited(w, r, "sso") {
		return
	}
	var pend account.SSOPending
	if c, err := r.Cookie(ssoCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
			_ = json.Unmarshal(b, &pend)
		}
	}
	clearCookie(w, r, ssoCookie, "/api/v1/account/sso/")
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		a.log.Warn("single sign-on: the provider answered an error", "error", e, "from", clientAddr(r))
		http.Redirect(w, r, "/?sso=failed", http.StatusFound)
		return
	}
	s, err := a.sso.Finish(r.Context(), pend, q.Get("state"), q.Get("code"), clientAddr(r))
	if err != nil {
		http.Redirect(w, r, "/?sso="+url.QueryEscape(string(meeting.ErrorCode(err))), http.StatusFound)
		return
	}
	setAccountCookie(w, r, s)
	http.Redirect(w, r, "/", http.StatusFound)
}

// ---------------------------------------------------------------------------
// Administration

// admin authenticates an administrator: an account session of an
// administrator, or the node's admin token (recovery).
func (a *AccountsAPI) adminSession(r *http.Request) (account.Session, error) {
	if h := r.Header.Get("Authorization"); len(a.admin) > 0 && strings.HasPrefix(h, "Bearer ") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))), a.admin) == 1 {
		a.log.Info("account administration with the node's admin token", "path", r.URL.Path, "from", clientAddr(r))
		return account.Recovery, nil
	}
	s, _, err := a.session(r, false)
	return s, err
}

func (a *AccountsAPI) list(w http.ResponseWriter, r *http.Request) {
	s, err := a.adminSession(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	list, err := a.acc.List(r.Context(), s)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"accounts": list})
}

func (a *AccountsAPI) add(w http.ResponseWriter, r *http.Request) {
	s, err := a.adminSession(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	var req account.NewAccount
	if err := readJSON(r, &req); err != nil {
		WriteError(w, err)
		return
	}
	acc, pw, err := a.acc.Create(r.Context(), s, req)
	if err != nil {
		WriteError(w, err)
		return
	}
	WriteJSON(w, http.StatusCreated, map[string]any{"account": acc, "password": pw})
}

func (a *AccountsAPI) manage(w http.ResponseWriter, r *http.Request) {
	s, err := a.adminSession(r)
	if err != nil {
		WriteError(w, err)
		return
	}
	id := r.PathValue("id")
	switch r.PathValue("action") {
	case "disable", "enable":
		disable := r.PathValue("action") == "disable"
		acc, err := a.acc.SetDisabled(r.Context(), s, id, disable)
		if err != nil {
			WriteError(w, err)
			return
		}
		if !disable {
			WriteJSON(w, http.StatusOK, map[string]any{"account": acc})
			return
		}
		// The account's own sessions are refused from now on; the meeting
		// sessions it opened are revoked in their meetings' logs. Should
		// a meeting fail, the account stays disabled and disabling it
		// again ends what is left.
		n, err := a.meets.EndAccountSessions(r.Context(), id, s.Account.ID)
		if err != nil {
			WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, map[string]any{"account": acc, "sessions_ended": n})
	case "reset-password":
		var req struct {
			Password string `json:"password"`
		}
		if r.ContentLength != 0 {
			if err := readJSON(r, &req); err != nil {
				WriteError(w, err)
				return
			}
		}
		pw, err := a.acc.ResetPassword(r.Context(), s, id, req.Password)
		if err != nil {
			WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, map[string]string{"password": pw})
	case "reset-totp":
		if err := a.acc.ResetTOTP(r.Context(), s, id); err != nil {
			WriteError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		WriteError(w, meeting.Errorf(meeting.NotFound, "Không có thao tác %q", "no action %q", r.PathValue("action")))
	}
}
