package storage

import (
	"context"
	"time"
)

// Account is an office account as stored: a secretary, a chair or an
// administrator who signs in with a password and a second factor, or
// through the office's single sign-on. Secrets are stored as the account
// package hands them over: the password as an argon2id hash (never the
// password), the TOTP secret as the shared key the authenticator app holds
// too (it cannot be hashed: the server computes codes from it).
type Account struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Admin bool   `json:"admin,omitempty"`
	// Disabled accounts cannot sign in; their sessions are refused.
	Disabled bool `json:"disabled,omitempty"`
	// PasswordHash is an argon2id hash in the PHC string format; empty:
	// the account signs in through single sign-on only.
	PasswordHash string `json:"password_hash,omitempty"`
	// TOTPSecret is the RFC 6238 key; empty: not enrolled yet.
	TOTPSecret []byte `json:"totp_secret,omitempty"`
	// TOTPLastStep is the time step of the last code accepted: a code of
	// that step or an earlier one is a replay.
	TOTPLastStep int64 `json:"totp_last_step,omitempty"`
	// Subject is "issuer subject" of the single sign-on identity bound to
	// this account at its first SSO sign-in.
	Subject string `json:"subject,omitempty"`
	// FailedLogins counts the failed sign-ins since the last success;
	// LockedUntil refuses sign-ins before it.
	FailedLogins int       `json:"failed_logins,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	// SessionsAfter: sessions created before it are refused (sign out
	// everywhere: disable, password or TOTP reset).
	SessionsAfter time.Time `json:"sessions_after,omitzero"`
	Created       time.Time `json:"created,omitzero"`
}

// AccountSession is what an account's session token stands for. It is
// stored under the token's hash, never under the token.
type AccountSession struct {
	Account string    `json:"account"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// Pending sessions have passed the password but not yet enrolled a
	// second factor: they may only enrol one.
	Pending bool `json:"pending,omitempty"`
}

// AccountLink ties an account to a participant of a meeting: the account
// may open that meeting as that participant.
type AccountLink struct {
	Meeting     string `json:"meeting"`
	Participant string `json:"participant"`
}

// Accounts keeps the office's accounts, their sessions and their links to
// participants of meetings, so that any node can sign anyone in.
type Accounts interface {
	// CreateAccount stores a new account; ErrExists when its id is taken.
	// With first set it stores it only if there is no account at all
	// (ErrExists otherwise), atomically: of two concurrent first-run
	// set-ups exactly one succeeds.
	CreateAccount(ctx context.Context, a Account, first bool) error
	// GetAccount returns an account, or ErrNotFound.
	GetAccount(ctx context.Context, id string) (Account, error)
	// UpdateAccount applies fn to the stored account atomically (fn may be
	// called more than once, on the latest version each time) and returns
	// what was stored. An error from fn is returned as it is and stores
	// nothing. ErrNotFound when there is no such account.
	UpdateAccount(ctx context.Context, id string, fn func(*Account) error) (Account, error)
	// ListAccounts returns every account, sorted by id.
	ListAccounts(ctx context.Context) ([]Account, error)
	// HasAccounts reports whether any account exists.
	HasAccounts(ctx context.Context) (bool, error)

	// PutAccountSession stores a session under the hash of its token.
	PutAccountSession(ctx context.Context, tokenHash string, s AccountSession) error
	// GetAccountSession returns a session, or ErrNotFound (also once
	// expired).
	GetAccountSession(ctx context.Context, tokenHash string) (AccountSession, error)
	// DeleteAccountSession deletes a session; deleting a missing one is
	// not an error.
	DeleteAccountSession(ctx context.Context, tokenHash string) error

	// LinkAccount links an account to a participant of a meeting,
	// replacing its earlier link in that meeting.
	LinkAccount(ctx context.Context, account string, l AccountLink) error
	// AccountLinks returns an account's links, sorted by meeting.
	AccountLinks(ctx context.Context, account string) ([]AccountLink, error)
}
