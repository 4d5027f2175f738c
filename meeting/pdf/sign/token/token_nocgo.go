//go:build !cgo

package token

import (
	"crypto/x509"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
)

// Token is not available without cgo.
type Token struct{}

// Open returns ErrNoCgo.
func Open(cfg Config) (*Token, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return nil, ErrNoCgo
}

// Signer returns ErrNoCgo.
func (t *Token) Signer(chain ...*x509.Certificate) (sign.Signer, error) {
	return sign.Signer{}, ErrNoCgo
}

// Close does nothing.
func (t *Token) Close() error { return nil }
