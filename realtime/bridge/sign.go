package bridge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// The centre's word, signed (docs/bridge.md, "Trust between the sites").
// Every site connects to the centre's leafnode listener. Per-site leaf
// users hold each site to its own subjects (natsbus.SitePermissions); with
// one shared user, or a site's stolen password, a compromised edge could
// still push forged records or answer requests. So the central nodes
// sign everything they send a site with one Ed25519 key they share (the
// bridge key), and an edge holds only its public half and drops what it
// cannot verify.
//
// A signed message is
//
//	"DSG1" | unix nanoseconds (8 bytes, big endian) | signature (64) | body
//
// and the signature covers
//
//	"dais-bridge-v1\x00" | subject | "\x00" | sha256(request) | time | body
//
// where subject is the push's meeting subject (dais.bridge.<meeting>.rec,
// whichever site's subject carries it, so a push cannot be moved to
// another meeting) or the request's (dais.site.<site>.…), and
// sha256(request) binds an answer to the one request it answers (every
// request of an edge carries a random nonce: a genuine answer replayed to
// another request, another site's or the same site's, does not verify). A
// push has no request: 32 zero bytes.

const (
	sigMagic  = "DSG1"
	sigHeader = len(sigMagic) + 8 + ed25519.SignatureSize
	sigDomain = "dais-bridge-v1\x00"
)

// ErrUnsigned is the refusal of a message from the centre without a valid
// signature of the bridge key.
var ErrUnsigned = errors.New("bridge: a message not signed by the centre's bridge key was refused")

func signedBytes(subject string, reqHash [32]byte, ts []byte, body []byte) []byte {
	m := make([]byte, 0, len(sigDomain)+len(subject)+1+32+8+len(body))
	m = append(m, sigDomain...)
	m = append(m, subject...)
	m = append(m, 0)
	m = append(m, reqHash[:]...)
	m = append(m, ts...)
	return append(m, body...)
}

// seal signs body as the centre's answer on subject to request (nil for a
// push).
func seal(key ed25519.PrivateKey, subject string, request []byte, body []byte, now time.Time) []byte {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(now.UnixNano()))
	sig := ed25519.Sign(key, signedBytes(subject, requestHash(request), ts[:], body))
	out := make([]byte, 0, sigHeader+len(body))
	out = append(out, sigMagic...)
	out = append(out, ts[:]...)
	out = append(out, sig...)
	return append(out, body...)
}

// open checks a signed message and returns its body.
func open(pub ed25519.PublicKey, subject string, request []byte, msg []byte) ([]byte, error) {
	return openAny([]ed25519.PublicKey{pub}, subject, request, msg)
}

// openAny checks a signed message against each of keys (a key rotation's
// old and new public halves) and returns its body.
func openAny(keys []ed25519.PublicKey, subject string, request []byte, msg []byte) ([]byte, error) {
	body, _, err := openAt(keys, subject, request, msg)
	return body, err
}

// openAt is openAny, with the time the centre signed the message at.
func openAt(keys []ed25519.PublicKey, subject string, request []byte, msg []byte) ([]byte, time.Time, error) {
	var valid []ed25519.PublicKey
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize {
			valid = append(valid, k)
		}
	}
	if len(valid) == 0 {
		return nil, time.Time{}, fmt.Errorf("%w (this edge has no centre key)", ErrUnsigned)
	}
	if len(msg) < sigHeader || string(msg[:len(sigMagic)]) != sigMagic {
		return nil, time.Time{}, fmt.Errorf("%w (unsigned)", ErrUnsigned)
	}
	ts := msg[len(sigMagic) : len(sigMagic)+8]
	sig := msg[len(sigMagic)+8 : sigHeader]
	body := msg[sigHeader:]
	signed := signedBytes(subject, requestHash(request), ts, body)
	for _, k := range valid {
		if ed25519.Verify(k, signed, sig) {
			return body, time.Unix(0, int64(binary.BigEndian.Uint64(ts))), nil
		}
	}
	return nil, time.Time{}, fmt.Errorf("%w (bad signature)", ErrUnsigned)
}

func requestHash(request []byte) [32]byte {
	if request == nil {
		return [32]byte{}
	}
	return sha256.Sum256(request)
}

// withNonce gives a JSON object request a random "nonce" member, so that
// no two requests are the same bytes (the centre ignores the member).
func withNonce(data []byte) []byte {
	if len(data) < 2 || data[0] != '{' {
		return data
	}
	var n [16]byte
	_, _ = rand.Read(n[:])
	out := make([]byte, 0, len(data)+48)
	out = append(out, `{"nonce":"`...)
	out = append(out, hex.EncodeToString(n[:])...)
	out = append(out, '"')
	if rest := strings.TrimSpace(string(data[1:])); rest != "}" {
		out = append(out, ',')
	}
	return append(out, data[1:]...)
}

// verifyingClient is the edge's Client with every answer and push checked
// against the centre's public key: what does not verify is logged and
// dropped, before anything reads it. A request waits on past answers it
// refused (a rogue site answering first) for one that verifies.
type verifyingClient struct {
	Client
	// keys are the centre's public keys the edge accepts: one, or during
	// a rotation of the bridge key the old and the new.
	keys []ed25519.PublicKey
	log  *slog.Logger
	// clock is the newest time (unix nanoseconds) the centre signed a
	// message at that the edge took: the centre's clock as the edge
	// knows it, for the age of a signal (the edge's own may be off).
	clock *atomic.Int64
}

// saw moves the centre's clock on to t.
func (c verifyingClient) saw(t time.Time) {
	for ns := t.UnixNano(); ; {
		old := c.clock.Load()
		if ns <= old || c.clock.CompareAndSwap(old, ns) {
			return
		}
	}
}

func (c verifyingClient) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	data = withNonce(data)
	var body []byte
	_, err := c.Client.RequestFirst(ctx, subject, data, func(out []byte) bool {
		b, at, err := openAt(c.keys, subject, data, out)
		if err != nil {
			c.log.Warn("refused an answer not signed by the centre", "subject", subject, "err", err)
			return false
		}
		c.saw(at)
		body = b
		return true
	})
	if err != nil {
		return nil, err
	}
	return body, nil
}

// Listen takes the pushes on a site's subject: each is signed for its
// meeting's push subject (the same bytes go to every site). A signal
// (dais.site.<site>.sig.<meeting>) must also be no older than
// signalMaxAge by the centre's clock, and is dropped before the edge has
// heard the centre at all.
func (c verifyingClient) Listen(subject string, f func(data []byte)) (func(), error) {
	signedAs, signal := subject, false
	if _, kind, id, ok := parseSubject(subject); ok {
		switch kind {
		case "rec":
			signedAs = pushSubject(id)
		case "sig":
			signedAs, signal = signalSubject(id), true
		}
	}
	return c.Client.Listen(subject, func(data []byte) {
		body, at, err := openAt(c.keys, signedAs, nil, data)
		switch {
		case err != nil && signal:
			c.log.Warn("dropped a signal not signed by the centre", "subject", subject, "err", err)
			return
		case err != nil:
			c.log.Warn("dropped a push not signed by the centre", "subject", subject, "err", err)
			return
		case signal:
			if now := c.clock.Load(); now == 0 || at.UnixNano() < now-int64(signalMaxAge) {
				c.log.Warn("dropped a stale signal of the centre (a replay?)", "subject", subject, "signed", at)
				return
			}
		}
		c.saw(at)
		f(body)
	})
}

// LoadOrCreateKey reads the bridge key (its 32-byte seed in hex) from
// path, or, when path does not exist, makes one there with mode 0600 (a
// lone central node at its first start).
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, key, _ := ed25519.GenerateKey(rand.Reader)
		_, werr := f.WriteString(hex.EncodeToString(key.Seed()) + "\n")
		if werr == nil {
			werr = f.Sync()
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("bridge: write the bridge key %s: %w", path, werr)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("bridge: create the bridge key %s: %w", path, err)
	}
	return LoadKey(path)
}

// LoadKey reads the bridge key from an existing file, refusing one that
// others may read or write.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bridge: the bridge key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("bridge: the bridge key %s may be read by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bridge: the bridge key: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("bridge: the bridge key %s: %w", path, err)
	}
	return k, nil
}

// ParseKey reads a bridge key: its 32-byte seed in hex.
func ParseKey(s string) (ed25519.PrivateKey, error) {
	seed, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("a bridge key is 64 hex digits (e.g. `openssl rand -hex 32`)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// PublicKeyString is the bridge key's public half as an edge is given it
// (-edge-centre-key): 64 hex digits.
func PublicKeyString(key ed25519.PrivateKey) string {
	return hex.EncodeToString(key.Public().(ed25519.PublicKey))
}

// ParsePublicKey reads a public key in the form PublicKeyString gives.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("bridge: the centre's key must be 64 hex digits (daisd logs it at start: \"bridge key\")")
	}
	return ed25519.PublicKey(b), nil
}
