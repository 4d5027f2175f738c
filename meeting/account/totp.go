package account

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
)

// TOTP codes (RFC 6238): HMAC-SHA1 over the 30-second time step, six
// digits, as every authenticator app computes them by default.
const (
	totpPeriod = 30
	totpDigits = 6
	// totpSkew is how many steps before and after now a code is accepted
	// (a phone's clock a little off, a code typed as it rolled over).
	totpSkew = 1
	// totpSecretLen is 160 bits, RFC 4226's recommended key length.
	totpSecretLen = 20
)

// hotp is RFC 4226's HOTP value of counter with key, digits long, with the
// given HMAC hash (RFC 6238 allows SHA-256 and SHA-512 too).
func hotp(h func() hash.Hash, key []byte, counter uint64, digits int) string {
	mac := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// TOTPCode returns the six-digit code of secret at time t (what an
// authenticator app shows).
func TOTPCode(secret []byte, t time.Time) string {
	return hotp(sha1.New, secret, uint64(totpStep(t)), totpDigits)
}

// hashFor names RFC 6238's hashes (for the test vectors).
func hashFor(name string) func() hash.Hash {
	switch name {
	case "SHA256":
		return sha256.New
	case "SHA512":
		return sha512.New
	}
	return sha1.New
}

// checkTOTP returns the step of the code if it is the code of a step
// within totpSkew of now and later than last (a code once accepted is
// never accepted again), or 0 and false. Every candidate step is compared
// in constant time.
func checkTOTP(secret []byte, code string, now time.Time, last int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != totpDigits || len(secret) == 0 {
		return 0, false
	}
	var found int64
	cur := totpStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want := hotp(sha1.New, secret, uint64(s), totpDigits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > last && found == 0 {
			found = s
		}
	}
	return found, found != 0
}

// NewTOTPSecret returns a fresh random key.
func NewTOTPSecret() []byte {
	b := make([]byte, totpSecretLen)
	_, _ = rand.Read(b)
	return b
}

// base32NoPad is how otpauth URIs and people write keys.
var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// EncodeSecret writes a key as authenticator apps take it typed in.
func EncodeSecret(secret []byte) string { return base32NoPad.EncodeToString(secret) }

// DecodeSecret reads a key written by EncodeSecret (spaces and case are
// forgiven).
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	s = strings.TrimRight(s, "=")
	b, err := base32NoPad.DecodeString(s)
	if err != nil || len(b) < 10 || len(b) > 64 {
		return nil, fmt.Errorf("account: not a TOTP key")
	}
	return b, nil
}

// OTPAuthURI is the otpauth:// URI of a key, shown as a QR code to enrol
// an authenticator app (Google Authenticator's Key Uri Format).
func OTPAuthURI(issuer, account string, secret []byte) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{}
	q.Set("secret", EncodeSecret(secret))
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	return "otpauth://totp/" + label + "?" + q.Encode()
}
