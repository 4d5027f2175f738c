package sign

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// TSA is a small RFC 3161 time-stamp responder (HTTP, SHA-256 imprints
// only). Tests use it in-process for B-T signatures; an office without a
// public authority could run one on its own certificate. It is safe for
// concurrent use.
type TSA struct {
	// Key and Chain sign the tokens; Chain[0] must carry the critical
	// time-stamping extended key usage.
	Key   crypto.Signer
	Chain []*x509.Certificate
	// Policy is the TSA policy OID written in each token.
	Policy asn1.ObjectIdentifier
	// Now gives the time; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	serial int64
}

var _ http.Handler = (*TSA)(nil)

// ServeHTTP answers one application/timestamp-query.
func (t *TSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a time-stamp query", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	resp, err := t.respond(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp)
}

func (t *TSA) respond(query []byte) ([]byte, error) {
	var req timeStampReq
	rejection := func() ([]byte, error) {
		return der(0x30, der(0x30, mustMarshal(2))), nil // status: rejection
	}
	if _, err := asn1.Unmarshal(query, &req); err != nil || req.Version != 1 ||
		!req.MessageImprint.HashAlgorithm.Algorithm.Equal(oidSHA256) || len(req.MessageImprint.HashedMessage) != sha256.Size {
		return rejection()
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	t.mu.Lock()
	t.serial++
	serial := t.serial
	t.mu.Unlock()
	policy := t.Policy
	if policy == nil {
		policy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	}
	info, err := asn1.Marshal(tstInfo{
		Version:        1,
		Policy:         policy,
		MessageImprint: messageImprint{HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256}, HashedMessage: req.MessageImprint.HashedMessage},
		SerialNumber:   big.NewInt(serial),
		GenTime:        now().UTC().Truncate(time.Second),
		Nonce:          req.Nonce,
	})
	if err != nil {
		return nil, err
	}
	d := sha256.Sum256(info)
	chain := t.Chain
	if !req.CertReq {
		chain = chain[:1] // the signer's certificate is always needed to verify here
	}
	token, err := buildSignedData(cmsInput{contentType: oidTSTInfo, content: info, digest: d[:], key: t.Key, chain: chain})
	if err != nil {
		return nil, err
	}
	return der(0x30, der(0x30, mustMarshal(0)), token), nil
}
