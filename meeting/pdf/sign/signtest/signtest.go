// Package signtest makes test certificate authorities with Vietnamese
// names — a root, an intermediate and end-entity certificates for signers
// and a time-stamp authority — and checks signed PDFs with poppler's pdfsig
// against an NSS database that trusts the test root. For tests only.
package signtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/pdf/sign"
)

// CA is a root and an intermediate authority.
type CA struct {
	Root, Intermediate       *x509.Certificate
	RootKey, IntermediateKey crypto.Signer
	serial                   atomic.Int64
}

// NotBefore is the start of every test certificate's validity: a fixed
// day, so that tests may sign at fixed times.
var NotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// NewCA returns a CA: root "Ban Cơ yếu Chính phủ Thử nghiệm" and
// intermediate "Cục Chứng thực số và Bảo mật thông tin Thử nghiệm", both
// RSA 2048, valid for ten years from NotBefore.
func NewCA(tb testing.TB) *CA {
	tb.Helper()
	ca := &CA{}
	rootKey := mustRSA(tb)
	root := &x509.Certificate{
		Subject: pkix.Name{
			CommonName: "Ban Cơ yếu Chính phủ Thử nghiệm", Organization: []string{"Ban Cơ yếu Chính phủ"},
			Country: []string{"VN"},
		},
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	ca.Root, ca.RootKey = ca.issue(tb, root, rootKey.Public(), nil, rootKey), rootKey
	intKey := mustRSA(tb)
	inter := &x509.Certificate{
		Subject: pkix.Name{
			CommonName: "Cục Chứng thực số và Bảo mật thông tin Thử nghiệm", Organization: []string{"Ban Cơ yếu Chính phủ"},
			Country: []string{"VN"},
		},
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	ca.Intermediate, ca.IntermediateKey = ca.issue(tb, inter, intKey.Public(), ca.Root, rootKey), intKey
	return ca
}

func mustRSA(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatalf("rsa: %v", err)
	}
	return k
}

func (ca *CA) issue(tb testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	tb.Helper()
	tmpl.SerialNumber = big.NewInt(1000 + ca.serial.Add(1))
	tmpl.NotBefore, tmpl.NotAfter = NotBefore, NotBefore.AddDate(10, 0, 0)
	if parent == nil {
		parent = tmpl
	}
	raw, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		tb.Fatalf("certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(raw)
	if err != nil {
		tb.Fatalf("certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	return c
}

// Issue returns a signer's certificate for pub, issued by the
// intermediate, with common name cn and organisation org (e.g.
// "Tỉnh ủy Hòa Bình"), and its chain (the certificate, then the
// intermediate).
func (ca *CA) Issue(tb testing.TB, pub crypto.PublicKey, cn, org string) []*x509.Certificate {
	tb.Helper()
	c := ca.issue(tb, &x509.Certificate{
		Subject: pkix.Name{
			CommonName: cn, Organization: []string{org}, Country: []string{"VN"}, Province: []string{"Hòa Bình"},
		},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}, pub, ca.Intermediate, ca.IntermediateKey)
	return []*x509.Certificate{c, ca.Intermediate}
}

// NewSigner returns a software signer (ECDSA P-256 when ec, else RSA 2048)
// with a certificate issued to cn of org.
func (ca *CA) NewSigner(tb testing.TB, cn, org string, ec bool) sign.Signer {
	tb.Helper()
	var key crypto.Signer
	if ec {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		key = k
	} else {
		key = mustRSA(tb)
	}
	return sign.Signer{Key: key, Chain: ca.Issue(tb, key.Public(), cn, org)}
}

// NewTSA returns a time-stamp authority whose certificate
// ("Máy chủ cấp dấu thời gian Thử nghiệm") the intermediate issued.
func (ca *CA) NewTSA(tb testing.TB) *sign.TSA {
	tb.Helper()
	key := mustRSA(tb)
	c := ca.issue(tb, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "Máy chủ cấp dấu thời gian Thử nghiệm", Organization: []string{"Ban Cơ yếu Chính phủ"}, Country: []string{"VN"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}, key.Public(), ca.Intermediate, ca.IntermediateKey)
	return &sign.TSA{Key: key, Chain: []*x509.Certificate{c, ca.Intermediate}}
}

// Roots returns a pool holding the root only.
func (ca *CA) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Root)
	return p
}

// RootPEM returns the root certificate in PEM.
func (ca *CA) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Root.Raw})
}

// IntermediatePEM returns the intermediate certificate in PEM.
func (ca *CA) IntermediatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Intermediate.Raw})
}

// WritePEM writes key (PKCS#8) and chain in PEM to dir/name.key and
// dir/name.pem and returns their paths.
func WritePEM(tb testing.TB, dir, name string, s sign.Signer) (keyFile, certFile string) {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(s.Key)
	if err != nil {
		tb.Fatal(err)
	}
	keyFile, certFile = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	for _, c := range s.Chain {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	if err := os.WriteFile(certFile, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return keyFile, certFile
}

// PdfsigSignature is one signature as poppler's pdfsig reported it.
type PdfsigSignature struct {
	Signer     string // "Signer Certificate Common Name"
	Validation string // "Signature Validation"
	Trust      string // "Certificate Validation"
}

// Pdfsig runs poppler's pdfsig on pdf with an NSS database (made with
// certutil in a temporary folder) that trusts ca's root, and returns the
// signatures it reports. The test fails when pdfsig or certutil is
// missing (.ci/deps.sh installs poppler-utils and libnss3-tools).
func Pdfsig(tb testing.TB, ca *CA, pdf []byte) []PdfsigSignature {
	tb.Helper()
	for _, tool := range []string{"pdfsig", "certutil"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s is needed (poppler-utils, libnss3-tools: .ci/deps.sh installs them): %v", tool, err)
		}
	}
	dir := tb.TempDir()
	db := filepath.Join(dir, "nss")
	if err := os.Mkdir(db, 0o700); err != nil {
		tb.Fatal(err)
	}
	rootFile := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(rootFile, ca.RootPEM(), 0o644); err != nil {
		tb.Fatal(err)
	}
	run := func(name string, args ...string) string {
		tb.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil && name != "pdfsig" {
			tb.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	run("certutil", "-N", "-d", "sql:"+db, "--empty-password")
	run("certutil", "-A", "-d", "sql:"+db, "-n", "dais-test-root", "-t", "CT,C,C", "-i", rootFile)
	file := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out := run("pdfsig", "-nssdir", "sql:"+db, file)
	var sigs []PdfsigSignature
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "Signature #") {
			sigs = append(sigs, PdfsigSignature{})
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || len(sigs) == 0 {
			continue
		}
		s := &sigs[len(sigs)-1]
		v = strings.TrimSpace(v)
		switch strings.TrimPrefix(k, "- ") {
		case "Signer Certificate Common Name":
			s.Signer = v
		case "Signature Validation":
			s.Validation = v
		case "Certificate Validation":
			s.Trust = v
		}
	}
	if len(sigs) == 0 {
		tb.Logf("pdfsig output:\n%s", out)
	}
	return sigs
}

// ClassicPDF returns a one-page PDF 1.4 with a classic cross-reference
// table and no object streams.
func ClassicPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Bien ban) Tj ET\n\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
