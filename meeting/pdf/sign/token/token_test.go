//go:build cgo

package token_test

import (
	"context"
	"crypto/elliptic"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/pdf/sign/token"
)

// TestSoftHSM generates two key pairs on a SoftHSM2 token (RSA for the
// chair, ECDSA for the secretary), imports their certificates from the
// Vietnamese test CA, signs a document with both through PKCS#11 and
// checks both signatures with our verifier and pdfsig.
func TestSoftHSM(t *testing.T) {
	const pin = "123456"
	module := signtest.NewSoftHSMToken(t, "Dais thử nghiệm", pin)
	ca := signtest.NewCA(t)

	setup, err := token.Open(token.Config{Module: module, TokenLabel: "Dais thử nghiệm", PIN: pin, Slot: -1})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	c11 := setup.Context()
	rsaKey, err := c11.GenerateRSAKeyPairWithLabel([]byte("k1"), []byte("chu-toa"), 2048)
	if err != nil {
		t.Fatalf("generate RSA: %v", err)
	}
	if err := c11.ImportCertificateWithLabel([]byte("k1"), []byte("chu-toa"), ca.Issue(t, rsaKey.Public(), "Trần Văn Quang", "Tỉnh ủy Hòa Bình")[0]); err != nil {
		t.Fatalf("import: %v", err)
	}
	ecKey, err := c11.GenerateECDSAKeyPairWithLabel([]byte("k2"), []byte("thu-ky"), elliptic.P256())
	if err != nil {
		t.Fatalf("generate ECDSA: %v", err)
	}
	if err := c11.ImportCertificateWithLabel([]byte("k2"), []byte("thu-ky"), ca.Issue(t, ecKey.Public(), "Lê Thu Trang", "Văn phòng Tỉnh ủy")[0]); err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := setup.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	doc := signtest.ClassicPDF()
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for i, label := range []string{"chu-toa", "thu-ky"} {
		tok, err := token.Open(token.Config{Module: module, TokenLabel: "Dais thử nghiệm", PIN: pin, KeyLabel: label, Slot: -1})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		s, err := tok.Signer(ca.Intermediate)
		if err != nil {
			t.Fatalf("Signer(%s): %v", label, err)
		}
		doc, err = sign.Sign(context.Background(), doc, s, sign.Options{Time: at.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatalf("Sign(%s): %v", label, err)
		}
		if err := tok.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	sigs, err := sign.Verify(doc, ca.Roots())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	want := []string{"Trần Văn Quang", "Lê Thu Trang"}
	if len(sigs) != 2 {
		t.Fatalf("Verify: %d signatures, want 2", len(sigs))
	}
	for i, s := range sigs {
		if !s.Valid || !s.Trusted || !s.Unchanged || s.Signer != want[i] {
			t.Errorf("signature %d = %+v, want valid, trusted, unchanged by %s", i, s, want[i])
		}
	}
	ps := signtest.Pdfsig(t, ca, doc)
	if len(ps) != 2 {
		t.Fatalf("pdfsig: %d signatures", len(ps))
	}
	for i, p := range ps {
		if p.Validation != "Signature is Valid." || p.Signer != want[i] || p.Trust != "Certificate is Trusted." {
			t.Errorf("pdfsig signature %d = %+v", i, p)
		}
	}

	t.Run("wrong PIN", func(t *testing.T) {
		tok, err := token.Open(token.Config{Module: module, TokenLabel: "Dais thử nghiệm", PIN: "000000", Slot: -1})
		if err == nil {
			tok.Close()
			t.Fatal("Open with a wrong PIN succeeded")
		}
	})
	t.Run("two keys need a label", func(t *testing.T) {
		tok, err := token.Open(token.Config{Module: module, TokenLabel: "Dais thử nghiệm", PIN: pin, Slot: -1})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer tok.Close()
		if _, err := tok.Signer(); err == nil || !strings.Contains(err.Error(), "label") {
			t.Fatalf("Signer without a label on a token with two keys: %v", err)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		tok, err := token.Open(token.Config{Module: module, TokenLabel: "Dais thử nghiệm", PIN: pin, KeyLabel: "khong-co", Slot: -1})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer tok.Close()
		if _, err := tok.Signer(); err == nil {
			t.Fatal("Signer with an unknown label succeeded")
		}
	})
}
