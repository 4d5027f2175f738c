package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/account/oidctest"
)

// fastHashes keep the tests quick; production uses account.DefaultParams.
var fastHashes = account.Params{Memory: 64, Time: 1, Threads: 1}

// startAccountNode starts a fresh node (no account) with a known setup
// secret and, when issuer is set, single sign-on.
func startAccountNode(tb testing.TB, adminToken string, sso account.SSOConfig) *node {
	tb.Helper()
	n, err := startNode(context.Background(), config{
		Listen: "127.0.0.1:0", Data: tb.TempDir(), Name: "test", AdminToken: adminToken,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts: accountsConfig{SetupSecret: "TEST-SETUP-SECRET", Params: fastHashes, SSO: sso},
	})
	if err != nil {
		tb.Fatalf("starting the node: %v", err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	return n
}

// browser is an HTTP client with cookies, as a browser on this origin.
type browser struct {
	tb   testing.TB
	base string
	c    *http.Client
}

func newBrowser(tb testing.TB, n *node) *browser {
	jar, _ := cookiejar.New(nil)
	// Every exchange with the node is checked against docs/openapi.yaml
	// (openapi_test.go).
	return &browser{tb: tb, base: baseURL(n), c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		Transport:     &contractTransport{tb: tb, host: n.Addr(), api: sharedContract(tb)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// call sends a JSON request (with Origin as a browser would) and decodes
// the answer into out; it returns the status.
func (b *browser) call(method, path string, body any, out any, header ...string) int {
	b.tb.Helper()
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, b.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", b.base)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			b.tb.Fatalf("%s %s: %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

type enrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// firstRun creates the administrator "huong" through the first-run API and
// returns its TOTP key.
func firstRun(tb testing.TB, b *browser) []byte {
	tb.Helper()
	var en enrolment
	if st := b.call("POST", "/api/v1/setup/enrolment", map[string]string{"id": "huong"}, &en); st != 200 || !strings.HasPrefix(en.URI, "otpauth://totp/") {
		tb.Fatalf("setup enrolment: %d %+v", st, en)
	}
	key, _ := account.DecodeSecret(en.Secret)
	var sess account.Session
	st := b.call("POST", "/api/v1/setup", map[string]string{"setup_secret": "TEST-SETUP-SECRET", "id": "huong", "name": "Nguyễn Thị Hương",
		"password": "mật khẩu của Hương 2026", "totp_secret": en.Secret, "totp_code": account.TOTPCode(key, time.Now())}, &sess)
	if st != http.StatusCreated || !sess.Account.Admin {
		tb.Fatalf("setup: %d %+v", st, sess)
	}
	return key
}

// TestFirstRunAndAccounts plays the first run and an account's day over
// HTTP: the setup page creates one administrator and is gone; the
// administrator creates a meeting and an account; a guessing loop is
// refused; the node's admin token recovers.
func TestFirstRunAndAccounts(t *testing.T) {
	n := startAccountNode(t, "node-admin-token", account.SSOConfig{})
	b := newBrowser(t, n)
	var opts map[string]any
	if b.call("GET", "/api/v1/account/options", nil, &opts); opts["setup"] != true || opts["sso"] != false {
		t.Fatalf("options on a fresh node = %v", opts)
	}
	// Without the setup secret: refused, nothing created.
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if st := b.call("POST", "/api/v1/setup", map[string]string{"setup_secret": "guess", "id": "eve", "name": "Eve", "password": "eve's long password", "totp_secret": "JBSWY3DPEHPK3PXP", "totp_code": "123456"}, &e); st != 401 {
		t.Fatalf("setup with a wrong secret: %d %+v", st, e)
	}
	key := firstRun(t, b)
	if b.call("GET", "/api/v1/account/options", nil, &opts); opts["setup"] != false {
		t.Fatal("the first-run page is still offered after set-up")
	}
	// The attack: a second administrator through the first-run page, with
	// the right secret, from another browser.
	eve := newBrowser(t, n)
	if st := eve.call("POST", "/api/v1/setup/enrolment", map[string]string{"id": "eve"}, nil); st != 404 {
		t.Fatalf("setup enrolment after set-up: %d, want 404", st)
	}
	en := account.NewTOTPSecret()
	if st := eve.call("POST", "/api/v1/setup", map[string]string{"setup_secret": "TEST-SETUP-SECRET", "id": "eve", "name": "Eve",
		"password": "eve's long password", "totp_secret": account.EncodeSecret(en), "totp_code": account.TOTPCode(en, time.Now())}, &e); st != 404 {
		t.Fatalf("a second set-up: %d %+v, want 404", st, e)
	}

	// The cookie signs the browser in: the administrator creates a meeting
	// in the browser, without a code or the node's admin token.
	var me account.Session
	if st := b.call("GET", "/api/v1/account", nil, &me); st != 200 || me.Account.ID != "huong" || me.Token != "" {
		t.Fatalf("GET /account: %d %+v", st, me)
	}
	var withSession struct {
		Setup   bool
		Session *account.Session
	}
	if b.call("GET", "/api/v1/account/options", nil, &withSession); withSession.Session == nil || withSession.Session.Account.ID != "huong" {
		t.Fatalf("options with the cookie = %+v, want the session", withSession)
	}
	withSession.Session = nil
	if eve.call("GET", "/api/v1/account/options", nil, &withSession); withSession.Session != nil {
		t.Fatalf("options without a session = %+v", withSession)
	}
	var ms struct{ Token, Meeting, Participant, Role string }
	if st := b.call("POST", "/api/v1/account/meetings", map[string]string{"title": "Hội nghị Ban Chấp hành lần thứ 12", "starts_at": "2026-12-15T08:00:00+07:00", "place": "Hội trường A"}, &ms); st != 201 || ms.Role != "secretary" || ms.Participant != "huong" || ms.Token == "" {
		t.Fatalf("create meeting: %d %+v", st, ms)
	}
	var list struct {
		Meetings []struct{ Meeting, Title, Role string }
	}
	if b.call("GET", "/api/v1/account/meetings", nil, &list); len(list.Meetings) != 1 || list.Meetings[0].Meeting != ms.Meeting || list.Meetings[0].Title != "Hội nghị Ban Chấp hành lần thứ 12" {
		t.Fatalf("account meetings = %+v", list)
	}
	// The meeting session works on the meeting's routes.
	if st := b.call("POST", "/api/v1/meetings/"+ms.Meeting+"/invitations", map[string][]string{}, nil, "Authorization", "Bearer "+ms.Token); st != 200 {
		t.Fatalf("invitations with the opened session: %d", st)
	}
	var opened struct{ Token, Meeting, Role string }
	if st := b.call("POST", "/api/v1/account/meetings/"+ms.Meeting+"/open", nil, &opened); st != 200 || opened.Token == "" || opened.Token == ms.Token || opened.Role != "secretary" {
		t.Fatalf("open: %d %+v", st, opened)
	}
	// A meeting made in the workspace (the meeting session of the
	// account's participant) is linked to the account too.
	var made struct{ Meeting string }
	if st := b.call("POST", "/api/v1/meetings", map[string]string{"title": "Phiên họp chuyên đề", "starts_at": "2026-12-20T08:00:00+07:00"}, &made, "Authorization", "Bearer "+ms.Token); st != 201 {
		t.Fatalf("create from the workspace: %d", st)
	}
	if b.call("GET", "/api/v1/account/meetings", nil, &list); len(list.Meetings) != 2 {
		t.Fatalf("account meetings after a workspace creation = %+v, want 2", list)
	}
	if st := b.call("POST", "/api/v1/account/meetings/"+made.Meeting+"/open", nil, nil); st != 200 {
		t.Fatalf("open the workspace-made meeting from the account: %d", st)
	}
	// Another site cannot use the cookie to act.
	if st := b.call("POST", "/api/v1/account/meetings", map[string]string{"title": "x", "starts_at": "2026-12-15T08:00:00Z"}, nil, "Origin", "https://evil.example"); st != 403 {
		t.Fatalf("cross-site POST with the cookie: %d, want 403", st)
	}

	// The administrator adds a chair's account; the chair signs in,
	// enrols a second factor, and is linked to the meeting by its secretary.
	var added struct {
		Account  account.Account
		Password string
	}
	if st := b.call("POST", "/api/v1/accounts", map[string]any{"id": "binh", "name": "Trần Văn Bình"}, &added); st != 201 || added.Password == "" {
		t.Fatalf("add account: %d %+v", st, added)
	}
	chair := newBrowser(t, n)
	var cs account.Session
	if st := chair.call("POST", "/api/v1/account/login", map[string]string{"id": "binh", "password": added.Password}, &cs); st != 200 || !cs.Pending {
		t.Fatalf("first sign-in: %d %+v", st, cs)
	}
	if st := chair.call("GET", "/api/v1/account/meetings", nil, nil); st != 403 {
		t.Fatalf("a pending session lists meetings: %d", st)
	}
	var cen enrolment
	chair.call("POST", "/api/v1/account/enrolment", nil, &cen)
	ckey, _ := account.DecodeSecret(cen.Secret)
	var full account.Session
	if st := chair.call("POST", "/api/v1/account/totp", map[string]string{"secret": cen.Secret, "code": account.TOTPCode(ckey, time.Now())}, &full); st != 200 || full.Pending || !full.Account.TOTP {
		t.Fatalf("enrol: %d %+v", st, full)
	}
	if st := chair.call("POST", "/api/v1/account/meetings/"+ms.Meeting+"/open", nil, nil); st != 403 {
		t.Fatalf("open an unlinked meeting: %d, want 403", st)
	}
	if st := chair.call("GET", "/api/v1/accounts", nil, nil); st != 403 {
		t.Fatalf("a non-administrator lists accounts: %d", st)
	}
	// Link the secretary's own participant to binh? No: add the chair first.
	// The secretary links itself-created participant "huong" only; a
	// participant that does not exist is refused.
	if st := b.call("POST", "/api/v1/meetings/"+ms.Meeting+"/participants/nobody/account", map[string]string{"account": "binh"}, nil, "Authorization", "Bearer "+ms.Token); st != 404 {
		t.Fatalf("link to a missing participant: %d", st)
	}
	if st := chair.call("POST", "/api/v1/meetings/"+ms.Meeting+"/participants/huong/account", map[string]string{"account": "binh"}, nil); st != 403 {
		t.Fatalf("a non-secretary links: %d, want 403", st)
	}

	// The attack: a password-guessing loop against the administrator. The
	// account locks after five failures (429) and the address is limited.
	guesser := newBrowser(t, n)
	statuses := map[int]int{}
	for i := range 12 {
		st := guesser.call("POST", "/api/v1/account/login", map[string]string{"id": "huong", "password": "guess number " + string(rune('a'+i)), "code": "000000"}, nil)
		statuses[st]++
	}
	if statuses[200] != 0 || statuses[401] != 4 || statuses[429] != 8 {
		t.Fatalf("guessing loop statuses = %v; want 4 × 401, then 429 from the 5th (locked)", statuses)
	}
	// While locked, even the right password and code are refused.
	if st := newBrowser(t, n).call("POST", "/api/v1/account/login", map[string]string{"id": "huong", "password": "mật khẩu của Hương 2026", "code": account.TOTPCode(key, time.Now())}, nil); st != 429 {
		t.Fatalf("the right password while locked: %d, want 429", st)
	}
	// Recovery: the node's admin token resets the lock (a password reset)
	// and the second factor.
	admin := newBrowser(t, n)
	var pw struct{ Password string }
	if st := admin.call("POST", "/api/v1/accounts/huong/reset-password", map[string]string{"password": "mật khẩu mới của Hương"}, &pw, "Authorization", "Bearer node-admin-token"); st != 200 {
		t.Fatalf("reset-password with the admin token: %d", st)
	}
	if st := admin.call("POST", "/api/v1/accounts/huong/reset-totp", nil, nil, "Authorization", "Bearer wrong-token"); st != 401 {
		t.Fatalf("a wrong admin token: %d, want 401", st)
	}
	if st := admin.call("POST", "/api/v1/accounts/huong/reset-totp", nil, nil, "Authorization", "Bearer node-admin-token"); st != 204 {
		t.Fatalf("reset-totp with the admin token: %d", st)
	}
	// The old browser session ended with the reset.
	if st := b.call("GET", "/api/v1/account/meetings", nil, nil); st != 401 {
		t.Fatalf("the session after a reset: %d, want 401", st)
	}
	var again account.Session
	if st := newBrowser(t, n).call("POST", "/api/v1/account/login", map[string]string{"id": "huong", "password": "mật khẩu mới của Hương"}, &again); st != 200 || !again.Pending {
		t.Fatalf("sign-in after recovery: %d %+v, want a pending session (enrol again)", st, again)
	}
}

// TestAddressRateLimit: many accounts guessed from one address are
// refused by the address's limit, not only by each account's lock.
func TestAddressRateLimit(t *testing.T) {
	n := startAccountNode(t, "", account.SSOConfig{})
	b := newBrowser(t, n)
	firstRun(t, b)
	g := newBrowser(t, n)
	limited := 0
	for i := range 30 {
		if st := g.call("POST", "/api/v1/account/login", map[string]string{"id": "user" + string(rune('a'+i)), "password": "password123"}, nil); st == 429 {
			limited++
		}
	}
	// The first-run set-up took one of the address's 20; a refill is one
	// per 3 s.
	if limited < 9 {
		t.Fatalf("%d of 30 guesses from one address were rate-limited, want ≥ 9", limited)
	}
}

// TestSSOEndToEnd signs in through a real OpenID Connect provider started
// by the test, with the browser's cookies, and checks that a forged state
// is refused.
func TestSSOEndToEnd(t *testing.T) {
	p := oidctest.Start(t, "dais", "sso-secret")
	// The redirect URL must name the node, which is not started yet: start
	// it, then point the provider's user at it.
	n := startAccountNode(t, "", account.SSOConfig{Issuer: p.URL, ClientID: "dais", ClientSecret: "sso-secret", RedirectURL: "http://placeholder/api/v1/account/sso/callback"})
	b := newBrowser(t, n)
	firstRun(t, b)
	if st := b.call("POST", "/api/v1/accounts", map[string]any{"id": "lan", "name": "Phạm Thị Lan", "email": "lan@vp.example", "sso_only": true}, nil); st != 201 {
		t.Fatalf("add SSO account: %d", st)
	}
	p.SetUser(oidctest.User{Subject: "42", Email: "lan@vp.example", Verified: true})

	signIn := func(br *browser, forge bool) *http.Response {
		// 1. The sign-in page's button.
		resp, err := br.c.Get(br.base + "/api/v1/account/sso/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("sso/login: %s", resp.Status)
		}
		// 2. The provider signs the user in and sends the browser back.
		resp, err = br.c.Get(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		back, _ := url.Parse(resp.Header.Get("Location"))
		q := back.Query()
		if forge {
			q.Set("state", "forged")
		}
		// 3. Back to this server's callback (the placeholder host is this node).
		resp, err = br.c.Get(br.base + back.Path + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	lan := newBrowser(t, n)
	if resp := signIn(lan, true); resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "sso=unauthorized") {
		t.Fatalf("forged state: %s → %s", resp.Status, resp.Header.Get("Location"))
	}
	if st := lan.call("GET", "/api/v1/account", nil, nil); st != 401 {
		t.Fatalf("signed in after a forged state: %d", st)
	}
	if resp := signIn(lan, false); resp.Header.Get("Location") != "/" {
		t.Fatalf("SSO sign-in: %s → %s", resp.Status, resp.Header.Get("Location"))
	}
	var me account.Session
	if st := lan.call("GET", "/api/v1/account", nil, &me); st != 200 || me.Account.ID != "lan" || !me.Account.SSO || me.Pending {
		t.Fatalf("after SSO: %d %+v", st, me)
	}
	var opts map[string]any
	if lan.call("GET", "/api/v1/account/options", nil, &opts); opts["sso"] != true {
		t.Fatalf("options = %v, want sso", opts)
	}
}
