package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/storage"
)

// accountsConfig configures the office accounts of a node.
type accountsConfig struct {
	// SSO is the office's OpenID Connect provider; an empty Issuer turns
	// single sign-on off.
	SSO account.SSOConfig
	// SetupSecret is what the first-run page needs to create the first
	// administrator. Empty: a fresh one is made at start (and printed
	// when the store has no account).
	SetupSecret string
	// Params of password hashes. Zero: account.DefaultParams.
	Params account.Params
	// Out receives the first-run line (the setup secret). Nil: nowhere
	// but the log.
	Out io.Writer
}

// startAccounts makes the account service (and single sign-on) and mounts
// the account routes on mux.
func (n *node) startAccounts(mux httpapi.Mux) error {
	cfg := &n.cfg.Accounts
	if cfg.SetupSecret == "" {
		cfg.SetupSecret = newSetupSecret()
	}
	n.accounts = account.New(n.store, account.Options{SetupSecret: cfg.SetupSecret, Params: cfg.Params, Logger: n.log})
	var sso *account.SSO
	if cfg.SSO.Issuer != "" {
		var err error
		if sso, err = account.NewSSO(cfg.SSO, n.accounts); err != nil {
			return err
		}
	}
	httpapi.NewAccounts(n.accounts, sso, n.acc, n.svc, n.cfg.AdminToken, n.log).Register(mux)
	return nil
}

// announceSetup prints the first-run page's address with the setup secret
// when the store has no account yet. The secret is in the URL's fragment,
// which a browser never sends to a server (nor a proxy logs).
func (n *node) announceSetup(ctx context.Context) error {
	need, err := n.accounts.SetupNeeded(ctx)
	if err != nil || !need {
		return err
	}
	addr := n.ln.Addr().String()
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		addr = "localhost" + addr[strings.LastIndex(addr, ":"):]
	}
	secret, scheme := n.cfg.Accounts.SetupSecret, "http"
	if n.cfg.TLS != nil {
		scheme = "https"
	}
	n.log.Warn("first run: no account yet; open the first-run page to create the administrator",
		"url", scheme+"://"+addr+"/#setup="+secret, "setup_secret", secret)
	if out := n.cfg.Accounts.Out; out != nil {
		fmt.Fprintf(out, "Chạy lần đầu / first run: %s://%s/#setup=%s\nsetup secret: %s\n", scheme, addr, secret, secret)
	}
	return nil
}

// newSetupSecret is 20 characters without look-alikes in groups of four
// (≈ 99 bits), such as "K7Q2-M4XP-…".
func newSetupSecret() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	return sb.String()
}

// readSecret returns the OIDC client secret: from a file when one is named
// (a container secret), else from the environment; never from a flag,
// which other users of the machine can read in the process list.
func readSecret(file string, getenv func(string) string) (string, error) {
	if file == "" {
		return getenv("DAIS_OIDC_CLIENT_SECRET"), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the OIDC client secret: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// linkingCreator is the meeting routes' use case with one addition: a
// meeting created from a meeting session whose participant is linked to
// accounts is linked to them too (account.Service.Inherit).
type linkingCreator struct {
	*access.Service
	n *node
}

// CreateMeetingAs creates the meeting, then carries the creator's account
// links over; a failure to link is logged, the meeting stands.
func (c linkingCreator) CreateMeetingAs(ctx context.Context, sess access.Session, m access.NewMeeting) (access.Session, error) {
	out, err := c.Service.CreateMeetingAs(ctx, sess, m)
	if err != nil || c.n.accounts == nil {
		return out, err
	}
	if lerr := c.n.accounts.Inherit(ctx, storage.AccountLink{Meeting: sess.Meeting, Participant: sess.Participant}, out.Meeting); lerr != nil {
		c.n.log.Warn("linking the accounts of a meeting's creator", "meeting", out.Meeting, "err", lerr)
	}
	return out, nil
}
