//go:build cgo

package token

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/ThalesGroup/crypto11"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
)

// Token is an open PKCS#11 session pool on one token.
type Token struct {
	ctx *crypto11.Context
	cfg Config
}

// Open loads the module, logs in to the token and returns it.
func Open(cfg Config) (*Token, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c := &crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN}
	if cfg.TokenLabel == "" {
		slot := cfg.Slot
		c.SlotNumber = &slot
	}
	ctx, err := crypto11.Configure(c)
	if err != nil {
		return nil, fmt.Errorf("token: open %s: %w", cfg.Module, err)
	}
	return &Token{ctx: ctx, cfg: cfg}, nil
}

// Signer returns the configured key and its certificate, followed by
// chain (the intermediates, which tokens rarely hold).
func (t *Token) Signer(chain ...*x509.Certificate) (sign.Signer, error) {
	var (
		key  crypto11.Signer
		cert *x509.Certificate
		err  error
	)
	if t.cfg.KeyLabel != "" {
		key, err = t.ctx.FindKeyPair(nil, []byte(t.cfg.KeyLabel))
		if err != nil {
			return sign.Signer{}, fmt.Errorf("token: find key %q: %w", t.cfg.KeyLabel, err)
		}
		if key == nil {
			return sign.Signer{}, fmt.Errorf("token: no key pair labelled %q", t.cfg.KeyLabel)
		}
		cert, err = t.ctx.FindCertificate(nil, []byte(t.cfg.KeyLabel), nil)
		if err != nil {
			return sign.Signer{}, fmt.Errorf("token: find certificate %q: %w", t.cfg.KeyLabel, err)
		}
	}
	if cert == nil || (key != nil && !sameKey(key, cert)) {
		pairs, err := t.ctx.FindAllPairedCertificates()
		if err != nil {
			return sign.Signer{}, fmt.Errorf("token: list certificates: %w", err)
		}
		var found []int
		for i, p := range pairs {
			if key == nil || sameKey(key, p.Leaf) {
				found = append(found, i)
			}
		}
		switch {
		case len(found) == 0:
			return sign.Signer{}, errors.New("token: no certificate for the key on the token")
		case len(found) > 1 && key == nil:
			return sign.Signer{}, fmt.Errorf("token: %d key pairs with certificates: choose one by its label", len(found))
		}
		p := pairs[found[0]]
		cert = p.Leaf
		if key == nil {
			k, ok := p.PrivateKey.(crypto11.Signer)
			if !ok {
				return sign.Signer{}, errors.New("token: the key cannot sign")
			}
			key = k
		}
	}
	return sign.Signer{Key: key, Chain: append([]*x509.Certificate{cert}, chain...)}, nil
}

func sameKey(key crypto11.Signer, cert *x509.Certificate) bool {
	if cert == nil {
		return false
	}
	e, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(key.Public())
}

// Close logs out and unloads the module.
func (t *Token) Close() error { return t.ctx.Close() }

// Context gives crypto11's context, for tests and set-up tools that
// generate or import keys.
func (t *Token) Context() *crypto11.Context { return t.ctx }
