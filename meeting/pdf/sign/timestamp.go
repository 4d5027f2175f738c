package sign

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"
)

// Timestamper obtains an RFC 3161 time-stamp token over a SHA-256 digest.
// A signature with a token is PAdES B-T; without, B-B.
type Timestamper interface {
	// Timestamp returns the DER TimeStampToken (a CMS ContentInfo) whose
	// message imprint is digest (SHA-256). It may wait on the network.
	Timestamp(ctx context.Context, digest []byte) ([]byte, error)
}

// TSAClient is a Timestamper that asks a time-stamp authority over HTTP
// (RFC 3161 section 3.4: POST application/timestamp-query).
type TSAClient struct {
	// URL of the authority.
	URL string
	// Client sends the request; nil means a client with a 30 s timeout.
	Client *http.Client
}

var _ Timestamper = (*TSAClient)(nil)

// MessageImprint ::= SEQUENCE { hashAlgorithm, hashedMessage }
type messageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

// TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy, nonce, certReq, ... }
type timeStampReq struct {
	Version        int
	MessageImprint messageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional,default:false"`
}

// TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }
type timeStampResp struct {
	Status struct {
		Status int
		Rest   asn1.RawValue `asn1:"optional"`
		Fail   asn1.RawValue `asn1:"optional"`
	}
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

// tstInfo is the content of a time-stamp token.
type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        time.Time     `asn1:"generalized"`
	Accuracy       accuracy      `asn1:"optional"`
	Ordering       bool          `asn1:"optional,default:false"`
	Nonce          *big.Int      `asn1:"optional"`
	TSA            asn1.RawValue `asn1:"optional,explicit,tag:0"`
	Extensions     asn1.RawValue `asn1:"optional,tag:1"`
}

// accuracy ::= SEQUENCE { seconds, [0] millis, [1] micros }, all optional.
type accuracy struct {
	Seconds int `asn1:"optional"`
	Millis  int `asn1:"optional,tag:0"`
	Micros  int `asn1:"optional,tag:1"`
}

// Timestamp asks the authority for a token over digest.
func (c *TSAClient) Timestamp(ctx context.Context, digest []byte) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	req, err := asn1.Marshal(timeStampReq{
		Version:        1,
		MessageImprint: messageImprint{HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256}, HashedMessage: digest},
		Nonce:          nonce,
		CertReq:        true,
	})
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: time-stamp authority answered %s", resp.Status)
	}
	var tr timeStampResp
	if _, err := asn1.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: bad response: %w", err)
	}
	if tr.Status.Status > 1 || len(tr.TimeStampToken.FullBytes) == 0 {
		return nil, fmt.Errorf("sign: time-stamp authority refused (status %d)", tr.Status.Status)
	}
	ts, err := checkTimeStampToken(tr.TimeStampToken.FullBytes, digest)
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	if ts.nonce == nil || ts.nonce.Cmp(nonce) != 0 {
		return nil, errors.New("sign: time-stamp authority: the token does not carry our nonce")
	}
	return tr.TimeStampToken.FullBytes, nil
}

// timeStamp is a checked time-stamp token.
type timeStamp struct {
	genTime time.Time
	signer  *x509.Certificate
	certs   []*x509.Certificate
	nonce   *big.Int
}

// checkTimeStampToken parses token, checks its signature and that its
// imprint is digest (the token's own hash algorithm applied by the
// caller: only SHA-256 imprints are accepted).
func checkTimeStampToken(token, digest []byte) (*timeStamp, error) {
	p, err := parseSignedData(token)
	if err != nil {
		return nil, fmt.Errorf("time-stamp token: %w", err)
	}
	if !p.contentType.Equal(oidTSTInfo) {
		return nil, errors.New("time-stamp token: content is not a TSTInfo")
	}
	h := newHash(p.digestAlg)
	h.Write(p.content)
	if !bytes.Equal(h.Sum(nil), p.messageDigest) {
		return nil, errors.New("time-stamp token: the message digest does not match its TSTInfo")
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(p.content, &info); err != nil {
		return nil, fmt.Errorf("time-stamp token: bad TSTInfo: %w", err)
	}
	if !info.MessageImprint.HashAlgorithm.Algorithm.Equal(oidSHA256) || !bytes.Equal(info.MessageImprint.HashedMessage, digest) {
		return nil, errors.New("time-stamp token: its imprint is not this signature's")
	}
	return &timeStamp{genTime: info.GenTime, signer: p.signer, certs: p.certs, nonce: info.Nonce}, nil
}
