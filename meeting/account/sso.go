package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// SSOConfig is the office's OpenID Connect provider and this server's
// client registration there.
type SSOConfig struct {
	// Issuer is the provider's issuer URL (its discovery document is at
	// Issuer/.well-known/openid-configuration and must name this issuer).
	Issuer string
	// ClientID and ClientSecret are this server's registration.
	ClientID     string
	ClientSecret string
	// RedirectURL is where the provider sends the browser back:
	// https://<this server>/api/v1/account/sso/callback, registered at the
	// provider.
	RedirectURL string
	// Scopes asked besides "openid". Zero: email, profile.
	Scopes []string
	// HTTPClient talks to the provider. Zero: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// SSO signs accounts in through the office's OpenID Connect provider with
// the authorization code flow and PKCE (RFC 7636); the state, the nonce and
// the id token (signature, issuer, audience, expiry) are checked.
//
// The provider's discovery document is fetched at the first sign-in (and
// again after a failure), so a server starts while the provider is down.
type SSO struct {
	cfg SSOConfig
	svc *Service

	mu       sync.Mutex
	provider *oidc.Provider
}

// SSOPending is what a sign-in keeps between sending the browser to the
// provider and its return (in an HttpOnly cookie): the state, the nonce and
// the PKCE verifier.
type SSOPending struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Expires  time.Time `json:"e"`
}

// ssoPendingTTL bounds the time a person may take at the provider.
const ssoPendingTTL = 10 * time.Minute

// NewSSO returns the single sign-on of svc's accounts through cfg.
func NewSSO(cfg SSOConfig, svc *Service) (*SSO, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("account: single sign-on needs an issuer, a client id and a redirect URL")
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"email", "profile"}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &SSO{cfg: cfg, svc: svc}, nil
}

func (s *SSO) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, s.cfg.HTTPClient)
}

// discover returns the provider, fetching its discovery document once.
func (s *SSO) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	p, err := oidc.NewProvider(s.ctx(ctx), s.cfg.Issuer)
	if err != nil {
		s.svc.opt.Logger.Error("single sign-on: provider discovery failed", "issuer", s.cfg.Issuer, "err", err)
		return nil, meeting.Errorf(meeting.Unavailable,
			"Không kết nối được máy chủ đăng nhập một lần (SSO) của cơ quan", "the office's single sign-on provider cannot be reached").WithCause(err)
	}
	s.provider = p
	return p, nil
}

func (s *SSO) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, RedirectURL: s.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, s.cfg.Scopes...),
	}
}

func random() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Begin returns the provider's authorization URL to send the browser to,
// and what to keep until it comes back.
func (s *SSO) Begin(ctx context.Context) (string, SSOPending, error) {
	p, err := s.discover(ctx)
	if err != nil {
		return "", SSOPending{}, err
	}
	pend := SSOPending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Expires: s.svc.opt.Now().Add(ssoPendingTTL)}
	u := s.oauth(p).AuthCodeURL(pend.State, oidc.Nonce(pend.Nonce), oauth2.S256ChallengeOption(pend.Verifier))
	return u, pend, nil
}

// Finish completes a sign-in when the browser comes back with state and
// code: the state must be the pending one, the code is exchanged (with the
// PKCE verifier), the id token verified and its nonce checked, and its
// claims mapped to an account (Service.SignInSSO).
func (s *SSO) Finish(ctx context.Context, pend SSOPending, state, code, from string) (Session, error) {
	refused := func(reason string, err error) (Session, error) {
		s.svc.opt.Logger.Warn("single sign-on refused", "reason", reason, "from", from, "err", err)
		return Session{}, meeting.Errorf(meeting.Unauthorized,
			"Đăng nhập một lần không thành công; xin thử lại", "single sign-on failed; try again").WithCause(err)
	}
	if pend.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(pend.State)) != 1 {
		return refused("state does not match", nil)
	}
	if !s.svc.opt.Now().Before(pend.Expires) {
		return refused("sign-in took too long", nil)
	}
	if code == "" {
		return refused("no code", nil)
	}
	p, err := s.discover(ctx)
	if err != nil {
		return Session{}, err
	}
	tok, err := s.oauth(p).Exchange(s.ctx(ctx), code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return refused("code exchange", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return refused("no id token", nil)
	}
	idt, err := p.VerifierContext(s.ctx(ctx), &oidc.Config{ClientID: s.cfg.ClientID, Now: s.svc.opt.Now}).Verify(s.ctx(ctx), raw)
	if err != nil {
		return refused("id token", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return refused("nonce does not match", nil)
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return refused("claims", err)
	}
	// A provider that does not say the address is verified is trusted
	// only when it does not send the claim at all (many office directories
	// do not).
	verified := claims.Verified == nil || *claims.Verified
	return s.svc.SignInSSO(ctx, idt.Issuer, idt.Subject, claims.Email, verified, from)
}

// SignInSSO maps a verified identity of the office's provider to an
// account: the account bound to issuer and subject, else the one account
// with that (verified) e-mail address and no identity bound yet, which is
// then bound to it. Nobody else gets in: accounts are made by an
// administrator, not by signing in. Single sign-on gives a full session —
// the second factor is the provider's.
func (s *Service) SignInSSO(ctx context.Context, issuer, subject, email string, verified bool, from string) (Session, error) {
	subj := issuer + " " + subject
	log := s.opt.Logger.With("subject", subj, "email", email, "from", from)
	noAccount := meeting.Errorf(meeting.Forbidden,
		"Danh tính %q chưa có tài khoản trên máy chủ này; xin liên hệ quản trị viên",
		"the identity %q has no account on this server; ask the administrator", email)
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return Session{}, unavailable(err)
	}
	id := ""
	for _, a := range as {
		if a.Subject == subj {
			id = a.ID
			break
		}
	}
	if id == "" && verified && email != "" {
		for _, a := range as {
			if a.Subject == "" && a.Email != "" && strings.EqualFold(a.Email, email) {
				id = a.ID
				break
			}
		}
	}
	if id == "" {
		log.Warn("single sign-on refused", "reason", "no account for this identity")
		return Session{}, noAccount
	}
	a, err := s.store.UpdateAccount(ctx, id, func(a *storage.Account) error {
		if a.Disabled || (a.Subject != "" && a.Subject != subj) {
			return noAccount
		}
		a.Subject = subj
		return nil
	})
	if err != nil {
		if meeting.ErrorCode(err) == meeting.Forbidden {
			log.Warn("single sign-on refused", "reason", "disabled or bound to another identity", "account", id)
		}
		return Session{}, passOrUnavailable(err)
	}
	log.Info("signed in through single sign-on", "account", a.ID)
	return s.newSession(ctx, a, false)
}
