// Package oidctest is a small but real OpenID Connect provider for tests:
// discovery, a JWKS with an RSA key, an authorization endpoint that signs
// in a configured user at once (no login form) and a token endpoint that
// checks the client, the redirect URI and the PKCE verifier (S256), and
// issues RS256 id tokens. Its Tamper hook lets a test make it misbehave
// (another nonce, issuer or audience) to see the client refuse.
//
// It is built on go-jose, the library go-oidc verifies with.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// User is who the provider signs in.
type User struct {
	Subject  string
	Email    string
	Verified bool
	Name     string
}

// Claims are the id token's claims, which Tamper may change.
type Claims struct {
	Issuer   string           `json:"iss"`
	Subject  string           `json:"sub"`
	Audience jwt.Audience     `json:"aud"`
	Expiry   *jwt.NumericDate `json:"exp"`
	IssuedAt *jwt.NumericDate `json:"iat"`
	Nonce    string           `json:"nonce,omitempty"`
	Email    string           `json:"email,omitempty"`
	Verified bool             `json:"email_verified"`
	Name     string           `json:"name,omitempty"`
}

// Provider is a running provider.
type Provider struct {
	URL          string // the issuer
	ClientID     string
	ClientSecret string

	srv  *httptest.Server
	key  *rsa.PrivateKey
	sign jose.Signer

	mu     sync.Mutex
	user   User
	codes  map[string]grant
	tamper func(*Claims)
	// Exchanges counts the codes exchanged.
	Exchanges int
}

type grant struct {
	clientID, redirect, nonce, challenge string
}

// Start starts a provider for client clientID/secret, closed when the test
// ends.
func Start(tb testing.TB, clientID, secret string) *Provider {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	sign, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1", Algorithm: "RS256"}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Provider{ClientID: clientID, ClientSecret: secret, key: key, sign: sign, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	tb.Cleanup(p.srv.Close)
	return p
}

// SetUser sets who signs in next.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// Tamper sets a function that changes every id token's claims before
// signing (nil: none).
func (p *Provider) Tamper(fn func(*Claims)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = fn
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize signs the configured user in and sends the browser back with a
// code, after checking the request as a provider must.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != p.ClientID || q.Get("redirect_uri") == "" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := random()
	p.mu.Lock()
	p.codes[code] = grant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code once, checking client, redirect and PKCE.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		oauthError(w, "invalid_client")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	user, tamper := p.user, p.tamper
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" || g.clientID != id ||
		g.redirect != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		oauthError(w, "invalid_grant")
		return
	}
	now := time.Now()
	c := Claims{Issuer: p.URL, Subject: user.Subject, Audience: jwt.Audience{p.ClientID},
		Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)), IssuedAt: jwt.NewNumericDate(now),
		Nonce: g.nonce, Email: user.Email, Verified: user.Verified, Name: user.Name}
	if tamper != nil {
		tamper(&c)
	}
	raw, err := jwt.Signed(p.sign).Claims(c).Serialize()
	if err != nil {
		oauthError(w, "server_error")
		return
	}
	p.mu.Lock()
	p.Exchanges++
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": raw})
}

func oauthError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
