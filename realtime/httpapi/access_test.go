package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// accessServer serves sign-in, documents and revocation over a real stack,
// behind a "proxy" at 127.0.0.1 whose X-Real-IP names the client.
func accessServer(tb testing.TB, limits httpapi.JoinLimits) (*documentstest.Fixture, string, *syncBuffer) {
	tb.Helper()
	fx := documentstest.New(tb, pdf.Config{}, documents.Config{})
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	limits.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	mux := http.NewServeMux()
	httpapi.NewWithLimits(fx.Access, limits, log).Register(mux)
	httpapi.NewDocuments(fx.Access, fx.Docs, 0, log).Register(mux)
	httpapi.NewMeetings(fx.Access, fx.Access, adminToken, log).Register(mux)
	httpapi.NewRevoke(fx.Access, fx.Access, log).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return fx, srv.URL, logs
}

func send(tb testing.TB, method, url, token, body string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestJoinGuessingIsLimited performs the attack of finding 3: a loop of
// guesses from one address gets 429 with Retry-After once its burst is
// spent, the refusal is logged with the address, and a real code from
// another address still works meanwhile.
func TestJoinGuessingIsLimited(t *testing.T) {
	fx, base, logs := accessServer(t, httpapi.JoinLimits{PerAddress: 6, AddressBurst: 10})
	attacker := []string{"X-Real-IP", "203.0.113.7"}
	statuses := map[int]int{}
	var retryAfter string
	for i := range 40 {
		guess := strings.Repeat("A", 4) + "-" + strings.Repeat("B", 4) + "-" + strconv.Itoa(22222 + i%7)[:5]
		resp, _ := send(t, "POST", base+"/api/v1/join", "", `{"code":"`+guess+`"}`, attacker...)
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retryAfter = resp.Header.Get("Retry-After")
		}
	}
	if statuses[http.StatusUnauthorized] != 10 || statuses[http.StatusTooManyRequests] != 30 {
		t.Fatalf("40 guesses answered %v; want 10 × 401 then 30 × 429", statuses)
	}
	if n, err := strconv.Atoi(retryAfter); err != nil || n < 1 || n > 10 {
		t.Fatalf("Retry-After %q, want 1–10 s", retryAfter)
	}
	if !strings.Contains(logs.String(), "203.0.113.7") || !strings.Contains(logs.String(), "too many wrong invitation codes") {
		t.Fatalf("no log line names the address:\n%s", logs.String())
	}
	// Even the right code is refused from the attacker's address now…
	code, err := fx.Access.Invite(t.Context(), documentstest.MeetingID, documentstest.D1)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := send(t, "POST", base+"/api/v1/join", "", `{"code":"`+code+`"}`, attacker...); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the limited address joined: %d", resp.StatusCode)
	}
	// …while a delegate at another address signs in.
	resp, body := send(t, "POST", base+"/api/v1/join", "", `{"code":"`+strings.ToLower(code)+`"}`, "X-Real-IP", "198.51.100.20")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"participant":"d1"`) {
		t.Fatalf("a real code from another address: %d %s", resp.StatusCode, body)
	}
}

// TestJoinSuccessesDoNotSpendTheLimit: a room of tablets behind one address
// (NAT) signs in with right codes far beyond the burst.
func TestJoinSuccessesDoNotSpendTheLimit(t *testing.T) {
	fx, base, _ := accessServer(t, httpapi.JoinLimits{PerAddress: 1, AddressBurst: 2, Global: 1, GlobalBurst: 2})
	for i := range 12 {
		who := []string{documentstest.D1, documentstest.D2, documentstest.Chair}[i%3]
		code, err := fx.Access.Invite(t.Context(), documentstest.MeetingID, who)
		if err != nil {
			t.Fatal(err)
		}
		if resp, body := send(t, "POST", base+"/api/v1/join", "", `{"code":"`+code+`"}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("join %d: %d %s", i, resp.StatusCode, body)
		}
	}
}

// TestTokenInQueryRefused: finding 7, a token (a session's or the admin's)
// in the URL is never accepted, even a valid one.
func TestTokenInQueryRefused(t *testing.T) {
	fx, base, _ := accessServer(t, httpapi.JoinLimits{})
	tok := fx.Token(t, documentstest.D1)
	m := base + "/api/v1/meetings/" + documentstest.MeetingID
	for _, c := range []struct{ method, url, body string }{
		{"GET", base + "/api/v1/session?token=" + tok, ""},
		{"GET", m + "/packet.pdf?token=" + tok, ""},
		{"GET", m + "/minutes.pdf?token=" + tok, ""},
		{"GET", m + "/documents/doc1/annotated?token=" + tok, ""},
		{"POST", base + "/api/v1/meetings?token=" + adminToken, `{"title":"x","starts_at":"2026-12-03T08:00:00Z","secretary":{"id":"s","name":"S"}}`},
	} {
		resp, body := send(t, c.method, c.url, "", c.body)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "URL") {
			t.Errorf("%s %s: %d %s; want 401 naming the URL", c.method, c.url, resp.StatusCode, body)
		}
	}
	// The same token in the header works.
	if resp, body := send(t, "GET", base+"/api/v1/session", tok, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("header token: %d %s", resp.StatusCode, body)
	}
}

// TestSignedLinkAndSignOut: a browser opens the minutes by a signed link
// (no token in it); the link works for GET of that path only, and stops
// working when its session signs out.
func TestSignedLinkAndSignOut(t *testing.T) {
	fx, base, _ := accessServer(t, httpapi.JoinLimits{})
	tok := fx.Token(t, documentstest.Secretary)
	path := "/api/v1/meetings/" + documentstest.MeetingID + "/ballots.csv"
	resp, body := send(t, "POST", base+"/api/v1/links", tok, `{"path":"`+path+`"}`)
	var out struct {
		URL string `json:"url"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || !strings.HasPrefix(out.URL, path+"?") || strings.Contains(out.URL, tok) {
		t.Fatalf("links: %d %s", resp.StatusCode, body)
	}
	if resp, body := send(t, "GET", base+out.URL, "", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET by the signed link: %d %s", resp.StatusCode, body)
	}
	other := strings.Replace(out.URL, "ballots.csv", "minutes.pdf", 1)
	if resp, _ := send(t, "GET", base+other, "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the link opened another path: %d", resp.StatusCode)
	}
	if resp, _ := send(t, "POST", base+"/api/v1/links", "", `{"path":"`+path+`"}`); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a link signed without a session: %d", resp.StatusCode)
	}
	if resp, _ := send(t, "POST", base+"/api/v1/sign-out", tok, ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	if resp, _ := send(t, "GET", base+out.URL, "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the link outlived its session: %d", resp.StatusCode)
	}
	if resp, _ := send(t, "GET", base+"/api/v1/session", tok, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the token outlived sign-out: %d", resp.StatusCode)
	}
}

// TestRevokeRoutes: a secretary lists and revokes a delegate's sessions; a
// delegate may not.
func TestRevokeRoutes(t *testing.T) {
	fx, base, _ := accessServer(t, httpapi.JoinLimits{})
	sec, d1, d2 := fx.Token(t, documentstest.Secretary), fx.Token(t, documentstest.D1), fx.Token(t, documentstest.D2)
	p := base + "/api/v1/meetings/" + documentstest.MeetingID + "/participants/" + documentstest.D1
	if resp, _ := send(t, "POST", p+"/revoke", d2, "{}"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a delegate revoked: %d", resp.StatusCode)
	}
	resp, body := send(t, "GET", p+"/sessions", sec, "")
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), d1) || !strings.Contains(string(body), `"id":"`) {
		t.Fatalf("sessions: %d %s", resp.StatusCode, body)
	}
	resp, body = send(t, "POST", p+"/revoke", sec, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"revoked":1`) {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	if resp, _ := send(t, "GET", base+"/api/v1/session", d1, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the revoked token still works: %d", resp.StatusCode)
	}
	if resp, _ := send(t, "GET", base+"/api/v1/session", d2, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("another delegate's token was revoked: %d", resp.StatusCode)
	}
}
