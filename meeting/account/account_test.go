package account_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/account/oidctest"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
)

// clock is a settable time for the service.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	svc   *account.Service
	store storage.Accounts
	clock *clock
	key   []byte // the first administrator's TOTP key
}

const (
	setupSecret = "setup-secret-for-tests"
	adminPW     = "mật khẩu của Hương 2026"
)

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	c := &clock{now: time.Date(2026, 12, 3, 8, 0, 15, 0, time.UTC)}
	// The store tells a session's expiry by the same clock as the service
	// that made it: on the real clock, the sessions of this fixed morning
	// expired at 20:00:15 UTC that day, and the tests failed from then on.
	st, err := bolt.Open(tb.TempDir(), bolt.Options{NoSync: true, PurgeEvery: -1, Now: c.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	svc := account.New(st, account.Options{
		Params: account.Params{Memory: 64, Time: 1, Threads: 1}, SetupSecret: setupSecret,
		Now: c.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	return &fixture{svc: svc, store: st, clock: c}
}

// setup creates the first administrator "huong" and returns its session.
func (f *fixture) setup(tb testing.TB) account.Session {
	tb.Helper()
	en := f.svc.NewEnrolment("huong")
	key, err := account.DecodeSecret(en.Secret)
	if err != nil {
		tb.Fatal(err)
	}
	f.key = key
	sess, err := f.svc.Setup(tb.Context(), setupSecret, account.NewAccount{ID: "huong", Name: "Nguyễn Thị Hương", Password: adminPW},
		en.Secret, account.TOTPCode(key, f.clock.Now()))
	if err != nil {
		tb.Fatalf("Setup: %v", err)
	}
	f.clock.Add(30 * time.Second) // the code just used is spent
	return sess
}

func (f *fixture) code() string { return account.TOTPCode(f.key, f.clock.Now()) }

func wantCode(tb testing.TB, err error, code meeting.Code) {
	tb.Helper()
	if got := meeting.ErrorCode(err); got != code {
		tb.Fatalf("err = %v (code %q), want code %q", err, got, code)
	}
}

func TestSetupOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if need, err := f.svc.SetupNeeded(ctx); err != nil || !need {
		t.Fatalf("SetupNeeded(fresh) = %v, %v", need, err)
	}
	en := f.svc.NewEnrolment("huong")
	key, _ := account.DecodeSecret(en.Secret)
	n := account.NewAccount{ID: "huong", Name: "Nguyễn Thị Hương", Password: adminPW}
	_, err := f.svc.Setup(ctx, "wrong secret", n, en.Secret, account.TOTPCode(key, f.clock.Now()))
	wantCode(t, err, meeting.Unauthorized)
	_, err = f.svc.Setup(ctx, setupSecret, n, en.Secret, "000000")
	if account.TOTPCode(key, f.clock.Now()) != "000000" {
		wantCode(t, err, meeting.Invalid)
	}
	weak := n
	weak.Password = "short"
	_, err = f.svc.Setup(ctx, setupSecret, weak, en.Secret, account.TOTPCode(key, f.clock.Now()))
	wantCode(t, err, meeting.Invalid)

	sess := f.setup(t)
	if !sess.Account.Admin || !sess.Account.TOTP || sess.Pending || sess.Token == "" {
		t.Fatalf("first administrator's session = %+v", sess)
	}
	// The attack: a second administrator through the first-run page, even
	// with the right setup secret.
	en2 := f.svc.NewEnrolment("mallory")
	key2, _ := account.DecodeSecret(en2.Secret)
	_, err = f.svc.Setup(ctx, setupSecret, account.NewAccount{ID: "mallory", Name: "Mallory", Password: "mallory's password"}, en2.Secret, account.TOTPCode(key2, f.clock.Now()))
	wantCode(t, err, meeting.Forbidden)
	if _, err := f.store.GetAccount(ctx, "mallory"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a second administrator was stored: %v", err)
	}
	if need, _ := f.svc.SetupNeeded(ctx); need {
		t.Fatal("SetupNeeded after set-up")
	}
}

func TestSetupRace(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			en := f.svc.NewEnrolment("a")
			key, _ := account.DecodeSecret(en.Secret)
			id := string(rune('a'+i)) + "dmin"
			if _, err := f.svc.Setup(ctx, setupSecret, account.NewAccount{ID: id, Name: "A", Password: adminPW}, en.Secret, account.TOTPCode(key, f.clock.Now())); err == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	list, _ := f.store.ListAccounts(ctx)
	if ok.Load() != 1 || len(list) != 1 {
		t.Fatalf("%d set-ups succeeded, %d accounts stored; want 1", ok.Load(), len(list))
	}
}

func TestLoginPasswordAndTOTP(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.setup(t)
	for _, c := range []struct {
		name, id, pw string
		code         func() string
		want         meeting.Code
	}{
		{"unknown account", "nobody", adminPW, f.code, meeting.Unauthorized},
		{"wrong password", "huong", "wrong password!", f.code, meeting.Unauthorized},
		{"no code", "huong", adminPW, func() string { return "" }, meeting.Unauthorized},
		{"code two steps old", "huong", adminPW, func() string { return account.TOTPCode(f.key, f.clock.Now().Add(-time.Minute)) }, meeting.Unauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.Login(ctx, c.id, c.pw, c.code(), "192.0.2.1")
			wantCode(t, err, c.want)
		})
	}
	// The right password and code; the login name in another case.
	code := f.code()
	sess, err := f.svc.Login(ctx, " Huong ", adminPW, code, "192.0.2.1")
	if err != nil || sess.Token == "" || sess.Pending {
		t.Fatalf("Login = %+v, %v", sess, err)
	}
	got, err := f.svc.Authenticate(ctx, sess.Token)
	if err != nil || got.Account.ID != "huong" || got.Token != "" {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	// Replay of the code just used (someone looking over the shoulder).
	_, err = f.svc.Login(ctx, "huong", adminPW, code, "192.0.2.9")
	wantCode(t, err, meeting.Unauthorized)
	// The token is stored hashed: the store has no key equal to it.
	if _, err := f.store.GetAccountSession(ctx, sess.Token); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the session is stored under its token: %v", err)
	}
	if err := f.svc.Logout(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(ctx, sess.Token)
	wantCode(t, err, meeting.Unauthorized)
}

func TestConcurrentReplayOneWins(t *testing.T) {
	f := newFixture(t)
	f.setup(t)
	code := f.code()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := f.svc.Login(t.Context(), "huong", adminPW, code, "192.0.2.1"); err == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d sign-ins with one code succeeded, want 1", ok.Load())
	}
}

// TestPasswordGuessingLocksOut is the attack: a loop guessing passwords
// is locked out after five failures, and while locked even the right
// password (and code) is refused; the lock doubles with each failure.
func TestPasswordGuessingLocksOut(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.setup(t)
	guesses := []string{"123456", "password", "huong2026", "Hương123", "vanphong", "matkhau", "admin", "dais"}
	locked := -1
	for i, g := range guesses {
		_, err := f.svc.Login(ctx, "huong", g, f.code(), "203.0.113.7")
		var th *account.ThrottledError
		if errors.As(err, &th) {
			locked = i
			break
		}
		wantCode(t, err, meeting.Unauthorized)
	}
	if locked != 4 {
		t.Fatalf("locked after guess %d, want the 5th", locked+1)
	}
	_, err := f.svc.Login(ctx, "huong", adminPW, f.code(), "192.0.2.1")
	var th *account.ThrottledError
	if !errors.As(err, &th) || th.RetryAfter <= 0 || th.RetryAfter > time.Minute {
		t.Fatalf("the right password while locked: %v, want throttled ≤ 1 min", err)
	}
	f.clock.Add(61 * time.Second)
	_, err = f.svc.Login(ctx, "huong", "still guessing", f.code(), "203.0.113.7")
	if !errors.As(err, &th) || th.RetryAfter <= time.Minute || th.RetryAfter > 2*time.Minute {
		t.Fatalf("a 6th wrong guess: %v, want locked for 2 minutes", err)
	}
	f.clock.Add(2*time.Minute + time.Second)
	if _, err := f.svc.Login(ctx, "huong", adminPW, f.code(), "192.0.2.1"); err != nil {
		t.Fatalf("after the lock the right password: %v", err)
	}
	a, _ := f.store.GetAccount(ctx, "huong")
	if a.FailedLogins != 0 {
		t.Fatalf("failures after a success = %d", a.FailedLogins)
	}
}

func TestAdminManagesAccounts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	admin := f.setup(t)
	acc, pw, err := f.svc.Create(ctx, admin, account.NewAccount{ID: "an.le", Name: "Lê Văn An", Email: "An@VP.example"})
	if err != nil || pw == "" || acc.TOTP || acc.Admin || acc.Email != "an@vp.example" {
		t.Fatalf("Create = %+v, %q, %v", acc, pw, err)
	}
	_, _, err = f.svc.Create(ctx, admin, account.NewAccount{ID: "an.le", Name: "Other"})
	wantCode(t, err, meeting.Conflict)
	_, _, err = f.svc.Create(ctx, admin, account.NewAccount{ID: "Bad Name!", Name: "X"})
	wantCode(t, err, meeting.Invalid)
	_, _, err = f.svc.Create(ctx, admin, account.NewAccount{ID: "other", Name: "X", Email: "an@vp.example"})
	wantCode(t, err, meeting.Conflict)

	// The first sign-in enrols a second factor: a pending session that may
	// do nothing else.
	pend, err := f.svc.Login(ctx, "an.le", pw, "", "192.0.2.2")
	if err != nil || !pend.Pending {
		t.Fatalf("first sign-in = %+v, %v; want pending", pend, err)
	}
	_, err = f.svc.Authenticate(ctx, pend.Token)
	wantCode(t, err, meeting.Forbidden)
	_, err = f.svc.List(ctx, pend)
	wantCode(t, err, meeting.Forbidden)
	en := f.svc.NewEnrolment("an.le")
	key, _ := account.DecodeSecret(en.Secret)
	_, err = f.svc.ConfirmTOTP(ctx, pend.Token, en.Secret, "12345")
	wantCode(t, err, meeting.Invalid)
	full, err := f.svc.ConfirmTOTP(ctx, pend.Token, en.Secret, account.TOTPCode(key, f.clock.Now()))
	if err != nil || full.Pending || !full.Account.TOTP {
		t.Fatalf("ConfirmTOTP = %+v, %v", full, err)
	}
	an, err := f.svc.Authenticate(ctx, pend.Token)
	if err != nil {
		t.Fatalf("the session after enrolment: %v", err)
	}
	// Not an administrator.
	_, _, err = f.svc.Create(ctx, an, account.NewAccount{ID: "x1", Name: "X"})
	wantCode(t, err, meeting.Forbidden)
	wantCode(t, f.svc.ResetTOTP(ctx, an, "huong"), meeting.Forbidden)

	// Reset the password: sessions end, the new one works.
	newPW, err := f.svc.ResetPassword(ctx, admin, "an.le", "")
	if err != nil || newPW == "" {
		t.Fatalf("ResetPassword = %q, %v", newPW, err)
	}
	f.clock.Add(time.Second)
	_, err = f.svc.Authenticate(ctx, pend.Token)
	wantCode(t, err, meeting.Unauthorized)
	f.clock.Add(30 * time.Second)
	if _, err := f.svc.Login(ctx, "an.le", newPW, account.TOTPCode(key, f.clock.Now()), "192.0.2.2"); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
	// Reset the second factor: the next sign-in is pending again.
	if err := f.svc.ResetTOTP(ctx, admin, "an.le"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Second)
	if s, err := f.svc.Login(ctx, "an.le", newPW, "", "192.0.2.2"); err != nil || !s.Pending {
		t.Fatalf("sign-in after the TOTP reset = %+v, %v; want pending", s, err)
	}
	// Disable: refused at sign-in, sessions end.
	s2, _ := f.svc.Login(ctx, "an.le", newPW, "", "192.0.2.2")
	if _, err := f.svc.SetDisabled(ctx, admin, "an.le", true); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Login(ctx, "an.le", newPW, "", "192.0.2.2")
	wantCode(t, err, meeting.Unauthorized)
	_, err = f.svc.ConfirmTOTP(ctx, s2.Token, en.Secret, account.TOTPCode(key, f.clock.Now()))
	wantCode(t, err, meeting.Unauthorized)
	// The last administrator cannot be disabled.
	_, err = f.svc.SetDisabled(ctx, admin, "huong", true)
	wantCode(t, err, meeting.Conflict)
	// The node's admin token (recovery) may reset the administrator's
	// second factor.
	if err := f.svc.ResetTOTP(ctx, account.Recovery, "huong"); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.List(ctx, account.Recovery)
	if err != nil || len(list) != 2 || list[1].ID != "huong" || list[1].TOTP || !list[0].Disabled {
		t.Fatalf("List = %+v, %v", list, err)
	}
}

// ssoFixture is a service with single sign-on through a provider started
// by the test.
func ssoFixture(t *testing.T) (*fixture, *oidctest.Provider, *account.SSO) {
	f := newFixture(t)
	f.clock.now = time.Now() // id tokens carry real times
	p := oidctest.Start(t, "dais", "client-secret")
	sso, err := account.NewSSO(account.SSOConfig{Issuer: p.URL, ClientID: "dais", ClientSecret: "client-secret",
		RedirectURL: "https://dais.example/api/v1/account/sso/callback"}, f.svc)
	if err != nil {
		t.Fatal(err)
	}
	return f, p, sso
}

// browse plays the browser: from the authorization URL to the callback's
// state and code.
func browse(t *testing.T, authURL string) (state, code string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %s", resp.Status)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return back.Query().Get("state"), back.Query().Get("code")
}

func TestSSO(t *testing.T) {
	f, p, sso := ssoFixture(t)
	ctx := t.Context()
	admin := f.setup(t)
	if _, _, err := f.svc.Create(ctx, admin, account.NewAccount{ID: "binh", Name: "Trần Thị Bình", Email: "binh@vp.example", SSOOnly: true}); err != nil {
		t.Fatal(err)
	}
	p.SetUser(oidctest.User{Subject: "u-1001", Email: "binh@vp.example", Verified: true, Name: "Trần Thị Bình"})

	authURL, pend, err := sso.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if q := u.Query(); q.Get("code_challenge_method") != "S256" || q.Get("nonce") != pend.Nonce || q.Get("state") != pend.State {
		t.Fatalf("authorization URL %s lacks PKCE, nonce or state", authURL)
	}
	state, code := browse(t, authURL)
	sess, err := sso.Finish(ctx, pend, state, code, "192.0.2.3")
	if err != nil || sess.Account.ID != "binh" || sess.Pending || sess.Token == "" {
		t.Fatalf("Finish = %+v, %v", sess, err)
	}
	if _, err := f.svc.Authenticate(ctx, sess.Token); err != nil {
		t.Fatalf("SSO session: %v", err)
	}
	// The identity is now bound by subject: another e-mail at the provider
	// still reaches the same account.
	p.SetUser(oidctest.User{Subject: "u-1001", Email: "binh.tran@vp.example", Verified: true})
	authURL, pend, _ = sso.Begin(ctx)
	state, code = browse(t, authURL)
	if s, err := sso.Finish(ctx, pend, state, code, ""); err != nil || s.Account.ID != "binh" {
		t.Fatalf("second SSO sign-in = %+v, %v", s, err)
	}

	refusals := []struct {
		name   string
		user   oidctest.User
		tamper func(*oidctest.Claims)
		state  func(string) string
		pend   func(*account.SSOPending)
		code   func(string) string
	}{
		{name: "wrong state (CSRF)", state: func(string) string { return "forged-state" }},
		{name: "wrong nonce (replayed id token)", tamper: func(c *oidctest.Claims) { c.Nonce = "another nonce" }},
		{name: "wrong issuer", tamper: func(c *oidctest.Claims) { c.Issuer = "https://evil.example" }},
		{name: "wrong audience", tamper: func(c *oidctest.Claims) { c.Audience = []string{"another-client"} }},
		{name: "expired id token", tamper: func(c *oidctest.Claims) { c.Expiry = c.IssuedAt }},
		{name: "wrong PKCE verifier", pend: func(p *account.SSOPending) {
			// Another first character, always: "x"+v[1:] was v itself when v began with x (1 run in 64).
			first := "x"
			if p.Verifier[0] == 'x' {
				first = "y"
			}
			p.Verifier = first + p.Verifier[1:]
		}},
		{name: "code used twice", code: func(string) string { return "" }},
		{name: "pending sign-in too old", pend: func(p *account.SSOPending) { p.Expires = time.Now().Add(-time.Second) }},
		{name: "no account for this identity", user: oidctest.User{Subject: "u-2", Email: "stranger@vp.example", Verified: true}},
		{name: "unverified e-mail of an account", user: oidctest.User{Subject: "u-3", Email: "an@vp.example", Verified: false}},
	}
	if _, _, err := f.svc.Create(ctx, admin, account.NewAccount{ID: "an", Name: "An", Email: "an@vp.example", SSOOnly: true}); err != nil {
		t.Fatal(err)
	}
	var usedCode string
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			user := c.user
			if user.Subject == "" {
				user = oidctest.User{Subject: "u-1001", Email: "binh@vp.example", Verified: true}
			}
			p.SetUser(user)
			p.Tamper(c.tamper)
			defer p.Tamper(nil)
			authURL, pend, err := sso.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			state, code := browse(t, authURL)
			if c.state != nil {
				state = c.state(state)
			}
			if c.pend != nil {
				c.pend(&pend)
			}
			if c.code != nil {
				// Use the code once (successfully), then again.
				if _, err := sso.Finish(ctx, pend, state, code, ""); err != nil {
					t.Fatalf("first use: %v", err)
				}
				usedCode = code
				code = usedCode
			}
			s, err := sso.Finish(ctx, pend, state, code, "203.0.113.7")
			if err == nil {
				t.Fatalf("signed in as %q", s.Account.ID)
			}
			if got := meeting.ErrorCode(err); got != meeting.Unauthorized && got != meeting.Forbidden {
				t.Fatalf("err = %v, want unauthorized or forbidden", err)
			}
		})
	}
	// A disabled account cannot sign in through SSO either.
	if _, err := f.svc.SetDisabled(ctx, admin, "binh", true); err != nil {
		t.Fatal(err)
	}
	p.SetUser(oidctest.User{Subject: "u-1001", Email: "binh@vp.example", Verified: true})
	authURL, pend, _ = sso.Begin(ctx)
	state, code = browse(t, authURL)
	if _, err := sso.Finish(ctx, pend, state, code, ""); err == nil {
		t.Fatal("a disabled account signed in through SSO")
	}
}

// TestSSOWrongIssuer: a provider whose discovery names another issuer than
// the one configured is refused before anyone is sent to it.
func TestSSOWrongIssuer(t *testing.T) {
	f := newFixture(t)
	p := oidctest.Start(t, "dais", "s")
	sso, _ := account.NewSSO(account.SSOConfig{Issuer: p.URL + "/", ClientID: "dais", RedirectURL: "https://x/cb"}, f.svc)
	_, _, err := sso.Begin(t.Context())
	wantCode(t, err, meeting.Unavailable)
}

func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	admin := f.setup(t)
	wantCode(t, f.svc.ChangePassword(ctx, admin, "not the password", "a new long password"), meeting.Forbidden)
	wantCode(t, f.svc.ChangePassword(ctx, admin, adminPW, "short"), meeting.Invalid)
	if err := f.svc.ChangePassword(ctx, admin, adminPW, "a new long password"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Login(ctx, "huong", adminPW, f.code(), "")
	wantCode(t, err, meeting.Unauthorized)
	f.clock.Add(30 * time.Second)
	if _, err := f.svc.Login(ctx, "huong", "a new long password", f.code(), ""); err != nil {
		t.Fatalf("the new password: %v", err)
	}
}
