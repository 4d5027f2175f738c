package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startEdgeNode starts a node with cfg's edge settings over a fresh folder.
func startEdgeNode(tb testing.TB, cfg config) *node {
	tb.Helper()
	cfg.Listen, cfg.Name = "127.0.0.1:0", "edge"
	if cfg.Data == "" {
		cfg.Data = tb.TempDir()
	}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := startNode(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("starting the node: %v", err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	return n
}

// slowBody opens a POST that declares a body and sends one byte of it:
// the connection is held by the server until its read deadline.
func slowBody(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	fmt.Fprintf(c, "POST /api/v1/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	return c
}

// TestSlowBodiesDoNotStarveHealth is finding 4's attack: many slow-body
// POSTs held open, then a load balancer's health check. /healthz and
// /readyz still answer at once, and an address past its cap is cut off.
func TestSlowBodiesDoNotStarveHealth(t *testing.T) {
	const attackers = 400
	n := startEdgeNode(t, config{MaxConnsPerAddr: -1})
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; i < attackers; i++ {
		held = append(held, slowBody(t, n.Addr()))
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/healthz", "/readyz"} {
		start := time.Now()
		resp, err := client.Get(baseURL(n) + path)
		t.Logf("%s under %d slow bodies: %s", path, attackers, time.Since(start))
		if err != nil {
			t.Fatalf("%s under %d slow bodies: %v", path, attackers, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s under %d slow bodies: %d", path, attackers, resp.StatusCode)
		}
	}

	// With the cap, one address holds at most MaxConnsPerAddr: the next
	// connection is closed before it is read.
	capped := startEdgeNode(t, config{MaxConnsPerAddr: 20})
	for i := 0; i < 20; i++ {
		held = append(held, slowBody(t, capped.Addr()))
	}
	eventually(t, 5*time.Second, "the cap counts 20", func() error {
		if got := capped.ln.(interface{ Open(string) int }).Open("127.0.0.1"); got != 20 {
			return fmt.Errorf("open %d", got)
		}
		return nil
	})
	over := slowBody(t, capped.Addr())
	defer over.Close()
	_ = over.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := over.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Fatalf("the 21st connection from one address was kept (read: %v)", err)
	}
	// Once the attacker's connections go, the address is served again.
	for _, c := range held[attackers:] {
		c.Close()
	}
	held = held[:attackers]
	eventually(t, 5*time.Second, "healthz after the attack", func() error {
		resp, err := client.Get(baseURL(capped) + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestServerLimits checks the HTTP server's limits are set: a header block
// over MaxHeaderBytes is refused.
func TestServerLimits(t *testing.T) {
	n := startEdgeNode(t, config{})
	if n.srv.ReadTimeout == 0 || n.srv.WriteTimeout == 0 || n.srv.IdleTimeout == 0 || n.srv.ReadHeaderTimeout == 0 {
		t.Fatalf("timeouts not all set: %+v", n.srv)
	}
	req, _ := http.NewRequest(http.MethodGet, baseURL(n)+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 2*maxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a %d-byte header: %d, want 431", 2*maxHeaderBytes, resp.StatusCode)
	}
}

// TestOutsidersSeeNoInternals is finding 8's attack on the node's own
// pages: an outsider reads /metrics, /readyz and the status page and learns
// no internal error text; the admin token's bearer and the internal
// listener do.
func TestOutsidersSeeNoInternals(t *testing.T) {
	const admin = "admin-secret-token-0123456789"
	n := startEdgeNode(t, config{AdminToken: admin, InternalListen: "127.0.0.1:0"})
	get := func(url, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	internal := "http://" + n.internalLn.Addr().String()
	if code, _ := get(baseURL(n)+"/metrics", ""); code != http.StatusNotFound {
		t.Fatalf("public /metrics: %d, want 404", code)
	}
	if code, _ := get(baseURL(n)+"/metrics", "wrong"); code != http.StatusNotFound {
		t.Fatalf("public /metrics with a wrong token: %d, want 404", code)
	}
	for _, u := range []struct{ url, token string }{{baseURL(n) + "/metrics", admin}, {internal + "/metrics", ""}} {
		if code, body := get(u.url, u.token); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
			t.Fatalf("%s: %d", u.url, code)
		}
	}

	// Break the bus: /readyz says so to everyone, why only to operators.
	_ = n.bus.Close()
	code, body := get(baseURL(n)+"/readyz", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"bus":"unavailable"`) {
		t.Fatalf("public /readyz with the bus down: %d %s", code, body)
	}
	if strings.Contains(body, "nats") || strings.Contains(body, "closed") {
		t.Fatalf("public /readyz shows the error: %s", body)
	}
	for _, u := range []struct{ url, token string }{{baseURL(n) + "/readyz", admin}, {internal + "/readyz", ""}} {
		code, body := get(u.url, u.token)
		if code != http.StatusServiceUnavailable || strings.Contains(body, `"bus":"unavailable"`) || !strings.Contains(body, "natsbus") {
			t.Fatalf("%s (operator): %d %s, want the error's text", u.url, code, body)
		}
	}

	// The status page (no web client built in here) lists meetings to the
	// operator only.
	seedTestMeeting(t, n)
	if _, body := get(baseURL(n)+"/", ""); strings.Contains(body, "<table>") {
		t.Fatalf("the status page lists meetings to an outsider:\n%s", body)
	}
	if _, body := get(baseURL(n)+"/", admin); !strings.Contains(body, "<table>") {
		t.Fatalf("the status page does not list meetings to the operator:\n%s", body)
	}
}

// TestSecurityHeaders checks every answer carries the browser-side
// defences, HSTS only over HTTPS.
func TestSecurityHeaders(t *testing.T) {
	n := startEdgeNode(t, config{})
	for _, path := range []string{"/", "/healthz", "/api/v1/session", "/api/v1/meetings/x/documents/y/file"} {
		resp, err := http.Get(baseURL(n) + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
	}
}

// TestSelfSignedTLS starts a node with -tls-self-signed as main does: it
// prints the authority's fingerprint; a client that trusts that authority
// (and only it) connects, sees HSTS, and a restart keeps the authority.
func TestSelfSignedTLS(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	tlsDir := filepath.Join(dir, "tls")
	cfgTLS, err := tlsConfig("", "", true, tlsDir, []string{"dais.local"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	caPEM := authorityPEM(tlsDir)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no authority in DATA/tls/ca.pem")
	}
	ca, _, err := loadPair(filepath.Join(tlsDir, caCertFile), filepath.Join(tlsDir, caKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), Fingerprint(ca)) || !strings.Contains(out.String(), "█") {
		t.Fatalf("the fingerprint and its QR code were not printed:\n%s", out.String())
	}
	n := startEdgeNode(t, config{Data: dir, TLS: cfgTLS, AuthorityPEM: caPEM})
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + n.Addr() + "/healthz")
	if err != nil {
		t.Fatalf("a client trusting the room authority: %v", err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS over HTTPS")
	}
	resp, err = client.Get("https://" + n.Addr() + "/dais-ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(served, caPEM) {
		t.Fatal("/dais-ca.pem is not the authority")
	}
	// A client that trusts nothing special is refused: no silent fallback.
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get("https://" + n.Addr() + "/healthz"); err == nil {
		t.Fatal("an untrusting client connected")
	}
	// Plain HTTP on the TLS port gets no page.
	if resp, err := http.Get("http://" + n.Addr() + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP answered on the TLS port")
		}
	}

	// A restart keeps the authority (tablets trust it once).
	out.Reset()
	if _, err := tlsConfig("", "", true, tlsDir, nil, &out); err != nil {
		t.Fatal(err)
	}
	if again := authorityPEM(tlsDir); !bytes.Equal(again, caPEM) {
		t.Fatal("a restart made a new authority")
	}
	if fi, err := os.Stat(filepath.Join(tlsDir, caKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the authority's key: %v %v", fi.Mode(), err)
	}
}
