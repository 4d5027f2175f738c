package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"sort"
	"time"
)

// The object identifiers of the CMS (RFC 5652), ESS (RFC 5035) and
// time-stamp (RFC 3161) structures written and read here.
var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCertV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidSHA256             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSA                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSAWithSHA256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidECPublicKey        = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
)

// der returns the DER encoding of a tag and its content.
func der(tag byte, content ...[]byte) []byte {
	n := 0
	for _, c := range content {
		n += len(c)
	}
	var b bytes.Buffer
	b.WriteByte(tag)
	switch {
	case n < 0x80:
		b.WriteByte(byte(n))
	case n < 0x100:
		b.Write([]byte{0x81, byte(n)})
	case n < 0x10000:
		b.Write([]byte{0x82, byte(n >> 8), byte(n)})
	default:
		b.Write([]byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)})
	}
	for _, c := range content {
		b.Write(c)
	}
	return b.Bytes()
}

// derSetOf returns a DER SET OF (tag 0x31, or tag for an implicit tag)
// whose elements are sorted by their encoding, as DER requires.
func derSetOf(tag byte, elems [][]byte) []byte {
	s := append([][]byte(nil), elems...)
	sort.Slice(s, func(i, j int) bool { return bytes.Compare(s[i], s[j]) < 0 })
	return der(tag, s...)
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sign: marshal %T: %v", v, err)) // only fixed, well-formed structures are marshalled
	}
	return b
}

// attribute returns an Attribute ::= SEQUENCE { type, SET OF value }.
func attribute(oid asn1.ObjectIdentifier, values ...[]byte) []byte {
	return der(0x30, mustMarshal(oid), derSetOf(0x31, values))
}

// algorithm returns an AlgorithmIdentifier without parameters.
func algorithm(oid asn1.ObjectIdentifier) []byte { return der(0x30, mustMarshal(oid)) }

// algorithmNull returns an AlgorithmIdentifier with NULL parameters (RSA).
func algorithmNull(oid asn1.ObjectIdentifier) []byte {
	return der(0x30, mustMarshal(oid), []byte{0x05, 0x00})
}

// signingCertificateV2 returns the value of the signing-certificate-v2
// attribute (RFC 5035) naming cert by its SHA-256 hash, issuer and serial.
func signingCertificateV2(cert *x509.Certificate) []byte {
	h := sha256.Sum256(cert.Raw)
	issuerSerial := der(0x30,
		der(0x30, der(0xa4, cert.RawIssuer)), // GeneralNames { directoryName [4] }
		mustMarshal(cert.SerialNumber))
	// hashAlgorithm is left out: its DEFAULT is SHA-256.
	essCertIDv2 := der(0x30, der(0x04, h[:]), issuerSerial)
	return der(0x30, der(0x30, essCertIDv2))
}

// signatureAlgorithm returns the AlgorithmIdentifier of a SHA-256
// signature by pub.
func signatureAlgorithm(pub crypto.PublicKey) ([]byte, error) {
	switch pub.(type) {
	case *rsa.PublicKey:
		return algorithmNull(oidSHA256WithRSA), nil
	case *ecdsa.PublicKey:
		return algorithm(oidECDSAWithSHA256), nil
	default:
		return nil, fmt.Errorf("sign: key type %T is not supported (RSA or ECDSA)", pub)
	}
}

// cmsInput is what buildSignedData signs.
type cmsInput struct {
	contentType asn1.ObjectIdentifier // oidData for a PDF (detached), oidTSTInfo for a token
	content     []byte                // encapsulated content, nil when detached
	digest      []byte                // SHA-256 of the signed content
	key         crypto.Signer
	chain       []*x509.Certificate // signer first
	signingTime time.Time           // zero: no signing-time attribute (PAdES forbids it)
	// unsigned returns the unsigned attributes given the signature value
	// (the B-T time stamp); nil for none.
	unsigned func(signature []byte) ([][]byte, error)
}

// buildSignedData returns a DER ContentInfo holding one SignedData with
// one SignerInfo: content type, message digest and signing-certificate-v2
// as signed attributes, the chain as certificates.
func buildSignedData(in cmsInput) ([]byte, error) {
	if len(in.chain) == 0 {
		return nil, errors.New("sign: no certificate")
	}
	cert := in.chain[0]
	sigAlg, err := signatureAlgorithm(in.key.Public())
	if err != nil {
		return nil, err
	}
	if !publicKeysEqual(in.key.Public(), cert.PublicKey) {
		return nil, errors.New("sign: the key does not belong to the signer's certificate")
	}
	attrs := [][]byte{
		attribute(oidAttrContentType, mustMarshal(in.contentType)),
		attribute(oidAttrMessageDigest, der(0x04, in.digest)),
		attribute(oidAttrSigningCertV2, signingCertificateV2(cert)),
	}
	if !in.signingTime.IsZero() {
		attrs = append(attrs, attribute(oidAttrSigningTime, mustMarshal(in.signingTime.UTC())))
	}
	signedSet := derSetOf(0x31, attrs)
	h := sha256.Sum256(signedSet)
	signature, err := in.key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: the key refused to sign: %w", err)
	}
	// The signed attributes are written with the implicit tag [0].
	signedAttrs := append([]byte{0xa0}, signedSet[1:]...)
	sid := der(0x30, cert.RawIssuer, mustMarshal(cert.SerialNumber))
	parts := [][]byte{
		mustMarshal(1), sid, algorithm(oidSHA256), signedAttrs, sigAlg, der(0x04, signature),
	}
	if in.unsigned != nil {
		ua, err := in.unsigned(signature)
		if err != nil {
			return nil, err
		}
		if len(ua) > 0 {
			parts = append(parts, derSetOf(0xa1, ua))
		}
	}
	signerInfo := der(0x30, parts...)
	encap := [][]byte{mustMarshal(in.contentType)}
	if in.content != nil {
		encap = append(encap, der(0xa0, der(0x04, in.content)))
	}
	certs := make([][]byte, 0, len(in.chain))
	for _, c := range in.chain {
		certs = append(certs, c.Raw)
	}
	version := 1
	if !in.contentType.Equal(oidData) {
		version = 3 // RFC 5652 5.1: eContentType other than id-data
	}
	sd := der(0x30,
		mustMarshal(version),
		der(0x31, algorithm(oidSHA256)),
		der(0x30, encap...),
		der(0xa0, certs...),
		der(0x31, signerInfo),
	)
	return der(0x30, mustMarshal(oidSignedData), der(0xa0, sd)), nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if e, ok := a.(equaler); ok {
		return e.Equal(b)
	}
	return false
}

// The structures read back by parseSignedData.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     []byte `asn1:"optional,explicit,tag:0"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attr struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

// parsedCMS is one SignedData with one signer, checked: its signature over
// the signed attributes is valid for the signer's certificate.
type parsedCMS struct {
	contentType      asn1.ObjectIdentifier
	content          []byte // encapsulated content (a time-stamp token's TSTInfo)
	certs            []*x509.Certificate
	signer           *x509.Certificate
	digestAlg        crypto.Hash
	messageDigest    []byte
	signature        []byte
	signingTime      time.Time // signing-time attribute, if any
	hasSigningCertV2 bool
	timeStampToken   []byte // unsigned signature-time-stamp-token, if any
}

// parseSignedData parses a DER ContentInfo (trailing zero padding, as in
// a PDF's /Contents, is allowed) and verifies the signer's signature over
// its signed attributes. It does not check the message digest against the
// content nor the certificate chain: the callers do.
func parseSignedData(b []byte) (*parsedCMS, error) {
	var ci contentInfo
	rest, err := asn1.Unmarshal(b, &ci)
	if err != nil {
		return nil, fmt.Errorf("not a CMS structure: %w", err)
	}
	if len(bytes.Trim(rest, "\x00")) != 0 {
		return nil, errors.New("data after the CMS structure")
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("CMS content type %v is not signed data", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("bad CMS signed data: %w", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("CMS has %d signers, want 1", len(sd.SignerInfos))
	}
	p := &parsedCMS{contentType: sd.EncapContentInfo.EContentType, content: sd.EncapContentInfo.EContent}
	if len(sd.Certificates.Bytes) > 0 {
		if p.certs, err = x509.ParseCertificates(sd.Certificates.Bytes); err != nil {
			return nil, fmt.Errorf("bad certificate in the CMS: %w", err)
		}
	}
	si := sd.SignerInfos[0]
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err != nil || ias.Serial == nil {
		return nil, errors.New("the CMS signer is not named by issuer and serial number")
	}
	for _, c := range p.certs {
		if bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) && c.SerialNumber.Cmp(ias.Serial) == 0 {
			p.signer = c
			break
		}
	}
	if p.signer == nil {
		return nil, errors.New("the signer's certificate is not in the CMS")
	}
	if p.digestAlg, err = hashOf(si.DigestAlgorithm.Algorithm); err != nil {
		return nil, err
	}
	if len(si.SignedAttrs.FullBytes) == 0 {
		return nil, errors.New("the CMS has no signed attributes")
	}
	signedSet := append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	var attrs []attr
	if _, err := asn1.UnmarshalWithParams(signedSet, &attrs, "set"); err != nil {
		return nil, fmt.Errorf("bad signed attributes: %w", err)
	}
	var ctOK bool
	for _, a := range attrs {
		if len(a.Values) != 1 {
			return nil, fmt.Errorf("attribute %v has %d values", a.Type, len(a.Values))
		}
		v := a.Values[0].FullBytes
		switch {
		case a.Type.Equal(oidAttrContentType):
			var oid asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(v, &oid); err != nil || !oid.Equal(p.contentType) {
				return nil, errors.New("the content-type attribute does not match the content")
			}
			ctOK = true
		case a.Type.Equal(oidAttrMessageDigest):
			if _, err := asn1.Unmarshal(v, &p.messageDigest); err != nil {
				return nil, fmt.Errorf("bad message-digest attribute: %w", err)
			}
		case a.Type.Equal(oidAttrSigningTime):
			if _, err := asn1.Unmarshal(v, &p.signingTime); err != nil {
				return nil, fmt.Errorf("bad signing-time attribute: %w", err)
			}
		case a.Type.Equal(oidAttrSigningCertV2):
			if err := checkSigningCertV2(v, p.signer); err != nil {
				return nil, err
			}
			p.hasSigningCertV2 = true
		}
	}
	if !ctOK || p.messageDigest == nil {
		return nil, errors.New("the CMS lacks the content-type or message-digest attribute")
	}
	h := p.digestAlg.New()
	h.Write(signedSet)
	if err := verifySignature(p.signer.PublicKey, si.SignatureAlgorithm.Algorithm, p.digestAlg, h.Sum(nil), si.Signature); err != nil {
		return nil, err
	}
	p.signature = si.Signature
	if len(si.UnsignedAttrs.FullBytes) > 0 {
		unsignedSet := append([]byte{0x31}, si.UnsignedAttrs.FullBytes[1:]...)
		var ua []attr
		if _, err := asn1.UnmarshalWithParams(unsignedSet, &ua, "set"); err != nil {
			return nil, fmt.Errorf("bad unsigned attributes: %w", err)
		}
		for _, a := range ua {
			if a.Type.Equal(oidAttrTimeStampToken) && len(a.Values) == 1 {
				p.timeStampToken = a.Values[0].FullBytes
			}
		}
	}
	return p, nil
}

// checkSigningCertV2 checks that the signing-certificate-v2 value v names
// cert first.
func checkSigningCertV2(v []byte, cert *x509.Certificate) error {
	var sc struct {
		Certs []asn1.RawValue
		Rest  asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(v, &sc); err != nil || len(sc.Certs) == 0 {
		return errors.New("bad signing-certificate-v2 attribute")
	}
	// ESSCertIDv2: [hashAlgorithm] certHash [issuerSerial]
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(sc.Certs[0].FullBytes, &seq); err != nil {
		return errors.New("bad signing-certificate-v2 attribute")
	}
	alg := oidSHA256
	rest := seq.Bytes
	var first asn1.RawValue
	rest, err := asn1.Unmarshal(rest, &first)
	if err != nil {
		return errors.New("bad signing-certificate-v2 attribute")
	}
	if first.Tag == asn1.TagSequence {
		var ai pkix.AlgorithmIdentifier
		if _, err := asn1.Unmarshal(first.FullBytes, &ai); err != nil {
			return errors.New("bad signing-certificate-v2 hash algorithm")
		}
		alg = ai.Algorithm
		if _, err := asn1.Unmarshal(rest, &first); err != nil {
			return errors.New("bad signing-certificate-v2 attribute")
		}
	}
	hf, err := hashOf(alg)
	if err != nil {
		return err
	}
	h := hf.New()
	h.Write(cert.Raw)
	if first.Tag != asn1.TagOctetString || !bytes.Equal(first.Bytes, h.Sum(nil)) {
		return errors.New("the signing-certificate-v2 attribute names another certificate")
	}
	return nil
}

func hashOf(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("digest algorithm %v is not supported", oid)
}

func newHash(h crypto.Hash) hash.Hash {
	switch h {
	case crypto.SHA384:
		return sha512.New384()
	case crypto.SHA512:
		return sha512.New()
	}
	return sha256.New()
}

// verifySignature checks sig over digest (made with h) by pub.
func verifySignature(pub crypto.PublicKey, alg asn1.ObjectIdentifier, h crypto.Hash, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if !(alg.Equal(oidRSA) || alg.Equal(oidSHA256WithRSA) || alg.Equal(oidSHA384WithRSA) || alg.Equal(oidSHA512WithRSA)) {
			return fmt.Errorf("signature algorithm %v does not fit an RSA key", alg)
		}
		if err := rsa.VerifyPKCS1v15(k, h, digest, sig); err != nil {
			return errors.New("the CMS signature is not valid")
		}
		return nil
	case *ecdsa.PublicKey:
		if !(alg.Equal(oidECDSAWithSHA256) || alg.Equal(oidECDSAWithSHA384) || alg.Equal(oidECDSAWithSHA512) || alg.Equal(oidECPublicKey)) {
			return fmt.Errorf("signature algorithm %v does not fit an ECDSA key", alg)
		}
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("the CMS signature is not valid")
		}
		return nil
	case ed25519.PublicKey:
		return errors.New("Ed25519 signatures are not supported")
	}
	return fmt.Errorf("key type %T is not supported", pub)
}
