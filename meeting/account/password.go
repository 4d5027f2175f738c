package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id parameters of a password hash. The hash keeps
// its own parameters (PHC string format), so raising them later re-hashes
// nothing: older hashes still verify, and a password is re-hashed with the
// current parameters at its next successful sign-in.
type Params struct {
	// Memory in KiB, Time (passes) and Threads (lanes).
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultParams are RFC 9106's second recommended option (§4): 64 MiB,
// 3 passes, 4 lanes — measured 0.23–0.42 s per verify on a busy 2-core machine. At most
// Options.MaxHashing hashes run at once, so a flood of sign-ins cannot take
// more than MaxHashing × 64 MiB.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 4}

const (
	saltLen = 16
	keyLen  = 32
)

// HashPassword returns the argon2id hash of password with a fresh salt, as
// "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>" (unpadded base64).
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("account: not an argon2id hash")

// parseHash reads a PHC argon2id string.
func parseHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	// Bounds: a stored hash is ours, but a corrupted one must not make a
	// sign-in allocate gigabytes.
	if p.Memory < 8 || p.Memory > 1<<21 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the encoded hash,
// comparing in constant time. A malformed hash never matches.
func VerifyPassword(encoded, password string) bool {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// needsRehash reports whether encoded was made with other parameters than p.
func needsRehash(encoded string, p Params) bool {
	q, _, _, err := parseHash(encoded)
	return err != nil || q != p
}
