//go:build cgo

package signtest

import (
	"testing"

	"github.com/dais-meeting/dais/meeting/pdf/sign/token"
)

// SoftHSMKey makes a SoftHSM2 token labelled tokenLabel (NewSoftHSMToken)
// holding an RSA key pair labelled keyLabel with a certificate from ca for
// cn of org, and returns the module's path. The token's PIN is pin.
func SoftHSMKey(t *testing.T, ca *CA, tokenLabel, pin, keyLabel, cn, org string) string {
	t.Helper()
	module := NewSoftHSMToken(t, tokenLabel, pin)
	tok, err := token.Open(token.Config{Module: module, TokenLabel: tokenLabel, PIN: pin, Slot: -1})
	if err != nil {
		t.Fatalf("opening the token: %v", err)
	}
	defer tok.Close()
	c := tok.Context()
	key, err := c.GenerateRSAKeyPairWithLabel([]byte(keyLabel), []byte(keyLabel), 2048)
	if err != nil {
		t.Fatalf("generating a key on the token: %v", err)
	}
	if err := c.ImportCertificateWithLabel([]byte(keyLabel), []byte(keyLabel), ca.Issue(t, key.Public(), cn, org)[0]); err != nil {
		t.Fatalf("importing the certificate: %v", err)
	}
	return module
}
