package main

import (
	"crypto/x509"
	"errors"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/token"
	"github.com/dais-meeting/dais/meeting/records"
)

// signingFlags are the server-side signer's settings (-sign-…).
type signingFlags struct {
	CertFile, KeyFile, P12Password    string // a certificate file
	Module, TokenLabel, KeyLabel, PIN string // or a PKCS#11 token
	ChainFile                         string // intermediates to add (a token rarely holds them)
	TSAURL                            string // B-T
	RootsFile                         string // trust anchors for verifying
}

// recordsConfig opens the signer and returns the records configuration and
// a function that closes the token (a no-op without one).
func recordsConfig(f signingFlags) (records.Config, func() error, error) {
	var cfg records.Config
	none := func() error { return nil }
	if f.RootsFile != "" {
		roots, err := sign.LoadRoots(f.RootsFile)
		if err != nil {
			return cfg, none, err
		}
		cfg.Roots = roots
	}
	if f.TSAURL != "" {
		cfg.TSA = &sign.TSAClient{URL: f.TSAURL}
	}
	var extra []*x509.Certificate
	if f.ChainFile != "" {
		var err error
		if extra, err = sign.LoadChain(f.ChainFile); err != nil {
			return cfg, none, err
		}
	}
	switch {
	case f.CertFile != "" && f.Module != "":
		return cfg, none, errors.New("-sign-cert and -sign-pkcs11-module exclude each other")
	case f.CertFile != "":
		s, err := sign.LoadFiles(f.CertFile, f.KeyFile, f.P12Password)
		if err != nil {
			return cfg, none, err
		}
		s.Chain = append(s.Chain, extra...)
		cfg.Signer = &s
	case f.Module != "":
		tok, err := token.Open(token.Config{Module: f.Module, TokenLabel: f.TokenLabel, PIN: f.PIN, KeyLabel: f.KeyLabel, Slot: -1})
		if err != nil {
			return cfg, none, err
		}
		s, err := tok.Signer(extra...)
		if err != nil {
			tok.Close()
			return cfg, none, err
		}
		cfg.Signer = &s
		return cfg, tok.Close, nil
	}
	return cfg, none, nil
}
