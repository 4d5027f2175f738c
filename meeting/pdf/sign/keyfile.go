package sign

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/pkcs12"
)

// LoadFiles returns the signer kept in files: a PKCS#12 file (.p12 or
// .pfx: key and chain, opened with password), or a PEM certificate chain
// (the signer's certificate first) with its PEM private key (PKCS#8,
// PKCS#1 or SEC 1) in keyFile, or in certFile itself when keyFile is
// empty. Encrypted PEM keys are not read: decrypt them first.
func LoadFiles(certFile, keyFile, password string) (Signer, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return Signer{}, fmt.Errorf("sign: %w", err)
	}
	var blocks []*pem.Block
	lower := strings.ToLower(certFile)
	if strings.HasSuffix(lower, ".p12") || strings.HasSuffix(lower, ".pfx") {
		blocks, err = pkcs12.ToPEM(b, password)
		if err != nil {
			return Signer{}, fmt.Errorf("sign: %s: %w (a PKCS#12 file made by OpenSSL 3 needs -legacy, or convert it to PEM)", certFile, err)
		}
	} else {
		blocks = pemBlocks(b)
		if keyFile != "" {
			kb, err := os.ReadFile(keyFile)
			if err != nil {
				return Signer{}, fmt.Errorf("sign: %w", err)
			}
			blocks = append(blocks, pemBlocks(kb)...)
		}
	}
	var s Signer
	for _, blk := range blocks {
		switch {
		case blk.Type == "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return Signer{}, fmt.Errorf("sign: bad certificate in %s: %w", certFile, err)
			}
			s.Chain = append(s.Chain, c)
		case strings.HasSuffix(blk.Type, "PRIVATE KEY"):
			if s.Key != nil {
				return Signer{}, errors.New("sign: more than one private key")
			}
			if s.Key, err = parseKey(blk.Bytes); err != nil {
				return Signer{}, err
			}
		}
	}
	if s.Key == nil || len(s.Chain) == 0 {
		return Signer{}, errors.New("sign: a private key and a certificate are needed")
	}
	// The signer's certificate is the one that matches the key.
	for i, c := range s.Chain {
		if publicKeysEqual(s.Key.Public(), c.PublicKey) {
			s.Chain[0], s.Chain[i] = s.Chain[i], s.Chain[0]
			return s, nil
		}
	}
	return Signer{}, errors.New("sign: no certificate matches the private key")
}

func pemBlocks(b []byte) []*pem.Block {
	var out []*pem.Block
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		out = append(out, blk)
	}
}

func parseKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("sign: the private key cannot sign")
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("sign: the private key is not PKCS#8, PKCS#1 or SEC 1 (an encrypted key must be decrypted first)")
}

// LoadRoots reads a PEM file of trusted root certificates.
func LoadRoots(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("sign: no certificate in %s", file)
	}
	return p, nil
}

// LoadChain reads a PEM file of certificates (intermediates).
func LoadChain(file string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var out []*x509.Certificate
	for _, blk := range pemBlocks(b) {
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: bad certificate in %s: %w", file, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sign: no certificate in %s", file)
	}
	return out, nil
}
