package seal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PollSecrets keeps one random secret per open secret poll outside the
// store; a poll's key is sealed under the ballot key and its secret
// (NewPollKeyWith), and the secret is destroyed at the close. A copy of the
// store taken while the poll was open then stays closed even to someone who
// later obtains the ballot key: the secret it would also need is gone.
//
// SecretDir keeps them as files in one folder on the node's own disk, which
// is enough for a lone node. A cluster's nodes would need to share them
// (any node may close a poll), so the Redis backend uses none.
type PollSecrets interface {
	// Make returns the poll's secret, creating it (durably) the first time.
	Make(meeting, poll string) ([]byte, error)
	// Get returns the poll's secret, or an error wrapping fs.ErrNotExist.
	Get(meeting, poll string) ([]byte, error)
	// Delete destroys the poll's secret; deleting a missing one is no error.
	Delete(meeting, poll string) error
	// List returns the (meeting, poll) pairs that have a secret.
	List() ([][2]string, error)
}

// SecretDir is PollSecrets in a folder: one file per poll, mode 0600,
// holding the secret and the ids it belongs to.
type SecretDir struct{ dir string }

var _ PollSecrets = (*SecretDir)(nil)

// NewSecretDir returns the PollSecrets kept in dir, creating it (mode 0700).
func NewSecretDir(dir string) (*SecretDir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("seal: poll secrets: %w", err)
	}
	return &SecretDir{dir: dir}, nil
}

func (d *SecretDir) path(meeting, poll string) string {
	h := sha256.Sum256([]byte(meeting + "\x00" + poll))
	return filepath.Join(d.dir, hex.EncodeToString(h[:16]))
}

// Make returns the poll's secret, creating its file the first time (written
// and synced before Make returns).
func (d *SecretDir) Make(meeting, poll string) ([]byte, error) {
	if s, err := d.Get(meeting, poll); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	p := d.path(meeting, poll)
	tmp := p + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("seal: poll secret: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s\n%s\n%s\n", hex.EncodeToString(secret), hex.EncodeToString([]byte(meeting)), hex.EncodeToString([]byte(poll)))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err == nil {
		err = syncDir(d.dir)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("seal: poll secret: %w", err)
	}
	return secret, nil
}

// Get returns the poll's secret.
func (d *SecretDir) Get(meeting, poll string) ([]byte, error) {
	secret, m, p, err := readSecret(d.path(meeting, poll))
	if err != nil {
		return nil, err
	}
	if m != meeting || p != poll {
		return nil, fmt.Errorf("seal: poll secret file of %s/%s names %s/%s", meeting, poll, m, p)
	}
	return secret, nil
}

// Delete destroys the poll's secret: the file is overwritten with zeros,
// synced and removed.
func (d *SecretDir) Delete(meeting, poll string) error {
	p := d.path(meeting, poll)
	if fi, err := os.Stat(p); err == nil {
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			f.Write(make([]byte, fi.Size()))
			f.Sync()
			f.Close()
		}
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("seal: delete poll secret: %w", err)
	}
	return syncDir(d.dir)
}

// List returns the polls that have a secret.
func (d *SecretDir) List() ([][2]string, error) {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("seal: poll secrets: %w", err)
	}
	var out [][2]string
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		if _, m, p, err := readSecret(filepath.Join(d.dir, e.Name())); err == nil {
			out = append(out, [2]string{m, p})
		}
	}
	return out, nil
}

func readSecret(path string) (secret []byte, meeting, poll string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", fmt.Errorf("seal: poll secret: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		return nil, "", "", fmt.Errorf("seal: poll secret %s: unreadable", path)
	}
	var parts [3][]byte
	for i, l := range lines {
		if parts[i], err = hex.DecodeString(l); err != nil {
			return nil, "", "", fmt.Errorf("seal: poll secret %s: unreadable", path)
		}
	}
	if len(parts[0]) != 32 {
		return nil, "", "", fmt.Errorf("seal: poll secret %s: unreadable", path)
	}
	return parts[0], string(parts[1]), string(parts[2]), nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
