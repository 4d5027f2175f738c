package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting/pdf/sign"
	"github.com/dais-meeting/dais/meeting/pdf/sign/token"
)

// errSignatureBad is a PDF whose signatures verify-pdf found wanting.
var errSignatureBad = errors.New("a signature is not valid, not trusted, or the document changed after it")

// signerFlags are where dais sign finds the key.
type signerFlags struct {
	module, tokenLabel, keyLabel, chain *string
	certFile, keyFile                   *string
	slot                                *int
}

func addSignerFlags(fs *flag.FlagSet) signerFlags {
	return signerFlags{
		module:     fs.String("pkcs11-module", "", "the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so or the token vendor's"),
		tokenLabel: fs.String("token-label", "", "the token's label"),
		slot:       fs.Int("slot", -1, "the token's slot number (instead of -token-label)"),
		keyLabel:   fs.String("key-label", "", "the key pair's label on the token (empty: its only key with a certificate)"),
		chain:      fs.String("chain", "", "PEM intermediates to include after the signer's certificate"),
		certFile:   fs.String("cert-file", "", "sign with a certificate file instead: PEM chain or PKCS#12 (.p12/.pfx, password in $DAIS_P12_PASSWORD)"),
		keyFile:    fs.String("key-file", "", "the PEM private key of -cert-file (empty: inside -cert-file)"),
	}
}

// open returns the signer and a function that closes the token.
func (f signerFlags) open(c *client, getenv func(string) string) (sign.Signer, func(), error) {
	var extra []*x509.Certificate
	if *f.chain != "" {
		var err error
		if extra, err = sign.LoadChain(*f.chain); err != nil {
			return sign.Signer{}, nil, err
		}
	}
	switch {
	case *f.certFile != "" && *f.module != "":
		return sign.Signer{}, nil, usageError{"-cert-file and -pkcs11-module exclude each other"}
	case *f.certFile != "":
		s, err := sign.LoadFiles(*f.certFile, *f.keyFile, getenv("DAIS_P12_PASSWORD"))
		if err != nil {
			return sign.Signer{}, nil, err
		}
		s.Chain = append(s.Chain, extra...)
		return s, func() {}, nil
	case *f.module != "":
		pin := getenv("DAIS_PIN")
		if pin == "" {
			var err error
			if pin, err = c.readSecret("PIN của thiết bị ký số (token PIN): "); err != nil {
				return sign.Signer{}, nil, err
			}
		}
		tok, err := token.Open(token.Config{Module: *f.module, TokenLabel: *f.tokenLabel, Slot: *f.slot, PIN: pin, KeyLabel: *f.keyLabel})
		if err != nil {
			return sign.Signer{}, nil, err
		}
		s, err := tok.Signer(extra...)
		if err != nil {
			tok.Close()
			return sign.Signer{}, nil, err
		}
		return s, func() { tok.Close() }, nil
	}
	return sign.Signer{}, nil, usageError{"sign needs a key: -pkcs11-module (with -token-label or -slot) or -cert-file"}
}

// readSecret reads a line from standard input, without echo when it is a
// terminal.
func (c *client) readSecret(prompt string) (string, error) {
	fmt.Fprint(c.stderr, prompt)
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading the PIN: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// signCmd signs a record of the server (-record) or a local PDF file.
func (c *client) signCmd(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	sf := addSignerFlags(fs)
	record := fs.String("record", "", "sign this record of the server: minutes/vi, minutes/en, packet, counting/ELECTION/vi …")
	fresh := fs.Bool("fresh", false, "with -record: issue the record anew first (drops the earlier version's signatures)")
	conclusion := fs.String("conclusion", "", "sign this approved conclusion's PDF (with -record conclusion/vi or conclusion/en; default conclusion/vi), as the committee's chair or the office's staff (DAIS_ACCOUNT_TOKEN)")
	consultation := fs.String("consultation", "", "sign this closed consultation's summary, Báo cáo tổng hợp ý kiến (with -record summary/vi or summary/en; default summary/vi), as the committee's chair or the office's staff (DAIS_ACCOUNT_TOKEN)")
	out := fs.String("o", "", "signing a local FILE: where to write the signed PDF (default FILE with -signed.pdf)")
	reason := fs.String("reason", "", "the reason written in the signature")
	location := fs.String("location", "", "the place written in the signature")
	tsa := fs.String("tsa-url", getenv("DAIS_TSA_URL"), "RFC 3161 time-stamp authority: a PAdES B-T signature (default $DAIS_TSA_URL; empty: B-B)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	do := c.do
	if *conclusion != "" && *consultation != "" {
		return usageError{"sign takes -conclusion or -consultation, not both"}
	}
	if *conclusion != "" || *consultation != "" {
		flagName := "-conclusion"
		if *record == "" {
			*record = "conclusion/vi"
		}
		if *consultation != "" {
			flagName = "-consultation"
			if *record == "conclusion/vi" {
				*record = "summary/vi"
			}
		}
		tok := accountToken(getenv)
		if tok == "" {
			return usageError{"sign " + flagName + " needs an account: set DAIS_ACCOUNT_TOKEN (dais login prints one)"}
		}
		api := &daisclient.API{Base: c.server, Token: tok, HTTP: c.http}
		do = func(ctx context.Context, method, path string, body io.Reader, size int64, contentType string, want int) (*http.Response, error) {
			return api.Do(ctx, method, path, body, size, contentType, want)
		}
	}
	if (*record == "") == (fs.NArg() == 0) || fs.NArg() > 1 {
		return usageError{"sign takes either -record KEY (a record of the server; with -conclusion ID or -consultation ID, of that conclusion or consultation) or one PDF FILE"}
	}
	var (
		pdf  []byte
		path string
		err  error
	)
	if *record != "" {
		switch {
		case *conclusion != "":
			path = "/api/v1/conclusions/" + url.PathEscape(*conclusion) + "/record"
		case *consultation != "":
			path = "/api/v1/consultations/" + url.PathEscape(*consultation) + "/record"
		default:
			base, err := c.meetingPath(ctx)
			if err != nil {
				return err
			}
			path = base + "/records"
		}
		q := url.Values{"record": {*record}}
		if *fresh {
			q.Set("fresh", "1")
		}
		resp, err := do(ctx, "POST", path+"/issue?"+q.Encode(), nil, 0, "", http.StatusOK)
		if err != nil {
			return err
		}
		pdf, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
	} else if pdf, err = os.ReadFile(fs.Arg(0)); err != nil {
		return err
	}
	s, closeKey, err := sf.open(c, getenv)
	if err != nil {
		return err
	}
	defer closeKey()
	opts := sign.Options{Reason: *reason, Location: *location, Time: time.Now()}
	if *tsa != "" {
		opts.TSA = &sign.TSAClient{URL: *tsa}
	}
	signed, err := sign.Sign(ctx, pdf, s, opts)
	if err != nil {
		return err
	}
	if *record == "" {
		dst := *out
		if dst == "" {
			dst = strings.TrimSuffix(fs.Arg(0), ".pdf") + "-signed.pdf"
		}
		if _, err := writeFile(dst, bytes.NewReader(signed)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\tsigned by %s\n", dst, s.Chain[0].Subject.CommonName)
		return nil
	}
	resp, err := do(ctx, "PUT", path+"/file?"+url.Values{"record": {*record}}.Encode(), bytes.NewReader(signed), int64(len(signed)), "application/pdf", http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var rep struct {
		Signatures []sign.Signature `json:"signatures"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	fmt.Fprintf(c.stdout, "%s signed by %s; the record now has %d signature(s)\n", *record, s.Chain[0].Subject.CommonName, len(rep.Signatures))
	printSignatures(c.stdout, rep.Signatures)
	return nil
}

// verifyPDF prints each signature of a PDF file.
func (c *client) verifyPDF(args []string) error {
	fs := flag.NewFlagSet("verify-pdf", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	rootsFile := fs.String("roots", "", "PEM trust anchors to build each signer's chain to (empty: chains are not checked)")
	asJSON := fs.Bool("json", false, "print the signatures as JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"verify-pdf takes one PDF file"}
	}
	var roots *x509.CertPool
	if *rootsFile != "" {
		var err error
		if roots, err = sign.LoadRoots(*rootsFile); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	sigs, err := sign.Verify(b, roots)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sigs); err != nil {
			return err
		}
	} else {
		if len(sigs) == 0 {
			fmt.Fprintln(c.stdout, "no signature")
		}
		printSignatures(c.stdout, sigs)
	}
	if len(sigs) == 0 {
		return errSignatureBad
	}
	for _, s := range sigs {
		if !s.Valid || !s.Unchanged || (roots != nil && !s.Trusted) {
			return errSignatureBad
		}
	}
	return nil
}

// printSignatures writes one block per signature.
func printSignatures(w io.Writer, sigs []sign.Signature) {
	for i, s := range sigs {
		fmt.Fprintf(w, "Signature %d (%s): %s\n", i+1, s.Field, s.Signer)
		if s.Name != "" && s.Name != s.Signer {
			fmt.Fprintf(w, "  name:      %s\n", s.Name)
		}
		fmt.Fprintf(w, "  subject:   %s\n", s.Subject)
		if !s.SigningTime.IsZero() {
			fmt.Fprintf(w, "  signed at: %s\n", s.SigningTime.Format(time.RFC3339))
		}
		if s.Timestamp != nil {
			fmt.Fprintf(w, "  timestamp: %s by %s (trusted: %v)\n", s.Timestamp.Format(time.RFC3339), s.TimestampAuthority, s.TimestampTrusted)
		}
		fmt.Fprintf(w, "  level:     %s\n", s.Level)
		switch {
		case !s.Valid:
			fmt.Fprintf(w, "  valid:     NO — %s\n", s.Error)
		default:
			fmt.Fprintf(w, "  valid:     yes (the signed bytes match)\n")
		}
		switch {
		case s.Trusted:
			fmt.Fprintf(w, "  chain:     trusted: %s\n", strings.Join(s.Chain, " → "))
		default:
			fmt.Fprintf(w, "  chain:     NOT trusted (%s): %s\n", s.TrustError, strings.Join(s.Chain, " → "))
		}
		switch {
		case !s.Valid:
		case s.WholeDocument:
			fmt.Fprintf(w, "  document:  unchanged since (the signature covers the whole file)\n")
		case s.Unchanged:
			fmt.Fprintf(w, "  document:  unchanged since (later updates only added signatures)\n")
		default:
			fmt.Fprintf(w, "  document:  CHANGED after this signature: %s\n", s.Changes)
		}
	}
}
