// Package token opens a PKCS#11 token (a USB signing token, an HSM, or
// SoftHSM in tests) through github.com/ThalesGroup/crypto11 and gives a
// sign.Signer whose private key never leaves it.
//
// PKCS#11 modules are C libraries: this package needs cgo. Built without
// cgo (the static server image), Open returns ErrNoCgo.
//
// A Token is safe for concurrent use; Close it when done.
package token

import (
	"errors"
)

// Config names the module, the token, its PIN and the key on it.
type Config struct {
	// Module is the path of the PKCS#11 library, e.g.
	// /usr/lib/softhsm/libsofthsm2.so or the token vendor's library.
	Module string
	// TokenLabel chooses the token; when empty, Slot does. One of the two
	// is required.
	TokenLabel string
	// Slot is the slot number, used when TokenLabel is empty; -1 for none.
	Slot int
	// PIN is the user PIN.
	PIN string
	// KeyLabel chooses the key pair (and its certificate, by the same
	// label or by its public key); empty means the token's only key pair
	// that has a certificate.
	KeyLabel string
}

// ErrNoCgo is returned by Open in a build without cgo.
var ErrNoCgo = errors.New("token: this build has no PKCS#11 support (it needs cgo); sign with a certificate file or use a build with cgo")

func (c Config) check() error {
	if c.Module == "" {
		return errors.New("token: the PKCS#11 module path is required")
	}
	if c.TokenLabel == "" && c.Slot < 0 {
		return errors.New("token: a token label or a slot number is required")
	}
	return nil
}
