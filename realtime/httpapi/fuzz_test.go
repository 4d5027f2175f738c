package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// bodyRoute is a route whose body (or, for an upload, whose metadata: the
// query) FuzzHTTPBodies sends.
type bodyRoute struct {
	method, path string
	// as is who sends it: "secretary" (a session of the fixture's
	// meeting), "account" (the administrator's account cookie), "admin"
	// (the node's admin token) or "" (nobody).
	as string
	// query: the fuzzed bytes are the upload's query, its body a PDF.
	query bool
}

// bodyRoutes are every route of package httpapi that parses a body, in a
// fixed order: the fuzzer's first byte picks one.
var bodyRoutes = []bodyRoute{
	{method: "POST", path: "/api/v1/join"},
	{method: "POST", path: "/api/v1/links", as: "secretary"},
	{method: "POST", path: "/api/v1/meetings/" + documentstest.MeetingID + "/participants/d3/revoke", as: "secretary"},
	{method: "POST", path: "/api/v1/meetings", as: "secretary"},
	{method: "POST", path: "/api/v1/meetings", as: "admin"},
	{method: "POST", path: "/api/v1/meetings/" + documentstest.MeetingID + "/invitations", as: "secretary"},
	{method: "POST", path: "/api/v1/meetings/" + documentstest.MeetingID + "/documents", as: "secretary", query: true},
	{method: "POST", path: "/api/v1/setup/enrolment"},
	{method: "POST", path: "/api/v1/setup"},
	{method: "POST", path: "/api/v1/account/login"},
	{method: "POST", path: "/api/v1/account/totp", as: "account"},
	{method: "POST", path: "/api/v1/account/password", as: "account"},
	{method: "POST", path: "/api/v1/account/meetings", as: "account"},
	{method: "POST", path: "/api/v1/accounts", as: "account"},
	{method: "POST", path: "/api/v1/accounts/cuong/reset-password", as: "account"},
	{method: "POST", path: "/api/v1/meetings/" + documentstest.MeetingID + "/participants/chair/account", as: "secretary"},
}

// bodyFixture is the stack FuzzHTTPBodies drives: one meeting, accounts
// (an administrator "huong" and "cuong"), every API on one mux.
type bodyFixture struct {
	mu      sync.Mutex
	fx      *documentstest.Fixture
	acc     *account.Service
	mux     *http.ServeMux
	secTok  string
	accTok  string
	pdf     []byte
	address int
}

const fuzzAdminToken = "fuzz-admin-token"

func newBodyFixture(tb testing.TB) *bodyFixture {
	tb.Helper()
	ctx := context.Background()
	fx := documentstest.New(tb, pdf.Config{}, documents.Config{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	acc := account.New(fx.Store, account.Options{SetupSecret: "FUZZ-SETUP-SECRET", Params: account.Params{Memory: 64, Time: 1, Threads: 1}, Logger: quiet})
	// The first administrator, made as the first-run page does.
	key := account.NewTOTPSecret()
	s, err := acc.Setup(ctx, "FUZZ-SETUP-SECRET", account.NewAccount{ID: "huong", Name: "Nguyễn Thị Hương", Password: "mật khẩu của Hương 2026"},
		account.EncodeSecret(key), account.TOTPCode(key, time.Now()))
	if err != nil {
		tb.Fatalf("setup: %v", err)
	}
	if _, _, err := acc.Create(ctx, s, account.NewAccount{ID: "cuong", Name: "Lê Văn Cường"}); err != nil {
		tb.Fatalf("creating cuong: %v", err)
	}
	mux := http.NewServeMux()
	limits := httpapi.JoinLimits{PerAddress: 1e6, AddressBurst: 1e6, Global: 1e6, GlobalBurst: 1e6}
	httpapi.NewWithLimits(fx.Access, limits, quiet).Register(mux)
	httpapi.NewDocuments(fx.Access, fx.Docs, 0, quiet).Register(mux)
	httpapi.NewMeetings(fx.Access, fx.Access, fuzzAdminToken, quiet).Register(mux)
	httpapi.NewRevoke(fx.Access, fx.Access, quiet).Register(mux)
	httpapi.NewAccounts(acc, nil, fx.Access, fx.Service, fuzzAdminToken, quiet).Register(mux)
	b := &bodyFixture{fx: fx, acc: acc, mux: mux, secTok: fx.Token(tb, documentstest.Secretary), accTok: s.Token,
		pdf: fx.Generate(tb, "Tài liệu thử", 1)}
	return b
}

// fingerprint is what a refused body must not change: the meetings (how
// many; the fixture's log version), every account (but its count of failed sign-ins, which a
// wrong password rightly raises), the live sessions of the meeting's
// participants.
func (b *bodyFixture) fingerprint(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	var sb strings.Builder
	// The routes change the fixture's meeting or make new ones.
	ids, err := b.fx.Service.Meetings(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := b.fx.Service.State(ctx, documentstest.MeetingID)
	if err != nil {
		tb.Fatal(err)
	}
	fmt.Fprintf(&sb, "%d meetings, %s@%d ", len(ids), st.ID, st.Version)
	list, err := b.acc.List(ctx, account.Recovery)
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range list {
		fmt.Fprintf(&sb, "%s/%s/%s/%v/%v/%v/%v/%v ", a.ID, a.Name, a.Email, a.Admin, a.Disabled, a.Password, a.TOTP, a.SSO)
		links, err := b.acc.Links(ctx, account.Session{Account: a})
		if err == nil {
			fmt.Fprintf(&sb, "%v ", links)
		}
	}
	for _, p := range []string{"sec", "chair", "d1", "d2", "d3"} {
		all, err := b.fx.Store.SessionsOf(ctx, documentstest.MeetingID, p)
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&sb, "%s:%d ", p, len(all))
	}
	return sb.String()
}

// serve sends data to route i and returns the answer.
func (b *bodyFixture) serve(route int, data []byte) *httptest.ResponseRecorder {
	rt := bodyRoutes[route%len(bodyRoutes)]
	path, body := rt.path, data
	if rt.query {
		path, body = rt.path+"?"+string(data), b.pdf
	}
	req := httptest.NewRequest(rt.method, "http://dais.test"+strings.Map(func(r rune) rune {
		if r <= ' ' || r == '#' || r == 0x7f {
			return -1
		}
		return r
	}, path), bytes.NewReader(body))
	// A new address per request: the per-address sign-in limits do not
	// end the fuzzing of what they guard.
	b.address++
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", b.address>>16&255, b.address>>8&255, b.address&255)
	req.Header.Set("Content-Type", "application/json")
	if rt.query {
		req.Header.Set("Content-Type", "application/pdf")
	}
	switch rt.as {
	case "secretary":
		req.Header.Set("Authorization", "Bearer "+b.secTok)
	case "admin":
		req.Header.Set("Authorization", "Bearer "+fuzzAdminToken)
	case "account":
		req.AddCookie(&http.Cookie{Name: httpapi.AccountCookie, Value: b.accTok})
	}
	rec := httptest.NewRecorder()
	b.mux.ServeHTTP(rec, req)
	return rec
}

// FuzzHTTPBodies sends bodies of any shape to every route that parses one
// (and any query as an upload's metadata): no panic; a body is either
// accepted (2xx) or refused with a 4xx and an error in both languages,
// and a refused body changes nothing — no meeting's log, no account, no
// session.
func FuzzHTTPBodies(f *testing.F) {
	for i := range bodyRoutes {
		f.Add(uint8(i), []byte(`{}`))
	}
	f.Add(uint8(0), []byte(`{"code":"K7Q2-M4XP-A9RT-W3HN"}`))
	f.Add(uint8(1), []byte(`{"path":"/api/v1/meetings/docs-test/packet.pdf"}`))
	f.Add(uint8(6), []byte(`title=B%C3%A1o+c%C3%A1o&confidential=1&readers=d1,d2`))
	b := newBodyFixture(f)
	f.Fuzz(func(t *testing.T, route uint8, data []byte) {
		b.mu.Lock()
		defer b.mu.Unlock()
		before := b.fingerprint(t)
		rec := b.serve(int(route), data)
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		code := rec.Code
		if code >= 200 && code < 300 {
			return
		}
		if code < 400 || code >= 500 {
			t.Fatalf("%s %s with %q: status %d, want 2xx or 4xx: %s", rt.method, rt.path, data, code, rec.Body.Bytes())
		}
		var e struct {
			Error struct {
				Code, Message string
				MessageVI     string `json:"message_vi"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" || e.Error.MessageVI == "" {
			t.Fatalf("%s %s with %q: %d without a clear error in both languages: %s", rt.method, rt.path, data, code, rec.Body.Bytes())
		}
		if after := b.fingerprint(t); after != before {
			t.Fatalf("%s %s with %q: refused %d but changed the store:\n before %s\n after  %s", rt.method, rt.path, data, code, before, after)
		}
	})
}
