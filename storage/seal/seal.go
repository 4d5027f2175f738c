// Package seal is the cryptography of secret ballot boxes, shared by the
// storage backends: the ballot key that lives outside the store, a key pair
// per poll, and ballots sealed to the poll's public key.
//
// The scheme (docs/security.md, "Secret ballots"):
//
//   - The ballot key K is 32 random bytes kept outside the store (a file
//     with mode 0600, or an environment variable shared by a cluster's
//     nodes). It never enters the store, a log line or the bus.
//   - OpenBox makes an X25519 key pair for the poll. The public key is
//     stored in clear, so that any node can seal a ballot without K. The
//     private key is stored sealed with AES-256-GCM under a key derived
//     from K (HKDF-SHA-256), bound to the meeting and poll ids.
//   - A ballot (its choice and its opaque content) is padded to the box's
//     fixed size and sealed to the poll's public key (ECIES: an ephemeral
//     X25519 key per node and box, kept in memory only; HKDF-SHA-256 of
//     the shared secret; AES-256-GCM with a random nonce per ballot).
//     Sealing is randomized: two ballots with the same choice share no
//     byte pattern (but the sealing node's ephemeral public key), and every
//     sealed ballot of a box has the same length.
//   - At the close the closer opens the poll's private key with K, opens
//     the ballots, writes the counts and the ballots as one shuffled batch,
//     and deletes the sealed private key and the sealed ballots.
//
// Nothing here keeps state: every function takes what it needs.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"strings"
)

// KeySize is the size of a ballot key in bytes.
const KeySize = 32

// Key is the ballot key: the secret that opens the private keys of polls.
type Key [KeySize]byte

// NewKey returns a fresh random ballot key.
func NewKey() Key {
	var k Key
	rand.Read(k[:])
	return k
}

// ParseKey parses a ballot key written as 64 hexadecimal digits (spaces and
// a trailing newline are ignored).
func ParseKey(s string) (Key, error) {
	var k Key
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != KeySize {
		return k, errors.New("seal: a ballot key is 64 hexadecimal digits")
	}
	copy(k[:], b)
	return k, nil
}

// String returns the key's 64 hexadecimal digits. Never log it.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// ID returns a short public fingerprint of the key (16 hex digits), to tell
// in logs and errors which key a node holds without revealing it.
func (k Key) ID() string {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte("dais ballot key id v1"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// LoadOrCreateKeyFile reads the ballot key from path, creating the file
// with a fresh key (mode 0600, created exclusively) when it does not exist.
// A file that others may read or write is refused.
func LoadOrCreateKeyFile(path string) (Key, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		k := NewKey()
		_, werr := f.WriteString(k.String() + "\n")
		if werr == nil {
			werr = f.Sync()
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return Key{}, fmt.Errorf("seal: write ballot key %s: %w", path, werr)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return Key{}, fmt.Errorf("seal: create ballot key %s: %w", path, err)
	}
	return LoadKeyFile(path)
}

// LoadKeyFile reads the ballot key from an existing file, refusing a file
// that others may read or write.
func LoadKeyFile(path string) (Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Key{}, fmt.Errorf("seal: ballot key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return Key{}, fmt.Errorf("seal: ballot key %s has mode %v: others may read it (chmod 600)", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("seal: ballot key: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return k, nil
}

// PublicKeySize is the size of a poll's public key in bytes.
const PublicKeySize = 32

// ErrOpen is returned when a sealed poll key or ballot does not open: another
// ballot key, another poll, or altered bytes.
var ErrOpen = errors.New("seal: cannot open (another ballot key, another poll, or altered data)")

// NewPollKey makes the key pair of a poll: the public key, stored in clear,
// and the private key sealed with k for this meeting and poll only.
func NewPollKey(k Key, meeting, poll string) (public, sealedPrivate []byte, err error) {
	return NewPollKeyWith(k, nil, meeting, poll)
}

// NewPollKeyWith is NewPollKey with the private key sealed under both k and
// secret, a per-poll secret kept outside the store and destroyed at the
// close (see PollSecrets): once it is gone, k no longer opens the poll's
// key in any copy of the store.
func NewPollKeyWith(k Key, secret []byte, meeting, poll string) (public, sealedPrivate []byte, err error) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: poll key: %w", err)
	}
	aead, err := pollKeyAEAD(k, secret)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, priv.Bytes(), pollAAD(meeting, poll))
	return priv.PublicKey().Bytes(), sealed, nil
}

// OpenPollKey opens a poll's sealed private key with k.
func OpenPollKey(k Key, meeting, poll string, sealedPrivate []byte) (*ecdh.PrivateKey, error) {
	return OpenPollKeyWith(k, nil, meeting, poll, sealedPrivate)
}

// OpenPollKeyWith opens a private key sealed by NewPollKeyWith.
func OpenPollKeyWith(k Key, secret []byte, meeting, poll string, sealedPrivate []byte) (*ecdh.PrivateKey, error) {
	aead, err := pollKeyAEAD(k, secret)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(sealedPrivate) < n+aead.Overhead() {
		return nil, ErrOpen
	}
	raw, err := aead.Open(nil, sealedPrivate[:n], sealedPrivate[n:], pollAAD(meeting, poll))
	if err != nil {
		return nil, ErrOpen
	}
	priv, err := ecdh.X25519().NewPrivateKey(raw)
	if err != nil {
		return nil, ErrOpen
	}
	return priv, nil
}

func pollKeyAEAD(k Key, secret []byte) (cipher.AEAD, error) {
	kek, err := hkdf.Key(sha256.New, k[:], secret, "dais poll key v1", 32)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return gcm(kek)
}

func pollAAD(meeting, poll string) []byte {
	return []byte("dais poll\x00" + meeting + "\x00" + poll)
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return a, nil
}

// Ballot is a ballot's plaintext: the choice counted and the opaque content
// the domain keeps for a recount (may be empty).
type Ballot struct {
	Choice  string
	Content []byte
}

// PlainSize is the padded plaintext size of the ballots of a box whose
// longest choice id has maxChoice bytes and whose content is at most
// maxContent bytes. Every sealed ballot of the box is SealedSize(PlainSize)
// bytes long, whatever its choice.
func PlainSize(maxChoice, maxContent int) int { return 2 + maxChoice + 4 + maxContent }

// SealedSize is the length of a sealed ballot of plaintext size plain:
// the sealer's ephemeral public key, a nonce, the ciphertext and its tag.
func SealedSize(plain int) int { return PublicKeySize + nonceSize + plain + 16 }

const nonceSize = 12

// Encode writes b padded with zeros to size bytes: choice length (2 bytes),
// choice, content length (4 bytes), content. It fails when b does not fit.
func Encode(b Ballot, size int) ([]byte, error) {
	n := 2 + len(b.Choice) + 4 + len(b.Content)
	if len(b.Choice) > 0xffff || n > size {
		return nil, fmt.Errorf("seal: ballot of %d bytes does not fit the box's %d", n, size)
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint16(out, uint16(len(b.Choice)))
	copy(out[2:], b.Choice)
	binary.BigEndian.PutUint32(out[2+len(b.Choice):], uint32(len(b.Content)))
	copy(out[6+len(b.Choice):], b.Content)
	return out, nil
}

// Decode reads what Encode wrote (the padding, if any, is ignored).
func Decode(p []byte) (Ballot, error) {
	if len(p) < 2 {
		return Ballot{}, errors.New("seal: short ballot")
	}
	nc := int(binary.BigEndian.Uint16(p))
	if len(p) < 2+nc+4 {
		return Ballot{}, errors.New("seal: short ballot")
	}
	choice := string(p[2 : 2+nc])
	nb := int(binary.BigEndian.Uint32(p[2+nc:]))
	if nb < 0 || len(p)-(6+nc) < nb {
		return Ballot{}, errors.New("seal: short ballot")
	}
	var content []byte
	if nb > 0 {
		content = append([]byte(nil), p[6+nc:6+nc+nb]...)
	}
	return Ballot{Choice: choice, Content: content}, nil
}

// Sealer seals the ballots of one box on one node. It holds an ephemeral
// X25519 key made for it (kept in memory only, never stored) and the
// AES-256-GCM key it shares with the poll's key pair, so that sealing a
// ballot costs no public-key operation: each ballot gets a fresh random
// nonce, so two ballots with the same choice share no byte pattern but the
// sealer's public key, which says which sealer (node) sealed it, never what
// was chosen. A Sealer is safe for concurrent use.
type Sealer struct {
	ephPub []byte
	aead   cipher.AEAD
	aad    []byte
	size   int
}

// NewSealer returns a sealer of ballots of plaintext size size for the poll
// whose public key is public.
func NewSealer(public []byte, meeting, poll string, size int) (*Sealer, error) {
	pub, err := ecdh.X25519().NewPublicKey(public)
	if err != nil {
		return nil, fmt.Errorf("seal: poll public key: %w", err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	ephPub := eph.PublicKey().Bytes()
	aead, err := ballotAEAD(shared, ephPub, public)
	if err != nil {
		return nil, err
	}
	return &Sealer{ephPub: ephPub, aead: aead, aad: pollAAD(meeting, poll), size: size}, nil
}

// Seal encodes b padded to the sealer's size and seals it. The result is
// SealedSize(size) bytes whatever b holds.
func (s *Sealer) Seal(b Ballot) ([]byte, error) {
	plain, err := Encode(b, s.size)
	if err != nil {
		return nil, err
	}
	out := make([]byte, PublicKeySize+nonceSize, SealedSize(s.size))
	copy(out, s.ephPub)
	rand.Read(out[PublicKeySize:])
	return s.aead.Seal(out, out[PublicKeySize:], plain, s.aad), nil
}

// SealBallot seals one ballot with a sealer of its own (see Sealer).
func SealBallot(public []byte, meeting, poll string, b Ballot, size int) ([]byte, error) {
	s, err := NewSealer(public, meeting, poll, size)
	if err != nil {
		return nil, err
	}
	return s.Seal(b)
}

// opener opens the ballots of one poll, remembering the key it shares with
// each sealer.
type opener struct {
	priv    *ecdh.PrivateKey
	aad     []byte
	sealers map[string]cipher.AEAD
}

// OpenBallot opens a ballot sealed by a Sealer with the poll's private key.
func OpenBallot(priv *ecdh.PrivateKey, meeting, poll string, sealed []byte) (Ballot, error) {
	o := &opener{priv: priv, aad: pollAAD(meeting, poll), sealers: map[string]cipher.AEAD{}}
	return o.open(sealed)
}

func (o *opener) open(sealed []byte) (Ballot, error) {
	if len(sealed) < PublicKeySize+nonceSize+16 {
		return Ballot{}, ErrOpen
	}
	ephRaw := sealed[:PublicKeySize]
	aead := o.sealers[string(ephRaw)]
	if aead == nil {
		ephPub, err := ecdh.X25519().NewPublicKey(ephRaw)
		if err != nil {
			return Ballot{}, ErrOpen
		}
		shared, err := o.priv.ECDH(ephPub)
		if err != nil {
			return Ballot{}, ErrOpen
		}
		if aead, err = ballotAEAD(shared, ephRaw, o.priv.PublicKey().Bytes()); err != nil {
			return Ballot{}, err
		}
		o.sealers[string(ephRaw)] = aead
	}
	nonce := sealed[PublicKeySize : PublicKeySize+nonceSize]
	plain, err := aead.Open(nil, nonce, sealed[PublicKeySize+nonceSize:], o.aad)
	if err != nil {
		return Ballot{}, ErrOpen
	}
	return Decode(plain)
}

func ballotAEAD(shared, ephPub, pollPub []byte) (cipher.AEAD, error) {
	salt := append(append([]byte{}, ephPub...), pollPub...)
	key, err := hkdf.Key(sha256.New, shared, salt, "dais ballot v1", 32)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return gcm(key)
}

// Count opens a box's sealed ballots at its close: it opens the poll's
// private key with k, opens every ballot, counts them per choice (every
// choice of the box is in counts, zero or not) and returns the ballots in a
// fresh random order, so that their order says nothing of the order in which
// they were cast. A ballot that does not open, or names a choice the box does
// not have, fails the whole count: the store was altered.
func Count(k Key, meeting, poll string, sealedPrivate []byte, sealed [][]byte, choices []string) (map[string]int, []Ballot, error) {
	return CountWith(k, nil, meeting, poll, sealedPrivate, sealed, choices)
}

// CountWith is Count for a poll key sealed by NewPollKeyWith.
func CountWith(k Key, secret []byte, meeting, poll string, sealedPrivate []byte, sealed [][]byte, choices []string) (map[string]int, []Ballot, error) {
	priv, err := OpenPollKeyWith(k, secret, meeting, poll, sealedPrivate)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: poll %s of meeting %s (ballot key %s): %w", poll, meeting, k.ID(), err)
	}
	counts := make(map[string]int, len(choices))
	for _, c := range choices {
		counts[c] = 0
	}
	o := &opener{priv: priv, aad: pollAAD(meeting, poll), sealers: map[string]cipher.AEAD{}}
	ballots := make([]Ballot, len(sealed))
	for i, s := range sealed {
		b, err := o.open(s)
		if err != nil {
			return nil, nil, fmt.Errorf("seal: a sealed ballot of poll %s of meeting %s: %w", poll, meeting, err)
		}
		if _, ok := counts[b.Choice]; !ok {
			return nil, nil, fmt.Errorf("seal: a sealed ballot of poll %s of meeting %s names choice %q, not one of the box's: %w", poll, meeting, b.Choice, ErrOpen)
		}
		counts[b.Choice]++
		ballots[i] = b
	}
	Shuffle(len(ballots), func(i, j int) { ballots[i], ballots[j] = ballots[j], ballots[i] })
	return counts, ballots, nil
}

// Shuffle permutes n elements uniformly at random (Fisher–Yates driven by
// crypto/rand), calling swap as math/rand's Shuffle does.
func Shuffle(n int, swap func(i, j int)) {
	var seed [32]byte
	rand.Read(seed[:])
	r := mrand.New(mrand.NewChaCha8(seed))
	r.Shuffle(n, swap)
}
