// Package account owns the accounts of an office: the secretaries, chairs
// and administrators who sign in with a password (argon2id) and a TOTP
// second factor, or through the office's single sign-on (OpenID Connect,
// sso.go); their sessions (a token of their own, stored hashed); the
// first-run set-up that creates the first administrator; and the links
// from an account to the participants of meetings it may open.
//
// Tablets do not have accounts: they join one meeting with an invitation
// code (package access). An account opens a meeting it is linked to by
// asking access for that participant's session.
//
// Concurrency: a Service is safe for concurrent use. Its state is the store
// and a semaphore that bounds the password hashes computed at once.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Options configures a Service. Zero values are what a server wants.
type Options struct {
	// Params of new password hashes. Zero: DefaultParams.
	Params Params
	// SessionTTL is how long an account session lasts. Zero: 12 hours
	// (a working day; a meeting session opened from it lasts as access
	// decides).
	SessionTTL time.Duration
	// Issuer names the server in authenticator apps. Zero: "Dais".
	Issuer string
	// MaxFailures is how many failed sign-ins in a row lock an account.
	// Zero: 5.
	MaxFailures int
	// LockFor is the first lockout; each further failure doubles it, up to
	// LockMax. Zero: 1 minute and 1 hour.
	LockFor, LockMax time.Duration
	// MaxHashing bounds the password hashes computed at once (each takes
	// Params.Memory). Zero: 2.
	MaxHashing int
	// SetupSecret is what the first-run page must be given to create the
	// first administrator. Empty: no first run through the web.
	SetupSecret string
	// Now tells the time. Zero: time.Now.
	Now func() time.Time
	// Logger receives failed sign-ins and account changes. Zero: slog.Default.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Params == (Params{}) {
		o.Params = DefaultParams
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Issuer == "" {
		o.Issuer = "Dais"
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = 5
	}
	if o.LockFor <= 0 {
		o.LockFor = time.Minute
	}
	if o.LockMax <= 0 {
		o.LockMax = time.Hour
	}
	if o.MaxHashing <= 0 {
		o.MaxHashing = 2
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Service manages accounts and their sessions.
type Service struct {
	store   storage.Accounts
	opt     Options
	hashing chan struct{}
	// dummy is a hash verified when the account does not exist, so that
	// an unknown id costs as much time as a wrong password; made at the
	// first need (a node that nobody signs in to computes none).
	dummyOnce sync.Once
	dummy     string
}

// New returns a Service over store.
func New(store storage.Accounts, opt Options) *Service {
	opt = opt.withDefaults()
	return &Service{store: store, opt: opt, hashing: make(chan struct{}, opt.MaxHashing)}
}

// Account is what people and clients see of an account: never its secrets.
type Account struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Email    string    `json:"email,omitempty"`
	Admin    bool      `json:"admin"`
	Disabled bool      `json:"disabled"`
	Password bool      `json:"password"` // signs in with a password
	TOTP     bool      `json:"totp"`     // has enrolled a second factor
	SSO      bool      `json:"sso"`      // bound to a single sign-on identity
	Locked   time.Time `json:"locked_until,omitzero"`
	Created  time.Time `json:"created,omitzero"`
}

func view(a storage.Account) Account {
	return Account{ID: a.ID, Name: a.Name, Email: a.Email, Admin: a.Admin, Disabled: a.Disabled,
		Password: a.PasswordHash != "", TOTP: len(a.TOTPSecret) > 0, SSO: a.Subject != "", Locked: a.LockedUntil, Created: a.Created}
}

// Session is a signed-in account. Token is only set when the session was
// just made (the client keeps it; the store keeps its hash).
type Session struct {
	Token   string    `json:"token,omitempty"`
	Account Account   `json:"account"`
	Expires time.Time `json:"expires"`
	// Pending: the password was right but no second factor is enrolled
	// yet; the session may only enrol one (BeginTOTP, ConfirmTOTP).
	Pending bool `json:"pending,omitempty"`
}

// NewAccount is what an administrator (or the first-run page) fills in.
type NewAccount struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Admin bool   `json:"admin,omitempty"`
	// Password: empty makes one (returned once) unless SSOOnly.
	Password string `json:"password,omitempty"`
	// SSOOnly accounts have no password: they sign in through single
	// sign-on only (matched by Email).
	SSOOnly bool `json:"sso_only,omitempty"`
}

// idPattern is an account id: a short login name that is also a valid
// participant id (an account creating a meeting is seated under it).
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,31}$`)

// MinPasswordLen is the shortest password accepted (NIST SP 800-63B asks
// for 8 with a second factor; a committee office's server holds more).
const MinPasswordLen = 10

// maxPasswordLen bounds what is hashed.
const maxPasswordLen = 256

func (n *NewAccount) check() error {
	n.ID = strings.ToLower(strings.TrimSpace(n.ID))
	n.Name = strings.TrimSpace(n.Name)
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	if !idPattern.MatchString(n.ID) {
		return meeting.Errorf(meeting.Invalid,
			"Tên đăng nhập %q không hợp lệ: 2–32 ký tự chữ thường không dấu, số, dấu chấm, gạch ngang",
			"the login name %q is not valid: 2–32 lower-case letters a–z, digits, dots, dashes", n.ID)
	}
	if n.Name == "" || utf8.RuneCountInString(n.Name) > 120 {
		return meeting.Errorf(meeting.Invalid, "Cần họ và tên (tối đa 120 ký tự)", "a name is needed (at most 120 characters)")
	}
	if n.Email != "" && (!strings.Contains(n.Email, "@") || len(n.Email) > 254) {
		return meeting.Errorf(meeting.Invalid, "Địa chỉ thư điện tử %q không hợp lệ", "the e-mail address %q is not valid", n.Email)
	}
	if n.SSOOnly && n.Email == "" {
		return meeting.Errorf(meeting.Invalid, "Tài khoản chỉ đăng nhập một lần (SSO) cần địa chỉ thư điện tử", "an account that signs in through single sign-on only needs an e-mail address")
	}
	if n.Password != "" {
		return checkPassword(n.Password)
	}
	return nil
}

func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen || len(pw) > maxPasswordLen {
		return meeting.Errorf(meeting.Invalid, "Mật khẩu cần từ %d đến %d ký tự", "a password needs %d to %d characters", MinPasswordLen, maxPasswordLen)
	}
	return nil
}

// hash computes a password hash, at most MaxHashing at once.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	h, err := HashPassword(pw, s.opt.Params)
	if err != nil {
		return "", internal(err)
	}
	return h, nil
}

func (s *Service) verify(ctx context.Context, encoded, pw string) (bool, error) {
	if len(pw) > maxPasswordLen {
		return false, nil
	}
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	return VerifyPassword(encoded, pw), nil
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return meeting.Errorf(meeting.Unavailable, "Máy chủ đang bận; xin thử lại", "the server is busy; try again").WithCause(ctx.Err())
	}
}

func (s *Service) release() { <-s.hashing }

// randomPassword makes a password for an account created without one:
// 16 characters without look-alikes (≈ 80 bits), to be changed.
func randomPassword() string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i, x := range b {
		b[i] = alphabet[int(x)%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12]) + "-" + string(b[12:])
}

// tokenHash is the key a session is stored under: the token itself is
// never stored.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newSession stores a session for a and returns it with its token.
func (s *Service) newSession(ctx context.Context, a storage.Account, pending bool) (Session, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Session{}, internal(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.opt.Now()
	rec := storage.AccountSession{Account: a.ID, Created: now, Expires: now.Add(s.opt.SessionTTL), Pending: pending}
	if err := s.store.PutAccountSession(ctx, tokenHash(token), rec); err != nil {
		return Session{}, unavailable(err)
	}
	return Session{Token: token, Account: view(a), Expires: rec.Expires, Pending: pending}, nil
}

// errSignIn is the one answer to a wrong id, password or code, so that a
// guesser learns nothing of which was wrong.
func errSignIn() error {
	return meeting.Errorf(meeting.Unauthorized,
		"Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng",
		"the login name, password or authentication code is wrong")
}

func errSession() error {
	return meeting.Errorf(meeting.Unauthorized,
		"Phiên đăng nhập tài khoản không hợp lệ hoặc đã hết hạn; xin đăng nhập lại",
		"the account session is invalid or expired; sign in again")
}

// ThrottledError refuses a sign-in while an account is locked after
// failed attempts (or an address is sending too many).
type ThrottledError struct {
	Refusal    *meeting.Error
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string { return e.Refusal.Error() }

// Unwrap lets errors.As find the *meeting.Error.
func (e *ThrottledError) Unwrap() error { return e.Refusal }

// Throttled returns a ThrottledError that asks to retry after d.
func Throttled(d time.Duration) error {
	mins := int((d + time.Minute - 1) / time.Minute)
	return &ThrottledError{
		Refusal: meeting.Errorf(meeting.Forbidden,
			"Đăng nhập sai quá nhiều lần; tài khoản tạm khóa, xin thử lại sau %d phút",
			"too many failed sign-ins; the account is locked, try again in %d minutes", mins),
		RetryAfter: d,
	}
}

// SetupNeeded reports whether the office has no account yet (the first-run
// page is shown).
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	has, err := s.store.HasAccounts(ctx)
	if err != nil {
		return false, unavailable(err)
	}
	return !has, nil
}

// Setup creates the first administrator, with a password and an enrolled
// TOTP key (the code shows the app holds it), given the setup secret that
// daisd printed at start. It works once: after any account exists it is
// refused, also when two set-ups race.
func (s *Service) Setup(ctx context.Context, secret string, n NewAccount, totpSecret, code string) (Session, error) {
	refused := meeting.Errorf(meeting.Forbidden,
		"Máy chủ đã được thiết lập; xin đăng nhập",
		"this server is set up already; sign in")
	if need, err := s.SetupNeeded(ctx); err != nil {
		return Session{}, err
	} else if !need {
		return Session{}, refused
	}
	if s.opt.SetupSecret == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(secret)), []byte(s.opt.SetupSecret)) != 1 {
		s.opt.Logger.Warn("first-run set-up refused: wrong setup secret")
		return Session{}, meeting.Errorf(meeting.Unauthorized,
			"Mã thiết lập không đúng; mã này in trong nhật ký của daisd khi khởi động",
			"the setup secret is wrong; daisd prints it in its log at start")
	}
	n.Admin, n.SSOOnly = true, false
	if n.Password == "" {
		return Session{}, checkPassword("")
	}
	if err := n.check(); err != nil {
		return Session{}, err
	}
	key, err := DecodeSecret(totpSecret)
	if err != nil {
		return Session{}, meeting.Errorf(meeting.Invalid, "Khóa xác thực hai lớp không hợp lệ", "the TOTP key is not valid")
	}
	now := s.opt.Now()
	step, ok := checkTOTP(key, code, now, 0)
	if !ok {
		return Session{}, meeting.Errorf(meeting.Invalid,
			"Mã xác thực không đúng: kiểm tra đồng hồ của điện thoại và nhập mã đang hiện",
			"the authentication code is wrong: check the phone's clock and type the code it shows now")
	}
	h, err := s.hash(ctx, n.Password)
	if err != nil {
		return Session{}, err
	}
	a := storage.Account{ID: n.ID, Name: n.Name, Email: n.Email, Admin: true, PasswordHash: h,
		TOTPSecret: key, TOTPLastStep: step, Created: now}
	if err := s.store.CreateAccount(ctx, a, true); errors.Is(err, storage.ErrExists) {
		return Session{}, refused
	} else if err != nil {
		return Session{}, unavailable(err)
	}
	s.opt.Logger.Info("first administrator created", "account", a.ID)
	return s.newSession(ctx, a, false)
}

// Login signs an account in with its password and, once enrolled, its TOTP
// code. An account without a second factor gets a pending session that may
// only enrol one. Failed attempts are counted on the account: after
// MaxFailures in a row it is locked for LockFor, doubling with each further
// failure up to LockMax; while locked no password is even tried.
func (s *Service) Login(ctx context.Context, id, password, code, from string) (Session, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	log := s.opt.Logger.With("account", id, "from", from)
	a, err := s.store.GetAccount(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (a.Disabled || a.PasswordHash == "")) {
		// As slow as a wrong password: an unknown id is not told apart.
		s.dummyOnce.Do(func() { s.dummy, _ = HashPassword("dais: no such account", s.opt.Params) })
		if _, err := s.verify(ctx, s.dummy, password); err != nil {
			return Session{}, err
		}
		log.Warn("sign-in refused", "reason", refusal(err, a))
		return Session{}, errSignIn()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	now := s.opt.Now()
	if now.Before(a.LockedUntil) {
		log.Warn("sign-in refused", "reason", "locked", "until", a.LockedUntil)
		return Session{}, Throttled(a.LockedUntil.Sub(now))
	}
	ok, err := s.verify(ctx, a.PasswordHash, password)
	if err != nil {
		return Session{}, err
	}
	var step int64
	reason := "wrong password"
	if ok && len(a.TOTPSecret) > 0 {
		reason = "wrong or used code"
		step, ok = checkTOTP(a.TOTPSecret, code, now, a.TOTPLastStep)
	}
	if !ok {
		return Session{}, s.failed(ctx, id, now, log, reason)
	}
	rehash := ""
	if needsRehash(a.PasswordHash, s.opt.Params) {
		rehash, _ = s.hash(ctx, password)
	}
	replayed := false
	a, err = s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		// Checked again on the latest version: a code may be used by two
		// sign-ins at once, and only one of them gets in.
		replayed = step != 0 && step <= a.TOTPLastStep
		if replayed || a.Disabled || now.Before(a.LockedUntil) {
			return errSignIn()
		}
		if step != 0 {
			a.TOTPLastStep = step
		}
		a.FailedLogins, a.LockedUntil = 0, time.Time{}
		if rehash != "" {
			a.PasswordHash = rehash
		}
		return nil
	})
	if err != nil {
		if meeting.ErrorCode(err) == meeting.Unauthorized {
			return Session{}, s.failed(ctx, id, now, log, "code replayed")
		}
		return Session{}, unavailable(err)
	}
	pending := len(a.TOTPSecret) == 0
	log.Info("signed in", "pending_totp", pending)
	return s.newSession(ctx, a, pending)
}

func refusal(err error, a storage.Account) string {
	switch {
	case err != nil:
		return "no such account"
	case a.Disabled:
		return "disabled"
	default:
		return "no password (single sign-on only)"
	}
}

// failed counts a failed sign-in and locks the account when there were too
// many.
func (s *Service) failed(ctx context.Context, id string, now time.Time, log *slog.Logger, reason string) error {
	var locked time.Time
	a, err := s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		a.FailedLogins++
		if over := a.FailedLogins - s.opt.MaxFailures; over >= 0 {
			d := s.opt.LockFor
			for i := 0; i < over && d < s.opt.LockMax; i++ {
				d *= 2
			}
			a.LockedUntil = now.Add(min(d, s.opt.LockMax))
			locked = a.LockedUntil
		}
		return nil
	})
	if err != nil {
		return unavailable(err)
	}
	log.Warn("sign-in refused", "reason", reason, "failures", a.FailedLogins)
	if !locked.IsZero() {
		log.Warn("account locked after failed sign-ins", "until", locked)
		return Throttled(locked.Sub(now))
	}
	return errSignIn()
}

// Authenticate returns the full session of a token; pending sessions,
// expired or revoked ones, and those of disabled accounts are refused.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	sess, err := s.Lookup(ctx, token)
	if err != nil {
		return Session{}, err
	}
	if sess.Pending {
		return Session{}, meeting.Errorf(meeting.Forbidden,
			"Cần đăng ký xác thực hai lớp trước", "enrol a second factor first")
	}
	return sess, nil
}

// Lookup returns the session of a token, pending or not.
func (s *Service) Lookup(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 256 {
		return Session{}, errSession()
	}
	rec, err := s.store.GetAccountSession(ctx, tokenHash(token))
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, errSession()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	a, err := s.store.GetAccount(ctx, rec.Account)
	if errors.Is(err, storage.ErrNotFound) {
		return Session{}, errSession()
	}
	if err != nil {
		return Session{}, unavailable(err)
	}
	if a.Disabled || (!a.SessionsAfter.IsZero() && !rec.Created.After(a.SessionsAfter)) {
		return Session{}, errSession()
	}
	return Session{Account: view(a), Expires: rec.Expires, Pending: rec.Pending}, nil
}

// Logout ends the session of a token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.store.DeleteAccountSession(ctx, tokenHash(token)); err != nil {
		return unavailable(err)
	}
	return nil
}

// Enrolment is a TOTP key offered to an account: shown as a QR code of
// URI (and typed as Secret), kept only once a code of it is confirmed.
type Enrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// NewEnrolment makes a fresh key for an account (or the first
// administrator, before it exists).
func (s *Service) NewEnrolment(account string) Enrolment {
	key := NewTOTPSecret()
	return Enrolment{Secret: EncodeSecret(key), URI: OTPAuthURI(s.opt.Issuer, account, key)}
}

// ConfirmTOTP enrols the key of an enrolment for the account of a session
// (pending or not, but never over a key already enrolled: an administrator
// resets it first) once code shows the app holds it. A pending session
// becomes a full one.
func (s *Service) ConfirmTOTP(ctx context.Context, token, secret, code string) (Session, error) {
	sess, err := s.Lookup(ctx, token)
	if err != nil {
		return Session{}, err
	}
	key, err := DecodeSecret(secret)
	if err != nil {
		return Session{}, meeting.Errorf(meeting.Invalid, "Khóa xác thực hai lớp không hợp lệ", "the TOTP key is not valid")
	}
	now := s.opt.Now()
	step, ok := checkTOTP(key, code, now, 0)
	if !ok {
		return Session{}, meeting.Errorf(meeting.Invalid,
			"Mã xác thực không đúng: kiểm tra đồng hồ của điện thoại và nhập mã đang hiện",
			"the authentication code is wrong: check the phone's clock and type the code it shows now")
	}
	a, err := s.store.UpdateAccount(ctx, sess.Account.ID, func(a *storage.Account) error {
		if len(a.TOTPSecret) > 0 {
			return meeting.Errorf(meeting.Conflict, "Tài khoản đã có xác thực hai lớp", "the account has a second factor already")
		}
		a.TOTPSecret, a.TOTPLastStep = key, step
		return nil
	})
	if err != nil {
		return Session{}, passOrUnavailable(err)
	}
	s.opt.Logger.Info("second factor enrolled", "account", a.ID)
	if sess.Pending {
		rec := storage.AccountSession{Account: a.ID, Created: now, Expires: sess.Expires}
		if err := s.store.PutAccountSession(ctx, tokenHash(token), rec); err != nil {
			return Session{}, unavailable(err)
		}
	}
	return Session{Account: view(a), Expires: sess.Expires}, nil
}

// ChangePassword replaces the password of the session's account, given
// the current one. (An administrator's reset-password also ends the
// account's sessions; a change by the owner keeps them.)
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next string) error {
	if err := checkPassword(next); err != nil {
		return err
	}
	a, err := s.store.GetAccount(ctx, sess.Account.ID)
	if err != nil {
		return passOrUnavailable(err)
	}
	if ok, err := s.verify(ctx, a.PasswordHash, current); err != nil {
		return err
	} else if !ok {
		return meeting.Errorf(meeting.Forbidden, "Mật khẩu hiện tại không đúng", "the current password is wrong")
	}
	h, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateAccount(ctx, a.ID, func(a *storage.Account) error {
		a.PasswordHash = h
		return nil
	})
	return passOrUnavailable(err)
}

func internal(err error) error {
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống", "internal error").WithCause(err)
}

func unavailable(err error) error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return err
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; xin thử lại",
		"the store is unavailable; try again").WithCause(err)
}

// passOrUnavailable keeps refusals (*meeting.Error) and turns a missing
// account into NotFound, anything else into Unavailable.
func passOrUnavailable(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, storage.ErrNotFound) {
		return meeting.Errorf(meeting.NotFound, "Không có tài khoản này", "no such account")
	}
	return unavailable(err)
}
