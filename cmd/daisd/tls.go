package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

// tlsConfig returns the HTTPS configuration of the node: the given
// certificate and key files, or (selfSigned) a room authority and a server
// certificate it signs, kept in dir. Neither: nil (plain HTTP).
func tlsConfig(certFile, keyFile string, selfSigned bool, dir string, hosts []string, out io.Writer) (*tls.Config, error) {
	switch {
	case certFile != "" || keyFile != "":
		if selfSigned {
			return nil, errors.New("-tls-self-signed excludes -tls-cert and -tls-key")
		}
		if certFile == "" || keyFile == "" {
			return nil, errors.New("-tls-cert and -tls-key go together")
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the TLS certificate: %w", err)
		}
		return serverTLS(cert), nil
	case selfSigned:
		cert, ca, err := roomCertificate(dir, hosts, time.Now())
		if err != nil {
			return nil, fmt.Errorf("the self-signed certificate: %w", err)
		}
		printFingerprint(out, ca)
		return serverTLS(cert), nil
	}
	return nil, nil
}

func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
}

// Fingerprint is the SHA-256 of a certificate, as browsers show it:
// upper-case hex pairs joined by colons.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// printFingerprint tells the person starting the node which authority
// tablets must trust, with a QR code of its fingerprint for a tablet's
// camera to compare.
func printFingerprint(out io.Writer, ca *x509.Certificate) {
	fp := Fingerprint(ca)
	fmt.Fprintf(out, "TLS: chứng chỉ tự ký của phòng họp / the room's self-signed authority %q\n", ca.Subject.CommonName)
	fmt.Fprintf(out, "SHA-256: %s\n", fp)
	fmt.Fprintln(out, "Cài chứng chỉ gốc trên máy tính bảng từ /dais-ca.pem và so dấu vân tay này / install /dais-ca.pem on each tablet and compare this fingerprint:")
	if q, err := qrcode.New("SHA256:"+strings.ReplaceAll(fp, ":", ""), qrcode.Medium); err == nil {
		fmt.Fprint(out, q.ToSmallString(false))
	}
}

// Files of the room's authority and server certificate under the data
// folder's tls/.
const (
	caCertFile  = "ca.pem"
	caKeyFile   = "ca-key.pem"
	srvCertFile = "cert.pem"
	srvKeyFile  = "key.pem"
)

// roomCertificate returns the server certificate and the room authority
// that signs it, both kept in dir. The authority is made once (10 years) and
// kept, so a tablet trusts it once; the server certificate is made again
// when it is missing, expires within 30 days, or does not name every host
// (hosts, this machine's name and addresses): the fingerprint to check
// stays the same.
func roomCertificate(dir string, hosts []string, now time.Time) (tls.Certificate, *x509.Certificate, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, caKey, err := loadPair(filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		ca, caKey, err = newAuthority(dir, now)
	}
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	names, ips := certHosts(hosts)
	if leaf, key, err := loadPair(filepath.Join(dir, srvCertFile), filepath.Join(dir, srvKeyFile)); err == nil &&
		leaf.CheckSignatureFrom(ca) == nil && now.Add(30*24*time.Hour).Before(leaf.NotAfter) && covers(leaf, names, ips) {
		return tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Raw}, PrivateKey: key, Leaf: leaf}, ca, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"Dais"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(397 * 24 * time.Hour), // what browsers accept for a server certificate
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	if err := savePair(dir, srvCertFile, srvKeyFile, der, key); err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der, ca.Raw}, PrivateKey: key, Leaf: leaf}, ca, nil
}

func newAuthority(dir string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Dais room authority " + hostname(), Organization: []string{"Dais"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := savePair(dir, caCertFile, caKeyFile, der, key); err != nil {
		return nil, nil, err
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, err
}

// certHosts is what the server certificate names: the given hosts, this
// machine's name, localhost and every address of its interfaces.
func certHosts(hosts []string) ([]string, []net.IP) {
	var names []string
	var ips []net.IP
	add := func(h string) {
		if h = strings.TrimSpace(h); h == "" {
			return
		}
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
		} else if !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	for _, h := range hosts {
		add(h)
	}
	add(hostname())
	add("localhost")
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				add(n.IP.String())
			}
		}
	}
	add("127.0.0.1")
	add("::1")
	return names, ips
}

// covers reports whether leaf names every one of names and ips.
func covers(leaf *x509.Certificate, names []string, ips []net.IP) bool {
	for _, n := range names {
		if !slices.Contains(leaf.DNSNames, n) {
			return false
		}
	}
	for _, ip := range ips {
		if !slices.ContainsFunc(leaf.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

func loadPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM", certPath, keyPath)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func savePair(dir, certName, keyName string, der []byte, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	var cb, kb bytes.Buffer
	_ = pem.Encode(&cb, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&kb, &pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	if err := writeFileAtomic(filepath.Join(dir, keyName), kb.Bytes(), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, certName), cb.Bytes(), 0o644)
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// authorityPEM returns the room authority's certificate for tablets to
// install (GET /dais-ca.pem), or nil without a self-signed setup.
func authorityPEM(dir string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, caCertFile))
	if err != nil {
		return nil
	}
	return b
}
